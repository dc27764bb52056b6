/**
 * Handler-test harness: a real Probot with the app loaded, an in-memory
 * store, and octokit with throttling and retries off so nock sees exactly the
 * requests the handler makes.
 */
import type { Logger } from "pino";
import { Probot } from "probot";
import { appOctokit } from "../../src/github/octokit-options.js";
import { unpacedPolicy } from "../support/probot-client.js";
import type { InstallationAccount, InstallationAccounts } from "../../src/github/installation-accounts.js";
import { createApp } from "../../src/index.js";
import { Metrics } from "../../src/runtime/metrics.js";
import type { Services } from "../../src/runtime/services.js";
import { readSettings } from "../../src/runtime/settings.js";
import { openStore } from "../../src/store/open-store.js";
import { testPrivateKey } from "../support/keys.js";

export const API = "https://api.github.com";

const opened: Services[] = [];

/** Closes every store opened by `makeProbot` (call from afterEach/afterAll so Jest can exit). */
export async function closeProbots(): Promise<void> {
  const all = opened.splice(0);
  await Promise.all(all.map(async (s) => {
    await Promise.allSettled([...s.background]);
    await s.store.close();
  }));
}

/**
 * The installation directory of handler tests: every installation belongs to
 * `acme`, the owner of every test repository, so tests of other handlers need
 * not answer the scope check's lookup. Tests of the scope check pass a real
 * `InstallationAccountCache` instead.
 */
export class AllInstallationsOf implements InstallationAccounts {
  constructor(private readonly account: InstallationAccount = { id: 1, login: "acme" }) {}
  async accountOf(): Promise<InstallationAccount> {
    return this.account;
  }
  remember(): void {}
}

/** One call of the access sync, as a handler test records it. */
export type AccessSyncCall = Parameters<NonNullable<Services["keepAccess"]>>[2];

/**
 * `accessSyncs` (when given) records each access sync instead of running it: tests of other
 * concerns need not answer its reads (test/usecases/keep-access.test.ts and the e2e tests cover it).
 */
export async function makeProbot(
  opts: { now?: Date; dryRun?: boolean; installationAccounts?: InstallationAccounts; log?: Logger; accessSyncs?: AccessSyncCall[] } = {},
): Promise<{ probot: Probot; services: Services }> {
  const store = await openStore({ databaseUrl: null, dataDir: "memory://" });
  const settings = { ...readSettings({}), dryRun: opts.dryRun ?? false };
  const services: Services = {
    store,
    settings,
    clock: () => opts.now ?? new Date(),
    background: new Set(),
    metrics: new Metrics({ defaultMetrics: false }),
    installationAccounts: opts.installationAccounts ?? new AllInstallationsOf(),
    ...(opts.accessSyncs ? { keepAccess: async (_octokit, _log, input) => void opts.accessSyncs!.push(input) } : {}),
  };
  const probot = new Probot({
    appId: 1,
    privateKey: testPrivateKey(),
    Octokit: appOctokit(unpacedPolicy()),
    ...(opts.log ? { log: opts.log } : { logLevel: (process.env.TEST_LOG_LEVEL as "fatal") ?? "fatal" }),
  });
  opened.push(services);
  await probot.load(createApp(services, { http: false }));
  return { probot, services };
}

export const tokenReply = { token: "test-token", expires_at: "2099-01-01T00:00:00Z", permissions: {} };
