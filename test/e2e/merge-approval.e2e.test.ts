/**
 * End to end, approval by merge with `promotion.approve_with: pull_request`:
 * merged PRs → one promotion issue and one pull request that makes the
 * roster change, linked from the issue → the pull request closed unmerged
 * (not a rejection) and reopened → an approving review and a maintainer's
 * merge → the log entry and the decision id in one commit right after the
 * merge, the issue closed, the branch deleted — once, however often the merge
 * is delivered; an admin's merge without approvals logged as a manual roster
 * change; and with `approve_with: either`, reactions landing first closing the
 * pull request. The real server (`npm start`), signed webhooks, the stateful
 * fake GitHub; the test merges through the fake as a person would.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { isReadRequest } from "../fake-github/request-kinds.js";
import type { FakeGitHub, FakeIssue } from "../fake-github/server.js";
import { startGhesFake } from "../support/ghes-fake.js";
import { eventually, installedAppEnv, startApp, type AppProcess } from "../support/app-process.js";
import { examplePayload, sendWebhook } from "../support/webhooks.js";

const OWNER = "acme";
const REPO = "roster-prs";
/** A second repository of the installation, with `approve_with: either`. */
const EITHER = "roster-either";
/** A third, with `approve_with: pull_request` and `dry_run: true`. */
const DRY = "roster-dry";
const INSTALLATION = 11;
const SECRET = "merge-secret";
const DAY = 86_400_000;
const BRANCH = "stewards/promote/ana/member";
// Octokit's throttling spaces the app's writes ~1 s apart, and comments ~3 s: each step takes several seconds.
const SLOW = 120_000;
const ladder = readFileSync("fixtures/governance/spec-example.yml", "utf8").replace("approve_with: reaction ", "approve_with: pull_request");
const ROSTER = [
  "# Who holds which role. Maintained by Stewards; change it through a pull request.",
  "members:",
  "  - login: alice",
  "    role: maintainer",
  "    since: 2024-01-15",
  "  - login: bob",
  "    role: maintainer",
  "    since: 2024-03-01",
  "",
].join("\n");

let fake: FakeGitHub;
let app: AppProcess;
let delivery = 0;

function send(event: string, payload: unknown, deliveryId = `merge-${++delivery}`) {
  return sendWebhook(app.webhookUrl, { secret: SECRET, event, deliveryId, payload: payload as Record<string, unknown> });
}

function mergedPr(number: number, author: string, repo = REPO) {
  return examplePayload("pull_request", "closed", {
    owner: OWNER,
    repo,
    installationId: INSTALLATION,
    sender: author,
    patch: {
      pull_request: { number, merged: true, merged_at: new Date().toISOString(), additions: 12, deletions: 1, labels: [], user: { login: author, id: 5000 + number, type: "User" } },
      repository: { default_branch: "main" },
    },
  });
}

/** GitHub's `pull_request.closed` for the app's promotion pull request, as the fake now holds it. */
function promotionPullClosed(pull: FakeIssue, sender: string, repo = REPO) {
  const p = pull.pull!;
  return examplePayload("pull_request", "closed", {
    owner: OWNER,
    repo,
    installationId: INSTALLATION,
    sender,
    patch: {
      pull_request: {
        number: pull.number,
        state: "closed",
        title: pull.title,
        merged: p.mergedAt !== null,
        merged_at: p.mergedAt,
        merged_by: p.mergedBy ? { login: p.mergedBy.login, id: p.mergedBy.id, type: p.mergedBy.type } : null,
        merge_commit_sha: p.mergeCommitSha ?? null,
        user: { login: "stewards[bot]", id: 4242, type: "Bot" },
        head: { ref: p.headRef, sha: p.headSha, label: `${OWNER}:${p.headRef}` },
        base: { ref: "main", label: `${OWNER}:main` },
        additions: 4,
        deletions: 0,
        labels: [],
      },
      repository: { default_branch: "main" },
    },
  });
}

function comment(body: string, issueNumber: number, sender: string, repo = REPO) {
  return examplePayload("issue_comment", "created", {
    owner: OWNER,
    repo,
    installationId: INSTALLATION,
    sender,
    patch: { issue: { number: issueNumber }, comment: { body, user: { login: sender, id: 9000, type: "User" } }, repository: { default_branch: "main" } },
  });
}

