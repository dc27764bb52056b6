/**
 * End to end, the promotion lifecycle a new user sees with the example ladder
 * (issue 4's "done when"): merged PRs → one promotion issue → two maintainers
 * react → roster and log updated in one commit, issue closed. The real server
 * (`npm start`), signed webhooks, and the stateful fake GitHub.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { FakeGitHub } from "../fake-github/server.js";
import { startGhesFake } from "../support/ghes-fake.js";
import { eventually, installedAppEnv, startApp, type AppProcess } from "../support/app-process.js";
import { examplePayload, sendWebhook } from "../support/webhooks.js";

const OWNER = "acme";
const REPO = "widgets";
const INSTALLATION = 7;
const SECRET = "e2e-secret";
const DAY = 86_400_000;
const ladder = readFileSync("fixtures/governance/spec-example.yml", "utf8");
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

function send(event: string, payload: unknown, deliveryId = `promo-${++delivery}`) {
  return sendWebhook(app.webhookUrl, { secret: SECRET, event, deliveryId, payload: payload as Record<string, unknown> });
}

function mergedPr(number: number, author: string) {
  return examplePayload("pull_request", "closed", {
    owner: OWNER,
    repo: REPO,
    installationId: INSTALLATION,
    sender: author,
    patch: {
      pull_request: {
        number,
        merged: true,
        merged_at: new Date().toISOString(),
        additions: 12,
        deletions: 1,
        labels: [],
        user: { login: author, id: 5000 + number, type: "User" },
      },
      repository: { default_branch: "main" },
    },
  });
}

function comment(body: string, issueNumber: number, sender: string) {
  return examplePayload("issue_comment", "created", {
    owner: OWNER,
    repo: REPO,
    installationId: INSTALLATION,
    sender,
    patch: { issue: { number: issueNumber }, comment: { body, user: { login: sender, id: 9000, type: "User" } }, repository: { default_branch: "main" } },
  });
}

function promotionIssues() {
  return fake.issues(OWNER, REPO).filter((i) => i.labels.includes("stewards:promotion"));
}

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

function headCommit() {
  const repo = fake.state.requireRepo(OWNER, REPO);
  return repo.commits.get(fake.state.resolveRef(repo, "main")!)!;
}

beforeAll(async () => {
  fake = await startGhesFake();
  fake.addRepo({ owner: OWNER, name: REPO, installationId: INSTALLATION });
  fake.putFile(OWNER, REPO, ".github/governance.yml", ladder);
  fake.putFile(OWNER, REPO, ".github/roster.yml", ROSTER);
  const now = Date.now();
  // ana: 4 merged PRs in the window; the member rung needs 5, which the first test's merge brings.
  for (let i = 1; i <= 4; i++) {
    fake.addMergedPullRequest(OWNER, REPO, { number: i, author: "ana", mergedAt: new Date(now - (60 - i) * DAY).toISOString(), additions: 10, deletions: 2 });
  }
  app = await startApp(installedAppEnv(fake.host, SECRET, { SWEEP_INTERVAL: "1h", ...(process.env.E2E_DEBUG ? { LOG_LEVEL: "debug" } : {}) }));
  const install = examplePayload("installation", "created", {
    installationId: INSTALLATION,
    patch: { installation: { account: { login: OWNER, id: 4100 } }, repositories: [{ id: 1, node_id: "R_1", name: REPO, full_name: `${OWNER}/${REPO}`, private: false }] },
  });
  await send("installation", install);
  await eventually(() => app.output().includes('"msg":"history backfilled"'), "the backfill to finish", 60_000);
}, 180_000);

afterAll(async () => {
  if (process.env.E2E_DEBUG) writeFileSync("/tmp/promo-app.log", app.output());
  await app?.stop();
  await fake?.close();
});

afterEach(() => fake.assertNoViolations());

function botReplies(issue: number) {
  return fake.comments(OWNER, REPO, issue).filter((c) => c.user.login.endsWith("[bot]"));
}

/** The app's replies to commands on an issue (not its status or outcome comments), oldest first. */
function commandReplies(issue: number) {
  return botReplies(issue).filter((c) => c.body.includes('"kind":"command-reply"'));
}

/** Sends a comment and waits for the app's reply to it (the work runs from the queue, in any order with the status comment). */
async function ask(body: string, issue: number, sender: string): Promise<string> {
  const before = commandReplies(issue).length;
  await send("issue_comment", comment(body, issue, sender));
  const reply = await eventually(() => commandReplies(issue)[before], `a reply to ${JSON.stringify(body)}`);
  return reply.body;
}

