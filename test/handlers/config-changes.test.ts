/**
 * Pushes and pull requests that change the ladder (src/handlers/config-changes.ts)
 * and installation.created (src/handlers/installation.ts), through
 * `probot.receive` with real payload shapes and every GitHub request nock'd.
 * The end-to-end test covers the default-branch issue lifecycle against the
 * stateful fake; here the exact requests are pinned: which ref is read, what
 * the check run says, that the issue is found by label and edited in place,
 * and that a GitHub failure is never reported as an invalid file.
 */
import nock from "nock";
import { readFileSync } from "node:fs";
import { mergedPullRequestsQuery } from "../../src/github/graphql-pull-requests.js";
import { examplePayload } from "../support/webhooks.js";
import { API, closeProbots, makeProbot, tokenReply } from "./harness.js";

const ladder = readFileSync("fixtures/governance/spec-example.yml", "utf8");
const INSTALLATION = 3;
const GOVERNANCE = "/repos/acme/widgets/contents/.github%2Fgovernance.yml";
const ORG_GOVERNANCE = "/repos/acme/.github/contents/.github%2Fgovernance.yml";
const ROSTER = "/repos/acme/widgets/contents/.github%2Froster.yml";
const RAW = { "content-type": "text/plain; charset=utf-8" };

interface CheckRunBody {
  name: string;
  head_sha: string;
  status: string;
  conclusion: string;
  output: { title: string; summary: string; annotations?: Array<{ path: string; start_line: number; annotation_level: string; message: string }> };
}

/** Requests nock could not match: with net connect disabled they fail inside the handler, which the guard only logs. */
const unmatched: string[] = [];
const onNoMatch = (req: { method?: string; url?: string; path?: string }) => unmatched.push(`${req.method ?? ""} ${req.url ?? req.path ?? ""}`);

/**
 * A reply that records the request's JSON body. (nock 15 runs body and query
 * matchers against every request it sees, so a recording matcher would also
 * record requests meant for other interceptors; the reply runs only on a match.)
 */
function recording<T>(into: T[], reply: nock.Body) {
  return async (request: Request): Promise<nock.Body> => {
    into.push((await request.json()) as T);
    return reply;
  };
}

beforeAll(() => nock.disableNetConnect());
beforeEach(() => {
  unmatched.length = 0;
  nock.emitter.on("no match", onNoMatch);
});
afterEach(async () => {
  nock.emitter.removeListener("no match", onNoMatch);
  nock.cleanAll();
  await closeProbots();
});
afterAll(() => nock.enableNetConnect());

function push(sha: string, opts: { branch?: string; modified?: string[]; commits?: number } = {}) {
  const modified = opts.modified ?? [".github/governance.yml"];
  const commits = Array.from({ length: opts.commits ?? 1 }, (_, i) => ({
    id: `${sha.slice(0, 30)}${String(i).padStart(10, "0")}`,
    added: [],
    removed: [],
    modified: i === 0 ? modified : ["README.md"],
  }));
  return examplePayload("push", undefined, {
    owner: "acme",
    repo: "widgets",
    installationId: INSTALLATION,
    sender: "alice",
    patch: {
      ref: `refs/heads/${opts.branch ?? "main"}`,
      after: sha,
      deleted: false,
      repository: { default_branch: "main" },
      commits,
    },
  });
}

/** The reads a check of `text` at `sha` makes: the file at that very commit (any other ref goes unmatched), then the org default. */
function readsAt(sha: string, text: string | null) {
  const scope = nock(API).get(GOVERNANCE).query({ ref: sha });
  const afterFile = text === null ? scope.reply(404, { message: "Not Found" }) : scope.reply(200, text, RAW);
  afterFile.get(ORG_GOVERNANCE).query(true).reply(404, { message: "Not Found" });
  return afterFile;
}

const sha = (c: string) => c.repeat(40);
const brokenLine = ladder.split("\n").findIndex((l) => l.includes("merged_prs: 15")) + 1;
const broken = ladder.replace("merged_prs: 15", "merged_prs: fifteen");

