/**
 * The one test suite every `JobQueue` passes: pg-boss on the embedded PGlite
 * always, on PostgreSQL when TEST_DATABASE_URL is set (queue.test.ts). Each
 * test opens its queues in a schema of its own on one shared database, so a
 * "restart" is a second queue opened on the same schema.
 */
import { packPayload, unpackPayload } from "../../src/queue/delivery-payload.js";
import type { DeliveryJobData, JobQueue, JobSpec, RunningJob } from "../../src/queue/job-queue.js";
import type { QueueTimings } from "../../src/queue/pg-boss-queue.js";

export interface QueueSubject {
  /** A queue on `schema` of the shared database; the same schema again sees the same jobs. */
  open(schema: string, timings?: Partial<QueueTimings>): Promise<JobQueue>;
  /** True when several processes may share the database (PostgreSQL): jobs are only recovered after their run timeout. */
  multiProcess: boolean;
}

/** Fast timings so retries happen within a test. */
export const FAST: Partial<QueueTimings> = { attempts: 3, retryDelaySeconds: 1, pollSeconds: 0.5, maintenanceSeconds: 1 };

/** The payload each test job carries: non-ASCII text and a NUL character, which jsonb refuses inside an object's strings. */
export const payloadOf = (key: string) => ({ key, nested: { ok: true, text: "é \u0000 ✓" } });

/** A delivery job as the app enqueues it (payload packed by packPayload). */
export function delivery(key: string, handler = "commands"): JobSpec<"delivery"> {
  return { name: "delivery", key, data: { deliveryId: key, event: "issue_comment", handler, installationId: 1, ...packPayload(payloadOf(key)) } };
}

