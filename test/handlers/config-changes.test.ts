/**
 * Pushes and pull requests that change the ladder (src/handlers/config-changes.ts)
 * and installation.created (src/handlers/installation.ts), through
 * `probot.receive` with real payload shapes and every GitHub request nock'd.
 * The end-to-end tests cover the same against the stateful fake; here the
 * exact requests are pinned: which refs are read (both sides in one GraphQL
 * request), what the check run says (the effect of the change), that the
 * issue is found by label and edited in place, that a hand edit on the
 * default branch is logged exactly once, and that a GitHub failure is never
 * reported as an invalid file.
 */
import nock from "nock";
import { nockCommitOnBranch } from "../support/nock-commit.js";
import { readFileSync } from "node:fs";
import { mergedPullRequestsQuery } from "../../src/github/graphql-pull-requests.js";
import { examplePayload } from "../support/webhooks.js";
import { API, closeProbots, makeProbot, tokenReply, type AccessSyncCall } from "./harness.js";

const ladder = readFileSync("fixtures/governance/spec-example.yml", "utf8");
const INSTALLATION = 3;
const GOVERNANCE = "/repos/acme/widgets/contents/.github%2Fgovernance.yml";
const ORG_GOVERNANCE = "/repos/acme/.github/contents/.github%2Fgovernance.yml";
const ROSTER = "/repos/acme/widgets/contents/.github%2Froster.yml";
const RAW = { "content-type": "text/plain; charset=utf-8" };
const GOV_PATH = ".github/governance.yml";
const ROSTER_PATH = ".github/roster.yml";
const LOG_PATH = "GOVERNANCE-LOG.md";

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
/** Every request nock answered through `api()`, as "METHOD path" (token exchanges left out). */
const answered: string[] = [];

/** `api()` that records what it answers in `answered`. */
function api(): nock.Scope {
  return nock(API).on("request", (req: Request) => {
    const path = new URL(req.url).pathname;
    if (!path.includes("/access_tokens")) answered.push(`${req.method} ${path}`);
  });
}

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
/** Access syncs the handler asked for (recorded, not run: see harness.ts). */
const accessSyncs: AccessSyncCall[] = [];
beforeEach(() => {
  accessSyncs.length = 0;
  unmatched.length = 0;
  answered.length = 0;
  nock.emitter.on("no match", onNoMatch);
});
afterEach(async () => {
  nock.emitter.removeListener("no match", onNoMatch);
  nock.cleanAll();
  await closeProbots();
});
afterAll(() => nock.enableNetConnect());

const sha = (c: string) => c.repeat(40);

function push(after: string, opts: { branch?: string; modified?: string[]; commits?: number; before?: string; sender?: string; message?: string } = {}) {
  const modified = opts.modified ?? [GOV_PATH];
  const sender = opts.sender ?? "alice";
  const commits = Array.from({ length: opts.commits ?? 1 }, (_, i) => ({
    id: `${after.slice(0, 30)}${String(i).padStart(10, "0")}`,
    message: opts.message ?? "Edit the ladder",
    author: { name: sender, email: `${sender}@example.com`, username: sender },
    added: [],
    removed: [],
    modified: i === 0 ? modified : ["README.md"],
  }));
  return examplePayload("push", undefined, {
    owner: "acme",
    repo: "widgets",
    installationId: INSTALLATION,
    sender,
    patch: {
      ref: `refs/heads/${opts.branch ?? "main"}`,
      before: opts.before ?? sha("0"),
      after,
      deleted: false,
      repository: { default_branch: "main" },
      commits,
      head_commit: { id: after, message: opts.message ?? "Edit the ladder", author: { name: sender, email: `${sender}@example.com`, username: sender } },
    },
  });
}

/** Files at a commit, path → text; and the commit's sha. */
interface Commit {
  sha: string;
  files: Record<string, string>;
}

interface GraphqlBody {
  query: string;
  variables: Record<string, string>;
}

function blob(text: string | undefined) {
  return text === undefined ? null : { object: { __typename: "Blob", oid: "b".repeat(40), isBinary: false, isTruncated: false, text } };
}

/**
 * Answers the app's GraphQL reads of files from `refs` (ref → commit; a ref
 * not listed does not exist): the check's read of both sides
 * (`stewardsFilesAtRefs`) and the commit's snapshot of a branch
 * (`stewardsBranchSnapshot`). Each call answers one request; `into` records them.
 */
