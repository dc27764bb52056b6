/**
 * What the server process builds once at start, before Probot: the logger
 * (redaction, delivery id on every line), the metrics, the octokit class
 * (rate-limit budget reported to those metrics; every answer shown to the
 * server-kind probe, which tells github.com from GHES) and the installation
 * directory. bin/start.ts hands the logger and the octokit class to Probot's
 * `run` and the rest to the app's Services.
 */
import type { Logger } from "pino";
import { ContentBudget } from "../github/content-budget.js";
import { InstallationAccountCache, type InstallationAccounts } from "../github/installation-accounts.js";
import { appOctokit, type AppOctokitClass } from "../github/octokit-options.js";
import { ServerKindProbe, withServerKind } from "../github/server-kind.js";
import { createAppLogger } from "./app-logger.js";
import { Metrics } from "./metrics.js";
import { usesEnterpriseHost } from "./settings.js";

export interface ServerRuntime {
  log: Logger;
  Octokit: AppOctokitClass;
  metrics: Metrics;
  installationAccounts: InstallationAccounts;
  /** The content budget of every octokit of `Octokit`; shared through the store once it is open (`ContentBudget.share`). */
  contentBudget: ContentBudget;
  /** github.com or GitHub Enterprise Server, learnt from the answers every octokit of `Octokit` gets. */
  serverKind: ServerKindProbe;
}

export async function serverRuntime(env: NodeJS.ProcessEnv): Promise<ServerRuntime> {
  const metrics = new Metrics();
  const contentBudget = new ContentBudget();
  const serverKind = new ServerKindProbe(usesEnterpriseHost(env));
  return {
    log: await createAppLogger(env),
    Octokit: withServerKind(appOctokit({ observer: metrics.octokitObserver(), budget: contentBudget }), serverKind),
    serverKind,
    metrics,
    installationAccounts: new InstallationAccountCache(),
    contentBudget,
  };
}
