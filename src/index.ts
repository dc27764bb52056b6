/**
 * The Probot application: registers handlers. No logic lives here.
 */
import type { ApplicationFunction } from "probot";
import { enqueueDelivery } from "./handlers/enqueue-delivery.js";
import { guarded } from "./handlers/guard.js";
import { healthHandler } from "./handlers/http.js";
import { ROUTES } from "./handlers/routes.js";
import { jobRunner } from "./handlers/run-job.js";
import { scheduleSweeps } from "./handlers/sweep.js";
import type { Services } from "./runtime/services.js";

export interface AppOptions {
  /** Start the periodic sweep timer (off in unit tests). */
  sweep?: boolean;
  /** Register the HTTP endpoints (/healthz); needs Probot's server, so off under `probot.receive` tests. Default true. */
  http?: boolean;
  /** With `services.queue`: also run queued jobs in this process, this many at a time (0: enqueue only). Default 4. */
  workers?: number;
}

export function createApp(services: Services, options: AppOptions = {}): ApplicationFunction {
  return async (app, { addHandler }) => {
    const queue = services.queue;
    for (const route of ROUTES) {
      // With a queue the request only records the work; without one (handler tests) the handler runs in the request.
      app.on(route.events, queue ? enqueueDelivery(services, queue, route.name) : guarded(services, route.name, route.run));
    }
    if (options.http !== false) addHandler(healthHandler(services));
    if (options.sweep) scheduleSweeps(app, services, services.settings.sweepIntervalMs);
    const workers = options.workers ?? 4;
    if (queue && workers > 0) await queue.work(jobRunner(app, services), { concurrency: workers });
  };
}