function graphqlFiles(refs: Record<string, Commit>, into: GraphqlBody[] = []) {
  return api()
    .post("/graphql")
    .reply(200, async (request: Request) => {
      const body = (await request.json()) as GraphqlBody;
      into.push(body);
      const v = body.variables;
      if (body.query.includes("stewardsBranchSnapshot")) {
        const c = refs[v.ref!];
        if (!c) return { data: { repository: { ref: null } } };
        const target: Record<string, unknown> = { __typename: "Commit", oid: c.sha, tree: { oid: "t".repeat(40) } };
        for (let i = 0; `p${i}` in v; i++) target[`f${i}`] = blob(c.files[v[`p${i}`]!]);
        return { data: { repository: { ref: { target } } } };
      }
      const repository: Record<string, unknown> = {};
      for (let r = 0; `r${r}` in v; r++) {
        const c = refs[v[`r${r}`]!];
        if (!c) {
          repository[`r${r}`] = null;
          continue;
        }
        const node: Record<string, unknown> = { __typename: "Commit", oid: c.sha };
        for (let i = 0; `r${r}p${i}` in v; i++) node[`f${i}`] = blob(c.files[v[`r${r}p${i}`]!]);
        repository[`r${r}`] = node;
      }
      return { data: { repository } };
    });
}

function noOrgDefaults() {
  return api().get(ORG_GOVERNANCE).query(true).reply(404, { message: "Not Found" });
}

interface TreeBody {
  base_tree: string;
  tree: Array<{ path: string; content: string }>;
}

/** The one write of a commit on main (createCommitOnBranch), recording the files it writes as a tree. */
function expectCommit(trees: TreeBody[]) {
  nockCommitOnBranch(API, {}, { oid: "3".repeat(40), url: "https://github.com/acme/widgets/commit/333" }, (input) => {
    answered.push("POST /graphql (commit)");
    trees.push({ base_tree: input.expectedHeadOid, tree: (input.fileChanges.additions ?? []).map((a) => ({ path: a.path, content: Buffer.from(a.contents, "base64").toString("utf8") })) });
  });
}

const brokenLine = ladder.split("\n").findIndex((l) => l.includes("merged_prs: 15")) + 1;
const broken = ladder.replace("merged_prs: 15", "merged_prs: fifteen");

const ROSTER_V1 = `members:
  - login: alice
    role: maintainer
    since: 2024-01-15
    decision: D-0001
  - login: bob
    role: member
    since: 2025-02-01
    decision: D-0002
  - login: cleo
    role: maintainer
    since: 2024-03-01
    decision: D-0001
`;
const LOG_V1 = `# Governance log

## D-0001 — promotion: alice

- **Date:** 2024-01-15
- **Kind:** promotion
- **Subject:** [alice](https://github.com/alice)
- **Role:** — → maintainer

## D-0002 — promotion: bob

- **Date:** 2025-02-01
- **Kind:** promotion
- **Subject:** [bob](https://github.com/bob)
- **Role:** — → member

## D-0003 — promotion: bob

- **Date:** 2026-11-20
- **Kind:** promotion
- **Subject:** [bob](https://github.com/bob)
- **Role:** member → reviewer
`;
/** bob raised to maintainer by hand, with no decision id. */
const ROSTER_BOB_MAINTAINER = ROSTER_V1.replace("    role: member\n    since: 2025-02-01\n    decision: D-0002\n", "    role: maintainer\n    since: 2026-11-25\n");

