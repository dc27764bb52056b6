/**
 * The webhook side of the queue: a verified delivery (Probot checked its
 * signature before calling this) becomes one durable job per route, and the
 * HTTP answer goes out as soon as the job is recorded. A delivery seen
 * before — the same (app id, delivery id), on this replica or another —
 * enqueues nothing. When the queue cannot record it, this rejects, so Probot
 * answers 500 and GitHub shows the delivery as failed (it can be redelivered).
 */
import type { Context } from "probot";
import { packPayload } from "../queue/delivery-payload.js";
import type { JobQueue } from "../queue/job-queue.js";
import { withDeliveryScope } from "../runtime/delivery-scope.js";
import type { Services } from "../runtime/services.js";
import { countDelivery, deliveryInScope, deliveryScopeOf } from "./installation-scope.js";

/** De-duplication key of a delivery's work for one route. */
export function deliveryKey(appId: string | null, deliveryId: string, route: string): string {
  return `${appId ?? "app"}:${deliveryId}:${route}`;
}

export function enqueueDelivery(services: Services, queue: JobQueue, route: string): (ctx: Context) => Promise<void> {
  const handle = async (ctx: Context) => {
    const installationId = (ctx.payload as { installation?: { id?: number } }).installation?.id ?? null;
    const log = ctx.log.child({ installation: installationId, handler: route });
    ctx.log = log;
    // Refused before anything is recorded: a delivery naming another account's resources costs no token and no job.
    if (!(await deliveryInScope(services, ctx))) return;
    const queued = await queue.enqueue({
      name: "delivery",
      key: deliveryKey(services.settings.appId, ctx.id, route),
      data: { deliveryId: ctx.id, event: ctx.name, handler: route, installationId, ...packPayload(ctx.payload) },
    });
    if (queued) log.debug({}, "delivery queued");
    else {
      log.info({}, "duplicate delivery ignored");
      countDelivery(services, ctx, "duplicate");
    }
  };
  return (ctx: Context) => withDeliveryScope(deliveryScopeOf(ctx), () => handle(ctx));
}
