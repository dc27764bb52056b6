/**
 * `npm start`: the server an operator runs. Reads the operating contract
 * (README, `.env.example`), opens the store and the job queue (embedded
 * PGlite, or PostgreSQL when DATABASE_URL is set) and hands the app to
 * Probot's `run`, which shows the setup page when APP_ID/PRIVATE_KEY are
 * missing and serves webhooks otherwise: each delivery is acknowledged once
 * its work is queued, and this process's workers run the queue.
 */
import { run } from "probot";
import { createApp } from "../src/index.js";
import { readSettings, SettingsError } from "../src/runtime/settings.js";
import { serverRuntime } from "../src/runtime/server-runtime.js";
import { workerId, type Services } from "../src/runtime/services.js";
import { openStoreAndQueue } from "../src/queue/open-queue.js";

async function main(): Promise<void> {
  const settings = readSettings(process.env);
  if (process.env.NODE_ENV === "production" && !process.env.WEBHOOK_SECRET) {
    // Probot would silently fall back to the secret "development".
    throw new SettingsError("WEBHOOK_SECRET must be set when NODE_ENV=production");
  }
  // Logger with redaction, metrics, and the rate-limit-aware octokit (src/runtime/server-runtime.ts).
  const runtime = await serverRuntime(process.env);
  const hasCredentials = !!process.env.APP_ID && !!(process.env.PRIVATE_KEY || process.env.PRIVATE_KEY_PATH);
  if (!hasCredentials) {
    // Setup mode: Probot serves its setup page; the app itself is not loaded.
    await run(() => undefined, { log: runtime.log });
    return;
  }
  const { store, queue } = await openStoreAndQueue({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir, log: runtime.log.child({ component: "state" }) });
  // Replicas on one store keep one content budget per installation (80/min, 500/h), and a restart remembers the last hour's.
  const budgetLog = runtime.log.child({ component: "content-budget" });
  let budgetWarnedAt = 0;
  runtime.contentBudget.share(store, (err) => {
    // At most one line a minute while the store is out: every content request would otherwise log one.
    if (Date.now() - budgetWarnedAt < 60_000) return;
    budgetWarnedAt = Date.now();
    budgetLog.warn({ err }, "the shared content budget could not be read; counting this process's requests alone until the store answers");
  });
  runtime.metrics.setQueueSource(async () => {
    const stats = await queue.stats();
    return { depth: stats.queued + stats.active, oldestAgeSeconds: stats.oldestQueuedSeconds };
  });
  const services: Services = {
    store,
    queue,
    settings,
    clock: () => new Date(),
    background: new Set(),
    metrics: runtime.metrics,
    installationAccounts: runtime.installationAccounts,
    serverKind: runtime.serverKind,
    holder: workerId(),
  };
  const server = await run(createApp(services, { sweep: true }), { log: runtime.log, Octokit: runtime.Octokit });
  const shutdown = async () => {
    await server.stop().catch(() => undefined);
    // Running jobs get a few seconds; any still running is retried by the next process.
    await queue.stop({ timeoutMs: 8000 }).catch(() => undefined);
    await Promise.allSettled([...services.background]);
    await store.close().catch(() => undefined);
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown());
  process.once("SIGINT", () => void shutdown());
}

main().catch((err: unknown) => {
  console.error(err instanceof SettingsError ? `stewards: ${err.message}` : err);
  process.exit(1);
});
