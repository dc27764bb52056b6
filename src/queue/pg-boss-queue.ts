/**
 * `JobQueue` on pg-boss (https://github.com/timgit/pg-boss), over PostgreSQL
 * (DATABASE_URL: its own small pool) or over the embedded PGlite database
 * (through pg-boss's `db` adapter, on the store's own PGlite instance, so the
 * queue's tables are persisted in the same data dir as the ledger).
 *
 * Why pg-boss (10.x) rather than graphile-worker, both checked on this
 * project's Node 20:
 * - pg-boss 10 supports Node >= 20 (11 and 12 need Node 22); graphile-worker
 *   0.16/0.17 install on Node 20 too.
 * - A job abandoned by a crashed process: pg-boss retries it once its run
 *   timeout (`expireInSeconds`, per queue) passes; graphile-worker leaves it
 *   locked for a fixed 4 hours.
 * - De-duplication for the life of the job: pg-boss accepts a caller-chosen
 *   job id (`INSERT … ON CONFLICT DO NOTHING`), kept until archived;
 *   graphile-worker's `job_key` only de-duplicates while the job is pending,
 *   so a delivery sent again after its work finished would run twice.
 * - "One sweep at a time across replicas" is pg-boss's `singleton` queue
 *   policy (a unique index on active jobs), no lock of our own.
 * - It runs on PGlite unchanged through its `db` option (measured: start
 *   including schema creation ~1-4 s on a fresh in-memory PGlite), so both
 *   stores share one queue implementation and one contract suite.
 */
import { createHash } from "node:crypto";
import PgBoss from "pg-boss";
import { insertJobs } from "pg-boss/src/plans.js";
import { urgently } from "../store/priority-gate.js";
import { Coalescer } from "./coalesce.js";
import { packedSize } from "./delivery-payload.js";
import type { JobHandler, JobName, JobQueue, JobSpec, QueueStats, RunningJob } from "./job-queue.js";

/** What pg-boss's `db` option needs: one statement with parameters, or a script without. */
export type PgBossDb = PgBoss.Db;

/** Timings, overridable by tests and benchmarks; the defaults are for production. */
export interface QueueTimings {
  /** Attempts of a delivery job before it is kept as failed (default 5). */
  attempts: number;
  /** First retry delay in seconds; doubled (with jitter) on each retry (default 5). */
  retryDelaySeconds: number;
  /**
   * How long one run of a delivery job may take before it counts as
   * abandoned and is retried (default 300 s; the handlers used to fit in
   * GitHub's 10 s webhook timeout, so this is generous).
   */
  runTimeoutSeconds: number;
  /** How often an idle worker looks for new jobs from other processes (default 2 s; 0.5 s minimum). */
  pollSeconds: number;
  /** How often expired runs are detected and old jobs archived (default 60 s). */
  maintenanceSeconds: number;
  /**
   * How long finished jobs stay in the job table, which is also how long a
   * repeated delivery id is recognised as a duplicate (default 3 days).
   */
  keepFinishedSeconds: number;
}

export const DEFAULT_TIMINGS: QueueTimings = {
  attempts: 5,
  retryDelaySeconds: 5,
  runTimeoutSeconds: 300,
  pollSeconds: 2,
  maintenanceSeconds: 60,
  keepFinishedSeconds: 3 * 86_400,
};

export interface PgBossQueueOptions {
  /** PostgreSQL connection string (pg-boss opens its own pool), or … */
  connectionString?: string;
  /** … a database adapter (the embedded PGlite). Exactly one of the two. */
  db?: PgBossDb;
  /** Schema for pg-boss's tables (default "pgboss"). */
  schema?: string;
  /**
   * True when no other process can be using this database (the embedded
   * store): jobs still marked running at start were abandoned by a crash and
   * are retried at once instead of after their run timeout.
   */
  singleProcess: boolean;
  timings?: Partial<QueueTimings>;
  /** Where pg-boss's own background errors go (lost connections, maintenance). */
  onError?: (err: unknown) => void;
}

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * A stable UUID for (name, key): pg-boss's job id, so that enqueuing the
 * same key again conflicts with the job already held. Formatted as a
 * name-based (version 5 style) UUID from SHA-256.
 */
