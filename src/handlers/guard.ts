/**
 * Wraps every webhook handler: refuses deliveries naming resources outside
 * their installation (installation-scope.ts), drops duplicate deliveries (same
 * X-GitHub-Delivery), binds the installation to the logger (Probot already
 * binds the delivery id), and turns any failure into a log line instead of a
 * crash. A failed handler releases nothing half-done: use-cases plan first
 * and write last.
 */
import type { Context } from "probot";
import { withDeliveryScope } from "../runtime/delivery-scope.js";
import type { Services } from "../runtime/services.js";
import { countDelivery, deliveryInScope, deliveryScopeOf } from "./installation-scope.js";

type AnyContext = Context;

export function guarded<C extends AnyContext>(
  services: Services,
  name: string,
  fn: (services: Services, ctx: C) => Promise<void> | void,
): (ctx: C) => Promise<void> {
  const handle = async (ctx: C) => {
    const installation = (ctx.payload as { installation?: { id?: number } }).installation?.id;
    ctx.log = ctx.log.child({ installation, handler: name });
    try {
      if (!(await deliveryInScope(services, ctx))) return;
      const first = await services.store.claimDelivery(`${ctx.id}:${name}`);
      if (!first) {
        ctx.log.info({}, "duplicate delivery ignored");
        countDelivery(services, ctx, "duplicate");
        return;
      }
      await fn(services, ctx);
      countDelivery(services, ctx, "handled");
    } catch (err) {
      ctx.log.error({ err }, `${name} failed`);
      countDelivery(services, ctx, "failed");
    }
  };
  // Every line logged while handling, by any logger, carries the delivery id and installation.
  return (ctx: C) => withDeliveryScope(deliveryScopeOf(ctx), () => handle(ctx));
}
