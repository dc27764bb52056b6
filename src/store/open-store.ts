/**
 * Chooses the store: PostgreSQL when a database URL is given, the embedded
 * PGlite store otherwise. Reads nothing from the environment; the caller
 * (bin/start.ts via runtime/settings.ts) passes DATABASE_URL and
 * STEWARDS_DATA_DIR in.
 */
import { openEmbeddedStore } from "./embedded-store.js";
import { openPostgresStore } from "./postgres-store.js";
import type { StoreLog } from "./sql-store.js";
import type { LedgerStore } from "./store.js";

export const DEFAULT_DATA_DIR = "./.data";

export interface OpenStoreOptions {
  /** PostgreSQL connection string; null/absent selects the embedded store. */
  databaseUrl?: string | null;
  /** Embedded store's directory (default `./.data`), or `memory://` for a throwaway in-memory store. */
  dataDir?: string;
  log?: StoreLog;
}

/** Opens and migrates the store; rejects when it cannot be opened. */
export async function openStore(opts: OpenStoreOptions): Promise<LedgerStore> {
  if (opts.databaseUrl) {
    const store = await openPostgresStore({ databaseUrl: opts.databaseUrl, log: opts.log });
    opts.log?.info({ store: "postgresql" }, "store opened");
    return store;
  }
  const dataDir = opts.dataDir ?? DEFAULT_DATA_DIR;
  const store = await openEmbeddedStore({ dataDir, log: opts.log });
  opts.log?.info({ store: "embedded", dataDir }, "store opened");
  return store;
}