export function jobIdFor(name: JobName, key: string): string {
  const h = createHash("sha256").update(`${name}\u0000${key}`).digest("hex");
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** One job of a batched insert, in the shape pg-boss's `json_to_recordset` reads. */
interface NewJob {
  id: string;
  name: JobName;
  data: object;
  /** pg-boss's form: an interval ("30 seconds") from the database's now. */
  startAfter?: string;
}

/** Jobs per INSERT; with ~25 KB payloads a batch stays around a megabyte or two. */
const BATCH_ITEMS = 50;
/** Payload characters per INSERT: one parameter stays well under what PostgreSQL and PGlite handle comfortably. */
const BATCH_CHARS = 4_000_000;

export class PgBossJobQueue implements JobQueue {
  private readonly boss: PgBoss;
  /** Concurrent enqueues become one INSERT (src/queue/coalesce.ts): each answer is recorded, durably, before it resolves. */
  private readonly inserts: Coalescer<NewJob, boolean>;
  private readonly insertSql: string;
  private readonly timings: QueueTimings;
  private readonly schema: string;
  private readonly workerIds: Record<JobName, string[]> = { delivery: [], sweep: [], backfill: [] };
  /** Workers of this process running a job now (an idle one is woken on enqueue). */
  private readonly busy = new Set<string>();
  private stopped = false;
  private working = false;

  private constructor(
    private readonly opts: PgBossQueueOptions,
    timings: QueueTimings,
  ) {
    this.timings = timings;
    this.schema = opts.schema ?? "pgboss";
    if (!SCHEMA.test(this.schema)) throw new Error(`queue schema ${JSON.stringify(this.schema)} is not a plain identifier`);
    this.boss = new PgBoss({
      ...(opts.db ? { db: opts.db } : { connectionString: opts.connectionString, max: 8, application_name: "stewards-queue" }),
      schema: this.schema,
      // Cron schedules are not used: the sweep timer enqueues slot-keyed jobs.
      schedule: false,
      supervise: true,
      maintenanceIntervalSeconds: timings.maintenanceSeconds,
      archiveCompletedAfterSeconds: timings.keepFinishedSeconds,
      archiveFailedAfterSeconds: Math.max(timings.keepFinishedSeconds, 7 * 86_400),
      // The archive serves only inspection (de-duplication uses the job table): one day there, then deleted.
      deleteAfterSeconds: 86_400,
    });
    // Without a listener an 'error' event would crash the process.
    this.boss.on("error", (err) => opts.onError?.(err));
    // pg-boss's own batch insert, asked to say which jobs it inserted (a duplicate id is skipped by ON CONFLICT DO NOTHING).
    const insert = insertJobs(this.schema);
    this.insertSql = /\bRETURNING\b/i.test(insert) ? insert : `${insert} RETURNING id`;
    this.inserts = new Coalescer((jobs) => this.insertBatch(jobs), {
      maxItems: BATCH_ITEMS,
      maxWeight: BATCH_CHARS,
      weight: (job) => packedSize(job.data),
    });
  }

  /**
   * Starts pg-boss (creating or migrating its schema under its own advisory
   * lock) and the two queues. Rejects, leaving nothing running, when either fails.
   */
  static async open(opts: PgBossQueueOptions): Promise<PgBossJobQueue> {
    if (!!opts.db === !!opts.connectionString) throw new Error("give the queue either a connection string or a db adapter");
    const queue = new PgBossJobQueue(opts, { ...DEFAULT_TIMINGS, ...opts.timings });
    await queue.boss.start();
    try {
      const t = queue.timings;
      await queue.createQueue({
        name: "delivery",
        policy: "standard",
        retryLimit: Math.max(0, t.attempts - 1),
        retryDelay: t.retryDelaySeconds,
        retryBackoff: true,
        expireInSeconds: t.runTimeoutSeconds,
      });
      await queue.createQueue({
        name: "sweep",
        // At most one active sweep across every process sharing the database.
        policy: "singleton",
        retryLimit: 1,
        retryDelay: t.retryDelaySeconds,
        retryBackoff: true,
        expireInSeconds: Math.max(t.runTimeoutSeconds, 4 * 3600),
      });
      await queue.createQueue({
        name: "backfill",
        policy: "standard",
        retryLimit: Math.max(0, t.attempts - 1),
        retryDelay: t.retryDelaySeconds,
        retryBackoff: true,
        // A big history takes minutes; on PostgreSQL a replica that died mid-read is noticed after
        // this (the sweep reads an unread history sooner); on the embedded store at once on restart.
        expireInSeconds: Math.max(t.runTimeoutSeconds, 3600),
      });
      if (opts.singleProcess) await queue.recoverAbandoned();
    } catch (err) {
      await queue.boss.stop({ graceful: false, close: !opts.db, wait: true }).catch(() => undefined);
      throw err;
    }
    return queue;
  }

  /**
   * pg-boss's createQueue is INSERT … ON CONFLICT DO NOTHING, then the
   * queue's partition table with a foreign key to the queue table; replicas
   * starting together on a fresh database can deadlock on those locks
   * (observed: "deadlock detected" in create_queue) or collide on the new
   * table. PostgreSQL aborts one of them; run again, it finds the queue made.
   */
  private async createQueue(options: PgBoss.Queue & { name: JobName }): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.boss.createQueue(options.name, options);
        return;
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        const race = code === "40P01" || code === "23505" || code === "42P07";
        if (!race || attempt >= 5) throw err;
        await new Promise((r) => setTimeout(r, 20 * attempt + Math.random() * 50));
      }
    }
  }

  /**
   * Embedded store only: a job still marked active belongs to a process that
   * is gone. Back-dating its start makes pg-boss's own expiry treat it like a
   * timed-out run (retried with backoff, or failed when out of attempts).
   */
  private async recoverAbandoned(): Promise<void> {
    await this.boss
      .getDb()
      .executeSql(`UPDATE ${this.schema}.job SET started_on = started_on - expire_in - interval '1 second' WHERE state = 'active'`, []);
    await this.boss.expire();
  }

  async enqueue<N extends JobName>(job: JobSpec<N>): Promise<boolean> {
    if (this.stopped) throw new Error("the queue is stopped");
    const delay = job.delaySeconds !== undefined && job.delaySeconds > 0 ? { startAfter: `${Math.ceil(job.delaySeconds)} seconds` } : {};
    const inserted = await this.inserts.run({ id: jobIdFor(job.name, job.key), name: job.name, data: job.data as unknown as object, ...delay });
    if (!inserted) return false;
    if (job.delaySeconds) return true;
    // Wake one idle local worker instead of waiting for its next poll. Only
    // one: on PGlite every fetch is serialised with the enqueues, so waking
    // them all made acknowledgements wait behind a fetch per worker.
    const idle = this.workerIds[job.name].find((w) => !this.busy.has(w));
    if (idle) this.boss.notifyWorker(idle);
    return true;
  }

  /**
   * Writes one batch of jobs in one statement (one transaction: all
   * committed before any caller hears back) and answers, per job, whether it
   * was new. Of several jobs with one id in a batch only the first counts as
   * new. Should the batch fail, each job is sent on its own, so that one bad
   * job fails only its own delivery.
   */
  private async insertBatch(jobs: NewJob[]): Promise<Array<PromiseSettledResult<boolean>>> {
    // Urgent: webhook answers wait for this; on PGlite it goes before the workers' statements.
    const write = () =>
      urgently(() => this.boss.getDb().executeSql(this.insertSql, [JSON.stringify(jobs), null, null, null, null, null]));
    let inserted: Set<string>;
    try {
      const { rows } = await write();
      inserted = new Set((rows as Array<{ id: string }>).map((r) => r.id));
    } catch (err) {
      if (jobs.length === 1) throw err;
      // One at a time, in order, so that of two jobs with one id the first is the one inserted.
      const outcomes: Array<PromiseSettledResult<boolean>> = [];
      for (const j of jobs) {
        try {
          outcomes.push({ status: "fulfilled", value: (await urgently(() => this.boss.send(j.name, j.data, { id: j.id, ...(j.startAfter ? { startAfter: j.startAfter } : {}) }))) !== null });
        } catch (reason) {
          outcomes.push({ status: "rejected", reason });
        }
      }
      return outcomes;
    }
    const answered = new Set<string>();
    return jobs.map((j) => {
      const value = inserted.has(j.id) && !answered.has(j.id);
      answered.add(j.id);
      return { status: "fulfilled", value };
    });
  }

  async work(handler: JobHandler, opts: { concurrency?: number } = {}): Promise<void> {
    if (this.working) throw new Error("work() was already called");
    this.working = true;
    const concurrency = Math.max(1, opts.concurrency ?? 4);
    const run = async (jobs: PgBoss.JobWithMetadata<object>[]) => {
      for (const job of jobs) {
        const running = {
          id: job.id,
          name: job.name as JobName,
          data: job.data,
          attempt: job.retryCount + 1,
          lastAttempt: job.retryCount >= job.retryLimit,
        } as RunningJob;
        await handler(running);
      }
    };
    const options = { batchSize: 1, includeMetadata: true as const, pollingIntervalSeconds: this.timings.pollSeconds };
    // pg-boss runs one batch at a time per worker: several workers give concurrency.
    const start = async (name: JobName) => {
      // The worker's id is known only once work() resolves; its first job may come sooner.
      const self: { id?: string } = {};
      self.id = await this.boss.work(name, options, async (jobs: PgBoss.JobWithMetadata<object>[]) => {
        const id = self.id;
        if (id) this.busy.add(id);
        try {
          await run(jobs);
        } finally {
          if (id) this.busy.delete(id);
          // A worker that just ran a job looks again at once (more may be waiting) instead of sleeping a poll interval.
          if (id && !this.stopped) this.boss.notifyWorker(id);
        }
      });
      this.workerIds[name].push(self.id);
    };
    for (let i = 0; i < concurrency; i++) await start("delivery");
    await start("sweep");
    await start("backfill");
  }

  async stats(): Promise<QueueStats> {
    const { rows } = await this.boss.getDb().executeSql(
      `SELECT count(*) FILTER (WHERE state IN ('created', 'retry'))::int AS queued,
              count(*) FILTER (WHERE state = 'active')::int AS active,
              count(*) FILTER (WHERE state = 'failed')::int AS failed,
              COALESCE(extract(epoch FROM now() - min(created_on) FILTER (WHERE state IN ('created', 'retry'))), 0)::float8 AS oldest
       FROM ${this.schema}.job WHERE name IN ('delivery', 'sweep', 'backfill')`,
      [],
    );
    const row = (rows[0] ?? {}) as { queued?: number; active?: number; failed?: number; oldest?: number };
    return {
      queued: Number(row.queued ?? 0),
      active: Number(row.active ?? 0),
      failed: Number(row.failed ?? 0),
      oldestQueuedSeconds: Math.max(0, Number(row.oldest ?? 0)),
    };
  }

  async stop(opts: { timeoutMs?: number } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    // Jobs still running at the timeout are failed by pg-boss (so retried later).
    // close: pg-boss ends its own pool; an adapter (PGlite) is left to the store.
    const timeoutMs = opts.timeoutMs ?? 10_000;
    await this.boss.stop({ graceful: true, wait: true, close: !this.opts.db, timeout: timeoutMs });
    // pg-boss resolves once it stopped fetching; wait (within the same budget) for our handlers to
    // return too, so that none of them touches the store after the caller closes it.
    const deadline = Date.now() + timeoutMs;
    while (this.busy.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }
}
