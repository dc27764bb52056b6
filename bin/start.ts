/**
 * `npm start`: the server an operator runs. Reads the operating contract
 * (README, `.env.example`), opens the store (embedded PGlite, or PostgreSQL
 * when DATABASE_URL is set) and hands the app to Probot's `run`, which shows
 * the setup page when APP_ID/PRIVATE_KEY are missing and serves webhooks
 * otherwise.
 */
import { run } from "probot";
import { createApp } from "../src/index.js";
import { readSettings, SettingsError } from "../src/runtime/settings.js";
import { serverRuntime } from "../src/runtime/server-runtime.js";
import type { Services } from "../src/runtime/services.js";
import { openStore } from "../src/store/open-store.js";

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
  const store = await openStore({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir });
  const services: Services = { store, settings, clock: () => new Date(), background: new Set(), metrics: runtime.metrics, installationAccounts: runtime.installationAccounts };
  const server = await run(createApp(services, { sweep: true }), { log: runtime.log, Octokit: runtime.Octokit });
  const shutdown = async () => {
    await server.stop().catch(() => undefined);
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
