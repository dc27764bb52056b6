/**
 * The embedded store (the default): PGlite, PostgreSQL compiled to WASM,
 * running in this process and persisting under the data dir
 * (`STEWARDS_DATA_DIR`, default `./.data`, files in `<dataDir>/ledger`), or in
 * memory for `memory://`.
 *
 * Why PGlite rather than SQLite:
 * - One SQL dialect. The PostgreSQL store (DATABASE_URL) runs the very same
 *   migrations and queries (sql.ts) through the very same class
 *   (sql-store.ts); one contract suite (test/store/store-contract.ts) tests
 *   both. With SQLite every query, upsert and migration would be written
 *   twice and could drift.
 * - No native build: it is WASM, so `npm ci` needs no compiler, no prebuilt
 *   binary download (which this project's CI cannot fetch), and works on any
 *   Node >= 20 (node:sqlite does not exist on Node 20 and is experimental on 22;
 *   better-sqlite3 needs a native build or a prebuilt download).
 * - Its costs, measured with `bench/store.ts` on this project's 2-core
 *   machine (Node 20, other jobs running; ranges over several runs), next to
 *   PostgreSQL 15 on the same machine through the same class:
 *     open a fresh on-disk store (initdb + migrations)  2.5-3.6 s   (once per data dir)
 *     reopen an on-disk store                           0.12-0.45 s (PostgreSQL: connect+migrate 0.03 s)
 *     upsert 10,000 PRs + 20,000 reviews, 100 pages     0.8-1.4 s   (PostgreSQL 0.9 s)
 *     list 100,000 contributions (50k PRs + 50k reviews) 0.75-0.85 s (PostgreSQL 0.45-0.7 s)
 *     resident memory: ~180 MB after a reopen; ~800 MB at the peak of the
 *     first initdb (WASM memory does not shrink, so the very first run of
 *     a new data dir keeps ~350 MB even after a close and reopen).
 *   Startup is the price; it is paid once per process, and every ledger
 *   operation after it is fast enough never to dominate a webhook or sweep.
 *   Lists come back as one JSON document built by SQL (sql.ts): PGlite
 *   decodes rows in JavaScript, and row-per-record listing was 2-3x slower.
 * - Limits: one process per data dir (PGlite is single-user PostgreSQL); run
 *   several replicas on PostgreSQL instead. Queries are serialised inside the
 *   process (one PGlite session, on a worker thread of its own: pglite-thread.ts).
 *   PGlite never calls fsync (it runs with `fsync = off` and ignores a setting
 *   to turn it on; checked with strace): a crash or kill of the process loses
 *   nothing written, a power loss or kernel crash may lose the last seconds.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { SQL } from "./sql.js";
import { openPGliteThread, type EmbeddedDatabase } from "./pglite-thread.js";
import { PriorityGate } from "./priority-gate.js";
import { migrate, SqlLedgerStore, type SqlClient, type SqlDriver, type StoreLog } from "./sql-store.js";

export type { EmbeddedDatabase } from "./pglite-thread.js";

export const MEMORY = "memory://";

/**
 * PostgreSQL's default 128 MB of shared buffers made a reopened store sit at
 * ~310 MB resident; 16 MB brings it to ~180 MB with no measurable change in
 * the bench/store.ts timings (the ledger's working set is small).
 * `wal_init_zero = off`: PGlite runs one statement at a time, and
 * zero-filling each new 16 MB WAL segment held up webhook acknowledgements
 * for up to ~1.5 s (observed, when PGlite still ran on the main thread)
 * every few hundred queued deliveries (each job row is rewritten as it
 * moves from queued to done); without it a new segment is allocated by
 * writing its last byte.
 */
const EMBEDDED_CONF = "shared_buffers = 16MB\nwal_init_zero = off";

function clientOf(db: EmbeddedDatabase): SqlClient {
  return {
    async query<R>(text: string, params?: readonly unknown[]) {
      return (await db.query<R>(text, params)).rows;
    },
    async exec(script: string) {
      await db.exec(script);
    },
  };
}

const gates = new WeakMap<EmbeddedDatabase, PriorityGate>();

/** The one gate of an embedded database, shared by the store's driver and the queue's adapter. */
function gateOf(db: EmbeddedDatabase): PriorityGate {
  let gate = gates.get(db);
  if (!gate) gates.set(db, (gate = new PriorityGate()));
  return gate;
}

export function pgliteDriver(db: EmbeddedDatabase): SqlDriver {
  const gate = gateOf(db);
  const direct = clientOf(db);
  return {
    query: (text, params) => gate.run(() => direct.query(text, params)),
    exec: (script) => gate.run(() => direct.exec(script)),
    // The whole transaction holds the gate, so nothing else reaches the one
    // PGlite session between BEGIN and COMMIT; its statements go straight through.
    transaction: <T>(fn: (tx: SqlClient) => Promise<T>) =>
      gate.run(async () => {
        await db.exec("BEGIN");
        let result: T;
        try {
          result = await fn(direct);
        } catch (err) {
          await db.exec("ROLLBACK").catch(() => undefined);
          throw err;
        }
        await db.exec("COMMIT");
        return result;
      }),
    close: () => db.close(),
  };
}

/** Where PGlite keeps its files inside the data dir (other state may sit beside it later). */
export function ledgerDir(dataDir: string): string {
  return dataDir === MEMORY ? MEMORY : join(dataDir, "ledger");
}

/**
 * Opens (creating when absent) the PGlite database under `dataDir`, or an
 * in-memory one for `memory://`, on a worker thread of its own (see pglite-thread.ts).
 */
export async function openEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  const dir = ledgerDir(dataDir);
  if (dir !== MEMORY) await mkdir(dir, { recursive: true });
  return openPGliteThread(dir, { postgresqlconf: EMBEDDED_CONF });
}

/**
 * The store on an open PGlite database, migrated. The store owns `db` from
 * here: its `close()` closes the database, and a failed migration closes it.
 */
export async function embeddedStoreOn(db: EmbeddedDatabase, log?: StoreLog): Promise<SqlLedgerStore> {
  const driver = pgliteDriver(db);
  try {
    await migrate(driver, log);
    // Only one process opens an embedded store, so every lease left in it was
    // held by a process that is gone (killed mid-work): free them now, rather
    // than have the retried work find its predecessor's lease and wait for it
    // to expire (up to the lease's ttl).
    await driver.query(SQL.releaseAllLeases, []);
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return new SqlLedgerStore(driver);
}

/**
 * Opens (creating when absent) the embedded store under `dataDir`, or an
 * in-memory one for `memory://`, and applies pending migrations.
 */
export async function openEmbeddedStore(opts: { dataDir: string; log?: StoreLog }): Promise<SqlLedgerStore> {
  return embeddedStoreOn(await openEmbeddedDatabase(opts.dataDir), opts.log);
}

/**
 * pg-boss's database adapter over the same PGlite instance (the embedded
 * queue's tables live in the store's database). Statements with parameters
 * go through `query`; scripts without (pg-boss's schema creation is several
 * statements in one string) through `exec`, answering the last statement's rows.
 */
export function pgliteSqlExecutor(db: EmbeddedDatabase): { executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> } {
  const gate = gateOf(db);
  return {
    executeSql: (text: string, values?: unknown[]) =>
      gate.run(async () => {
        if (values && values.length > 0) return { rows: (await db.query(text, values)).rows };
        const results = await db.exec(text);
        return { rows: results[results.length - 1]?.rows ?? [] };
      }),
  };
}
