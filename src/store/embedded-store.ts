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
 *   Node >= 20 (node:sqlite is experimental on Node 20 / 22).
 * - Its costs, measured by `bench/store.ts` on the 2-core CI machine
 *   (Node 20):
 *     fresh on-disk store (initdb + migrations) ...... ~3.9 s, once per data dir
 *     reopen of an existing on-disk store ............ ~0.3 s
 *     upsert 10,000 PRs + 20,000 reviews ............. ~1.0 s (batches of 100, as backfill writes)
 *     list 100,000 contributions (50k PRs + 50k reviews) ~0.8 s
 *   Startup is the price (initdb of a fresh data dir takes seconds, paid once);
 *   everything after is fast enough that the ledger never dominates a
 *   webhook or a sweep.
 * - Limits: one process per data dir (PGlite is single-user PostgreSQL); run
 *   several replicas on PostgreSQL instead. Queries are serialised inside the
 *   process, which the app's load does not notice.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { migrate, SqlLedgerStore, type SqlClient, type SqlDriver, type StoreLog } from "./sql-store.js";

export const MEMORY = "memory://";

function clientOf(q: PGlite | Transaction): SqlClient {
  return {
    async query<R>(text: string, params?: readonly unknown[]) {
      const res = await q.query<R>(text, params ? [...params] : undefined);
      return res.rows;
    },
    async exec(script: string) {
      await q.exec(script);
    },
  };
}

export function pgliteDriver(db: PGlite): SqlDriver {
  return {
    ...clientOf(db),
    transaction: <T>(fn: (tx: SqlClient) => Promise<T>) => db.transaction((tx) => fn(clientOf(tx))),
    close: () => db.close(),
  };
}

/** Where PGlite keeps its files inside the data dir (other state may sit beside it later). */
export function ledgerDir(dataDir: string): string {
  return dataDir === MEMORY ? MEMORY : join(dataDir, "ledger");
}

/**
 * Opens (creating when absent) the embedded store under `dataDir`, or an
 * in-memory one for `memory://`, and applies pending migrations.
 */
export async function openEmbeddedStore(opts: { dataDir: string; log?: StoreLog }): Promise<SqlLedgerStore> {
  const dir = ledgerDir(opts.dataDir);
  if (dir !== MEMORY) await mkdir(dir, { recursive: true });
  const db = await PGlite.create(dir);
  const driver = pgliteDriver(db);
  try {
    await migrate(driver, opts.log);
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return new SqlLedgerStore(driver);
}
