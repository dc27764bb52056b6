/**
 * End to end, guarding the ladder itself (issue 5, item 7): a hand push that
 * raises someone in the roster is logged once as a manual roster change in
 * GOVERNANCE-LOG.md (the app's own log commit, and a redelivery, add nothing),
 * and a pull request that lowers the ladder gets a check run stating its
 * effect. The real server (`npm start`), signed webhooks, the stateful fake.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { FakeGitHub } from "../fake-github/server.js";
import { startGhesFake } from "../support/ghes-fake.js";
import type { FakeIssue } from "../fake-github/state.js";
import { eventually, installedAppEnv, startApp, type AppProcess } from "../support/app-process.js";
import { examplePayload, sendWebhook } from "../support/webhooks.js";

const OWNER = "acme";
const REPO = "widgets";
const INSTALLATION = 7;
const SECRET = "e2e-secret";
const DAY = 86_400_000;
const GOV = ".github/governance.yml";
const ROSTER_PATH = ".github/roster.yml";
const LOG_PATH = "GOVERNANCE-LOG.md";
const ladder = readFileSync("fixtures/governance/spec-example.yml", "utf8");
const ROSTER = [
  "members:",
  "  - login: alice",
  "    role: maintainer",
  "    since: 2024-01-15",
  "    decision: D-0001",
  "  - login: bob",
  "    role: member",
  "    since: 2025-02-01",
  "    decision: D-0002",
  "",
].join("\n");
const LOG = [
  "# Governance log",
  "",
  "## D-0001 — promotion: alice",
  "",
  "- **Date:** 2024-01-15",
  "- **Role:** — → maintainer",
  "",
  "## D-0002 — promotion: bob",
  "",
  "- **Date:** 2025-02-01",
  "- **Role:** — → member",
  "",
].join("\n");

let fake: FakeGitHub;
let app: AppProcess;
let delivery = 0;

async function send(event: string, payload: unknown, deliveryId = `guard-${++delivery}`) {
  const res = await sendWebhook(app.webhookUrl, { secret: SECRET, event, deliveryId, payload: payload as Record<string, unknown> });
  expect(res.status).toBe(200);
  await eventually(() => handled(deliveryId), `delivery ${deliveryId} to be handled`, 90_000);
}

function handled(deliveryId: string): boolean {
  const id = `"id":"${deliveryId}"`;
  return app.output().split("\n").some((l) => l.includes(id) && (l.includes('"msg":"delivery handled"') || l.includes('"msg":"duplicate delivery ignored"')));
}

function mainSha(): string {
  return fake.state.resolveRef(fake.state.requireRepo(OWNER, REPO), "main")!;
}

function push(before: string, after: string, opts: { sender: string; modified: string[]; message: string }) {
  return examplePayload("push", undefined, {
    owner: OWNER,
    repo: REPO,
    installationId: INSTALLATION,
    sender: opts.sender,
    patch: {
      ref: "refs/heads/main",
      before,
      after,
      deleted: false,
      repository: { default_branch: "main" },
      commits: [{ id: after, message: opts.message, author: { name: opts.sender, email: "x@example.com", username: opts.sender }, added: [], removed: [], modified: opts.modified }],
      head_commit: { id: after, message: opts.message, author: { name: opts.sender, email: "x@example.com", username: opts.sender } },
    },
  });
}

/** An open pull request in the fake from `headRef` (already pushed) into main, changing `paths`. */
function openPullRequest(number: number, headRef: string, headSha: string, paths: string[], author: string): FakeIssue {
  const repo = fake.state.requireRepo(OWNER, REPO);
  const now = fake.state.timestamp();
  const issue: FakeIssue = {
    id: fake.state.id(),
    number: fake.state.takeNumber(repo, number),
    title: "Lower the member rung",
    body: "",
    state: "open",
    stateReason: null,
    labels: [],
    user: fake.state.account(author),
    assignees: [],
    locked: false,
    createdAt: now,
    updatedAt: now,
    closedAt: null,
    pull: {
      mergedAt: null,
      mergedBy: null,
      additions: 1,
      deletions: 1,
      files: paths.map((path) => ({ path, additions: 1, deletions: 1, status: "modified" as const })),
      reviews: [],
      baseRef: "main",
      headRef,
      headSha,
    },
  };
  repo.issues.set(number, issue);
  return issue;
}

function entries(log: string, heading: RegExp): string[] {
  return log.split("\n").filter((l) => heading.test(l));
}

beforeAll(async () => {
  fake = await startGhesFake();
  fake.addRepo({ owner: OWNER, name: REPO, installationId: INSTALLATION });
  fake.putFile(OWNER, REPO, GOV, ladder);
  fake.putFile(OWNER, REPO, ROSTER_PATH, ROSTER);
  fake.putFile(OWNER, REPO, LOG_PATH, LOG);
  // dan: 3 merged PRs in the window; the member rung asks for 5, the pull request below lowers it to 3.
  const now = Date.now();
  for (let i = 1; i <= 3; i++) fake.addMergedPullRequest(OWNER, REPO, { number: i, author: "dan", mergedAt: new Date(now - (30 - i) * DAY).toISOString(), additions: 10, deletions: 2 });
  app = await startApp(installedAppEnv(fake.host, SECRET, { SWEEP_INTERVAL: "1h" }));
  const install = examplePayload("installation", "created", {
    installationId: INSTALLATION,
    patch: { installation: { account: { login: OWNER, id: 4100 } }, repositories: [{ id: 1, node_id: "R_1", name: REPO, full_name: `${OWNER}/${REPO}`, private: false }] },
  });
  await send("installation", install);
  await eventually(() => app.output().includes('"msg":"history backfilled"'), "the backfill to finish", 60_000);
}, 180_000);

