/**
 * Handler-test harness: a real Probot with the app loaded, an in-memory
 * store, and octokit with throttling and retries off so nock sees exactly the
 * requests the handler makes.
 */
import { Probot, ProbotOctokit } from "probot";
import { createApp } from "../../src/index.js";
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

export async function makeProbot(opts: { now?: Date; dryRun?: boolean } = {}): Promise<{ probot: Probot; services: Services }> {
  const store = await openStore({ databaseUrl: null, dataDir: "memory://" });
  const settings = { ...readSettings({}), dryRun: opts.dryRun ?? false };
  const services: Services = { store, settings, clock: () => opts.now ?? new Date(), background: new Set() };
  const probot = new Probot({
    appId: 1,
    privateKey: testPrivateKey(),
    Octokit: ProbotOctokit.defaults({ throttle: { enabled: false }, retry: { enabled: false } }),
    logLevel: (process.env.TEST_LOG_LEVEL as "fatal") ?? "fatal",
  });
  opened.push(services);
  await probot.load(createApp(services, { http: false }));
  return { probot, services };
}

export const tokenReply = { token: "test-token", expires_at: "2099-01-01T00:00:00Z", permissions: {} };
