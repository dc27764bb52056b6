/**
 * Lets acknowledgements jump the queue on the embedded database. PGlite runs
 * one statement at a time on the main thread, in arrival order; with work
 * running from the queue, a webhook's enqueue used to wait behind every
 * statement the workers had issued (ledger writes, job fetches), and under
 * 20 concurrent senders acknowledgements took hundreds of milliseconds.
 * Every statement (or whole transaction) on the embedded database passes
 * through one gate, one at a time; those issued inside `urgently(...)` — the
 * enqueue of a delivery — go before any waiting ordinary one.
 */
import { AsyncLocalStorage } from "node:async_hooks";

const urgency = new AsyncLocalStorage<true>();

/** Runs `fn` with every gated statement it issues (through any number of awaits) in the urgent lane. */
export function urgently<T>(fn: () => Promise<T>): Promise<T> {
  return urgency.run(true, fn);
}

export class PriorityGate {
  private busy = false;
  private readonly urgent: Array<() => void> = [];
  private readonly ordinary: Array<() => void> = [];

  /** Runs `fn` alone; waiters are admitted urgent lane first, each lane in arrival order. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.busy) await new Promise<void>((resolve) => (urgency.getStore() ? this.urgent : this.ordinary).push(resolve));
    this.busy = true;
    try {
      return await fn();
    } finally {
      const next = this.urgent.shift() ?? this.ordinary.shift();
      // Hand over without releasing, so nobody slips in between.
      if (next) next();
      else this.busy = false;
    }
  }
}