const promotionIssues = (repo = REPO) => fake.issues(OWNER, repo).filter((i) => i.labels.includes("stewards:promotion"));
const promotionPulls = (branch = BRANCH, repo = REPO) => fake.pulls(OWNER, repo).filter((p) => p.pull?.headRef === branch);
const issueNo = (n: number, repo = REPO) => fake.issues(OWNER, repo).find((i) => i.number === n)!;
const botComments = (n: number, repo = REPO) => fake.comments(OWNER, repo, n).filter((c) => c.user.login.endsWith("[bot]"));
const repoState = (repo = REPO) => fake.state.requireRepo(OWNER, repo);

/** The newest commit on main whose message matches `re`, following first parents: the app's CODEOWNERS commit (access sync) may follow a decision's. */
function commitMatching(re: RegExp) {
  const repo = fake.state.requireRepo(OWNER, REPO);
  let sha = fake.state.resolveRef(repo, "main");
  while (sha) {
    const c = repo.commits.get(sha)!;
    if (re.test(c.message)) return c;
    sha = c.parents[0];
  }
  throw new Error(`no commit on main matches ${re}`);
}


beforeAll(async () => {
  fake = await startGhesFake();
  fake.addRepo({ owner: OWNER, name: REPO, installationId: INSTALLATION });
  fake.putFile(OWNER, REPO, ".github/governance.yml", ladder);
  fake.putFile(OWNER, REPO, ".github/roster.yml", ROSTER);
  fake.addRepo({ owner: OWNER, name: EITHER, installationId: INSTALLATION });
  fake.putFile(OWNER, EITHER, ".github/governance.yml", ladder.replace("approve_with: pull_request", "approve_with: either"));
  fake.putFile(OWNER, EITHER, ".github/roster.yml", ROSTER);
  fake.addRepo({ owner: OWNER, name: DRY, installationId: INSTALLATION });
  fake.putFile(OWNER, DRY, ".github/governance.yml", ladder.replace("dry_run: false", "dry_run: true"));
  fake.putFile(OWNER, DRY, ".github/roster.yml", ROSTER);
  const now = Date.now();
  for (let i = 1; i <= 4; i++) {
    fake.addMergedPullRequest(OWNER, REPO, { number: i, author: "ana", mergedAt: new Date(now - (60 - i) * DAY).toISOString(), additions: 10, deletions: 2 });
    fake.addMergedPullRequest(OWNER, REPO, { number: 100 + i, author: "cai", mergedAt: new Date(now - (60 - i) * DAY).toISOString(), additions: 10, deletions: 2 });
    fake.addMergedPullRequest(OWNER, EITHER, { number: i, author: "ben", mergedAt: new Date(now - (60 - i) * DAY).toISOString(), additions: 10, deletions: 2 });
    fake.addMergedPullRequest(OWNER, DRY, { number: i, author: "dee", mergedAt: new Date(now - (60 - i) * DAY).toISOString(), additions: 10, deletions: 2 });
  }
  app = await startApp(installedAppEnv(fake.host, SECRET, { SWEEP_INTERVAL: "1h" }));
  const install = examplePayload("installation", "created", {
    installationId: INSTALLATION,
    patch: {
      installation: { account: { login: OWNER, id: 4100 } },
      repositories: [
        { id: 1, node_id: "R_1", name: REPO, full_name: `${OWNER}/${REPO}`, private: false },
        { id: 2, node_id: "R_2", name: EITHER, full_name: `${OWNER}/${EITHER}`, private: false },
        { id: 3, node_id: "R_3", name: DRY, full_name: `${OWNER}/${DRY}`, private: false },
      ],
    },
  });
  await send("installation", install);
  await eventually(() => app.output().split("\n").filter((l) => l.includes('"msg":"history backfilled"')).length >= 3, "the backfill to finish", 90_000);
}, 180_000);

afterAll(async () => {
  if (process.env.E2E_DEBUG) writeFileSync("/tmp/merge-app.log", app.output());
  await app?.stop();
  await fake?.close();
});

afterEach(() => {
  fake.assertNoViolations();
  // No handler failed on the way (the ledger, the push check, the merge, the commands).
  expect(app.output()).not.toMatch(/failed; it will be retried|failed on its last attempt/);
});