describe("a push that changes .github/governance.yml", () => {
  it("on a branch: a successful check run on the pushed commit, with the ladder in words, both sides read in one request", async () => {
    const { probot } = await makeProbot({ accessSyncs });
    const runs: CheckRunBody[] = [];
    const queries: GraphqlBody[] = [];
    api().post(`/app/installations/${INSTALLATION}/access_tokens`).reply(200, tokenReply);
    graphqlFiles({ [sha("a")]: { sha: sha("a"), files: { [GOV_PATH]: ladder, [ROSTER_PATH]: "members:\n  - login: alice\n    role: maintainer\n    since: 2024-01-15\n" } } }, queries);
    noOrgDefaults();
    api()
      .post("/repos/acme/widgets/check-runs")
      .reply(201, recording(runs, { id: 1, html_url: "https://github.com/acme/widgets/runs/1" }));

    await probot.receive({ id: "p-1", name: "push", payload: push(sha("a"), { branch: "ladder-change" }) } as never);

    expect(unmatched).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
    // The head commit and the default branch, in one request; the org's defaults once.
    expect(queries.map((q) => [q.variables.r0, q.variables.r1])).toEqual([[sha("a"), "refs/heads/main"]]);
    expect(answered).toEqual(["POST /graphql", `GET ${ORG_GOVERNANCE}`, "POST /repos/acme/widgets/check-runs"]);
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run).toMatchObject({ name: "Stewards / governance.yml", head_sha: sha("a"), status: "completed", conclusion: "success" });
    expect(run.output.title).toMatch(/^Ladder valid: member → reviewer → maintainer\b/);
    expect(run.output.summary).toContain("member");
    expect(run.output.summary).toMatch(/5 merged PRs/);
    // The default branch has no ladder yet: nothing to compare with.
    expect(run.output.summary).toContain("has no valid ladder to compare with");
    expect(run.output.annotations ?? []).toEqual([]);
  });

  it("on a branch, broken: a failing check run whose annotations carry the line, and no issue", async () => {
    const { probot } = await makeProbot({ accessSyncs });
    const runs: CheckRunBody[] = [];
    api().post(`/app/installations/${INSTALLATION}/access_tokens`).reply(200, tokenReply);
    graphqlFiles({ [sha("b")]: { sha: sha("b"), files: { [GOV_PATH]: broken } }, "refs/heads/main": { sha: sha("1"), files: { [GOV_PATH]: ladder } } });
    noOrgDefaults();
    api()
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
    const { probot } = await makeProbot({ accessSyncs });
    await probot.receive({ id: "p-3", name: "push", payload: push(sha("c"), { modified: ["src/index.ts", "docs/governance.yml"] }) } as never);
    expect(unmatched).toEqual([]);
    expect(answered).toEqual([]);
  });

  it("checks a push of 20 commits or more even when the listed files miss the ladder (the payload may be truncated)", async () => {
    const { probot } = await makeProbot({ accessSyncs });
    const runs: CheckRunBody[] = [];
    api().post(`/app/installations/${INSTALLATION}/access_tokens`).reply(200, tokenReply);
    graphqlFiles({ [sha("d")]: { sha: sha("d"), files: { [GOV_PATH]: ladder } } });
    noOrgDefaults();
    api()
      .post("/repos/acme/widgets/check-runs")
      .reply(201, recording(runs, { id: 3 }));
    await probot.receive({ id: "p-4", name: "push", payload: push(sha("d"), { branch: "big", modified: ["README.md"], commits: 20 }) } as never);
    expect(unmatched).toEqual([]);
    expect(runs.map((r) => r.conclusion)).toEqual(["success"]);
  });
});

