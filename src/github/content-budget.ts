/**
 * Keeps content-creating requests under GitHub's secondary rate limits: "no
 * more than 80 content-generating requests per minute and no more than 500
 * per hour" (docs: "Rate limits for the REST API", secondary rate limits).
 * GitHub counts them per installation, so the budget is kept per key
 * (installation id). Requests over budget wait in FIFO order until a slot in
 * both windows frees up; nothing is dropped.
 *
 * Shared across processes once `share` is given the store: each grant is
 * then also recorded in the store (one short transaction per content
 * request), so replicas on one PostgreSQL keep one budget between them, and a
 * restarted process still counts the grants of the hour before. Without it
 * (the preview CLI, tests), or while the store cannot be reached, the budget
 * is this process's alone: N processes could then send up to N times the
 * limit, and the throttling plugin's secondary-limit retry
 * (octokit-options.ts) is the backstop.
 */

/** One limit: at most `max` grants in any sliding window of `windowMs`. */
export interface BudgetWindow {
  max: number;
  windowMs: number;
}

/** GitHub's documented content-creation limits. */
export const GITHUB_CONTENT_LIMITS: readonly BudgetWindow[] = [
  { max: 80, windowMs: 60_000 },
  { max: 500, windowMs: 3_600_000 },
];

/**
 * Every pacing rule GitHub states for writes (REST best practices: "wait at
 * least one second between each" POST, PATCH, PUT or DELETE request), on top
 * of the content limits: the default of a ContentBudget, and the only pacing
 * the app applies (octokit-options.ts turns the throttling plugin's own write
 * and notification limiters off; reads and GraphQL queries are not paced).
 */
export const GITHUB_WRITE_LIMITS: readonly BudgetWindow[] = [{ max: 1, windowMs: 1000 }, ...GITHUB_CONTENT_LIMITS];

/** Time, injectable so tests run the windows without waiting. */
export interface BudgetTimer {
  /** Milliseconds since the epoch; never goes backwards. */
  now(): number;
  /** Resolves after `ms` milliseconds (the real timer is unref'd so it never holds the process open). */
  sleep(ms: number): Promise<void>;
}

export const realTimer: BudgetTimer = {
  now: () => Date.now(),
  sleep: (ms) =>
    new Promise((resolve) => {
      setTimeout(resolve, ms).unref();
    }),
};

/**
 * Grants recorded where every process sees them (the store:
 * `LedgerStore.grantContentRequest`).
 */
export interface SharedGrants {
  /**
   * Records one grant of `key` when every window has room and resolves 0;
   * otherwise records nothing and resolves the milliseconds until a slot
   * frees. Atomic across processes. Rejects when the store cannot be reached.
   */
  grantContentRequest(key: string, windows: readonly BudgetWindow[]): Promise<number>;
}

/**
 * Milliseconds from `now` until one more grant fits every window (0: now),
 * given earlier grant times, oldest first.
 */
export function windowWait(grants: readonly number[], limits: readonly BudgetWindow[], now: number): number {
  let wait = 0;
  for (const { max, windowMs } of limits) {
    const inWindow = grants.filter((t) => t > now - windowMs);
    if (inWindow.length >= max) {
      // The slot frees when the oldest grant that keeps the window full leaves it.
      const freesAt = inWindow[inWindow.length - max]! + windowMs;
      wait = Math.max(wait, freesAt - now);
    }
  }
  return wait;
}

interface KeyState {
  /** Grant times, oldest first, kept for the longest window only. */
  grants: number[];
  /** Tail of the FIFO chain of acquirers for this key. */
  tail: Promise<void>;
  waiting: number;
}

export class ContentBudget {
  private readonly keys = new Map<string, KeyState>();
  private readonly longest: number;
  private shared: { grants: SharedGrants; onError: (err: unknown) => void } | null = null;

  constructor(
    private readonly limits: readonly BudgetWindow[] = GITHUB_WRITE_LIMITS,
    private readonly timer: BudgetTimer = realTimer,
  ) {
    this.longest = Math.max(...limits.map((l) => l.windowMs));
  }

  /**
   * Resolves when one content request for `key` may be sent, and counts it
   * as sent at that moment. Callers are served in call order per key; keys
   * never wait for each other. Never rejects.
   */
  acquire(key: string): Promise<void> {
    const state = this.state(key);
    state.waiting++;
    const turn = state.tail.then(async () => {
      for (;;) {
        // This process's own grants first: no store round trip while it alone fills a window.
        const wait = this.waitFor(state, this.timer.now()) || (await this.sharedWait(key));
        if (wait <= 0) break;
        await this.timer.sleep(wait);
      }
      state.grants.push(this.timer.now());
      state.waiting--;
    });
    state.tail = turn;
    return turn;
  }

  /**
   * From now on, grants are also recorded in `grants` and wait for the other
   * processes' grants there. When the store fails, the request is granted on
   * this process's count alone (a store outage must not stop the app from
   * answering on GitHub) and `onError` hears of it.
   */
  share(grants: SharedGrants, onError: (err: unknown) => void = () => undefined): void {
    this.shared = { grants, onError };
  }

  /** 0 when the shared budget recorded a grant (or is absent or unreachable), else the milliseconds to wait. */
  private async sharedWait(key: string): Promise<number> {
    if (!this.shared) return 0;
    try {
      return await this.shared.grants.grantContentRequest(key, this.limits);
    } catch (err) {
      this.shared.onError(err);
      return 0;
    }
  }

  /** Requests for `key` currently waiting for a slot (for metrics and tests). */
  waiting(key: string): number {
    return this.keys.get(key)?.waiting ?? 0;
  }

  /** Milliseconds until a grant is allowed in every window (0: now). Drops grants older than the longest window. */
  private waitFor(state: KeyState, now: number): number {
    while (state.grants.length && state.grants[0]! <= now - this.longest) state.grants.shift();
    return windowWait(state.grants, this.limits, now);
  }

  private state(key: string): KeyState {
    let s = this.keys.get(key);
    if (!s) {
      s = { grants: [], tail: Promise.resolve(), waiting: 0 };
      this.keys.set(key, s);
    }
    return s;
  }
}

/**
 * True for requests that create or change content on GitHub (the ones the
 * secondary content limits count): REST POST/PATCH/PUT/DELETE, except
 * creating an installation token, and GraphQL mutations (`params` holds the
 * request's `query`). Conservative on
 * purpose — an update counted that GitHub would not count costs a little
 * waiting, a create not counted can cost a 403.
 */
export function isContentRequest(method: string, url: string, params?: unknown): boolean {
  const m = method.toUpperCase();
  if (m === "GET" || m === "HEAD" || m === "OPTIONS") return false;
  const path = url.replace(/^https?:\/\/[^/]+/, "").replace(/^\/api\/v3(?=\/)/, "").split("?")[0] ?? "";
  if (/^\/app\/installations\/[^/]+\/access_tokens$/.test(path)) return false;
  if (path === "/graphql" || path === "/api/graphql") {
    const query = typeof params === "object" && params !== null ? (params as { query?: unknown }).query : undefined;
    return typeof query === "string" && /^\s*mutation\b/.test(query.replace(/^\s*(#[^\n]*\n\s*)*/, ""));
  }
  return true;
}
