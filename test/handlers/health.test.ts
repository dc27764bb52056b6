/**
 * The report /healthz serves, on fakes of the store and the queue (the
 * end-to-end tests read it from the running server, and see it turn 503
 * when PostgreSQL goes away: test/e2e/operations.e2e.test.ts).
 */
import { createServer, type Server } from "node:http";
import { healthHandler, healthReport, type HealthSources } from "../../src/handlers/http.js";
import type { QueueStats } from "../../src/queue/job-queue.js";

const STATS: QueueStats = { queued: 3, active: 1, failed: 2, oldestQueuedSeconds: 12.5 };

function sources(over: { value?: () => Promise<unknown>; stats?: () => Promise<QueueStats> } = {}): HealthSources {
  return {
    store: { getValue: <T>() => (over.value ? over.value() : Promise.resolve({ at: "2026-12-01T10:00:00.000Z" })) as Promise<T | null> },
    queue: { stats: over.stats ?? (() => Promise.resolve(STATS)) },
  };
}

const never = <T>() => new Promise<T>(() => undefined);

describe("healthReport", () => {
  it("is ok with the last sweep and the queue's counts when both answer", async () => {
    expect(await healthReport(sources())).toEqual({
      status: "ok",
      store: "ok",
      lastSweepAt: "2026-12-01T10:00:00.000Z",
      queue: { status: "ok", queued: 3, active: 1, failed: 2, oldestQueuedSeconds: 12.5 },
    });
  });

  it("says null before the first sweep and leaves the queue out when there is none", async () => {
    expect(await healthReport({ store: sources({ value: () => Promise.resolve(null) }).store })).toEqual({ status: "ok", store: "ok", lastSweepAt: null });
  });

  it("is unavailable, saying why, when the store or the queue fails", async () => {
    const storeDown = await healthReport(sources({ value: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:5432")) }));
    expect(storeDown).toMatchObject({ status: "unavailable", store: "connect ECONNREFUSED 127.0.0.1:5432", queue: { status: "ok" } });
    const queueDown = await healthReport(sources({ stats: () => Promise.reject(new Error("the embedded database thread exited (code 1)")) }));
    expect(queueDown).toEqual({
      status: "unavailable",
      store: "ok",
      lastSweepAt: "2026-12-01T10:00:00.000Z",
      queue: { status: "unavailable", error: "the embedded database thread exited (code 1)" },
    });
  });

  it("is unavailable when either does not answer in time", async () => {
    const started = Date.now();
    const report = await healthReport(sources({ value: never, stats: never }), 100);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(report).toEqual({
      status: "unavailable",
      store: "the store did not answer within 100 ms",
      queue: { status: "unavailable", error: "the queue did not answer within 100 ms" },
    });
  });
});

describe("healthHandler", () => {
  let server: Server;
  let healthy = true;
  beforeAll(async () => {
    const handle = healthHandler(sources({ stats: () => (healthy ? Promise.resolve(STATS) : Promise.reject(new Error("gone"))) }));
    server = createServer((req, res) => {
      void handle(req, res).then((served) => {
        if (!served) res.writeHead(404).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const url = (path: string) => {
    const address = server.address();
    return `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}${path}`;
  };

  it("answers 200 with the report, 503 when unhealthy, and leaves other paths alone", async () => {
    healthy = true;
    const ok = await fetch(url("/healthz"));
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("application/json");
    expect(await ok.json()).toMatchObject({ status: "ok", queue: { queued: 3 } });
    healthy = false;
    const down = await fetch(url("/healthz?verbose=1"));
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: "unavailable", queue: { status: "unavailable", error: "gone" } });
    expect((await fetch(url("/other"))).status).toBe(404);
  });
});
