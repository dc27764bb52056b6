/**
 * Which delivery (and installation) the code now running works for, carried
 * through every await by AsyncLocalStorage. The app's logger adds both to
 * every line logged inside the scope — including lines from octokit, the
 * store and the throttling plugin, whose loggers were made before the
 * delivery arrived and so cannot carry it as a child binding.
 *
 * Whoever runs a delivery's work (today the handler guard; later the work
 * queue) wraps it in `withDeliveryScope`.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface DeliveryScope {
  /** X-GitHub-Delivery. */
  id: string;
  /** installation.id of the verified payload, when it has one. */
  installation?: number;
}

const storage = new AsyncLocalStorage<DeliveryScope>();

/** Runs `fn` with `scope` as the current delivery for everything it awaits; returns what `fn` returns. */
export function withDeliveryScope<T>(scope: DeliveryScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/** The delivery the caller is running for, or undefined outside any delivery (startup, sweep). */
export function currentDelivery(): DeliveryScope | undefined {
  return storage.getStore();
}