afterAll(async () => {
  if (process.env.E2E_DEBUG) writeFileSync("/tmp/guard-app.log", app.output());
  await app?.stop();
  await fake?.close();
});

afterEach(() => fake.assertNoViolations());

describe("guarding the ladder", () => {
  it(
    "a hand push raising someone in the roster: a neutral check run, and exactly one manual-change entry in the log",
    async () => {
      const before = mainSha();
      const raised = ROSTER.replace("    role: member\n    since: 2025-02-01\n    decision: D-0002\n", "    role: maintainer\n    since: 2026-11-30\n");
      const after = fake.putFile(OWNER, REPO, ROSTER_PATH, raised, { message: "bob is a maintainer now" });
      const handPush = push(before, after, { sender: "alice", modified: [ROSTER_PATH], message: "bob is a maintainer now" });
      await send("push", handPush);

      const run = fake.checkRuns(OWNER, REPO).find((r) => r.headSha === after);
      expect(run).toMatchObject({ name: "Stewards / governance.yml", conclusion: "neutral" });
      expect(run!.output.title).toBe("Needs approver review: 1 raise without a logged decision");
      expect(run!.output.summary).toContain("[bob](");
      expect(run!.output.summary).toContain("`member` → `maintainer` (promoted) — ⚠️ no `decision:` id");

      // One commit by the app on top of the hand edit: the log entry, and its id in bob's roster entry.
      const logCommit = await eventually(() => (mainSha() !== after ? mainSha() : undefined), "the app's log commit");
      const log = fake.file(OWNER, REPO, LOG_PATH)!;
      expect(log.startsWith(LOG)).toBe(true);
      expect(entries(log, /^## D-/)).toEqual(["## D-0001 — promotion: alice", "## D-0002 — promotion: bob", "## D-0003 — manual roster change: bob"]);
      expect(log).toContain("- **Decided by:** alice, by hand: pushed to main without a proposal");
      expect(log).toContain(`/acme/widgets/commit/${after})`);
      expect(fake.file(OWNER, REPO, ROSTER_PATH)).toBe(raised.replace("    since: 2026-11-30\n", "    since: 2026-11-30\n    decision: D-0003\n"));

      // The push the app's own commit causes is ignored (no loop), and a redelivery of the hand push logs nothing more.
      await send("push", push(after, logCommit, { sender: "stewards[bot]", modified: [ROSTER_PATH, LOG_PATH], message: "D-0003: log the hand edit" }));
      await send("push", handPush);
      expect(mainSha()).toBe(logCommit);
      // The app's own commit is not even checked: it is recognised as the app's (GET /app) before anything is read.
      expect(fake.checkRuns(OWNER, REPO).filter((r) => r.headSha === logCommit)).toEqual([]);
      expect(entries(fake.file(OWNER, REPO, LOG_PATH)!, /^## D-/)).toHaveLength(3);
    },
    150_000,
  );

  it(
    "a pull request that lowers the ladder gets a check run on its head naming the effect, in four requests",
    async () => {
      const lowered = ladder.replace("merged_prs: 5        # PRs authored and merged", "merged_prs: 3");
      const head = fake.putFile(OWNER, REPO, GOV, lowered, { branch: "lower-member", message: "Lower the member rung" });
      openPullRequest(60, "lower-member", head, [GOV], "dan");
      const payload = examplePayload("pull_request", "opened", {
        owner: OWNER,
        repo: REPO,
        installationId: INSTALLATION,
        sender: "dan",
        patch: { pull_request: { number: 60, head: { sha: head, ref: "lower-member" }, base: { ref: "main" } }, repository: { default_branch: "main" } },
      });
      const from = fake.requests.length;
      await send("pull_request", payload);

      const run = fake.checkRuns(OWNER, REPO).find((r) => r.headSha === head);
      expect(run).toMatchObject({ name: "Stewards / governance.yml", conclusion: "neutral" });
      expect(run!.output.title).toBe("Needs approver review: 1 weaker rule");
      expect(run!.output.summary).toContain("- `member`: merged PRs required: `5` → `3` ⚠️ weaker");
      expect(run!.output.summary).toContain("**Would be proposed after this change:** [dan](");
      const routes = fake.requests.slice(from).map((r) => r.route).filter((r) => !r.includes("access_tokens"));
      expect(routes).toEqual([
        "GET /repos/{owner}/{repo}/pulls/{pull_number}/files",
        "POST /graphql",
        "GET /repos/{owner}/{repo}/contents/{path}", // the organisation's defaults (floors)
        "POST /repos/{owner}/{repo}/check-runs",
      ]);
    },
    120_000,
  );
});
