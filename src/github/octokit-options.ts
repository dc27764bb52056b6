/**
 * The one place that decides how the app talks to GitHub: the octokit class
 * used by the server (bin/start.ts) and the CLI. It
 *
 * - honours primary and secondary rate limits with Probot's throttling plugin,
 *   retrying a bounded number of times and only when the wait GitHub asks for
 *   (`retry-after`, or the reset time) is short enough to be worth holding a
 *   delivery for (Probot's default retries secondary limits forever);
 * - backs off on 5xx with the retry plugin (quadratic: 1 s, 4 s, 9 s), and
 *   leaves 403/429 to the throttling plugin so a rate limit is retried once,
 *   after the wait GitHub asked for, not also by the retry plugin;
 * - paces writes as GitHub asks and no more: mutative requests 1 s apart,
 *   content-creating ones under 80/min and 500/h, per installation
 *   (`ContentBudget`; shared by every replica through the store once the
 *   server calls `share`); reads and GraphQL queries go unpaced (the
 *   throttling plugin's own write and notification limiters are off);
 * - reports every request (route, status, rate-limit remaining) to an
 *   observer, which the server backs with Prometheus metrics.
 */
import { ProbotOctokit } from "probot";
import { ContentBudget, isContentRequest } from "./content-budget.js";

type OctokitInstance = InstanceType<typeof ProbotOctokit>;
/** The octokit class the app uses; a subclass of ProbotOctokit with our defaults. */
export type AppOctokitClass = typeof ProbotOctokit;

/** What the octokit reports about its requests (Metrics implements it). */
export interface OctokitObserver {
  /** Called once per request with its final answer (after any retries); status 0 when no response came. */
  request(info: { method: string; url: string; status: number; installation: string; headers?: Record<string, string | number | undefined> }): void;
  /** Called when GitHub answered with a rate limit; `retried` says whether the request is retried. */
  rateLimited(kind: "primary" | "secondary", retried: boolean): void;
  /** Called with the number of content requests now waiting for budget, whenever it changes. */
  contentWaiting(total: number): void;
}

export interface OctokitPolicy {
  /** Retries of one request after a rate limit (primary or secondary). Default 2. */
  rateLimitRetries?: number;
  /** Longest wait, in seconds, that a rate-limit retry may take; longer waits fail the request (the sweep catches up). Default 300. */
  maxRateLimitWaitSeconds?: number;
  /** Retries after a 5xx or a network error. Default 3. */
  serverErrorRetries?: number;
  /** Multiplier of the retry plugin's quadratic backoff and of `retry-after`, in ms. Default 1000 (tests make it small). */
  retryBaseMs?: number;
  /** The content budget; default: GitHub's limits on the real clock. Shared by every octokit of the class. */
  budget?: ContentBudget;
  observer?: OctokitObserver;
  /** False turns throttling off (only for tests that count requests exactly). Default true. */
  throttle?: boolean;
}

/** A stand-in for one of the throttling plugin's Bottleneck groups that runs every job at once. */
const UNPACED = { key: () => ({ schedule: <T>(_options: unknown, job: () => Promise<T>): Promise<T> => job() }) };

/** Statuses the retry plugin must not retry; 429 is added to its defaults because throttling owns it. */
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451];

/** Which budget an octokit's requests count against: its installation, or the app / token it authenticates as. */
function budgetKey(auth: unknown): string {
  if (auth && typeof auth === "object") {
    const a = auth as { installationId?: unknown; token?: unknown };
    if (a.installationId !== undefined && a.installationId !== null) return String(a.installationId);
    if (typeof a.token === "string") return "token";
    return "app";
  }
  return typeof auth === "string" ? "token" : "app";
}

