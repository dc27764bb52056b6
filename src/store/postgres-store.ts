/**
 * The PostgreSQL store, used when DATABASE_URL is set so that several replicas
 * share one ledger and one set of claimed deliveries. Same SQL and same class
 * as the embedded store (sql.ts, sql-store.ts); only the driver differs.
 */
import pg from "pg";
import { migrate, SqlLedgerStore, type SqlClient, type SqlDriver, type StoreLog } from "./sql-store.js";

function clientOf(q: pg.Pool | pg.PoolClient): SqlClient {
  return {
    async query<R>(text: string, params?: readonly unknown[]) {
      const res = await q.query(text, params ? [...params] : undefined);
      return res.rows as R[];
    },
    async exec(script: string) {
      // No parameters: pg uses the simple protocol, which accepts several statements.
      await q.query(script);
    },
  };
}

export function postgresDriver(pool: pg.Pool): SqlDriver {
  const base = clientOf(pool);
  return {
    ...base,
    async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      const conn = await pool.connect();
      try {
        await conn.query("BEGIN");
        const result = await fn(clientOf(conn));
        await conn.query("COMMIT");
        return result;
      } catch (err) {
        await conn.query("ROLLBACK").catch(() => undefined);
        throw err;
      } finally {
        conn.release();
      }
    },
    close: () => pool.end(),
  };
}

/**
 * Connects to PostgreSQL, applies pending migrations (safe when replicas start
 * together: an advisory lock serialises them) and returns the store.
 * Rejects when the database cannot be reached.
 */
export async function openPostgresStore(opts: { databaseUrl: string; log?: StoreLog; max?: number }): Promise<SqlLedgerStore> {
  const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.max ?? 10 });
  // An idle client that loses its connection emits 'error' on the pool; without
  // a listener that would crash the process. The next query reconnects.
  pool.on("error", (err) => opts.log?.warn({ err }, "idle PostgreSQL connection failed"));
  const driver = postgresDriver(pool);
  try {
    await migrate(driver, opts.log);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  return new SqlLedgerStore(driver);
}