describe("approval by merge (approve_with: pull_request)", () => {
  it(
    "opens one promotion issue and one pull request making only the roster change, linked from the issue",
    async () => {
      fake.addMergedPullRequest(OWNER, REPO, { number: 5, author: "ana", mergedAt: new Date().toISOString(), additions: 3, deletions: 0 });
      const payload = mergedPr(5, "ana");
      await Promise.all([send("pull_request", payload, "pr-5"), send("pull_request", payload, "pr-5"), send("pull_request", payload)]);
      const [pull] = await eventually(() => (promotionPulls().length ? promotionPulls() : undefined), "the promotion pull request", 90_000);
      const issue = promotionIssues()[0]!;
      await eventually(() => issueNo(issue.number).body?.includes(`/pull/${pull!.number}), the pull request that makes the roster change`), "the issue to link the pull request", 30_000);
      expect(pull!.user.login).toBe("stewards[bot]");
      expect(pull!.title).toBe("Roster: promote ana to member");
      expect(pull!.body).toContain(`[#${issue.number}]`);
      expect(pull!.body).toMatch(/Merging this pull request approves the promotion/);
      // The branch changes the roster only: ana as member, no decision id yet; the log is untouched.
      const onBranch = fake.file(OWNER, REPO, ".github/roster.yml", BRANCH)!;
      expect(onBranch).toContain("# Who holds which role.");
      expect(onBranch).toMatch(/- login: ana\n {4}role: member\n {4}since: \d{4}-\d{2}-\d{2}\n$/);
      expect(fake.file(OWNER, REPO, "GOVERNANCE-LOG.md", BRANCH)).toBeUndefined();
      expect(fake.file(OWNER, REPO, ".github/roster.yml")).toBe(ROSTER);
      await new Promise((r) => setTimeout(r, 1500));
      expect(promotionIssues()).toHaveLength(1);
      expect(promotionPulls()).toHaveLength(1);
    },
    SLOW,
  );

  it(
    "does not take a pull request closed without merging as a rejection",
    async () => {
      const issue = promotionIssues()[0]!;
      const pull = promotionPulls()[0]!;
      fake.setPullRequestState(OWNER, REPO, pull.number, "closed");
      await send("pull_request", promotionPullClosed(pull, "bob"));
      const status = await eventually(() => botComments(issue.number).find((c) => c.body.includes('"kind":"promotion-status"')), "the status comment", 60_000);
      expect(status.body).toMatch(/was closed without merging\. That is not a rejection/);
      expect(issueNo(issue.number).state).toBe("open");
      expect(fake.file(OWNER, REPO, "GOVERNANCE-LOG.md")).toBeUndefined();
      // Reactions are not votes under approve_with: pull_request.
      fake.addReaction(OWNER, REPO, { issue: issue.number }, { user: "alice", content: "+1" });
      fake.addReaction(OWNER, REPO, { issue: issue.number }, { user: "bob", content: "+1" });
      fake.setPullRequestState(OWNER, REPO, pull.number, "open");
      await send("issue_comment", comment("Reopened it.", issue.number, "bob"));
      await eventually(() => botComments(issue.number).find((c) => c.body.includes('"kind":"promotion-status"') && /approving and merging it is how/.test(c.body)), "the status comment to show it open again", 60_000);
      expect(issueNo(issue.number).state).toBe("open");
      expect(fake.file(OWNER, REPO, "GOVERNANCE-LOG.md")).toBeUndefined();
    },
    SLOW,
  );

  it(
    "merged by a maintainer after another's approving review: logged once in one commit right after the merge, issue closed, branch deleted",
    async () => {
      const issue = promotionIssues()[0]!;
      const pull = promotionPulls()[0]!;
      fake.addPullReview(OWNER, REPO, pull.number, { author: "bob", state: "APPROVED" });
      const mergeSha = fake.mergePullRequest(OWNER, REPO, pull.number, { by: "alice" });
      expect(fake.file(OWNER, REPO, ".github/roster.yml")).toMatch(/- login: ana\n {4}role: member\n {4}since: \S+\n$/);
      const merged = promotionPullClosed(fake.pulls(OWNER, REPO).find((p) => p.number === pull.number)!, "alice");
      // GitHub's push for the merge, the same delivery twice and another delivery of the same fact, all at once.
      const push = examplePayload("push", undefined, {
        owner: OWNER,
        repo: REPO,
        installationId: INSTALLATION,
        sender: "alice",
        patch: { ref: "refs/heads/main", after: mergeSha, deleted: false, repository: { default_branch: "main" }, commits: [{ id: mergeSha, added: [], removed: [], modified: [".github/roster.yml"] }] },
      });
      await Promise.all([send("push", push), send("pull_request", merged, "merge-pr"), send("pull_request", merged, "merge-pr"), send("pull_request", merged)]);
      await eventually(() => issueNo(issue.number).state === "closed", "the issue to close", 90_000);

      const log = fake.file(OWNER, REPO, "GOVERNANCE-LOG.md")!;
      expect(log.match(/^## D-\d+ — /gm)).toEqual(["## D-0001 — "]);
      expect(log).toMatch(/^## D-0001 — promotion: ana$/m);
      expect(log).toMatch(/alice/);
      expect(log).toMatch(/bob/);
      const roster = fake.file(OWNER, REPO, ".github/roster.yml")!;
      expect(roster).toContain("# Who holds which role.");
      expect(roster).toMatch(/- login: ana\n {4}role: member\n {4}since: \d{4}-\d{2}-\d{2}\n {4}decision: D-0001\n$/);
      // The app's one decision commit follows the merge: log and roster stamp together. The push's own access sync
      // (it changed the roster) may write the CODEOWNERS block first, racing the decision; then the decision's commit
      // is planned again on top of it (never a conflict), and that one commit touches only CODEOWNERS.
      const head = commitMatching(/^D-0001: promote ana to member/);
      const between = head.parents[0] === mergeSha ? [] : [repoState().commits.get(head.parents[0]!)!];
      expect(between.every((c) => c.parents[0] === mergeSha)).toBe(true);
      const changed = (from: string, to: string) => {
        const [a, b] = [fake.state.treeOf(repoState(), from), fake.state.treeOf(repoState(), to)];
        return [...new Set([...a.keys(), ...b.keys()])].filter((p) => a.get(p) !== b.get(p)).sort();
      };
      for (const c of between) expect(changed(mergeSha, c.sha)).toEqual([".github/CODEOWNERS"]);
      // Log, roster stamp (and the CODEOWNERS block, unless the access sync wrote it just before) in the one commit; nothing after it.
      expect(changed(mergeSha, head.sha)).toEqual([".github/CODEOWNERS", ".github/roster.yml", "GOVERNANCE-LOG.md"]);
      expect(changed(head.parents[0]!, head.sha)).toEqual(between.length ? [".github/roster.yml", "GOVERNANCE-LOG.md"] : [".github/CODEOWNERS", ".github/roster.yml", "GOVERNANCE-LOG.md"]);
      expect(repoState().refs.get("heads/main")).toBe(head.sha);
      expect(issueNo(issue.number).stateReason).toBe("completed");
      const outcome = botComments(issue.number).at(-1)!;
      expect(outcome.body).toMatch(/Approved\*\* by the merge of \[#\d+\]\(.*\) by \[alice\]/);
      expect(outcome.body).toMatch(/D-0001/);
      await eventually(() => !repoState().refs.has(`heads/${BRANCH}`), "the promotion branch to be deleted", 30_000);

      // Delivered once more later: nothing changes.
      const commits = repoState().commits.size;
      const comments = botComments(issue.number).length;
      await send("pull_request", merged);
      await new Promise((r) => setTimeout(r, 2000));
      expect(repoState().commits.size).toBe(commits);
      expect(botComments(issue.number)).toHaveLength(comments);
      expect(fake.file(OWNER, REPO, "GOVERNANCE-LOG.md")!.match(/^## D-/gm)).toHaveLength(1);
    },
    SLOW,
  );

  it(
    "merged by an admin without approving reviews: a manual roster change in the log, not a promotion — the change stands",
    async () => {
      fake.addMergedPullRequest(OWNER, REPO, { number: 200, author: "cai", mergedAt: new Date().toISOString(), additions: 3, deletions: 0 });
      await send("pull_request", mergedPr(200, "cai"));
      const branch = "stewards/promote/cai/member";
      const [pull] = await eventually(() => (promotionPulls(branch).length ? promotionPulls(branch) : undefined), "cai's promotion pull request", 90_000);
      const issue = promotionIssues().find((i) => i.title.includes("cai"))!;
      await eventually(() => issueNo(issue.number).body?.includes(`/pull/${pull!.number})`), "the issue to link the pull request", 30_000);
      fake.mergePullRequest(OWNER, REPO, pull!.number, { by: "root" });
      await send("pull_request", promotionPullClosed(fake.pulls(OWNER, REPO).find((p) => p.number === pull!.number)!, "root"));
      await eventually(() => issueNo(issue.number).state === "closed", "cai's issue to close", 90_000);
      const log = fake.file(OWNER, REPO, "GOVERNANCE-LOG.md")!;
      expect(log).toMatch(/^## D-0002 — manual roster change: cai$/m);
      expect(log).toMatch(/root holds no approver role; 0 of 2 approvals/);
      expect(fake.file(OWNER, REPO, ".github/roster.yml")).toMatch(/- login: cai\n {4}role: member\n {4}since: \S+\n {4}decision: D-0002\n$/);
      expect(botComments(issue.number).at(-1)!.body).toMatch(/Merged without the approvals:.*manual roster change/);
    },
    SLOW,
  );
});

describe("approve_with: either — reactions land first", () => {
  it(
    "approves by reactions, then closes the promotion pull request with a comment and deletes its branch",
    async () => {
      fake.addMergedPullRequest(OWNER, EITHER, { number: 5, author: "ben", mergedAt: new Date().toISOString(), additions: 3, deletions: 0 });
      await send("pull_request", mergedPr(5, "ben", EITHER));
      const branch = "stewards/promote/ben/member";
      const [pull] = await eventually(() => (promotionPulls(branch, EITHER).length ? promotionPulls(branch, EITHER) : undefined), "ben's promotion pull request", 90_000);
      const issue = promotionIssues(EITHER)[0]!;
      await eventually(() => issueNo(issue.number, EITHER).body?.includes(`/pull/${pull!.number})`), "the issue to link the pull request", 30_000);
      expect(issue.body).toMatch(/react 👍 to this issue, or approve and merge/);
      fake.addReaction(OWNER, EITHER, { issue: issue.number }, { user: "alice", content: "+1" });
      fake.addReaction(OWNER, EITHER, { issue: issue.number }, { user: "bob", content: "+1" });
      await send("issue_comment", comment("Both approved.", issue.number, "carol", EITHER));
      await eventually(() => issueNo(issue.number, EITHER).state === "closed", "ben's issue to close", 90_000);
      expect(fake.file(OWNER, EITHER, "GOVERNANCE-LOG.md")).toMatch(/^## D-0001 — promotion: ben$/m);
      expect(fake.file(OWNER, EITHER, ".github/roster.yml")).toMatch(/- login: ben\n {4}role: member\n {4}since: \S+\n {4}decision: D-0001\n$/);
      const closed = await eventually(() => fake.pulls(OWNER, EITHER).find((p) => p.number === pull!.number && p.state === "closed"), "the pull request to close", 30_000);
      expect(closed.pull!.mergedAt).toBeNull();
      expect(botComments(pull!.number, EITHER).at(-1)!.body).toMatch(/Closing: approved by reactions \(D-0001\)/);
      await eventually(() => !repoState(EITHER).refs.has(`heads/${branch}`), "ben's branch to be deleted", 30_000);
      // GitHub's delivery of that close: nothing more.
      const commits = repoState(EITHER).commits.size;
      await send("pull_request", promotionPullClosed(closed, "stewards[bot]", EITHER));
      await new Promise((r) => setTimeout(r, 1500));
      expect(repoState(EITHER).commits.size).toBe(commits);
      expect(fake.file(OWNER, EITHER, "GOVERNANCE-LOG.md")!.match(/^## D-/gm)).toHaveLength(1);
    },
    SLOW,
  );
});

describe("dry run (dry_run: true in the ladder) with approve_with: pull_request", () => {
  it(
    "logs the branch and the pull request it would create, and writes nothing",
    async () => {
      fake.addMergedPullRequest(OWNER, DRY, { number: 5, author: "dee", mergedAt: new Date().toISOString(), additions: 3, deletions: 0 });
      const first = fake.requests.length;
      await send("pull_request", mergedPr(5, "dee", DRY));
      await eventually(() => app.output().includes(`dry run: would open pull request on ${OWNER}/${DRY} from stewards/promote/dee/member into main`), "the planned pull request in the log", 60_000);
      expect(app.output()).toContain(`dry run: would create branch stewards/promote/dee/member on ${OWNER}/${DRY} from `);
      expect(app.output()).toContain(`dry run: would open issue on ${OWNER}/${DRY}`);
      const writes = fake.requests.slice(first).filter((r) => r.path.includes(`/${DRY}/`) && !isReadRequest(r));
      expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([]);
      expect(fake.pulls(OWNER, DRY).filter((p) => p.state === "open")).toEqual([]);
      expect(repoState(DRY).refs.has("heads/stewards/promote/dee/member")).toBe(false);
    },
    SLOW,
  );
});
