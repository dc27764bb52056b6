/**
 * The one interface over the app's durable work queue. A webhook delivery is
 * acknowledged once its work is enqueued here (durably), and the work runs
 * from the queue, retried with backoff, surviving a crash or a restart.
 *
 * Implemented once, by `PgBossJobQueue` (pg-boss), over two databases: the
 * embedded PGlite store (the default; the queue's tables live beside the
 * ledger's) and PostgreSQL (DATABASE_URL, shared by every replica). The
 * contract suite `test/queue/queue-contract.ts` runs against both.
 */

/** The kinds of work: webhook handling, the periodic sweep, and reading one repository's history. */
export type JobName = "delivery" | "sweep" | "backfill";

/** What a `delivery` job carries: enough to rebuild the handler's context. */
export type DeliveryJobData = DeliveryJobFields & DeliveryPayloadField;

export interface DeliveryJobFields {
  /** X-GitHub-Delivery of the webhook. */
  deliveryId: string;
  /** X-GitHub-Event, e.g. "issue_comment". */
  event: string;
  /** The route (src/handlers/routes.ts) whose handler runs, e.g. "commands". */
  handler: string;
  /** Installation of the verified payload; the worker authenticates as it. */
  installationId: number | null;
  /**
   * How many times this delivery has already waited for its repository's
   * history to be read (absent: never). A waiting delivery is enqueued again
   * under `<key>:wait:<n>`, to run after a delay.
   */
  waits?: number;
}

/**
 * The verified payload, packed by `packPayload` and read back by
 * `unpackPayload` (src/queue/delivery-payload.ts).
 *
 * - `payloadGz`: the payload's JSON text, gzip-compressed (level 1), in
 *   base64 — what this version writes. A 10-30 KB payload becomes 2-5 KB,
 *   and the database's work per job roughly halves (see delivery-payload.ts
 *   for the figures), which is time every webhook answer waits for.
 * - `payloadJson`: the JSON text itself, as earlier versions wrote it; jobs
 *   they left queued are still read.
 *
 * Text rather than an object tree either way: the job row is jsonb, and
 * PostgreSQL stores one string much faster than a 10-30 KB object tree; a
 * string also survives a NUL character in a comment, which jsonb refuses in
 * an object's strings.
 */
export type DeliveryPayloadField = { payloadGz: string; payloadJson?: never } | { payloadJson: string; payloadGz?: never };

/** What a `backfill` job carries: the repository whose history to read, and as which installation. */
export interface BackfillJobData {
  installationId: number;
  /** "owner/name" */
  repo: string;
  /** Why it was asked for (logs): "installation", "repositories added", or the history's state. */
  reason: string;
}

/** What a `sweep` job carries. */
export interface SweepJobData {
  /** When the timer that enqueued it fired (ISO-8601). */
  scheduledAt: string;
}

export interface JobDataMap {
  delivery: DeliveryJobData;
  sweep: SweepJobData;
  backfill: BackfillJobData;
}

export interface JobSpec<N extends JobName = JobName> {
  name: N;
  /**
   * De-duplication key: at most one job per (name, key) is ever enqueued
   * while the job is retained (see `JobQueue.enqueue`). For deliveries
   * `<app id>:<delivery id>:<handler>`; for the sweep its time slot; for a
   * backfill the repository and its sync state (`backfillJobKey`).
   */
  key: string;
  data: JobDataMap[N];
  /** Run no sooner than this many seconds from now (default: at once). */
  delaySeconds?: number;
}

/** A job handed to a worker. */
export interface RunningJob<N extends JobName = JobName> {
  id: string;
  name: N;
  data: JobDataMap[N];
  /** 1 on the first run; higher when an earlier run failed or was abandoned (a crash). */
  attempt: number;
  /** True when this is the last attempt: a failure now is final. */
  lastAttempt: boolean;
}

/** Runs one job; resolving completes it, rejecting fails the attempt (retried while attempts remain). */
export type JobHandler = (job: RunningJob) => Promise<void>;

export interface QueueStats {
  /** Jobs waiting to run (new, or waiting out a retry backoff). */
  queued: number;
  /** Jobs running now, on any process sharing the queue. */
  active: number;
  /** Jobs that used up their attempts (kept for inspection until archived). */
  failed: number;
  /** Age in seconds of the oldest waiting job, 0 when none waits. */
  oldestQueuedSeconds: number;
}

export interface JobQueue {
  /**
   * Records the job durably, then resolves true; resolves false when a job
   * with the same (name, key) is already held (running, waiting, done or
   * failed, within the retention window) — a duplicate, nothing enqueued.
   * Atomic across processes sharing the database: of concurrent calls with
   * one key exactly one resolves true. Rejects, enqueuing nothing, when the
   * database cannot be reached. A process that is working wakes at once.
   */
  enqueue<N extends JobName>(job: JobSpec<N>): Promise<boolean>;
  /**
   * Starts running jobs with `handler`, at most `concurrency` at a time in
   * this process (default 4). `sweep` jobs run one at a time across every
   * process sharing the queue; `backfill` jobs one at a time per process, on
   * a worker of their own (a long history read never holds up deliveries). A rejected run is retried with exponential
   * backoff until its attempts are used up, then kept as failed (and
   * `handler` sees `lastAttempt: true` on that final run, so it can log the
   * error). A job whose process died mid-run is run again: at once on the
   * embedded store (one process per data dir, so a job still marked running
   * at start was abandoned), after its run timeout on PostgreSQL (another
   * replica may still be running it). Call once.
   */
  work(handler: JobHandler, opts?: { concurrency?: number }): Promise<void>;
  /** Counts for /healthz and metrics; one query. */
  stats(): Promise<QueueStats>;
  /**
   * Stops taking jobs and waits up to `timeoutMs` (default 10 s) for running
   * ones; a job still running then is abandoned and runs again later (see
   * `work`). Does not close the store. Idempotent.
   */
  stop(opts?: { timeoutMs?: number }): Promise<void>;
}