describe("a push that changes .github/governance.yml", () => {
  it("on a branch: a successful check run on the pushed commit, with the ladder in words", async () => {
    const { probot } = await makeProbot();
    const runs: CheckRunBody[] = [];
    nock(API).post(`/app/installations/${INSTALLATION}/access_tokens`).reply(200, tokenReply);
    readsAt(sha("a"), ladder);
    nock(API).get(ROSTER).query({ ref: sha("a") }).reply(200, "members:\n  - login: alice\n    role: maintainer\n    since: 2024-01-15\n", RAW);
    nock(API)
      .post("/repos/acme/widgets/check-runs")
      .reply(201, recording(runs, { id: 1, html_url: "https://github.com/acme/widgets/runs/1" }));

    await probot.receive({ id: "p-1", name: "push", payload: push(sha("a"), { branch: "ladder-change" }) } as never);

    expect(unmatched).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run).toMatchObject({ name: "Stewards / governance.yml", head_sha: sha("a"), status: "completed", conclusion: "success" });
    expect(run.output.title).toMatch(/^Ladder valid: member → reviewer → maintainer\b/);
    expect(run.output.summary).toContain("member");
    expect(run.output.summary).toMatch(/5 merged PRs/);
    expect(run.output.annotations ?? []).toEqual([]);
  });

  it("on a branch, broken: a failing check run whose annotations carry the line, and no issue", async () => {
    const { probot } = await makeProbot();
    const runs: CheckRunBody[] = [];
    nock(API).post(`/app/installations/${INSTALLATION}/access_tokens`).reply(200, tokenReply);
    readsAt(sha("b"), broken);
    nock(API)
      .post("/repos/acme/widgets/check-runs")
      .reply(201, recording(runs, { id: 2 }));

    await probot.receive({ id: "p-2", name: "push", payload: push(sha("b"), { branch: "ladder-change" }) } as never);

    // Not the default branch: no issue is looked up or opened (an unmatched request would show here).
    expect(unmatched).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ conclusion: "failure", head_sha: sha("b") });
    const annotations = runs[0]!.output.annotations ?? [];
    expect(annotations).toEqual([
      expect.objectContaining({ path: ".github/governance.yml", start_line: brokenLine, annotation_level: "failure" }),
    ]);
    expect(annotations[0]!.message).toMatch(/number/i);
  });

  it("ignores a push that does not touch the ladder or the roster, asking GitHub nothing", async () => {
    const { probot } = await makeProbot();
    await probot.receive({ id: "p-3", name: "push", payload: push(sha("c"), { modified: ["src/index.ts", "docs/governance.yml"] }) } as never);
    expect(unmatched).toEqual([]);
  });

  it("checks a push of 20 commits or more even when the listed files miss the ladder (the payload may be truncated)", async () => {
    const { probot } = await makeProbot();
    const runs: CheckRunBody[] = [];
    nock(API).post(`/app/installations/${INSTALLATION}/access_tokens`).reply(200, tokenReply);
    readsAt(sha("d"), ladder);
    nock(API).get(ROSTER).query(true).reply(404, { message: "Not Found" });
    nock(API)
      .post("/repos/acme/widgets/check-runs")
      .reply(201, recording(runs, { id: 3 }));
    await probot.receive({ id: "p-4", name: "push", payload: push(sha("d"), { branch: "big", modified: ["README.md"], commits: 20 }) } as never);
    expect(unmatched).toEqual([]);
    expect(runs.map((r) => r.conclusion)).toEqual(["success"]);
  });
});

