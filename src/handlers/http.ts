/**
 * HTTP endpoints beside the webhook: `/healthz` answers 200 when the store
 * and the work queue are reachable — with the last sweep time and the
 * queue's counts (waiting, running, failed, age of the oldest waiting job) —
 * and 503 when either is not, or does not answer within a few seconds (a
 * PostgreSQL server that vanished can leave a connection attempt hanging for
 * minutes; Docker's HEALTHCHECK gives 5 s).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { JobQueue, QueueStats } from "../queue/job-queue.js";
import type { LedgerStore } from "../store/store.js";
import { LAST_SWEEP_KEY } from "../usecases/run-sweep.js";

/** What the health check reads: one value from the store, the queue's counts. */
export interface HealthSources {
  store: Pick<LedgerStore, "getValue">;
  /** Absent when the app runs without a queue (handler tests). */
  queue?: Pick<JobQueue, "stats">;
}

/** What /healthz answers (JSON). */
export interface HealthReport {
  status: "ok" | "unavailable";
  /** "ok", or why the store could not be read. */
  store: string;
  /** When the last periodic sweep finished (any replica), null before the first; absent when the store is unreachable. */
  lastSweepAt?: string | null;
  /** The work queue's counts; absent when the app runs without a queue (handler tests). */
  queue?: ({ status: "ok" } & QueueStats) | { status: "unavailable"; error: string };
}

export const HEALTH_TIMEOUT_MS = 3000;

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Reads the store and the queue (at once, each within `timeoutMs`) into the report /healthz serves. */
export async function healthReport(services: HealthSources, timeoutMs = HEALTH_TIMEOUT_MS): Promise<HealthReport> {
  const [sweep, stats] = await Promise.allSettled([
    within(services.store.getValue<{ at: string }>(LAST_SWEEP_KEY), timeoutMs, "the store"),
    services.queue ? within(services.queue.stats(), timeoutMs, "the queue") : Promise.resolve(null),
  ]);
  const report: HealthReport = { status: "ok", store: "ok" };
  if (sweep.status === "fulfilled") report.lastSweepAt = sweep.value?.at ?? null;
  else {
    report.status = "unavailable";
    report.store = message(sweep.reason);
  }
  if (stats.status === "rejected") {
    report.status = "unavailable";
    report.queue = { status: "unavailable", error: message(stats.reason) };
  } else if (stats.value) report.queue = { status: "ok", ...stats.value };
  return report;
}

export function healthHandler(services: HealthSources, opts: { timeoutMs?: number } = {}) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? "").split("?")[0];
    if (path !== "/healthz") return false;
    const report = await healthReport(services, opts.timeoutMs);
    res.writeHead(report.status === "ok" ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify(report));
    return true;
  };
}
