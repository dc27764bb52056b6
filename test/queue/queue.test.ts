/**
 * Runs the queue contract against pg-boss on the embedded PGlite, and on
 * PostgreSQL when TEST_DATABASE_URL is set (`.ci/run` sets it; locally
 * `export "$(bash scripts/ci-postgres.sh)"`). Each test's queue lives in its
 * own pg-boss schema, dropped afterwards.
 */
import pg from "pg";
import { MEMORY, openEmbeddedDatabase, pgliteSqlExecutor, type EmbeddedDatabase } from "../../src/store/embedded-store.js";
import { PgBossJobQueue } from "../../src/queue/pg-boss-queue.js";
import { queueContract } from "./queue-contract.js";

describe("job queue: pg-boss on the embedded PGlite", () => {
  let db: EmbeddedDatabase;
  beforeAll(async () => {
    db = await openEmbeddedDatabase(MEMORY);
  });
  afterAll(async () => {
    await db?.close();
  });
  queueContract({
    multiProcess: false,
    open: (schema, timings) => PgBossJobQueue.open({ db: pgliteSqlExecutor(db), schema, singleProcess: true, timings }),
  });
});

const databaseUrl = process.env.TEST_DATABASE_URL;

if (databaseUrl) {
  describe("job queue: pg-boss on PostgreSQL", () => {
    const schemas = new Set<string>();
    afterAll(async () => {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
      await c.end();
    });
    queueContract({
      multiProcess: true,
      open: (schema, timings) => {
        schemas.add(schema);
        return PgBossJobQueue.open({ connectionString: databaseUrl, schema, singleProcess: false, timings });
      },
    });
  });
} else {
  console.log("queue: TEST_DATABASE_URL is not set, so the queue is not tested on PostgreSQL (scripts/ci-postgres.sh starts one)");
}
