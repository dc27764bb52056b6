import { ContentBudget, GITHUB_CONTENT_LIMITS, isContentRequest, windowWait, type BudgetTimer, type BudgetWindow, type SharedGrants } from "../../src/github/content-budget.js";

/** A manual clock: sleepers wake only when the test advances time. */
function manualTimer(start = 1_000_000): BudgetTimer & { advance(ms: number): Promise<void>; sleepers(): number } {
  let now = start;
  let sleepers: { at: number; wake: () => void }[] = [];
  const flush = () => new Promise<void>((r) => setImmediate(r));
  return {
    now: () => now,
    sleep: (ms) => new Promise<void>((wake) => sleepers.push({ at: now + ms, wake })),
    sleepers: () => sleepers.length,
    async advance(ms) {
      const target = now + ms;
      for (;;) {
        await flush();
        const due = sleepers.filter((s) => s.at <= target).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        now = Math.max(now, due.at);
        sleepers = sleepers.filter((s) => s !== due);
        due.wake();
      }
      now = target;
      await flush();
    },
  };
}

async function settled(promises: Promise<void>[]): Promise<boolean[]> {
  const done = promises.map(() => false);
  promises.forEach((p, i) => void p.then(() => (done[i] = true)));
  await new Promise<void>((r) => setImmediate(r));
  await new Promise<void>((r) => setImmediate(r));
  return done;
}

describe("ContentBudget", () => {
  it("grants GitHub's 80 content requests a minute at once and delays the 81st until the minute is over", async () => {
    const timer = manualTimer();
    const budget = new ContentBudget(GITHUB_CONTENT_LIMITS, timer);
    const first80 = Array.from({ length: 80 }, () => budget.acquire("7"));
    await Promise.all(first80);
    const started = timer.now();
    let grantedAt: number | undefined;
    const eighty1st = budget.acquire("7").then(() => (grantedAt = timer.now()));
    await timer.advance(59_999);
    expect(grantedAt).toBeUndefined();
    expect(budget.waiting("7")).toBe(1);
    await timer.advance(1);
    await eighty1st;
    expect(grantedAt! - started).toBe(60_000);
    expect(budget.waiting("7")).toBe(0);
  });

  it("keeps installations apart: one installation's full minute does not delay another's", async () => {
    const timer = manualTimer();
    const budget = new ContentBudget(GITHUB_CONTENT_LIMITS, timer);
    await Promise.all(Array.from({ length: 80 }, () => budget.acquire("7")));
    const [other] = await settled([budget.acquire("8")]);
    expect(other).toBe(true);
    const [same] = await settled([budget.acquire("7")]);
    expect(same).toBe(false);
  });

  it("holds the hourly limit of 500 even when every minute stays under 80", async () => {
    const timer = manualTimer();
    const budget = new ContentBudget(GITHUB_CONTENT_LIMITS, timer);
    const start = timer.now();
    // 70 a minute for 7 minutes and 10 in the 8th: 500 in the first hour.
    for (let minute = 0; minute < 8; minute++) {
      await Promise.all(Array.from({ length: minute < 7 ? 70 : 10 }, () => budget.acquire("7")));
      await timer.advance(60_000);
    }
    let grantedAt: number | undefined;
    const next = budget.acquire("7").then(() => (grantedAt = timer.now()));
    await timer.advance(3_600_000 - (timer.now() - start) - 1);
    expect(grantedAt).toBeUndefined();
    await timer.advance(1);
    await next;
    expect(grantedAt! - start).toBe(3_600_000);
  });

  it("serves waiting requests in the order they asked", async () => {
    const timer = manualTimer();
    const budget = new ContentBudget([{ max: 1, windowMs: 1000 }], timer);
    const order: number[] = [];
    const all = [1, 2, 3].map((n) => budget.acquire("k").then(() => order.push(n)));
    await timer.advance(5000);
    await Promise.all(all);
    expect(order).toEqual([1, 2, 3]);
  });
});

