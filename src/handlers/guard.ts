/**
 * Wraps every webhook handler: drops duplicate deliveries (same
 * X-GitHub-Delivery), binds the installation to the logger (Probot already
 * binds the delivery id), and turns any failure into a log line instead of a
 * crash. A failed handler releases nothing half-done: use-cases plan first
 * and write last.
 */
import type { Context } from "probot";
import type { Services } from "../runtime/services.js";

type AnyContext = Context;

export function guarded<C extends AnyContext>(
  services: Services,
  name: string,
  fn: (services: Services, ctx: C) => Promise<void> | void,
): (ctx: C) => Promise<void> {
  return async (ctx: C) => {
    const installation = (ctx.payload as { installation?: { id?: number } }).installation?.id;
    ctx.log = ctx.log.child({ installation, handler: name });
    try {
      const first = await services.store.claimDelivery(`${ctx.id}:${name}`);
      if (!first) {
        ctx.log.info({}, "duplicate delivery ignored");
        return;
      }
      await fn(services, ctx);
    } catch (err) {
      ctx.log.error({ err }, `${name} failed`);
    }
  };
}
