/**
 * Runs the store contract against the embedded store, and against PostgreSQL
 * when TEST_DATABASE_URL is set (`export "$(bash scripts/ci-postgres.sh)"`
 * starts a throwaway server). Each PostgreSQL "database" here is a fresh
 * schema, dropped afterwards, so the suite never touches existing tables.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { MEMORY, openEmbeddedStore } from "../../src/store/embedded-store.js";
import { openPostgresStore } from "../../src/store/postgres-store.js";
import { storeContract, type StoreSubject } from "./store-contract.js";

const embedded: StoreSubject = {
  multiProcess: false,
  open: () => openEmbeddedStore({ dataDir: MEMORY }),
  async persistent() {
    const dir = await mkdtemp(join(tmpdir(), "stewards-store-"));
    return {
      open: () => openEmbeddedStore({ dataDir: dir }),
      dispose: () => rm(dir, { recursive: true, force: true }),
    };
  },
};

describe("embedded store (PGlite)", () => {
  storeContract(embedded);

  it("frees at open the leases a killed process left (only one process opens an embedded store)", async () => {
    const place = await embedded.persistent();
    try {
      const first = await place.open();
      expect(await first.acquireLease("lease:proposal:acme/widgets:ana:member", "dead-process", 120_000)).toBe(true);
      // The process dies without releasing it (close stands in for the crash: nothing released).
      await first.close();
      const second = await place.open();
      expect(await second.acquireLease("lease:proposal:acme/widgets:ana:member", "new-process", 120_000)).toBe(true);
      await second.close();
    } finally {
      await place.dispose();
    }
  });
});

const databaseUrl = process.env.TEST_DATABASE_URL;

if (databaseUrl) {
  let counter = 0;
  /** A URL whose connections see only a new schema: the pg driver passes `options` to the server. */
  async function freshSchema(): Promise<{ url: string; drop(): Promise<void> }> {
    const schema = `stewards_test_${process.pid}_${Date.now()}_${counter++}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    const url = new URL(databaseUrl!);
    url.searchParams.set("options", `-c search_path=${schema}`);
    return {
      url: url.toString(),
      async drop() {
        const c = new pg.Client({ connectionString: databaseUrl });
        await c.connect();
        await c.query(`DROP SCHEMA ${schema} CASCADE`);
        await c.end();
      },
    };
  }

  const drops: Array<() => Promise<void>> = [];
  const postgres: StoreSubject = {
    multiProcess: true,
    async open() {
      const s = await freshSchema();
      drops.push(s.drop);
      return openPostgresStore({ databaseUrl: s.url });
    },
    async persistent() {
      const s = await freshSchema();
      return { open: () => openPostgresStore({ databaseUrl: s.url, max: 2 }), dispose: s.drop };
    },
  };

  describe("PostgreSQL store", () => {
    afterAll(async () => {
      for (const drop of drops) await drop();
    });
    storeContract(postgres);
  });
} else {
  console.log("store: TEST_DATABASE_URL is not set, so the PostgreSQL store is not tested (scripts/ci-postgres.sh starts one)");
}
