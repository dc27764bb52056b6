/**
 * The Probot application: registers handlers. No logic lives here.
 */
import type { ApplicationFunction, Probot } from "probot";
import { enqueueDelivery } from "./handlers/enqueue-delivery.js";
import { guarded } from "./handlers/guard.js";
import { healthHandler } from "./handlers/http.js";
import { healthPageHandler } from "./handlers/health-page.js";
import { metricsHandler } from "./handlers/metrics-endpoint.js";
import { ROUTES } from "./handlers/routes.js";
import { jobRunner } from "./handlers/run-job.js";
import { scheduleSweeps } from "./handlers/sweep.js";
import type { Services } from "./runtime/services.js";

export interface AppOptions {
  /** Start the periodic sweep timer (off in unit tests). */
  sweep?: boolean;
  /** Register the HTTP endpoints (/healthz, /metrics, /stewards/<owner>/<repo>); needs Probot's server, so off under `probot.receive` tests. Default true. */
  http?: boolean;
  /** With `services.queue`: also run queued jobs in this process, this many at a time (0: enqueue only). Default 4. */
  workers?: number;
}

export function createApp(base: Services, options: AppOptions = {}): ApplicationFunction {
  return async (app, { addHandler }) => {
    const services: Services = { ...base, appLogin: base.appLogin ?? appLoginOf(app) };
    const queue = services.queue;
    services.metrics.knownEvents(ROUTES.flatMap((r) => r.events));
    for (const route of ROUTES) {
      // With a queue the request only records the work; without one (handler tests) the handler runs in the request.
      app.on(route.events, queue ? enqueueDelivery(services, queue, route.name) : guarded(services, route.name, route.run));
    }
    if (options.http !== false) addHandler(healthHandler(services));
    if (options.http !== false) addHandler(metricsHandler(services));
    if (options.http !== false) addHandler(healthPageHandler(services, app.log));
    if (options.sweep) scheduleSweeps(app, services, services.settings.sweepIntervalMs);
    const workers = options.workers ?? 4;
    if (queue && workers > 0) await queue.work(jobRunner(app, services), { concurrency: workers });
  };
}

/** The app's bot login, read once from `GET /app` (JWT) and kept; a failed read is retried next time. */
function appLoginOf(app: Probot): () => Promise<string> {
  let known: Promise<string> | null = null;
  return () => {
    known ??= app
      .auth()
      .then((octokit) => octokit.request("GET /app"))
      .then((res) => `${(res.data as { slug: string }).slug}[bot]`)
      .catch((err: unknown) => {
        known = null;
        throw err;
      });
    return known;
  };
}