describe("a promotion from merged PRs to the roster", () => {
  it("opens exactly one promotion issue however many deliveries arrive", async () => {
    fake.addMergedPullRequest(OWNER, REPO, { number: 5, author: "ana", mergedAt: new Date().toISOString(), additions: 3, deletions: 0 });
    const payload = mergedPr(5, "ana");
    // The same delivery twice, and two other deliveries of the same fact, all at once.
    await Promise.all([send("pull_request", payload, "pr-5"), send("pull_request", payload, "pr-5"), send("pull_request", payload), send("pull_request", payload)]);
    const [issue] = await eventually(() => (promotionIssues().length ? promotionIssues() : undefined), "a promotion issue");
    expect(issue!.title).toMatch(/ana/);
    expect(issue!.title).toMatch(/member/);
    expect(issue!.body).toMatch(/merged PRs/);
    // The candidate is mentioned once, so they know; approvers are linked, never pinged.
    expect((issue!.body ?? "").match(/(^|[^\u200d\w])@ana\b/g) ?? []).toHaveLength(1);
    expect(issue!.body).not.toMatch(/(^|[^\u200d\w])@(alice|bob)\b/);
    // One notification: the proposal issue tells ana; no "eligible" progress comment on the PR that made them so.
    await eventually(() => app.output().includes('"msg":"eligible with a proposal open: the issue is the notification, no progress comment"') || undefined, "the progress check after the proposal");
    // Give any straggler a moment; still one issue and no progress comment.
    await new Promise((r) => setTimeout(r, 1500));
    expect(promotionIssues()).toHaveLength(1);
    expect(botReplies(5)).toHaveLength(0);
  });

  it("does not count the candidate's, a non-approver's or a bot's 👍, and waits for the quorum", async () => {
    const issue = promotionIssues()[0]!;
    fake.addReaction(OWNER, REPO, { issue: issue.number }, { user: "ana", content: "+1" });
    fake.addReaction(OWNER, REPO, { issue: issue.number }, { user: "carol", content: "+1" });
    fake.addReaction(OWNER, REPO, { issue: issue.number }, { user: "helper[bot]", content: "+1" });
    fake.addReaction(OWNER, REPO, { issue: issue.number }, { user: "alice", content: "+1" });
    await send("issue_comment", comment("Nice work!", issue.number, "carol"));
    await eventually(() => fake.comments(OWNER, REPO, issue.number).some((c) => c.user.login.endsWith("[bot]") && /1 of 2/.test(c.body)), "a tally of 1 of 2");
    expect(fake.issues(OWNER, REPO).find((i) => i.number === issue.number)!.state).toBe("open");
    expect(fake.file(OWNER, REPO, "GOVERNANCE-LOG.md")).toBeUndefined();
  });

  it("applies the promotion once two maintainers approved: roster and log in one commit, issue closed", async () => {
    const issue = promotionIssues()[0]!;
    const before = headCommit();
    fake.addReaction(OWNER, REPO, { issue: issue.number }, { user: "bob", content: "+1" });
    await send("issue_comment", comment("+1 from me too", issue.number, "dave"));
    await eventually(() => fake.issues(OWNER, REPO).find((i) => i.number === issue.number)!.state === "closed", "the issue to close");

    const roster = fake.file(OWNER, REPO, ".github/roster.yml")!;
    expect(roster).toContain("# Who holds which role."); // the file's comment survives
    expect(roster).toMatch(/- login: ana\n\s+role: member\n\s+since: \d{4}-\d{2}-\d{2}\n\s+decision: D-0001/);
    const log = fake.file(OWNER, REPO, "GOVERNANCE-LOG.md")!;
    expect(log).toMatch(/^## D-0001 — promotion: ana$/m);
    expect(log).toMatch(/alice/);
    expect(log).toMatch(/bob/);
    expect(log).not.toMatch(/carol/);

    // One commit changed both files, on top of the head the app found.
    const head = commitMatching(/^D-0001: promote ana/);
    expect(head.parents).toEqual([before.sha]);
    const repo = fake.state.requireRepo(OWNER, REPO);
    const [oldTree, newTree] = [fake.state.treeOf(repo, before.sha), fake.state.treeOf(repo, head.sha)];
    const changed = [...newTree.keys()].filter((p) => oldTree.get(p) !== newTree.get(p));
    // The CODEOWNERS block follows the roster in the same commit (the repository had none: .github/CODEOWNERS)…
    expect(changed.sort()).toEqual([".github/CODEOWNERS", ".github/roster.yml", "GOVERNANCE-LOG.md"]);
    expect(fake.file(OWNER, REPO, ".github/CODEOWNERS")).toMatch(/^# BEGIN stewards\n[\s\S]*# END stewards\n$/);
    // …so the access sync that ran before the close found it in step and committed nothing more.
    expect(headCommit().sha).toBe(head.sha);

    const outcome = fake.comments(OWNER, REPO, issue.number).filter((c) => c.user.login.endsWith("[bot]")).at(-1)!;
    expect(outcome.body).toMatch(/D-0001/);
  });

  it("does nothing more on later events about the closed proposal", async () => {
    const issue = promotionIssues()[0]!;
    const commits = fake.state.requireRepo(OWNER, REPO).commits.size;
    await send("issue_comment", comment("thanks all", issue.number, "ana"));
    fake.addMergedPullRequest(OWNER, REPO, { number: 60, author: "ana", mergedAt: new Date().toISOString(), additions: 3, deletions: 0 });
    await send("pull_request", mergedPr(60, "ana"));
    await new Promise((r) => setTimeout(r, 1500));
    expect(botReplies(60)).toEqual([]);
    // GitHub's push event for the app's own commit of roster and log: no check run, no re-read.
    const runs = fake.checkRuns(OWNER, REPO).length;
    const head = headCommit().sha;
    await send(
      "push",
      examplePayload("push", undefined, {
        owner: OWNER,
        repo: REPO,
        installationId: INSTALLATION,
        sender: "stewards[bot]",
        patch: {
          ref: "refs/heads/main",
          after: head,
          deleted: false,
          sender: { login: "stewards[bot]", type: "Bot" },
          repository: { default_branch: "main" },
          commits: [{ id: head, added: [], removed: [], modified: [".github/roster.yml", "GOVERNANCE-LOG.md"] }],
        },
      }),
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect(fake.checkRuns(OWNER, REPO)).toHaveLength(runs);
    expect(fake.state.requireRepo(OWNER, REPO).commits.size).toBe(commits);
    expect(promotionIssues()).toHaveLength(1);
  });
});

describe("commands on proposals", () => {
  // Several commands per test, each answered by a comment that octokit's throttling spaces 3 s apart.
  const SLOW = 120_000;
  let nomination = 0;

  it("lets only approvers nominate, and opens a nomination showing unmet requirements", async () => {
    fake.addIssue(OWNER, REPO, { title: "Ben's docs", number: 200, author: "ben" });
    expect(await ask("/nominate @ben member Wrote the whole tutorial", 200, "carol")).toMatch(/Only people holding an approving role/);
    expect(await ask("/nominate @ben wizard", 200, "alice")).toMatch(/no role `wizard`/);
    const reply = await ask("/nominate @ben member Wrote the whole tutorial", 200, "alice");
    const m = /#(\d+)/.exec(reply);
    expect(m).not.toBeNull();
    nomination = Number(m![1]);
    const issue = fake.issues(OWNER, REPO).find((i) => i.number === nomination)!;
    expect(issue.labels).toContain("stewards:promotion");
    expect(issue.body).toMatch(/Wrote the whole tutorial/);
    expect(issue.body).toMatch(/❌/);
  }, SLOW);

  it("refuses /reject from the candidate and without a reason, and rejects with one", async () => {
    expect(await ask("/reject I changed my mind", nomination, "ben")).toMatch(/cannot reject their own/);
    expect(await ask("/reject", nomination, "bob")).toMatch(/reason/i);
    const commits = fake.state.requireRepo(OWNER, REPO).commits.size;
    await send("issue_comment", comment("/reject Let's wait for a few merged PRs, @ben", nomination, "bob"));
    await eventually(() => fake.issues(OWNER, REPO).find((i) => i.number === nomination)!.state === "closed", "the nomination to close");
    expect(fake.state.requireRepo(OWNER, REPO).commits.size).toBe(commits + 1);
    const log = fake.file(OWNER, REPO, "GOVERNANCE-LOG.md")!;
    expect(log).toMatch(/^## D-0002 — rejection: ben$/m);
    expect(log).toMatch(/Let's wait for a few merged PRs/);
    expect(log).not.toMatch(/(^|[^\u200d\w])@ben/);
    expect(fake.file(OWNER, REPO, ".github/roster.yml")).not.toMatch(/login: ben/);
    expect(await ask("/withdraw", nomination, "ben")).toMatch(/not an open proposal/);
  }, SLOW);

  it("survives GitHub refusing the commit: nothing half-applied, the next event applies it once; a moved branch is re-read", async () => {
    const reply = await ask("/nominate @dee member Fixed the flaky CI", 200, "alice");
    const number = Number(/#(\d+)/.exec(reply)![1]);
    fake.addReaction(OWNER, REPO, { issue: number }, { user: "alice", content: "+1" });
    fake.addReaction(OWNER, REPO, { issue: number }, { user: "bob", content: "+1" });
    const commits = fake.state.requireRepo(OWNER, REPO).commits.size;
    // GitHub refuses the commit once: the promotion is not applied, and nothing else was written.
    fake.setFailure({ graphqlField: "createCommitOnBranch" }, { status: 404, body: { message: "Not Found" } });
    const failures = () => app.output().split("\n").filter((l) => l.includes('"msg":"commands failed')).length;
    const failedBefore = failures();
    await send("issue_comment", comment("ready?", number, "erin"));
    await eventually(() => failures() > failedBefore, "the failure in the log");
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.issues(OWNER, REPO).find((i) => i.number === number)!.state).toBe("open");
    expect(fake.file(OWNER, REPO, ".github/roster.yml")).not.toMatch(/login: dee/);
    // The next event: the branch "moves" under the app twice (the commit refused as stale), then it lands.
    fake.setFailure(
      { graphqlField: "createCommitOnBranch" },
      { status: 200, times: 2, body: { data: { createCommitOnBranch: null }, errors: [{ type: "STALE_DATA", path: ["createCommitOnBranch"], message: 'Expected branch to point to "0" but it did not. Pull and try again.' }] } },
    );
    await send("issue_comment", comment("ping", number, "erin"));
    await eventually(() => fake.issues(OWNER, REPO).find((i) => i.number === number)!.state === "closed", "the nomination to be applied");
    const log = fake.file(OWNER, REPO, "GOVERNANCE-LOG.md")!;
    expect(log.match(/— promotion: dee$/gm)).toHaveLength(1);
    expect(fake.file(OWNER, REPO, ".github/roster.yml")!.match(/login: dee/g)).toHaveLength(1);
    // The head is the promotion's commit, on top of what was there: the refused attempts moved nothing.
    const head = commitMatching(/promote dee to member/);
    expect(fake.state.requireRepo(OWNER, REPO).commits.get(head.parents[0]!)).toBeDefined();
    expect(fake.state.requireRepo(OWNER, REPO).commits.size).toBeGreaterThan(commits);
  }, SLOW);

  it("a commit GitHub made but answered with a 502: one decision, one log entry, one result comment", async () => {
    const reply = await ask("/nominate @fay member Triaged the issue backlog", 201, "alice");
    const number = Number(/#(\d+)/.exec(reply)![1]);
    fake.addReaction(OWNER, REPO, { issue: number }, { user: "alice", content: "+1" });
    fake.addReaction(OWNER, REPO, { issue: number }, { user: "bob", content: "+1" });
    // The mutation lands; its answer is lost. The retry finds the branch moved (by its own commit), reads again, finds its entry.
    const lostMutations = () => fake.requests.filter((r) => r.injected && r.route === "POST /graphql" && JSON.stringify(r.body).includes("createCommitOnBranch")).length;
    const lostBefore = lostMutations();
    fake.setFailure({ graphqlField: "createCommitOnBranch" }, { status: 502, afterApplying: true });
    await send("issue_comment", comment("ready?", number, "erin"));
    await eventually(() => fake.issues(OWNER, REPO).find((i) => i.number === number)!.state === "closed", "the nomination to be applied");
    await new Promise((r) => setTimeout(r, 1000));
    await send("issue_comment", comment("and again", number, "erin"));
    await new Promise((r) => setTimeout(r, 1500));
    expect(fake.file(OWNER, REPO, "GOVERNANCE-LOG.md")!.match(/— promotion: fay$/gm)).toHaveLength(1);
    expect(fake.file(OWNER, REPO, ".github/roster.yml")!.match(/login: fay/g)).toHaveLength(1);
    const repo = fake.state.requireRepo(OWNER, REPO);
    expect([...repo.commits.values()].filter((c) => /promote fay/.test(c.message))).toHaveLength(1);
    expect(botReplies(number).filter((c) => /Approved/.test(c.body))).toHaveLength(1);
    // The lost answer did happen, and the commit it hid was that promotion's.
    expect(lostMutations()).toBe(lostBefore + 1);
  }, SLOW);

  it("lets a holder step down at once, and refuses someone who holds no role", async () => {
    fake.addIssue(OWNER, REPO, { title: "Stepping back", number: 300, author: "bob" });
    expect(await ask("/step-down", 300, "zed")).toMatch(/Nothing changed/);
    const reply = await ask("/step-down maintainer", 300, "bob");
    expect(reply).toMatch(/D-0005/);
    expect(fake.file(OWNER, REPO, ".github/roster.yml")).toMatch(/login: bob\n\s+role: reviewer/);
    expect(fake.file(OWNER, REPO, "GOVERNANCE-LOG.md")).toMatch(/^## D-0005 — step-down: bob$/m);
  }, SLOW);
});
