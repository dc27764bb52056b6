/**
 * The worker side of the queue: rebuilds what a webhook handler had in the
 * request — a Probot `Context` with the verified payload, an octokit
 * authenticated as the payload's installation, a logger bound to the
 * delivery — and runs the route's handler. A failure is rethrown so the
 * queue retries it with backoff; the last failure is logged as an error and
 * the job is kept as failed (never dropped silently, never a crash).
 */
import { Context, type Probot } from "probot";
import { unpackPayload } from "../queue/delivery-payload.js";
import type { DeliveryJobData, JobHandler, RunningJob } from "../queue/job-queue.js";
import { withDeliveryScope } from "../runtime/delivery-scope.js";
import type { Services } from "../runtime/services.js";
import { findRoute } from "./routes.js";
import { runSweep } from "./sweep.js";

type ContextEvent = ConstructorParameters<typeof Context>[0];

export function jobRunner(app: Probot, services: Services): JobHandler {
  return async (job: RunningJob) => {
    // A retried job may have written part of its output before it failed or its process died.
    const jobServices: Services = { ...services, rerun: job.attempt > 1 };
    if (job.name === "sweep") {
      const log = app.log.child({ job: job.id, sweep: true, attempt: job.attempt });
      await reportFailure(job, log, "sweep", async () => {
        const started = Date.now();
        const result = await jobServices.metrics.timeSweep(() => runSweep(app, jobServices));
        log.info({ ...result, ms: Date.now() - started }, "sweep finished");
      });
      return;
    }
    const data = job.data as DeliveryJobData;
    const log = app.log.child({ id: data.deliveryId, name: data.event, installation: data.installationId, handler: data.handler, attempt: job.attempt });
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
        try {
          await route.run(jobServices, ctx);
        } catch (err) {
          if (job.lastAttempt) jobServices.metrics.deliveries.inc({ event: data.event, outcome: "failed" });
          throw err;
        }
        jobServices.metrics.deliveries.inc({ event: data.event, outcome: "handled" });
        log.info({ ms: Date.now() - started }, "delivery handled");
      }),
    );
  };
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