describe("a broken ladder on the default branch", () => {
  const issueUrl = "/repos/acme/widgets/issues";

  it("opens exactly one labelled issue, edits it in place on the next broken push, and closes it when fixed", async () => {
    const { probot } = await makeProbot();
    nock(API).post(`/app/installations/${INSTALLATION}/access_tokens`).reply(200, tokenReply);

    // 1. Broken: failing check run, no open issue found, one issue created with the label.
    const created: Array<{ title: string; body: string; labels: string[] }> = [];
    readsAt(sha("1"), broken);
    nock(API).post("/repos/acme/widgets/check-runs").reply(201, { id: 10 });
    nock(API).get(issueUrl).query({ state: "open", labels: "stewards:config", per_page: "100" }).reply(200, []);
    nock(API).post(issueUrl).reply(201, recording(created, { id: 500, number: 42, html_url: "https://github.com/acme/widgets/issues/42" }));
    await probot.receive({ id: "d-1", name: "push", payload: push(sha("1")) } as never);
    expect(unmatched).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
    expect(created).toHaveLength(1);
    expect(created[0]!.labels).toEqual(["stewards:config"]);
    expect(created[0]!.title).toMatch(/^Action required/);
    expect(created[0]!.body).toContain(`line ${brokenLine}`);
    expect(created[0]!.body).toMatch(/<!-- stewards:/);

    // 2. Broken differently: the open issue (found by label and marker) is edited, not a second one opened.
    const broken2 = ladder.replace("approve_with:", "approve_whith:");
    const edits: Array<{ body?: string; state?: string }> = [];
    readsAt(sha("2"), broken2);
    nock(API).post("/repos/acme/widgets/check-runs").reply(201, { id: 11 });
    nock(API)
      .get(issueUrl)
      .query(true)
      .reply(200, [
        // Someone else's issue with the same label but no marker is not ours.
        { number: 41, body: "I think the ladder is wrong", labels: [{ name: "stewards:config" }] },
        { number: 42, body: created[0]!.body, labels: [{ name: "stewards:config" }] },
      ]);
    nock(API).patch(`${issueUrl}/42`).reply(200, recording(edits, { number: 42 }));
    await probot.receive({ id: "d-2", name: "push", payload: push(sha("2")) } as never);
    expect(unmatched).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
    expect(edits).toHaveLength(1);
    expect(edits[0]!.body).toContain("approve_whith");
    expect(edits[0]!.state).toBeUndefined();

    // 3. GitHub delivers step 2 again (same delivery id): nothing is asked or written.
    await probot.receive({ id: "d-2", name: "push", payload: push(sha("2")) } as never);
    expect(unmatched).toEqual([]);

    // 4. Fixed: a success check run, a comment saying so, and the issue closed.
    const comments: Array<{ body: string }> = [];
    readsAt(sha("4"), ladder);
    nock(API).get(ROSTER).query(true).reply(404, { message: "Not Found" });
    const fixedRuns: CheckRunBody[] = [];
    nock(API).post("/repos/acme/widgets/check-runs").reply(201, recording(fixedRuns, { id: 13 }));
    nock(API).get(issueUrl).query(true).reply(200, [{ number: 42, body: edits[0]!.body }]);
    nock(API).post(`${issueUrl}/42/comments`).reply(201, recording(comments, { id: 700 }));
    const closes: Array<{ state?: string; body?: string }> = [];
    nock(API).patch(`${issueUrl}/42`).reply(200, recording(closes, { number: 42, state: "closed" }));
    await probot.receive({ id: "d-4", name: "push", payload: push(sha("4")) } as never);
    expect(unmatched).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
    expect(fixedRuns.map((r) => r.conclusion)).toEqual(["success"]);
    expect(comments).toEqual([{ body: `The ladder is valid again as of ${sha("4").slice(0, 7)}; closing.` }]);
    expect(closes).toEqual([{ state: "closed" }]);
  });

  it("does not report a transient GitHub failure while loading as an invalid file: no check run, no issue", async () => {
    const { probot } = await makeProbot();
    nock(API).post(`/app/installations/${INSTALLATION}/access_tokens`).reply(200, tokenReply);
    nock(API).get(GOVERNANCE).query(true).reply(502, { message: "Server Error" });

    await probot.receive({ id: "t-1", name: "push", payload: push(sha("5")) } as never);

    // Any check run or issue request would have gone unmatched and been recorded.
    expect(unmatched).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("a later delivery after a transient failure is checked normally", async () => {
    const { probot } = await makeProbot();
    nock(API).post(`/app/installations/${INSTALLATION}/access_tokens`).reply(200, tokenReply);
    nock(API).get(GOVERNANCE).query(true).reply(503, { message: "Service Unavailable" });
    await probot.receive({ id: "t-2", name: "push", payload: push(sha("6")) } as never);

    const runs: CheckRunBody[] = [];
    readsAt(sha("7"), broken);
    nock(API)
      .post("/repos/acme/widgets/check-runs")
      .reply(201, recording(runs, { id: 20 }));
    nock(API).get(issueUrl).query(true).reply(200, []);
    nock(API).post(issueUrl).reply(201, { id: 501, number: 43 });
    await probot.receive({ id: "t-3", name: "push", payload: push(sha("7")) } as never);
    expect(unmatched).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
    expect(runs.map((r) => [r.head_sha, r.conclusion])).toEqual([[sha("7"), "failure"]]);
  });
});

describe("a pull request that changes the ladder", () => {
  function opened(files: string[]) {
    const payload = examplePayload("pull_request", "opened", {
      owner: "acme",
      repo: "widgets",
      installationId: INSTALLATION,
      sender: "ana",
      patch: { pull_request: { number: 9, head: { sha: sha("e") } } },
    });
    return { payload, files: files.map((filename) => ({ filename, status: "modified", additions: 1, deletions: 1, changes: 2 })) };
  }

  it("gets a check run on its head commit", async () => {
    const { probot } = await makeProbot();
    const { payload, files } = opened(["README.md", ".github/governance.yml"]);
    const runs: CheckRunBody[] = [];
    nock(API).post(`/app/installations/${INSTALLATION}/access_tokens`).reply(200, tokenReply);
    nock(API).get("/repos/acme/widgets/pulls/9/files").query(true).reply(200, files);
    readsAt(sha("e"), broken);
    nock(API)
      .post("/repos/acme/widgets/check-runs")
      .reply(201, recording(runs, { id: 30 }));
    await probot.receive({ id: "pr-1", name: "pull_request", payload } as never);
    expect(unmatched).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
    expect(runs.map((r) => [r.head_sha, r.conclusion])).toEqual([[sha("e"), "failure"]]);
  });

  it("that does not touch the ladder or roster gets nothing beyond the file list", async () => {
    const { probot } = await makeProbot();
    const { payload, files } = opened(["README.md"]);
    nock(API).post(`/app/installations/${INSTALLATION}/access_tokens`).reply(200, tokenReply);
    nock(API).get("/repos/acme/widgets/pulls/9/files").query(true).reply(200, files);
    await probot.receive({ id: "pr-2", name: "pull_request", payload } as never);
    expect(unmatched).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe("installation.created", () => {
  it("starts the backfill of each repository: reads the ladder, then the history with GraphQL, into the ledger", async () => {
    const { probot, services } = await makeProbot({ now: new Date("2026-11-21T00:00:00Z") });
    const queries: Array<{ query: string; variables: Record<string, unknown> }> = [];
    nock(API).post(`/app/installations/${INSTALLATION}/access_tokens`).reply(200, tokenReply);
    nock(API).get(GOVERNANCE).reply(200, ladder, RAW);
    nock(API).get(ORG_GOVERNANCE).reply(404, { message: "Not Found" });
    nock(API).get(ROSTER).reply(404, { message: "Not Found" });
    nock(API)
      .post("/graphql")
      .reply(200, recording(queries, {
        data: {
          repository: {
            nameWithOwner: "acme/widgets",
            pullRequests: {
              totalCount: 1,
              pageInfo: { hasNextPage: false, endCursor: "c1" },
              nodes: [
                {
                  number: 4,
                  url: "https://github.com/acme/widgets/pull/4",
                  author: { login: "ana" },
                  mergedAt: "2026-10-01T00:00:00Z",
                  updatedAt: "2026-10-02T00:00:00Z",
                  additions: 3,
                  deletions: 1,
                  reviews: { totalCount: 1, nodes: [{ databaseId: 77, author: { login: "alice" }, state: "APPROVED", submittedAt: "2026-10-01T00:00:00Z", url: "r77" }] },
                  labels: { totalCount: 1, nodes: [{ name: "trivial" }] },
                },
              ],
            },
          },
          rateLimit: { cost: 2, remaining: 4998, resetAt: "2026-11-21T01:00:00Z" },
        },
      }));
    const payload = examplePayload("installation", "created", {
      installationId: INSTALLATION,
      patch: { repositories: [{ id: 1, node_id: "R_1", name: "widgets", full_name: "acme/widgets", private: false }] },
    });

    await probot.receive({ id: "i-1", name: "installation", payload } as never);
    // The backfill runs in the background (a big history outlasts GitHub's 10 s delivery timeout).
    expect(services.background.size).toBe(1);
    await Promise.all([...services.background]);

    expect(unmatched).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
    // The spec ladder excludes `trivial`, so labels are asked for.
    expect(queries).toHaveLength(1);
    expect(queries[0]!.query).toBe(mergedPullRequestsQuery({ labels: true, paths: false }));
    expect(queries[0]!.variables).toEqual({ owner: "acme", name: "widgets", first: 100, cursor: null });
    expect(await services.store.listPullRequests({ repos: ["acme/widgets"] })).toEqual([
      expect.objectContaining({ number: 4, author: "ana", labels: ["trivial"] }),
    ]);
    expect(await services.store.listReviews({ repos: ["acme/widgets"] })).toEqual([expect.objectContaining({ id: 77, reviewer: "alice" })]);
    expect(await services.store.getSyncState("acme/widgets")).toMatchObject({ backfilled: true, fields: { labels: true, paths: false }, updatedThrough: "2026-10-02T00:00:00.000Z" });
  });

  it("with no repositories listed starts nothing", async () => {
    const { probot, services } = await makeProbot();
    const payload = examplePayload("installation", "created", { installationId: INSTALLATION, patch: { repositories: [] } });
    await probot.receive({ id: "i-2", name: "installation", payload } as never);
    expect(services.background.size).toBe(0);
    expect(unmatched).toEqual([]);
  });
});
