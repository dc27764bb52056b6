/**
 * The app's octokit against the fake GitHub, built the way the server builds
 * it: the class handed to Probot, and an installation's client from
 * `probot.auth(id)` (Probot passes its own throttle options to every
 * installation's octokit, so a class built alone would not show whether ours
 * survive). Rate limits are retried after the wait GitHub asks for (a
 * bounded number of times), 5xx answers are retried with backoff, and content
 * requests wait for the per-installation budget.
 */
import { Writable } from "node:stream";
import { pino } from "pino";
import { ContentBudget, type BudgetTimer } from "../../src/github/content-budget.js";
import type { appOctokit} from "../../src/github/octokit-options.js";
import { type OctokitObserver } from "../../src/github/octokit-options.js";
import { Metrics } from "../../src/runtime/metrics.js";
import { startFakeGitHub, type FakeGitHub } from "../fake-github/server.js";
import { probotInstallationClient } from "../support/probot-client.js";

let fake: FakeGitHub;

beforeEach(async () => {
  fake = await startFakeGitHub();
  fake.addRepo({ owner: "acme", name: "widgets", installationId: 7 });
});

afterEach(async () => {
  await fake.close();
});

function recorder() {
  const seen = { requests: [] as string[], limited: [] as string[], waiting: [] as number[] };
  const observer: OctokitObserver = {
    request: ({ method, url, status }) => seen.requests.push(`${method} ${url} ${status}`),
    rateLimited: (kind, retried) => seen.limited.push(`${kind}:${retried}`),
    contentWaiting: (n) => seen.waiting.push(n),
  };
  return { seen, observer };
}

/** What Probot and octokit logged at warn and above, as one line per entry. */
let warnings: string[] = [];

/** Installation 7's octokit, built as the server builds it: the app's class given to Probot, then `probot.auth`. */
async function client(policy: Parameters<typeof appOctokit>[0]) {
  warnings = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) warnings.push((JSON.parse(line) as { msg: string }).msg);
      done();
    },
  });
  return probotInstallationClient(fake, 7, { policy, log: pino({ level: "warn" }, sink) });
}

/** The requests made for the test (the client's warm-up, token exchange included, is forgotten). */
const apiRequests = () => fake.requests;

const createIssue = (octokit: Awaited<ReturnType<typeof client>>) =>
  octokit.request("POST /repos/{owner}/{repo}/issues", { owner: "acme", repo: "widgets", title: "hello" });

