/**
 * The webhook side of the queue: a verified delivery (Probot checked its
 * signature before calling this) becomes one durable job per route, and the
 * HTTP answer goes out as soon as the job is recorded. A delivery seen
 * before — the same (app id, delivery id), on this replica or another —
 * enqueues nothing. When the queue cannot record it, this rejects, so Probot
 * answers 500 and GitHub shows the delivery as failed (it can be redelivered).
 */
import type { Context } from "probot";
import type { JobQueue } from "../queue/job-queue.js";
import type { Services } from "../runtime/services.js";

/** De-duplication key of a delivery's work for one route. */
export function deliveryKey(appId: string | null, deliveryId: string, route: string): string {
  return `${appId ?? "app"}:${deliveryId}:${route}`;
}

export function enqueueDelivery(services: Services, queue: JobQueue, route: string): (ctx: Context) => Promise<void> {
  return async (ctx: Context) => {
    const installationId = (ctx.payload as { installation?: { id?: number } }).installation?.id ?? null;
    const log = ctx.log.child({ installation: installationId, handler: route });
    const queued = await queue.enqueue({
      name: "delivery",
      key: deliveryKey(services.settings.appId, ctx.id, route),
      data: { deliveryId: ctx.id, event: ctx.name, handler: route, installationId, payloadJson: JSON.stringify(ctx.payload) },
    });
    if (queued) log.debug({}, "delivery queued");
    else log.info({}, "duplicate delivery ignored");
  };
}
