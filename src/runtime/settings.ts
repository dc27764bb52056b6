/**
 * The operating contract (SPEC.md section 3): every environment variable the
 * app reads beyond Probot's own (APP_ID, PRIVATE_KEY[_PATH], WEBHOOK_SECRET,
 * PORT, HOST, GHE_HOST, GHE_PROTOCOL, LOG_LEVEL are read by Probot itself).
 * This is the only module that reads `process.env` for the app.
 */
import { parseDuration } from "../config/duration.js";

export interface Settings {
  /** APP_ID (read by Probot too): part of every delivery's de-duplication key; null in setup mode. */
  appId: string | null;
  /** PostgreSQL connection string; null selects the embedded store. */
  databaseUrl: string | null;
  /** Where the embedded store keeps its files. */
  dataDir: string;
  /** How often the periodic sweep runs, in milliseconds. */
  sweepIntervalMs: number;
  /** True: make no writes to GitHub anywhere, log what would be done. */
  dryRun: boolean;
  /** Base URL for links to people and repositories (github.com or the GHES host). */
  webUrl: string;
  /**
   * STEWARDS_PUBLIC_URL: where people reach this app's server (e.g.
   * https://stewards.example.org), without a trailing slash; replies link
   * to the health pages under it. Absent when not set: no such links.
   */
  publicUrl?: string;
  /** STEWARDS_ONBOARDING: false opens no onboarding pull requests (default: on; absent means on). */
  onboarding?: boolean;
}

export class SettingsError extends Error {}

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const sweep = env.SWEEP_INTERVAL?.trim() || "15m";
  let sweepIntervalMs: number;
  try {
    sweepIntervalMs = parseDuration(sweep);
  } catch {
    throw new SettingsError(`SWEEP_INTERVAL=${JSON.stringify(sweep)} is not a duration such as 15m, 30s or 1h`);
  }
  if (sweepIntervalMs < 1000) throw new SettingsError("SWEEP_INTERVAL must be at least 1s");
  const dry = (env.STEWARDS_DRY_RUN ?? "false").trim().toLowerCase();
  if (!["true", "false", "1", "0", ""].includes(dry)) {
    throw new SettingsError(`STEWARDS_DRY_RUN must be true or false, not ${JSON.stringify(env.STEWARDS_DRY_RUN)}`);
  }
  const onboarding = (env.STEWARDS_ONBOARDING ?? "true").trim().toLowerCase();
  if (!["true", "false", "1", "0", ""].includes(onboarding)) {
    throw new SettingsError(`STEWARDS_ONBOARDING must be true or false, not ${JSON.stringify(env.STEWARDS_ONBOARDING)}`);
  }
  const host = env.GHE_HOST?.trim();
  const protocol = env.GHE_PROTOCOL?.trim() || "https";
  const publicUrl = env.STEWARDS_PUBLIC_URL?.trim().replace(/\/+$/, "");
  if (publicUrl && !/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/i.test(publicUrl)) {
    throw new SettingsError(`STEWARDS_PUBLIC_URL must be an http(s) address such as https://stewards.example.org, not ${JSON.stringify(env.STEWARDS_PUBLIC_URL)}`);
  }
  return {
    appId: env.APP_ID?.trim() || null,
    databaseUrl: env.DATABASE_URL?.trim() || null,
    dataDir: env.STEWARDS_DATA_DIR?.trim() || "./.data",
    sweepIntervalMs,
    dryRun: dry === "true" || dry === "1",
    webUrl: host ? `${protocol}://${host}` : "https://github.com",
    ...(publicUrl ? { publicUrl } : {}),
    onboarding: !(onboarding === "false" || onboarding === "0"),
  };
}

/**
 * Whether GHE_HOST points the app (through Probot) at a host other than
 * api.github.com: GitHub Enterprise Server, or a github.com-compatible proxy.
 * Only a hint — the server's answers tell which (github/server-kind.ts).
 */
export function usesEnterpriseHost(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.GHE_HOST?.trim());
}