describe("the app's octokit", () => {
  it.each([403, 429])("retries a %i secondary rate limit after the retry-after wait, and succeeds", async (status) => {
    fake.setFailure(
      { method: "POST", path: "/repos/{owner}/{repo}/issues" },
      { status, headers: { "retry-after": "1" }, body: { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", documentation_url: "https://docs.github.com/rest" } },
    );
    const { seen, observer } = recorder();
    const octokit = await client({ observer });
    const started = Date.now();
    const res = await createIssue(octokit);
    expect(res.status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(apiRequests().map((r) => `${r.route} ${r.status}`)).toEqual([`POST /repos/{owner}/{repo}/issues ${status}`, "POST /repos/{owner}/{repo}/issues 201"]);
    expect(fake.issues("acme", "widgets")).toHaveLength(1);
    expect(seen.limited).toEqual(["secondary:true"]);
    // Our handler decided, not Probot's (which only warns and never retries).
    expect(warnings).toEqual(["secondary rate limit on POST /repos/{owner}/{repo}/issues: retry 1 of 2 in 1 s"]);
    fake.assertNoViolations();
  }, 20_000);

  it("gives up on a secondary rate limit after the bounded number of retries", async () => {
    fake.setFailure({ method: "POST", path: "/repos/{owner}/{repo}/issues" }, { status: 403, times: Infinity, headers: { "retry-after": "1" } });
    const { seen, observer } = recorder();
    const octokit = await client({ observer, rateLimitRetries: 2, retryBaseMs: 5 });
    await expect(createIssue(octokit)).rejects.toMatchObject({ status: 403 });
    expect(apiRequests().filter((r) => r.route === "POST /repos/{owner}/{repo}/issues")).toHaveLength(3);
    expect(seen.limited).toEqual(["secondary:true", "secondary:true", "secondary:false"]);
    expect(fake.issues("acme", "widgets")).toHaveLength(0);
  }, 20_000);

  it("does not wait for a rate limit longer than it is allowed to", async () => {
    fake.setFailure({ method: "GET", path: "/repos/{owner}/{repo}" }, { status: 403, headers: { "retry-after": "3600" } });
    const { seen, observer } = recorder();
    const octokit = await client({ observer, maxRateLimitWaitSeconds: 60 });
    const started = Date.now();
    await expect(octokit.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "widgets" })).rejects.toMatchObject({ status: 403 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(seen.limited).toEqual(["secondary:false"]);
  });

  it("retries a primary rate limit after the reset time, and succeeds", async () => {
    const reset = Math.ceil(Date.now() / 1000) + 1;
    fake.setFailure(
      { method: "GET", path: "/repos/{owner}/{repo}" },
      { status: 403, headers: { "x-ratelimit-remaining": "0", "x-ratelimit-limit": "5000", "x-ratelimit-reset": String(reset) }, body: { message: "API rate limit exceeded for installation ID 7.", documentation_url: "https://docs.github.com/rest" } },
    );
    const { seen, observer } = recorder();
    const octokit = await client({ observer });
    const res = await octokit.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "widgets" });
    expect(res.status).toBe(200);
    // Retried only once the reset time had passed.
    expect(Date.now()).toBeGreaterThanOrEqual(reset * 1000);
    expect(seen.limited).toEqual(["primary:true"]);
    expect(apiRequests().map((r) => r.status)).toEqual([403, 200]);
  }, 20_000);

  it("retries a 502 and succeeds with the next answer", async () => {
    fake.setFailure({ method: "GET", path: "/repos/{owner}/{repo}" }, { status: 502 });
    const { seen, observer } = recorder();
    const octokit = await client({ observer, retryBaseMs: 5 });
    const res = await octokit.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "widgets" });
    expect(res.status).toBe(200);
    expect(apiRequests().map((r) => `${r.route} ${r.status}`)).toEqual(["GET /repos/{owner}/{repo} 502", "GET /repos/{owner}/{repo} 200"]);
    // The observer sees the request once, with its final answer.
    expect(seen.requests.filter((r) => r.startsWith("GET /repos/"))).toEqual(["GET /repos/{owner}/{repo} 200"]);
  });

  it("does not retry a 404", async () => {
    const octokit = await client({ retryBaseMs: 5 });
    await expect(octokit.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "nope" })).rejects.toMatchObject({ status: 404 });
    expect(apiRequests()).toHaveLength(1);
  });

  it("queues content requests over the budget until the window frees, and lets reads through", async () => {
    let now = 0;
    const wakes: (() => void)[] = [];
    const timer: BudgetTimer = { now: () => now, sleep: () => new Promise<void>((r) => wakes.push(r)) };
    const { seen, observer } = recorder();
    const octokit = await client({ budget: new ContentBudget([{ max: 2, windowMs: 60_000 }], timer), throttle: false, observer });
    const posted: number[] = [];
    const posts = [1, 2, 3].map((n) => createIssue(octokit).then(() => posted.push(n)));
    await Promise.all(posts.slice(0, 2));
    const read = await octokit.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "widgets" });
    expect(read.status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    expect(posted).toEqual([1, 2]);
    expect(wakes).toHaveLength(1);
    // The waiting request is reported (for the stewards_content_requests_waiting gauge).
    expect(Math.max(...seen.waiting)).toBeGreaterThanOrEqual(1);
    now = 60_000;
    wakes.shift()!();
    await posts[2];
    expect(posted).toEqual([1, 2, 3]);
    expect(fake.issues("acme", "widgets")).toHaveLength(3);
    expect(seen.waiting.at(-1)).toBe(0);
  });

  it("counts secondary and primary limits, retried or not, in the server's metric", async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    fake.setFailure({ method: "POST", path: "/repos/{owner}/{repo}/issues" }, { status: 403, headers: { "retry-after": "1" }, body: { message: "You have exceeded a secondary rate limit." } });
    const reset = Math.ceil(Date.now() / 1000) + 1;
    fake.setFailure(
      { method: "GET", path: "/repos/{owner}/{repo}" },
      { status: 403, headers: { "x-ratelimit-remaining": "0", "x-ratelimit-limit": "5000", "x-ratelimit-reset": String(reset) }, body: { message: "API rate limit exceeded for installation ID 7." } },
    );
    const octokit = await client({ observer: metrics.octokitObserver(), retryBaseMs: 200 });
    await createIssue(octokit);
    await octokit.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "widgets" });
    const text = (await metrics.render()).body;
    expect(text).toContain('stewards_github_rate_limited_total{kind="secondary",retried="true"} 1');
    expect(text).toContain('stewards_github_rate_limited_total{kind="primary",retried="true"} 1');
    expect(apiRequests().map((r) => r.status)).toEqual([403, 201, 403, 200]);
    expect(warnings.some((w) => /quota|Rate limit hit/.test(w))).toBe(false);
  }, 20_000);

  it("paces writes 1 s apart and nothing else: GraphQL queries are not held, comments not 3 s apart", async () => {
    fake.addIssue("acme", "widgets", { title: "Help", number: 1, author: "ana" });
    const octokit = await client({});
    let started = Date.now();
    for (let i = 0; i < 4; i++) await octokit.graphql(`query { repository(owner: "acme", name: "widgets") { name } }`);
    // Through the throttling plugin's write limiter these would take at least 3 s.
    expect(Date.now() - started).toBeLessThan(2500);
    started = Date.now();
    await Promise.all([1, 2, 3].map((n) => octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner: "acme", repo: "widgets", issue_number: 1, body: `c${n}` })));
    const took = Date.now() - started;
    // Three writes, one second apart (GitHub's rule); the plugin's notification limiter would space them 3 s apart.
    expect(took).toBeGreaterThanOrEqual(1900);
    expect(took).toBeLessThan(5500);
    expect(fake.comments("acme", "widgets", 1).map((c) => c.body).sort()).toEqual(["c1", "c2", "c3"]);
    fake.assertNoViolations();
  }, 20_000);
});
