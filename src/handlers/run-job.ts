/**
 * The worker side of the queue: rebuilds what a webhook handler had in the
 * request — a Probot `Context` with the verified payload, an octokit
 * authenticated as the payload's installation, a logger bound to the
 * delivery — and runs the route's handler. A failure is rethrown so the
 * queue retries it with backoff; the last failure is logged as an error and
 * the job is kept as failed (never dropped silently, never a crash).
 *
 * A delivery naming a repository whose history was never read asks for its
 * backfill job first; a handler that must measure before that history is
 * read rejects with `HistoryPendingError` (a `DeliveryMustWaitError`, as is a
 * command on a busy proposal), and the delivery then waits: it is
 * enqueued again, to run after a delay (`waitDelaySeconds`), as a rerun, and
 * this job completes. It gives up (logged as an error) after about a day.
 */
import { Context, type Probot } from "probot";
import { unpackPayload } from "../queue/delivery-payload.js";
import type { BackfillJobData, DeliveryJobData, JobHandler, JobQueue, RunningJob } from "../queue/job-queue.js";
import { withDeliveryScope } from "../runtime/delivery-scope.js";
import { noteRepository, queuedHistoryGate } from "../runtime/history-ports.js";
import type { Services } from "../runtime/services.js";
import { DeliveryMustWaitError } from "../usecases/delivery-wait.js";
import { HistoryPendingError, waitDelaySeconds } from "../usecases/history-readiness.js";
import { runBackfillJob } from "./backfill.js";
import { deliveryKey } from "./enqueue-delivery.js";
import { findRoute } from "./routes.js";
import { sweepNow } from "./sweep.js";

type ContextEvent = ConstructorParameters<typeof Context>[0];

export function jobRunner(app: Probot, services: Services): JobHandler {
  return async (job: RunningJob) => {
    // A retried job may have written part of its output before it failed or its process died.
    const jobServices: Services = { ...services, rerun: job.attempt > 1 };
    if (job.name === "sweep") {
      const log = app.log.child({ job: job.id, sweep: true, attempt: job.attempt });
      await reportFailure(job, log, "sweep", async () => {
        const started = Date.now();
        const result = await jobServices.metrics.timeSweep(() => sweepNow(app, jobServices));
        log.info({ ...result, ms: Date.now() - started }, "sweep finished");
      });
      return;
    }
    if (job.name === "backfill") {
      const data = job.data as BackfillJobData;
      const log = app.log.child({ job: job.id, backfill: data.repo, installation: data.installationId, attempt: job.attempt });
      await reportFailure(job, log, `backfill of ${data.repo}`, () => runBackfillJob(app, jobServices, data, log));
      return;
    }
    await runDeliveryJob(app, jobServices, job);
  };
}

/** A queued webhook delivery: its route's handler, run as the payload's installation, in the delivery's log scope. */
async function runDeliveryJob(app: Probot, jobServices: Services, job: RunningJob): Promise<void> {
  const data = job.data as DeliveryJobData;
  const waits = data.waits ?? 0;
  // A delivery that waited for a history may have written part of its output before it began to wait.
  if (waits > 0) jobServices.rerun = true;
  const log = app.log.child({ id: data.deliveryId, name: data.event, installation: data.installationId, handler: data.handler, attempt: job.attempt, ...(waits > 0 ? { waits } : {}) });
  const route = findRoute(data.handler);
  if (!route) {
    // Queued by another version of the app; retrying cannot help.
    log.error({}, `no handler named ${data.handler}; the delivery is dropped`);
    return;
  }
  const scope = data.installationId !== null ? { id: data.deliveryId, installation: data.installationId } : { id: data.deliveryId };
  // Every line logged while the job runs, octokit's included, carries the delivery id and installation.
  await withDeliveryScope(scope, () =>
    reportFailure(job, log, data.handler, async () => {
      const started = Date.now();
      const octokit = data.installationId !== null ? await app.auth(data.installationId) : await app.auth();
      const payload = unpackPayload(data);
      const ctx = new Context({ id: data.deliveryId, name: data.event, payload } as ContextEvent, octokit, log);
      if (await runRoute(jobServices, route, ctx, { job, data, log, payload })) log.info({ ms: Date.now() - started }, "delivery handled");
    }),
  );
}

/**
 * Runs the route's handler with the history gate of a queued job; a delivery that must wait is
 * enqueued again (false: it has not been handled yet). Counts the delivery in the metrics.
 */
async function runRoute(
  jobServices: Services,
  route: NonNullable<ReturnType<typeof findRoute>>,
  ctx: Context,
  at: { job: RunningJob; data: DeliveryJobData; log: Probot["log"]; payload: unknown },
): Promise<boolean> {
  const { job, data, log } = at;
  const queue = jobServices.queue;
  if (queue && data.installationId !== null) {
    await noteRepository(jobServices, data.installationId, repositoryOf(at.payload), log);
    jobServices.historyGate = queuedHistoryGate(jobServices, queue, data.installationId, log);
  }
  try {
    await route.run(jobServices, ctx);
  } catch (err) {
    if (err instanceof DeliveryMustWaitError && queue) {
      await waitAndRunAgain(jobServices, queue, data, err, log);
      return false;
    }
    if (job.lastAttempt) jobServices.metrics.deliveries.inc({ event: data.event, outcome: "failed" });
    throw err;
  }
  jobServices.metrics.deliveries.inc({ event: data.event, outcome: "handled" });
  return true;
}

/** "owner/name" of the repository the payload names, if any. */
function repositoryOf(payload: unknown): string | null {
  const name = (payload as { repository?: { full_name?: unknown } } | null)?.repository?.full_name;
  return typeof name === "string" ? name : null;
}

/**
 * Enqueues the delivery again, to run after a delay, under a key of its own
 * per wait (so a retry of this job, or a replica, cannot enqueue it twice),
 * unless it has waited long enough: then it is logged and dropped.
 */
async function waitAndRunAgain(services: Services, queue: JobQueue, data: DeliveryJobData, err: DeliveryMustWaitError, log: Probot["log"]): Promise<void> {
  const waits = (data.waits ?? 0) + 1;
  if (waits > err.maxWaits) {
    log.error({ waits: waits - 1, reason: err.message, ...(err instanceof HistoryPendingError ? { repo: err.repo } : {}) }, `the delivery waited ${waits - 1} times and still cannot run (${err.message}); it is dropped`);
    services.metrics.deliveries.inc({ event: data.event, outcome: "failed" });
    return;
  }
  const delaySeconds = waitDelaySeconds(waits);
  await queue.enqueue({
    name: "delivery",
    key: `${deliveryKey(services.settings.appId, data.deliveryId, data.handler)}:wait:${waits}`,
    data: { ...data, waits },
    delaySeconds,
  });
  const history = err instanceof HistoryPendingError ? { repo: err.repo, reason: err.reason } : { reason: err.message };
  log.info({ ...history, waits, delaySeconds }, err instanceof HistoryPendingError ? "the repository's history is still being read; the delivery waits for it" : "the delivery waits and runs again");
}

async function reportFailure(job: RunningJob, log: Probot["log"], what: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    if (job.lastAttempt) log.error({ err, attempts: job.attempt }, `${what} failed on its last attempt; the job is kept as failed`);
    else log.warn({ err, attempt: job.attempt }, `${what} failed; it will be retried`);
    throw err;
  }
}
