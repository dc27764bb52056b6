/**
 * An installation's GitHub client built the way the server builds it: the
 * app's octokit class (`appOctokit`) handed to `new Probot`, then
 * `probot.auth(installationId)`. Probot passes its own options (throttle
 * handlers, logger, auth strategy) to every installation's octokit, so a
 * class instantiated alone does not show what the running server does.
 * No jest globals: benchmarks use this too.
 */
import { pino, type Logger } from "pino";
import { Probot } from "probot";
import { ContentBudget } from "../../src/github/content-budget.js";
import { appOctokit, type OctokitPolicy } from "../../src/github/octokit-options.js";
import type { FakeGitHub } from "../fake-github/server.js";
import { testPrivateKey } from "./keys.js";

export type InstallationClient = Awaited<ReturnType<Probot["auth"]>>;

export interface ProbotClientOptions {
  policy?: OctokitPolicy;
  /** Probot's logger (default: silent). */
  log?: Logger;
  /** Fetch the installation token now (one request) and forget the fake's log of both, so the test's request log starts empty. Default true. */
  warm?: boolean;
}

export async function probotInstallationClient(fake: FakeGitHub, installationId: number, opts: ProbotClientOptions = {}): Promise<InstallationClient> {
  const probot = new Probot({ appId: 1, privateKey: testPrivateKey(), baseUrl: fake.apiUrl, Octokit: appOctokit(opts.policy), log: opts.log ?? pino({ level: "silent" }) });
  const octokit = await probot.auth(installationId);
  if (opts.warm !== false) {
    // Any request made through the client exchanges the token (a direct `octokit.auth()` would ask api.github.com: Probot gives the strategy no baseUrl).
    await octokit.request("GET /installation/repositories", { per_page: 1 });
    fake.resetLog();
  }
  return octokit;
}

/** A policy for adapter tests that count requests: no pacing and no rate-limit handling, so requests go out as the code makes them. */
export function unpacedPolicy(): OctokitPolicy {
  return { throttle: false, budget: new ContentBudget([{ max: Number.MAX_SAFE_INTEGER, windowMs: 1 }]), serverErrorRetries: 0 };
}

/**
 * A client authenticated with a plain token, built by Probot as it builds one
 * for `githubToken` (the app's class, Probot's options on top), for tests that
 * answer GitHub with recorded responses (nock, api.github.com). Unpaced by
 * default, so requests go out exactly as the code makes them.
 */
export function probotTokenClient(opts: { policy?: OctokitPolicy; token?: string } = {}): Promise<InstallationClient> {
  const probot = new Probot({ githubToken: opts.token ?? "test", Octokit: appOctokit(opts.policy ?? unpacedPolicy()), log: pino({ level: "silent" }) });
  return probot.auth();
}

/** A Probot for sweep-level handler tests against the fake: app 1, the app's own octokit class unpaced, quiet. */
export function probotAgainst(fake: FakeGitHub): Probot {
  return new Probot({ appId: 1, privateKey: testPrivateKey(), baseUrl: fake.apiUrl, Octokit: appOctokit(unpacedPolicy()), logLevel: "fatal" });
}
