/**
 * Opens the store and the queue together, on one database: the embedded
 * PGlite (queue tables beside the ledger, in the same data dir) or
 * PostgreSQL when a database URL is given (the queue on its own small pool).
 * Reads nothing from the environment (bin/start.ts passes the settings in).
 */
import { embeddedStoreOn, openEmbeddedDatabase, pgliteSqlExecutor } from "../store/embedded-store.js";
import { DEFAULT_DATA_DIR } from "../store/open-store.js";
import { openPostgresStore } from "../store/postgres-store.js";
import type { StoreLog } from "../store/sql-store.js";
import type { LedgerStore } from "../store/store.js";
import type { JobQueue } from "./job-queue.js";
import { PgBossJobQueue, type QueueTimings } from "./pg-boss-queue.js";

export interface OpenStateOptions {
  databaseUrl?: string | null;
  dataDir?: string;
  log?: StoreLog & { error(obj: object, msg?: string): void };
  /** pg-boss schema (default "pgboss"); tests give each run its own. */
  queueSchema?: string;
  timings?: Partial<QueueTimings>;
}

/** Opens and migrates both; rejects (leaving nothing open) when either cannot be opened. */
export async function openStoreAndQueue(opts: OpenStateOptions): Promise<{ store: LedgerStore; queue: JobQueue }> {
  const onError = (err: unknown) => opts.log?.error({ err }, "job queue error");
  if (opts.databaseUrl) {
    const store = await openPostgresStore({ databaseUrl: opts.databaseUrl, log: opts.log });
    try {
      const queue = await PgBossJobQueue.open({
        connectionString: opts.databaseUrl,
        schema: opts.queueSchema,
        singleProcess: false,
        timings: opts.timings,
        onError,
      });
      opts.log?.info({ store: "postgresql", queue: "pg-boss" }, "store and queue opened");
      return { store, queue };
    } catch (err) {
      await store.close().catch(() => undefined);
      throw err;
    }
  }
  const dataDir = opts.dataDir ?? DEFAULT_DATA_DIR;
  const db = await openEmbeddedDatabase(dataDir);
  const store = await embeddedStoreOn(db, opts.log);
  try {
    // One process per data dir (PGlite is single-user), so abandoned jobs are recovered at start.
    const queue = await PgBossJobQueue.open({ db: pgliteSqlExecutor(db), schema: opts.queueSchema, singleProcess: true, timings: opts.timings, onError });
    opts.log?.info({ store: "embedded", queue: "pg-boss on PGlite", dataDir }, "store and queue opened");
    return { store, queue };
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
}
