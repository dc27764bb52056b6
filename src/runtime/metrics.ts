/**
 * The app's Prometheus metrics (served at /metrics). One instance per
 * process, created at start and passed around in Services — no module-level
 * registry, so tests get fresh counters.
 *
 * Label values are bounded: events and outcomes are fixed sets, routes are
 * octokit route templates (see `routeLabel`), installations are the app's own.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { OctokitObserver } from "../github/octokit-options.js";

/** What happened to one handler run of a delivery. */
export type DeliveryOutcome = "handled" | "duplicate" | "refused" | "failed";
const DELIVERY_OUTCOMES: readonly DeliveryOutcome[] = ["handled", "duplicate", "refused", "failed"];

/** What the work queue reports; read on every scrape. */
export interface QueueProbe {
  /** Jobs waiting or running. */
  depth: number;
  /** Age in seconds of the oldest waiting job; 0 when none waits. */
  oldestAgeSeconds: number;
}

export class Metrics {
  readonly registry = new Registry();
  private queueProbe: () => QueueProbe = () => ({ depth: 0, oldestAgeSeconds: 0 });
  private queueSource: (() => Promise<QueueProbe>) | null = null;

  readonly deliveries = new Counter({
    name: "stewards_webhook_deliveries_total",
    help: "Webhook deliveries handled, by event and outcome (handled, duplicate, refused, failed).",
    labelNames: ["event", "outcome"] as const,
    registers: [this.registry],
  });

  readonly apiRequests = new Counter({
    name: "stewards_github_requests_total",
    help: "Requests to the GitHub API, by route template and HTTP status (0: no response).",
    labelNames: ["route", "status"] as const,
    registers: [this.registry],
  });

  readonly rateLimitRemaining = new Gauge({
    name: "stewards_github_rate_limit_remaining",
    help: "x-ratelimit-remaining from the latest GitHub response, per installation ('app' for the app's own JWT, 'token' for a plain token) and resource.",
    labelNames: ["installation", "resource"] as const,
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: "stewards_github_rate_limited_total",
    help: "Rate-limit answers from GitHub, by kind (primary, secondary) and whether the request was retried.",
    labelNames: ["kind", "retried"] as const,
    registers: [this.registry],
  });

  readonly contentWaiting = new Gauge({
    name: "stewards_content_requests_waiting",
    help: "Content-creating requests waiting for the per-installation budget (80/min, 500/h) in this process.",
    registers: [this.registry],
  });

  readonly sweepDuration = new Histogram({
    name: "stewards_sweep_duration_seconds",
    help: "Duration of the periodic sweep, by outcome.",
    labelNames: ["outcome"] as const,
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
    registers: [this.registry],
  });

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    const probe = () => this.safeProbe();
    new Gauge({
      name: "stewards_queue_depth",
      help: "Jobs waiting or running in the work queue.",
      registers: [this.registry],
      collect() {
        this.set(probe().depth);
      },
    });
    new Gauge({
      name: "stewards_queue_oldest_age_seconds",
      help: "Age of the oldest job waiting in the work queue.",
      registers: [this.registry],
      collect() {
        this.set(probe().oldestAgeSeconds);
      },
    });
    // Every known label set starts at 0, so that a fresh replica already has the
    // series a dashboard's rate() or an alert reads (Prometheus' instrumentation
    // practice: no missing series for labels known in advance).
    for (const kind of ["primary", "secondary"] as const) for (const retried of ["true", "false"]) this.rateLimited.inc({ kind, retried }, 0);
    for (const outcome of ["ok", "failed"]) this.sweepDuration.zero({ outcome });
    // Process metrics (CPU, memory, event loop lag) with the usual names.
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Starts `stewards_webhook_deliveries_total` at 0 for every outcome of each
   * event the app subscribes to (`pull_request.closed` counts as `pull_request`,
   * the label the deliveries carry). Called once with the routes' events.
   */
  knownEvents(events: readonly string[]): void {
    const names = new Set(events.map((e) => e.split(".")[0] ?? e));
    for (const event of names) for (const outcome of DELIVERY_OUTCOMES) this.deliveries.inc({ event, outcome }, 0);
  }

  /**
   * Sets where the queue gauges come from. Called once by whoever owns the
   * work queue; until then both gauges report 0. The probe is called on every
   * scrape and must be cheap and synchronous; if it throws, the gauges report 0.
   */
  setQueueProbe(probe: () => QueueProbe): void {
    this.queueProbe = probe;
  }

  /** The observer to give `appOctokit`, feeding the API request, rate-limit and content-budget metrics. */
  octokitObserver(): OctokitObserver {
    return {
      request: ({ method, url, status, installation, headers }) => {
        this.apiRequests.inc({ route: routeLabel(method, url), status: String(status) });
        const remaining = Number(headers?.["x-ratelimit-remaining"]);
        if (headers?.["x-ratelimit-remaining"] !== undefined && Number.isFinite(remaining)) {
          this.rateLimitRemaining.set({ installation, resource: String(headers["x-ratelimit-resource"] ?? "core") }, remaining);
        }
      },
      rateLimited: (kind, retried) => this.rateLimited.inc({ kind, retried: String(retried) }),
      contentWaiting: (total) => this.contentWaiting.set(total),
    };
  }

  /** Runs the sweep and records its duration, success or failure; rethrows failures. */
  async timeSweep<T>(run: () => Promise<T>): Promise<T> {
    const end = this.sweepDuration.startTimer();
    try {
      const result = await run();
      end({ outcome: "ok" });
      return result;
    } catch (err) {
      end({ outcome: "failed" });
      throw err;
    }
  }

  /** An asynchronous source of the queue gauges (the job queue's stats), read on each scrape. */
  setQueueSource(source: () => Promise<QueueProbe>): void {
    this.queueSource = source;
  }

  /** The Prometheus text exposition of every metric. */
  async render(): Promise<{ contentType: string; body: string }> {
    if (this.queueSource) {
      try {
        const probe = await this.queueSource();
        this.queueProbe = () => probe;
      } catch {
        // The store is unreachable: /healthz says so; the gauges keep their last values.
      }
    }
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private safeProbe(): QueueProbe {
    try {
      return this.queueProbe();
    } catch {
      return { depth: 0, oldestAgeSeconds: 0 };
    }
  }
}

/**
 * A bounded route label for an octokit request: the route template when the
 * caller used one ("/repos/{owner}/{repo}/issues"), otherwise the path with
 * owners, repositories and numbers replaced (pagination follows full URLs).
 */
export function routeLabel(method: string, url: string): string {
  if (url.includes("{")) return `${method.toUpperCase()} ${url}`;
  const path = (url.replace(/^https?:\/\/[^/]+/, "").split("?")[0] ?? "")
    .replace(/^\/api\/v3(?=\/)/, "")
    .replace(/^\/api\/graphql$/, "/graphql")
    .replace(/^\/repos\/[^/]+\/[^/]+/, "/repos/{owner}/{repo}")
    .replace(/^\/orgs\/[^/]+/, "/orgs/{org}")
    .replace(/^\/users\/[^/]+/, "/users/{username}")
    .replace(/\/teams\/[^/]+/, "/teams/{team_slug}")
    .replace(/\/\d+(?=\/|$)/g, "/{id}");
  return `${method.toUpperCase()} ${path}`;
}