export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function queueContract(subject: QueueSubject): void {
  let n = 0;
  const open: JobQueue[] = [];
  const schema = () => `q_${process.pid}_${Date.now() % 100000}_${n++}`;
  async function openQueue(s: string, timings: Partial<QueueTimings> = FAST): Promise<JobQueue> {
    const q = await subject.open(s, timings);
    open.push(q);
    return q;
  }
  afterEach(async () => {
    await Promise.all(open.splice(0).map((q) => q.stop({ timeoutMs: 1000 })));
  });
  afterAll(async () => {
    // pg-boss finishes removing stopped workers on a 1 s timer after stop();
    // let it run before Jest tears the module registry down.
    await sleep(1500);
  });

  // Several processes on one database: only PostgreSQL (an embedded data dir belongs to one process).
  if (subject.multiProcess) {
    it("opens on a fresh database from several processes at once (replicas starting together)", async () => {
      for (let round = 0; round < 5; round++) {
        const s = schema();
        const queues = await Promise.all(Array.from({ length: 6 }, () => openQueue(s)));
        expect(await queues[0]!.enqueue(delivery("after-start"))).toBe(true);
        expect(await queues[5]!.enqueue(delivery("after-start"))).toBe(false);
      }
    }, 60_000);
  }

  it("enqueues a key once: the first call resolves true, every later one false", async () => {
    const q = await openQueue(schema());
    expect(await q.enqueue(delivery("a"))).toBe(true);
    expect(await q.enqueue(delivery("a"))).toBe(false);
    expect(await q.enqueue(delivery("b"))).toBe(true);
    // The sweep's keys live apart from the deliveries'.
    expect(await q.enqueue({ name: "sweep", key: "a", data: { scheduledAt: "2026-01-01T00:00:00.000Z" } })).toBe(true);
    expect((await q.stats()).queued).toBe(3);
  });

  it("lets exactly one of many concurrent enqueues of one key through, across queues on one database", async () => {
    const s = schema();
    const a = await openQueue(s);
    const b = subject.multiProcess ? await openQueue(s) : a;
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).enqueue(delivery("same"))));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("records enqueues that arrive together one by one: each key once, each job with its own data", async () => {
    const q = await openQueue(schema());
    // 20 keys, the first 10 of them sent twice, all at once (they are written in batches).
    const keys = [...Array.from({ length: 20 }, (_, i) => `k${i}`), ...Array.from({ length: 10 }, (_, i) => `k${i}`)];
    const results = await Promise.all(keys.map((k) => q.enqueue(delivery(k))));
    expect(results.slice(0, 20).every(Boolean)).toBe(true);
    expect(results.slice(20).some(Boolean)).toBe(false);
    expect((await q.stats()).queued).toBe(20);
    const runs: string[] = [];
    const payloadKeys: string[] = [];
    await q.work(async (job) => {
      const data = job.data as DeliveryJobData;
      runs.push(data.deliveryId);
      payloadKeys.push((unpackPayload(data) as { key: string }).key);
    }, { concurrency: 4 });
    await waitFor(() => runs.length >= 20, "twenty runs");
    await sleep(1000);
    expect([...runs].sort()).toEqual(keys.slice(0, 20).sort());
    // Each job carries its own payload, not a neighbour's from the same batch.
    expect(payloadKeys).toEqual(runs);
  });

  it("refuses a job the database cannot store without losing the others that arrived with it", async () => {
    const q = await openQueue(schema());
    // A lone UTF-16 surrogate cannot be stored as JSON by PostgreSQL: that one enqueue rejects.
    const bad: JobSpec<"delivery"> = { ...delivery("bad"), data: { ...delivery("bad").data, deliveryId: "bad \ud800" } };
    const settled = await Promise.allSettled([q.enqueue(delivery("good-1")), q.enqueue(bad), q.enqueue(delivery("good-2"))]);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(settled[0]).toMatchObject({ value: true });
    expect(settled[2]).toMatchObject({ value: true });
    expect((await q.stats()).queued).toBe(2);
    // The refused one was not recorded: sending it again (fixed) is new.
    expect(await q.enqueue(delivery("bad"))).toBe(true);
  });

  it("runs each job once, with its data intact, on attempt 1", async () => {
    const q = await openQueue(schema());
    const runs: RunningJob[] = [];
    await q.work(async (job) => void runs.push(job), { concurrency: 2 });
    for (const k of ["x", "y", "z"]) await q.enqueue(delivery(k));
    await waitFor(() => runs.length >= 3, "three runs");
    await sleep(1500);
    expect(runs.map((r) => (r.data as { deliveryId: string }).deliveryId).sort()).toEqual(["x", "y", "z"]);
    expect(runs.every((r) => r.attempt === 1 && !r.lastAttempt && r.name === "delivery")).toBe(true);
    expect(runs[0]!.data).toMatchObject({ event: "issue_comment", handler: "commands", installationId: 1 });
    // The payload comes back intact (jsonb keeps the packed string exactly).
    const x = runs.find((r) => (r.data as { deliveryId: string }).deliveryId === "x")!;
    expect(unpackPayload(x.data as DeliveryJobData)).toEqual(payloadOf("x"));
    expect(await q.stats()).toMatchObject({ queued: 0, active: 0, failed: 0 });
  });

  it("runs a delayed job no sooner than its delay, and backfill jobs on a worker of their own", async () => {
    const q = await openQueue(schema());
    const runs: Array<{ name: string; at: number }> = [];
    // A backfill that runs long does not hold up deliveries: it has its own worker.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await q.work(async (job) => {
      runs.push({ name: job.name === "delivery" ? (job.data as DeliveryJobData).deliveryId : job.name, at: Date.now() });
      if (job.name === "backfill") await held;
    }, { concurrency: 1 });
    expect(await q.enqueue({ name: "backfill", key: "acme/widgets:never:1", data: { installationId: 1, repo: "acme/widgets", reason: "never read" } })).toBe(true);
    expect(await q.enqueue({ name: "backfill", key: "acme/widgets:never:1", data: { installationId: 1, repo: "acme/widgets", reason: "never read" } })).toBe(false);
    await waitFor(() => runs.some((r) => r.name === "backfill"), "the backfill to start");
    const sent = Date.now();
    expect(await q.enqueue({ ...delivery("later"), delaySeconds: 2 })).toBe(true);
    expect(await q.enqueue(delivery("now"))).toBe(true);
    await waitFor(() => runs.some((r) => r.name === "later"), "the delayed job", 15_000);
    release();
    expect(runs.find((r) => r.name === "now")!.at).toBeLessThan(runs.find((r) => r.name === "later")!.at);
    expect(runs.find((r) => r.name === "later")!.at - sent).toBeGreaterThanOrEqual(1500);
  }, 30_000);

  it("runs a job an earlier version queued with its payload as plain JSON text", async () => {
    const q = await openQueue(schema());
    const runs: RunningJob[] = [];
    await q.work(async (job) => void runs.push(job), { concurrency: 1 });
    const old: JobSpec<"delivery"> = { name: "delivery", key: "old", data: { deliveryId: "old", event: "issue_comment", handler: "commands", installationId: 1, payloadJson: JSON.stringify(payloadOf("old")) } };
    expect(await q.enqueue(old)).toBe(true);
    await waitFor(() => runs.length >= 1, "the old job's run");
    // The NUL escape inside the JSON text survives jsonb too.
    expect(unpackPayload(runs[0]!.data as DeliveryJobData)).toEqual(payloadOf("old"));
  });

  it("retries a failing job with backoff a bounded number of times, then keeps it as failed", async () => {
    const q = await openQueue(schema());
    const runs: { attempt: number; last: boolean; at: number }[] = [];
    await q.work(async (job) => {
      runs.push({ attempt: job.attempt, last: job.lastAttempt, at: Date.now() });
      throw new Error("GitHub said 502");
    });
    await q.enqueue(delivery("doomed"));
    await waitFor(async () => (await q.stats()).failed === 1, "the job to be kept as failed", 25_000);
    await sleep(2500);
    expect(runs.map((r) => [r.attempt, r.last])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    // Backoff: the second retry waits longer than the first delay (1 s, doubled).
    expect(runs[1]!.at - runs[0]!.at).toBeGreaterThanOrEqual(900);
    expect(runs[2]!.at - runs[1]!.at).toBeGreaterThanOrEqual(1800);
    expect(await q.stats()).toMatchObject({ queued: 0, active: 0, failed: 1 });
  }, 40_000);

  it("runs a job again when a retry succeeds, and not after", async () => {
    const q = await openQueue(schema());
    const attempts: number[] = [];
    await q.work(async (job) => {
      attempts.push(job.attempt);
      if (job.attempt === 1) throw new Error("transient");
    });
    await q.enqueue(delivery("flaky"));
    await waitFor(() => attempts.length >= 2, "the retry", 15_000);
    await sleep(3000);
    expect(attempts).toEqual([1, 2]);
    expect(await q.stats()).toMatchObject({ queued: 0, active: 0, failed: 0 });
  }, 30_000);

  it("runs a job abandoned mid-run by a stopped process again in the next one", async () => {
    const s = schema();
    const first = await subject.open(s, FAST);
    let started = false;
    let release = () => undefined as void;
    await first.work(() => {
      started = true;
      // Does not finish before the stop: the process "dies" mid-run.
      return new Promise<void>((resolve) => (release = resolve));
    });
    await first.enqueue(delivery("interrupted"));
    await waitFor(() => started, "the first run to start");
    await first.stop({ timeoutMs: 1000 });
    // Only now let the abandoned run end, so that pg-boss's stopped worker does not outlive the test.
    release();

    const second = await openQueue(s);
    const runs: RunningJob[] = [];
    await second.work(async (job) => void runs.push(job));
    await waitFor(() => runs.length >= 1, "the run in the next process", 20_000);
    expect(runs[0]).toMatchObject({ attempt: 2, data: { deliveryId: "interrupted" } });
    // It was not enqueued twice: the key is still held.
    expect(await second.enqueue(delivery("interrupted"))).toBe(false);
  }, 40_000);

  it("retries a run that outlives its run timeout", async () => {
    const q = await openQueue(schema(), { ...FAST, runTimeoutSeconds: 1 });
    const attempts: number[] = [];
    await q.work((job) => {
      attempts.push(job.attempt);
      return job.attempt === 1 ? new Promise<void>(() => undefined) : Promise.resolve();
    });
    await q.enqueue(delivery("slow"));
    await waitFor(() => attempts.length >= 2, "the retry after the timeout", 20_000);
    expect(attempts.slice(0, 2)).toEqual([1, 2]);
  }, 30_000);

  it("runs sweeps one at a time, across every queue on the database", async () => {
    const s = schema();
    const queues = subject.multiProcess ? [await openQueue(s), await openQueue(s)] : [await openQueue(s)];
    let active = 0;
    let maxActive = 0;
    let done = 0;
    for (const q of queues) {
      await q.work(async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        await sleep(300);
        active--;
        done++;
      }, { concurrency: 3 });
    }
    for (let i = 0; i < 4; i++) await queues[i % queues.length]!.enqueue({ name: "sweep", key: `slot-${i}`, data: { scheduledAt: new Date().toISOString() } });
    await waitFor(() => done >= 4, "four sweeps", 25_000);
    expect(maxActive).toBe(1);
  }, 40_000);

  it("reports the age of the oldest waiting job", async () => {
    const q = await openQueue(schema());
    await q.enqueue(delivery("waiting"));
    await sleep(1100);
    const stats = await q.stats();
    expect(stats.queued).toBe(1);
    expect(stats.oldestQueuedSeconds).toBeGreaterThanOrEqual(1);
  });
}