describe("a broken ladder on the default branch", () => {
  const issueUrl = "/repos/acme/widgets/issues";
  const at = (c: string, text: string) => ({ [sha(c)]: { sha: sha(c), files: { [GOV_PATH]: text } } });

  it("opens exactly one labelled issue, edits it in place on the next broken push, and closes it when fixed", async () => {
    const { probot } = await makeProbot({ accessSyncs });
    api().post(`/app/installations/${INSTALLATION}/access_tokens`).reply(200, tokenReply);

    // 1. Broken: failing check run, no open issue found, one issue created with the label.
    const created: Array<{ title: string; body: string; labels: string[] }> = [];
    graphqlFiles(at("1", broken));
    noOrgDefaults();
    api().post("/repos/acme/widgets/check-runs").reply(201, { id: 10 });
    api().get(issueUrl).query({ state: "open", labels: "stewards:config", per_page: "100" }).reply(200, []);
    api().post(issueUrl).reply(201, recording(created, { id: 500, number: 42, html_url: "https://github.com/acme/widgets/issues/42" }));
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
    graphqlFiles({ ...at("2", broken2), ...at("1", broken) });
    noOrgDefaults();
    api().post("/repos/acme/widgets/check-runs").reply(201, { id: 11 });
    api()
      .get(issueUrl)
      .query(true)
      .reply(200, [
        // Someone else's issue with the same label but no marker is not ours.
        { number: 41, body: "I think the ladder is wrong", labels: [{ name: "stewards:config" }] },
        { number: 42, body: created[0]!.body, labels: [{ name: "stewards:config" }] },
      ]);
    api().patch(`${issueUrl}/42`).reply(200, recording(edits, { number: 42 }));
    await probot.receive({ id: "d-2", name: "push", payload: push(sha("2"), { before: sha("1") }) } as never);
    expect(unmatched).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
    expect(edits).toHaveLength(1);
    expect(edits[0]!.body).toContain("approve_whith");
    expect(edits[0]!.state).toBeUndefined();

    // 3. GitHub delivers step 2 again (same delivery id): nothing is asked or written.
    answered.length = 0;
    await probot.receive({ id: "d-2", name: "push", payload: push(sha("2"), { before: sha("1") }) } as never);
    expect(unmatched).toEqual([]);
    expect(answered).toEqual([]);

    // 4. Fixed: a success check run, a comment saying so, and the issue closed.
    const comments: Array<{ body: string }> = [];
    graphqlFiles({ ...at("4", ladder), ...at("2", broken2) });
    noOrgDefaults();
    const fixedRuns: CheckRunBody[] = [];
    api().post("/repos/acme/widgets/check-runs").reply(201, recording(fixedRuns, { id: 13 }));
    api().get(issueUrl).query(true).reply(200, [{ number: 42, body: edits[0]!.body }]);
    api().post(`${issueUrl}/42/comments`).reply(201, recording(comments, { id: 700 }));
    const closes: Array<{ state?: string; body?: string }> = [];
    api().patch(`${issueUrl}/42`).reply(200, recording(closes, { number: 42, state: "closed" }));
    // No valid ladder was known before (nothing cached in this test): the one now in force is logged as a ladder change.
    const trees: TreeBody[] = [];
    graphqlFiles({ "refs/heads/main": { sha: sha("4"), files: { [GOV_PATH]: ladder } } });
    expectCommit(trees);
    await probot.receive({ id: "d-4", name: "push", payload: push(sha("4"), { before: sha("2") }) } as never);
    expect(unmatched).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
    expect(fixedRuns.map((r) => r.conclusion)).toEqual(["success"]);
    expect(comments).toEqual([{ body: `The ladder is valid again as of ${sha("4").slice(0, 7)}; closing.` }]);
    expect(closes).toEqual([{ state: "closed" }]);
    expect(trees.flatMap((t) => t.tree.map((f) => f.path))).toEqual([LOG_PATH]);
    expect(trees[0]!.tree[0]!.content).toContain("- **Reason:** Changed by hand: no valid ladder was in force before; now member → reviewer → maintainer");
  });

  it("does not report a transient GitHub failure while loading as an invalid file: no check run, no issue", async () => {
    const { probot } = await makeProbot({ accessSyncs });
    api().post(`/app/installations/${INSTALLATION}/access_tokens`).reply(200, tokenReply);
    api().post("/graphql").reply(502, { message: "Server Error" });

    await probot.receive({ id: "t-1", name: "push", payload: push(sha("5")) } as never);

    // Any check run or issue request would have gone unmatched and been recorded.
    expect(unmatched).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("nor a failure to read the organisation's defaults (floors)", async () => {
    const { probot } = await makeProbot({ accessSyncs });
    api().post(`/app/installations/${INSTALLATION}/access_tokens`).reply(200, tokenReply);
    graphqlFiles(at("5", ladder));
    api().get(ORG_GOVERNANCE).query(true).reply(503, { message: "Service Unavailable" });
    await probot.receive({ id: "t-4", name: "push", payload: push(sha("5")) } as never);
    expect(unmatched).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
    expect(answered).toEqual(["POST /graphql", `GET ${ORG_GOVERNANCE}`]);
  });

  it("a later delivery after a transient failure is checked normally", async () => {
    const { probot } = await makeProbot({ accessSyncs });
    api().post(`/app/installations/${INSTALLATION}/access_tokens`).reply(200, tokenReply);
    api().post("/graphql").reply(503, { message: "Service Unavailable" });
    await probot.receive({ id: "t-2", name: "push", payload: push(sha("6")) } as never);

    const runs: CheckRunBody[] = [];
    graphqlFiles(at("7", broken));
    noOrgDefaults();
    api()
      .post("/repos/acme/widgets/check-runs")
      .reply(201, recording(runs, { id: 20 }));
    api().get(issueUrl).query(true).reply(200, []);
    api().post(issueUrl).reply(201, { id: 501, number: 43 });
    await probot.receive({ id: "t-3", name: "push", payload: push(sha("7")) } as never);
    expect(unmatched).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
    expect(runs.map((r) => [r.head_sha, r.conclusion])).toEqual([[sha("7"), "failure"]]);
  });
});

describe("a pull request that changes the ladder or the roster", () => {
  function opened(files: string[], head = sha("e")) {
    const payload = examplePayload("pull_request", "opened", {
      owner: "acme",
      repo: "widgets",
      installationId: INSTALLATION,
      sender: "bob",
      patch: { pull_request: { number: 9, head: { sha: head }, base: { ref: "main" } }, repository: { default_branch: "main" } },
    });
    return { payload, files: files.map((filename) => ({ filename, status: "modified", additions: 1, deletions: 1, changes: 2 })) };
  }
  const main = (files: Record<string, string> = {}) => ({ "refs/heads/main": { sha: sha("f"), files: { [GOV_PATH]: ladder, [ROSTER_PATH]: ROSTER_V1, [LOG_PATH]: LOG_V1, ...files } } });

  /** Sends the PR with `head` files on the head commit; returns the check run posted. */
  async function check(head: Record<string, string>, opts: { base?: Record<string, Commit>; org?: string; seed?: (services: Awaited<ReturnType<typeof makeProbot>>["services"]) => Promise<void> } = {}) {
    const { probot, services } = await makeProbot({ now: new Date("2026-12-01T00:00:00Z"), accessSyncs });
    await opts.seed?.(services);
    const { payload, files } = opened(Object.keys(head));
    const runs: CheckRunBody[] = [];
    const queries: GraphqlBody[] = [];
    api().post(`/app/installations/${INSTALLATION}/access_tokens`).reply(200, tokenReply);
    api().get("/repos/acme/widgets/pulls/9/files").query(true).reply(200, files);
    graphqlFiles({ [sha("e")]: { sha: sha("e"), files: { [GOV_PATH]: ladder, [ROSTER_PATH]: ROSTER_V1, ...head } }, ...(opts.base ?? main()) }, queries);
    if (opts.org === undefined) noOrgDefaults();
    else api().get(ORG_GOVERNANCE).query(true).reply(200, opts.org, RAW);
    api()
      .post("/repos/acme/widgets/check-runs")
      .reply(201, recording(runs, { id: 30 }));
    await probot.receive({ id: "pr-1", name: "pull_request", payload } as never);
    expect(unmatched).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
    expect(runs).toHaveLength(1);
    return { run: runs[0]!, queries };
  }

  /** The part of the summary that states the effect (the ladder in words follows it). */
  const effectPart = (run: CheckRunBody) => {
    const text = run.output.summary;
    return text.slice(text.indexOf("**Effect**"), text.indexOf("**The ladder**")).trim();
  };

  it("gets a failing check run on its head commit when the ladder is broken", async () => {
    const { run } = await check({ [GOV_PATH]: broken });
    expect(run).toMatchObject({ head_sha: sha("e"), conclusion: "failure" });
  });

  it("that does not touch the ladder or roster gets nothing beyond the file list", async () => {
    const { probot } = await makeProbot({ accessSyncs });
    const { payload, files } = opened(["README.md"]);
    api().post(`/app/installations/${INSTALLATION}/access_tokens`).reply(200, tokenReply);
    api().get("/repos/acme/widgets/pulls/9/files").query(true).reply(200, files);
    await probot.receive({ id: "pr-2", name: "pull_request", payload } as never);
    expect(unmatched).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("raising someone in the roster by hand: a neutral check run naming the effect, in four requests", async () => {
    const { run, queries } = await check({ [ROSTER_PATH]: ROSTER_BOB_MAINTAINER });
    // The file list, both sides in one GraphQL request (the base's log with them), the org's defaults, the check run.
    expect(answered).toEqual(["GET /repos/acme/widgets/pulls/9/files", "POST /graphql", `GET ${ORG_GOVERNANCE}`, "POST /repos/acme/widgets/check-runs"]);
    expect(queries[0]!.variables).toMatchObject({ r0: sha("e"), r1: "refs/heads/main", r1p2: LOG_PATH });
    expect(run.conclusion).toBe("neutral");
    expect(run.output.title).toBe("Needs approver review: 1 raise without a logged decision");
    expect(effectPart(run)).toMatchInlineSnapshot(`
"**Effect** (compared with \`main\`):

**⚠️ Needs approver review** — 1 thing to look at:
- [bob](https://github.com/bob) would hold \`maintainer\` without a decision in the log: no \`decision:\` id.

**Roster:**
- [bob](https://github.com/bob): \`member\` → \`maintainer\` (promoted) — ⚠️ no \`decision:\` id

**Access** (teams, CODEOWNERS, branch protection and approving, from the roster and the ladder's grants):
- [bob](https://github.com/bob) gains approval of proposals (and code ownership of the governance files), bypass of branch protection on \`main\`, code owner of \`*\`, code owner of \`/docs/\`, team \`maintainers\`, team \`reviewers\`

_Who would become eligible is not shown: this repository's history has not been read yet._

Raising someone's authority is meant to go through a proposal, whose decision the log records. This check does not block merging by itself: the approvers own the ladder and the roster in CODEOWNERS, so their review is what decides."
`);
  });

  it("a raise the base's log decided is success, and says which decision", async () => {
    const roster = ROSTER_V1.replace("    role: member\n    since: 2025-02-01\n    decision: D-0002\n", "    role: reviewer\n    since: 2026-11-20\n    decision: D-0003\n");
    const { run } = await check({ [ROSTER_PATH]: roster });
    expect(run.conclusion).toBe("success");
    expect(run.output.summary).toContain("[bob](https://github.com/bob): `member` → `reviewer` (promoted) — decided in `D-0003`");
  });

  it("a log entry added by the same pull request backs nothing: the base's log is read", async () => {
    const log = `${LOG_V1}\n## D-0004 — promotion: bob\n\n- **Kind:** promotion\n- **Role:** reviewer → maintainer\n`;
    const roster = ROSTER_BOB_MAINTAINER.replace("    since: 2026-11-25\n", "    since: 2026-11-25\n    decision: D-0004\n");
    const { run } = await check({ [ROSTER_PATH]: roster, [LOG_PATH]: log });
    expect(run.conclusion).toBe("neutral");
    expect(run.output.summary).toContain("`D-0004` is not in the log");
  });

  it("lowering a threshold: neutral, with who would be proposed, measured from the ledger in the store (no history request)", async () => {
    const lowered = ladder.replace("merged_prs: 5        # PRs authored and merged", "merged_prs: 2");
    const { run, queries } = await check(
      { [GOV_PATH]: lowered },
      {
        seed: async (services) => {
          const pr = (n: number, author: string) => ({
            repo: "acme/widgets",
            number: n,
            author,
            mergedAt: `2026-11-0${n}T00:00:00.000Z`,
            additions: 5,
            deletions: 1,
            labels: [],
            paths: null,
            url: `https://github.com/acme/widgets/pull/${n}`,
          });
          await services.store.upsertContributions({ pullRequests: [pr(1, "ana"), pr(2, "ana"), pr(3, "dan")], reviews: [] });
          await services.store.setSyncState({ repo: "acme/widgets", backfilled: true, updatedThrough: null, lastSyncAt: null, fields: { labels: true, paths: false } });
        },
      },
    );
    expect(queries).toHaveLength(1);
    expect(run.conclusion).toBe("neutral");
    expect(run.output.title).toBe("Needs approver review: 1 weaker rule");
    expect(effectPart(run)).toMatchInlineSnapshot(`
"**Effect** (compared with \`main\`):

**⚠️ Needs approver review** — 1 thing to look at:
- \`member\`: merged PRs required: \`5\` → \`2\`: makes authority easier to get or to keep.

**Rules:**
- \`member\`: merged PRs required: \`5\` → \`2\` ⚠️ weaker

**Would be proposed after this change:** [ana](https://github.com/ana) for \`member\`.

_Measured from the history Stewards has recorded (5 people); no extra request to GitHub._

Raising someone's authority is meant to go through a proposal, whose decision the log records. This check does not block merging by itself: the approvers own the ladder and the roster in CODEOWNERS, so their review is what decides."
`);
  });

  it("an organisation floor the repository's file goes below is a config error (failure), with the line", async () => {
    const org = "version: 1\nladder:\n  - role: member\nfloors:\n  quorum: 2\n";
    const lowered = ladder.replace("quorum: 2                # approvals needed", "quorum: 1");
    const { run } = await check({ [GOV_PATH]: lowered }, { org });
    expect(run.conclusion).toBe("failure");
    const line = lowered.split("\n").findIndex((l) => l.includes("quorum: 1")) + 1;
    expect(run.output.annotations).toEqual([expect.objectContaining({ path: GOV_PATH, start_line: line, annotation_level: "failure" })]);
    expect(run.output.annotations![0]!.message).toContain("below the organisation's floor of 2 (set in `acme/.github:.github/governance.yml`)");
  });
});

describe("a hand edit on the default branch", () => {
  const before = sha("8");
  const after = sha("9");
  const sides = (roster: string, gov = ladder) => ({
    [before]: { sha: before, files: { [GOV_PATH]: ladder, [ROSTER_PATH]: ROSTER_V1, [LOG_PATH]: LOG_V1 } },
    [after]: { sha: after, files: { [GOV_PATH]: gov, [ROSTER_PATH]: roster, [LOG_PATH]: LOG_V1 } },
  });
  const branchHead = (roster: string, log: string, gov = ladder) => ({ "refs/heads/main": { sha: after, files: { [GOV_PATH]: gov, [ROSTER_PATH]: roster, [LOG_PATH]: log } } });


  /** The reads and writes of a checked push on main, up to the commit that logs it (or its snapshot read, when nothing is to be written). */
  function expectCheck(roster: string, runs: CheckRunBody[], gov = ladder) {
    graphqlFiles(sides(roster, gov));
    noOrgDefaults();
    api().post("/repos/acme/widgets/check-runs").reply(201, recording(runs, { id: 40 }));
    api().get("/repos/acme/widgets/issues").query(true).reply(200, []);
  }

  it("raising someone: a neutral check run, then one commit that logs it as a manual roster change and names the entry in the roster; a duplicate changes nothing", async () => {
    const { probot } = await makeProbot({ now: new Date("2026-12-01T10:00:00Z"), accessSyncs });
    api().post(`/app/installations/${INSTALLATION}/access_tokens`).reply(200, tokenReply);
    const runs: CheckRunBody[] = [];
    const trees: TreeBody[] = [];
    expectCheck(ROSTER_BOB_MAINTAINER, runs);
    graphqlFiles(branchHead(ROSTER_BOB_MAINTAINER, LOG_V1));
    expectCommit(trees);
    const payload = push(after, { before, modified: [ROSTER_PATH], message: "Make bob a maintainer\n\nHe does the work." });

    await probot.receive({ id: "h-1", name: "push", payload } as never);

    expect(unmatched).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
    expect(runs.map((r) => [r.conclusion, r.output.title])).toEqual([["neutral", "Needs approver review: 1 raise without a logged decision"]]);
    expect(trees).toHaveLength(1);
    const files = Object.fromEntries(trees[0]!.tree.map((t) => [t.path, t.content]));
    expect(Object.keys(files).sort()).toEqual([ROSTER_PATH, LOG_PATH].sort());
    expect(files[LOG_PATH]!.startsWith(LOG_V1)).toBe(true);
    expect(files[LOG_PATH]!.slice(LOG_V1.length)).toMatchInlineSnapshot(`
"
## D-0004 — manual roster change: bob
<!-- stewards:{"kind":"decision","id":"D\\u002d0004","key":"manual\\u002droster\\u002dchange:acme/widgets\\u00409999999999999999999999999999999999999999:bob"} -->

- **Date:** 2026-12-01
- **Kind:** manual roster change
- **Subject:** [bob](https://github.com/bob)
- **Role:** member → maintainer
- **Approved by:** —
- **Objected by:** —
- **Reason:** Changed by hand: bob: member → maintainer (promoted) — no decision id. Commit message: Make bob a maintainer
- **Decided by:** alice, by hand: pushed to main without a proposal
- **Discussion:** [acme/widgets commit 9999999](https://github.com/acme/widgets/commit/9999999999999999999999999999999999999999)
"
`);
    // The new entry's id goes into bob's entry; nothing else in the file moves.
    expect(files[ROSTER_PATH]).toBe(ROSTER_BOB_MAINTAINER.replace("    since: 2026-11-25\n", "    since: 2026-11-25\n    decision: D-0004\n"));
    // Access follows the roster that landed: one sync, with bob as maintainer.
    expect(accessSyncs.map((c) => [c.repo, c.defaultBranch, c.roster.members.find((m) => m.login === "bob")?.role])).toEqual([[{ owner: "acme", repo: "widgets" }, "main", "maintainer"]]);

    // The same delivery again: dropped before any request.
    answered.length = 0;
    await probot.receive({ id: "h-1", name: "push", payload } as never);
    expect(answered).toEqual([]);

    // The same push under another delivery id (a redelivery): checked again, but the log already holds it, so no commit.
    const runs2: CheckRunBody[] = [];
    expectCheck(ROSTER_BOB_MAINTAINER, runs2);
    const logged = `${files[LOG_PATH]}`;
    graphqlFiles(branchHead(files[ROSTER_PATH]!, logged));
    await probot.receive({ id: "h-2", name: "push", payload } as never);
    expect(unmatched).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
    expect(runs2).toHaveLength(1);
    expect(answered.filter((a) => a.includes("/git/"))).toEqual([]);
  });

  it("the app's own push (its decision commit, or the log commit above) is not checked, and not logged again", async () => {
    const { probot } = await makeProbot({ accessSyncs });
    api().get("/app").reply(200, { id: 1, slug: "stewards", name: "Stewards" });
    await probot.receive({ id: "h-3", name: "push", payload: push(after, { before, modified: [ROSTER_PATH, LOG_PATH], sender: "stewards[bot]" }) } as never);
    expect(unmatched).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
    expect(answered).toEqual(["GET /app"]);
  });

  it("the roster the app completed reads as no change: filling in a decision id is not a hand edit", async () => {
    const { probot } = await makeProbot({ accessSyncs });
    api().post(`/app/installations/${INSTALLATION}/access_tokens`).reply(200, tokenReply);
    const runs: CheckRunBody[] = [];
    const completed = ROSTER_V1.replace("  - login: cleo\n    role: maintainer\n    since: 2024-03-01\n    decision: D-0001\n", "");
    graphqlFiles({
      [before]: { sha: before, files: { [GOV_PATH]: ladder, [ROSTER_PATH]: completed.replace("    decision: D-0002\n", ""), [LOG_PATH]: LOG_V1 } },
      [after]: { sha: after, files: { [GOV_PATH]: ladder, [ROSTER_PATH]: completed } },
    });
    noOrgDefaults();
    api().post("/repos/acme/widgets/check-runs").reply(201, recording(runs, { id: 41 }));
    api().get("/repos/acme/widgets/issues").query(true).reply(200, []);
    // A bot the app does not recognise (here: GET /app is not answered) is checked but never logged as a hand edit.
    await probot.receive({ id: "h-4", name: "push", payload: push(after, { before, modified: [ROSTER_PATH], sender: "someone[bot]" }) } as never);
    expect(nock.pendingMocks()).toEqual([]);
    expect(runs.map((r) => r.conclusion)).toEqual(["success"]);
    expect(runs[0]!.output.summary).toContain("none — nobody's role, access or eligibility changes");
    expect(answered.filter((a) => a.includes("/git/"))).toEqual([]);
  });

  it("a hand edit of the ladder's rules is logged as a ladder change", async () => {
    const { probot } = await makeProbot({ now: new Date("2026-12-01T10:00:00Z"), accessSyncs });
    api().post(`/app/installations/${INSTALLATION}/access_tokens`).reply(200, tokenReply);
    const runs: CheckRunBody[] = [];
    const trees: TreeBody[] = [];
    const lowered = ladder.replace("quorum: 2                # approvals needed", "quorum: 1");
    expectCheck(ROSTER_V1, runs, lowered);
    graphqlFiles(branchHead(ROSTER_V1, LOG_V1, lowered));
    expectCommit(trees);
    await probot.receive({ id: "h-5", name: "push", payload: push(after, { before, modified: [GOV_PATH], message: "One approval is enough" }) } as never);
    expect(unmatched).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
    expect(runs.map((r) => r.conclusion)).toEqual(["neutral"]);
    const files = Object.fromEntries(trees[0]!.tree.map((t) => [t.path, t.content]));
    // The roster did not change: only the log is written.
    expect(Object.keys(files)).toEqual([LOG_PATH]);
    expect(files[LOG_PATH]!.slice(LOG_V1.length)).toMatchInlineSnapshot(`
"
## D-0004 — ladder change: .github/governance.yml
<!-- stewards:{"kind":"decision","id":"D\\u002d0004","key":"ladder\\u002dchange:acme/widgets\\u00409999999999999999999999999999999999999999"} -->

- **Date:** 2026-12-01
- **Kind:** ladder change
- **Subject:** .github/governance.yml
- **Approved by:** —
- **Objected by:** —
- **Reason:** Changed by hand: promotion.quorum: 2 → 1 (weaker). Commit message: One approval is enough
- **Decided by:** alice, by hand: pushed to main without a proposal
- **Discussion:** [acme/widgets commit 9999999](https://github.com/acme/widgets/commit/9999999999999999999999999999999999999999)
"
`);
  });
});

describe("installation.created", () => {
  it("starts the backfill of each repository: reads the ladder, then the history with GraphQL, into the ledger", async () => {
    const { probot, services } = await makeProbot({ now: new Date("2026-11-21T00:00:00Z"), accessSyncs });
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

    // Without a queue (this harness) the history is read inside the handler; the server queues one backfill job per repository.
    await probot.receive({ id: "i-1", name: "installation", payload } as never);

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
    const { probot, services } = await makeProbot({ accessSyncs });
    const payload = examplePayload("installation", "created", { installationId: INSTALLATION, patch: { repositories: [] } });
    await probot.receive({ id: "i-2", name: "installation", payload } as never);
    expect(services.background.size).toBe(0);
    expect(unmatched).toEqual([]);
  });
});