export function appOctokit(policy: OctokitPolicy = {}): AppOctokitClass {
  const rateLimitRetries = policy.rateLimitRetries ?? 2;
  const maxWait = policy.maxRateLimitWaitSeconds ?? 300;
  const budget = policy.budget ?? new ContentBudget();
  const observer = policy.observer;
  const keys = new Set<string>();

  const onLimit = (kind: "primary" | "secondary") =>
    (retryAfter: number, options: { method: string; url: string }, octokit: OctokitInstance, retryCount: number): boolean => {
      const retry = retryCount < rateLimitRetries && retryAfter <= maxWait;
      observer?.rateLimited(kind, retry);
      const route = `${options.method} ${options.url}`;
      octokit.log.warn(
        retry
          ? `${kind} rate limit on ${route}: retry ${retryCount + 1} of ${rateLimitRetries} in ${retryAfter} s`
          : `${kind} rate limit on ${route}: giving up (retry-after ${retryAfter} s, ${retryCount} retries made)`,
      );
      return retry;
    };

  const plugin: Parameters<typeof ProbotOctokit.plugin>[0] = (octokit, options) => {
    const key = budgetKey(options.auth);
    keys.add(key);
    const waitingTotal = () => [...keys].reduce((n, k) => n + budget.waiting(k), 0);
    octokit.hook.wrap("request", async (request, opts) => {
      // GraphQL options carry the query at the top level (it becomes the body).
      if (isContentRequest(opts.method, opts.url, opts)) {
        const turn = budget.acquire(key);
        observer?.contentWaiting(waitingTotal());
        await turn;
        observer?.contentWaiting(waitingTotal());
      }
      try {
        const response = await request(opts);
        observer?.request({ method: opts.method, url: opts.url, status: response.status, installation: key, headers: response.headers });
        return response;
      } catch (err) {
        const e = err as { status?: unknown; response?: { headers?: Record<string, string | number | undefined> } };
        observer?.request({ method: opts.method, url: opts.url, status: typeof e.status === "number" ? e.status : 0, installation: key, headers: e.response?.headers });
        throw err;
      }
    });
    return {};
  };

  const base = policy.retryBaseMs ?? 1000;
  const ours = {
    throttle: {
      retryAfterBaseValue: base,
      onRateLimit: onLimit("primary"),
      onSecondaryRateLimit: onLimit("secondary"),
      // The plugin's own pacing is not GitHub's: it sends GraphQL *queries*
      // through its write limiter (1 s apart) and every issue or comment 3 s
      // apart. Writes are paced by the budget above (1 s apart, 80/min,
      // 500/h per installation, shared by replicas); reads are not paced.
      write: UNPACED,
      notifications: UNPACED,
    },
    retry: { enabled: true, retries: policy.serverErrorRetries ?? 3, retryAfterBaseValue: base, doNotRetry: DO_NOT_RETRY },
  };
  // A function, not an object: Probot builds every installation's octokit with
  // its own `throttle` object (handlers that never retry a secondary limit),
  // and octokit's object defaults merge shallowly, so that object would replace
  // ours wholesale. Here the instance's throttle options are kept (Probot's `id`
  // per installation, a Bottleneck connection) and our handlers always win.
  return ProbotOctokit.plugin(plugin).defaults((instance: OctokitOptions) => mergeOptions(instance, ours, policy.throttle ?? true)) as AppOctokitClass;
}

type OctokitOptions = Record<string, unknown> & { throttle?: Record<string, unknown>; retry?: Record<string, unknown> };

/**
 * The options an octokit of the app's class is built with: the caller's
 * (Probot's, or a test's) with our rate-limit handlers and retry policy on
 * top. Throttling stays off when the caller or the policy turns it off.
 */
function mergeOptions(instance: OctokitOptions, ours: { throttle: Record<string, unknown>; retry: Record<string, unknown> }, throttleEnabled: boolean): OctokitOptions {
  const enabled = throttleEnabled && instance.throttle?.enabled !== false;
  return {
    ...instance,
    throttle: { ...instance.throttle, ...ours.throttle, enabled },
    retry: { ...instance.retry, ...ours.retry },
  };
}
