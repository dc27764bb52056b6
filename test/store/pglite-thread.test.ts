/**
 * The embedded database on its worker thread: answers, PostgreSQL's errors
 * with their fields, transactions through the store's driver, and closing.
 * (The store's and the queue's contract suites run on it as well.)
 */
import { MEMORY, openEmbeddedDatabase, pgliteDriver, type EmbeddedDatabase } from "../../src/store/embedded-store.js";

describe("PGlite on a worker thread", () => {
  let db: EmbeddedDatabase;
  beforeAll(async () => {
    db = await openEmbeddedDatabase(MEMORY);
  }, 60_000);
  afterAll(async () => {
    await db?.close();
  });

  it("answers a statement with parameters, typed, and a script with each statement's rows", async () => {
    const { rows } = await db.query<{ n: number; j: { a: number[] }; t: Date }>("SELECT $1::int + 1 AS n, $2::jsonb AS j, '2026-01-02T03:04:05Z'::timestamptz AS t", [41, JSON.stringify({ a: [1, 2] })]);
    expect(rows).toEqual([{ n: 42, j: { a: [1, 2] }, t: new Date("2026-01-02T03:04:05Z") }]);
    const results = await db.exec("CREATE TEMP TABLE t (x int); INSERT INTO t VALUES (1), (2); SELECT x FROM t ORDER BY x");
    expect(results.map((r) => r.rows)).toEqual([[], [], [{ x: 1 }, { x: 2 }]]);
  });

  it("rejects with PostgreSQL's error and code, and keeps working", async () => {
    await expect(db.query("SELECT 1 / 0")).rejects.toMatchObject({ message: "division by zero", code: "22012" });
    await db.exec("CREATE TEMP TABLE u (k text PRIMARY KEY)");
    await db.query("INSERT INTO u VALUES ($1)", ["a"]);
    await expect(db.query("INSERT INTO u VALUES ($1)", ["a"])).rejects.toMatchObject({ code: "23505", constraint: "u_pkey" });
    expect((await db.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
  });

  it("commits a driver transaction that resolves and rolls back one that throws", async () => {
    const driver = pgliteDriver(db);
    await driver.exec("CREATE TEMP TABLE v (x int)");
    await driver.transaction(async (tx) => {
      await tx.query("INSERT INTO v VALUES ($1)", [1]);
    });
    await expect(
      driver.transaction(async (tx) => {
        await tx.query("INSERT INTO v VALUES ($1)", [2]);
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    // A statement failing inside the transaction rolls it back too, and the session is usable afterwards.
    await expect(
      driver.transaction(async (tx) => {
        await tx.query("INSERT INTO v VALUES ($1)", [3]);
        await tx.query("SELECT 1 / 0");
      }),
    ).rejects.toMatchObject({ code: "22012" });
    expect(await driver.query("SELECT x FROM v ORDER BY x")).toEqual([{ x: 1 }]);
  });

  it("refuses every call once closed; closing twice is fine", async () => {
    const other = await openEmbeddedDatabase(MEMORY);
    expect(other.open).toBe(true);
    await other.close();
    await other.close();
    expect(other.open).toBe(false);
    await expect(other.query("SELECT 1")).rejects.toThrow("closed");
    await expect(other.exec("SELECT 1")).rejects.toThrow("closed");
  }, 60_000);
});
