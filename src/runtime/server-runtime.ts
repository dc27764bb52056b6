/**
 * What the server process builds once at start, before Probot: the logger
 * (redaction, delivery id on every line), the metrics, the octokit class
 * (rate-limit budget reported to those metrics) and the installation
 * directory. bin/start.ts hands the logger and the octokit class to Probot's
 * `run` and the rest to the app's Services.
 */
import type { Logger } from "pino";
import { ContentBudget } from "../github/content-budget.js";
import { InstallationAccountCache, type InstallationAccounts } from "../github/installation-accounts.js";
import { appOctokit, type AppOctokitClass } from "../github/octokit-options.js";
import { createAppLogger } from "./app-logger.js";
import { Metrics } from "./metrics.js";

export interface ServerRuntime {
  log: Logger;
  Octokit: AppOctokitClass;
  metrics: Metrics;
  installationAccounts: InstallationAccounts;
  /** The content budget of every octokit of `Octokit`; shared through the store once it is open (`ContentBudget.share`). */
  contentBudget: ContentBudget;
}

export async function serverRuntime(env: NodeJS.ProcessEnv): Promise<ServerRuntime> {
  const metrics = new Metrics();
  const contentBudget = new ContentBudget();
  return {
    log: await createAppLogger(env),
    Octokit: appOctokit({ observer: metrics.octokitObserver(), budget: contentBudget }),
    metrics,
    installationAccounts: new InstallationAccountCache(),
    contentBudget,
  };
}