/** Another process's grants, as the store would hold them: a shared list of grant times on the same clock. */
function sharedGrants(timer: BudgetTimer): SharedGrants & { grants: Map<string, number[]>; calls: number } {
  const grants = new Map<string, number[]>();
  const shared = {
    grants,
    calls: 0,
    async grantContentRequest(key: string, windows: readonly BudgetWindow[]): Promise<number> {
      shared.calls++;
      const now = timer.now();
      const times = grants.get(key) ?? [];
      const wait = windowWait(times, windows, now);
      if (wait === 0) grants.set(key, [...times, now]);
      return wait;
    },
  };
  return shared;
}

describe("ContentBudget shared through the store", () => {
  const limits: BudgetWindow[] = [{ max: 3, windowMs: 60_000 }];
  /** A budget of `limits` that shares `store`'s grants. */
  const sharing = (store: SharedGrants, timer: BudgetTimer) => {
    const budget = new ContentBudget(limits, timer);
    budget.share(store);
    return budget;
  };
  /** Takes the whole window (three grants) at once. */
  const fill = (budget: ContentBudget) => Promise.all([budget.acquire("7"), budget.acquire("7"), budget.acquire("7")]);

  it("counts other processes' grants: two budgets on one store grant the limit between them, not each", async () => {
    const timer = manualTimer();
    const store = sharedGrants(timer);
    const a = sharing(store, timer);
    const b = sharing(store, timer);
    await Promise.all([a.acquire("7"), a.acquire("7")]);
    await b.acquire("7");
    expect(store.grants.get("7")).toHaveLength(3);
    // Neither process has filled the window on its own, yet the fourth request waits for the store's minute.
    const [fourth] = await settled([b.acquire("7")]);
    expect(fourth).toBe(false);
    await timer.advance(60_000);
    expect(store.grants.get("7")).toHaveLength(4);
  });

  it("remembers the grants of a process that restarted", async () => {
    const timer = manualTimer();
    const store = sharedGrants(timer);
    await fill(sharing(store, timer));
    const after = sharing(store, timer);
    const [next] = await settled([after.acquire("7")]);
    expect(next).toBe(false);
  });

  it("asks the store nothing while this process alone has filled the window", async () => {
    const timer = manualTimer();
    const store = sharedGrants(timer);
    const budget = sharing(store, timer);
    await fill(budget);
    const calls = store.calls;
    void budget.acquire("7");
    await timer.advance(30_000);
    expect(store.calls).toBe(calls);
  });

  it("grants on this process's count alone while the store fails, and says so", async () => {
    const timer = manualTimer();
    const errors: unknown[] = [];
    const budget = new ContentBudget(limits, timer);
    budget.share({ grantContentRequest: () => Promise.reject(new Error("connection refused")) }, (err) => errors.push(err));
    await fill(budget);
    expect(errors).toHaveLength(3);
    expect(String(errors[0])).toContain("connection refused");
    // The local count still holds the limit.
    const [fourth] = await settled([budget.acquire("7")]);
    expect(fourth).toBe(false);
  });
});

describe("isContentRequest", () => {
  it.each([
    ["POST", "/repos/{owner}/{repo}/issues", undefined, true],
    ["PATCH", "/repos/{owner}/{repo}/issues/comments/{comment_id}", undefined, true],
    ["PUT", "/repos/{owner}/{repo}/contents/{path}", undefined, true],
    ["DELETE", "/orgs/{org}/teams/{team_slug}/memberships/{username}", undefined, true],
    ["GET", "/repos/{owner}/{repo}/issues", undefined, false],
    ["POST", "/app/installations/{installation_id}/access_tokens", undefined, false],
    ["POST", "https://ghe.example/api/v3/app/installations/7/access_tokens", undefined, false],
    ["POST", "/graphql", { query: "query { viewer { login } }" }, false],
    ["POST", "/graphql", { query: "# add one\n  mutation { addComment(input: {}) { clientMutationId } }" }, true],
  ] as const)("%s %s %j -> %s", (method, url, params, expected) => {
    expect(isContentRequest(method, url, params)).toBe(expected);
  });
});
