/**
 * A cold start (issue 10, finding 3): the app first hears of a repository by
 * an ordinary webhook — no installation event, no backfill before, and a
 * sweep an hour away, so the sweep cannot be what reads the history. The real
 * server (`npm start`), signed webhooks, the stateful fake GitHub:
 * - `/ladder @ana` answers with the real counts (possibly after a reply that
 *   says the history is being read, edited in place), never "0";
 * - ana's next merged PR opens exactly one promotion issue;
 * - killed (SIGKILL) while the backfill job reads the history and restarted on
 *   the same data dir, the app finishes the backfill, and the merged PR that
 *   arrived before it opens its proposal exactly once.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeGitHub } from "../fake-github/server.js";
import { startGhesFake } from "../support/ghes-fake.js";
import { eventually, installedAppEnv, startApp, type AppProcess } from "../support/app-process.js";
import { examplePayload, sendWebhook } from "../support/webhooks.js";

const OWNER = "acme";
const REPO = "widgets";
const INSTALLATION = 7;
const SECRET = "cold-secret";
const DAY = 86_400_000;
const ladder = readFileSync("fixtures/governance/spec-example.yml", "utf8");
const ROSTER = "members:\n  - login: alice\n    role: maintainer\n    since: 2024-01-15\n  - login: bob\n    role: maintainer\n    since: 2024-03-01\n";
/** The member rung needs 5 merged PRs; ana has 4. */
const FOUR_OF_FIVE = /\| merged PRs in the last 365 days \| 5 \| 4 \| ❌ \|/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let delivery = 0;

function send(app: AppProcess, event: string, payload: unknown) {
  return sendWebhook(app.webhookUrl, { secret: SECRET, event, deliveryId: `cold-${process.pid}-${++delivery}`, payload });
}

function seedRepository(fake: FakeGitHub): void {
  fake.addRepo({ owner: OWNER, name: REPO, installationId: INSTALLATION });
  fake.putFile(OWNER, REPO, ".github/governance.yml", ladder);
  fake.putFile(OWNER, REPO, ".github/roster.yml", ROSTER);
  fake.addIssue(OWNER, REPO, { title: "Where do I stand?", number: 100, author: "ana" });
  fake.addIssue(OWNER, REPO, { title: "And I?", number: 101, author: "cy" });
  const now = Date.now();
  for (let i = 1; i <= 4; i++) {
    fake.addMergedPullRequest(OWNER, REPO, { number: i, author: "ana", mergedAt: new Date(now - (60 - i) * DAY).toISOString(), additions: 10, deletions: 2 });
  }
}

function ladderComment(body: string, issueNumber: number, sender: string, commentId: number) {
  return examplePayload("issue_comment", "created", {
    owner: OWNER,
    repo: REPO,
    installationId: INSTALLATION,
    sender,
    patch: { issue: { number: issueNumber }, comment: { id: commentId, body, user: { login: sender, id: 9100 + commentId, type: "User" } }, repository: { default_branch: "main" } },
  });
}

function mergedPr(number: number, author: string) {
  return examplePayload("pull_request", "closed", {
    owner: OWNER,
    repo: REPO,
    installationId: INSTALLATION,
    sender: author,
    patch: {
      pull_request: { number, merged: true, merged_at: new Date().toISOString(), additions: 12, deletions: 1, labels: [], user: { login: author, id: 5000 + number, type: "User" } },
      repository: { default_branch: "main" },
    },
  });
}

function promotionIssues(fake: FakeGitHub) {
  return fake.issues(OWNER, REPO).filter((i) => i.labels.includes("stewards:promotion"));
}

function ladderReplies(fake: FakeGitHub, issue: number) {
  return fake.comments(OWNER, REPO, issue).filter((c) => c.user.login.endsWith("[bot]") && c.body.includes('"kind":"ladder-reply"'));
}

/** Every `/ladder` reply body the app wrote about `login` (created or edited), in order. */
function writtenLadderBodies(fake: FakeGitHub, login: string): string[] {
  return fake.requests
    .filter((r) => (r.method === "POST" && r.path.endsWith("/comments")) || (r.method === "PATCH" && /\/issues\/comments\/\d+$/.test(r.path)))
    .map((r) => String((r.body as { body?: unknown } | undefined)?.body ?? ""))
    .filter((b) => b.includes('"kind":"ladder-reply"') && b.includes(`"login":"${login}"`));
}

function backfills(app: AppProcess): number {
  return (app.output().match(/"msg":"history backfilled"/g) ?? []).length;
}

describe("a repository first heard of by an ordinary webhook", () => {
  let fake: FakeGitHub;
  let app: AppProcess;

  beforeAll(async () => {
    fake = await startGhesFake();
    seedRepository(fake);
    app = await startApp(installedAppEnv(fake.host, SECRET, { SWEEP_INTERVAL: "1h" }), { timeoutMs: 150_000 });
  }, 180_000);

  afterAll(async () => {
    if (process.env.E2E_DEBUG) console.log(app?.output());
    await app?.stop();
    await fake?.close();
  });

  afterEach(() => fake.assertNoViolations());

  it("answers /ladder with the real counts — never from an empty ledger — and reads the history once", async () => {
    // GitHub is slow to answer the history read, so the commands arrive while it is under way.
    fake.setLatency(3000, { graphql: true });
    const [a, b] = await Promise.all([
      send(app, "issue_comment", ladderComment("/ladder @ana", 100, "cy", 1)),
      send(app, "issue_comment", ladderComment("/ladder", 101, "cy", 2)),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const reply = await eventually(() => ladderReplies(fake, 100).find((c) => FOUR_OF_FIVE.test(c.body)), "the /ladder reply with ana's real counts", 60_000);
    fake.clearLatency();
    expect(reply.body).toContain("[ana](");
    // One reply, edited in place if it first said the history was being read; never a count from an empty ledger.
    expect(ladderReplies(fake, 100)).toHaveLength(1);
    const bodies = writtenLadderBodies(fake, "ana");
    // First a plain "still being read" (the read takes 3 s here), then the numbers: no count before the history is read.
    expect(bodies[0]).toContain("history is still being read");
    expect(bodies.at(-1)).toMatch(FOUR_OF_FIVE);
    expect(bodies.every((body) => FOUR_OF_FIVE.test(body) || body.includes("history is still being read"))).toBe(true);
    expect(bodies.some((body) => /\| merged PRs in the last 365 days \| 5 \| 0 \|/.test(body))).toBe(false);
    await eventually(() => ladderReplies(fake, 101).find((c) => /\| merged PRs in the last 365 days \| 5 \| 0 \|/.test(c.body)), "cy's reply (cy has no merged PRs)", 30_000);
    // Two deliveries needed the history at once: one backfill job read it.
    expect(backfills(app)).toBe(1);
    expect(app.output()).not.toContain("sweep finished");
  }, 90_000);

  it("opens exactly one promotion issue when ana's next PR merges", async () => {
    fake.addMergedPullRequest(OWNER, REPO, { number: 5, author: "ana", mergedAt: new Date().toISOString(), additions: 3, deletions: 0 });
    const payload = mergedPr(5, "ana");
    await Promise.all([send(app, "pull_request", payload), send(app, "pull_request", payload)]);
    const [issue] = await eventually(() => (promotionIssues(fake).length ? promotionIssues(fake) : undefined), "a promotion issue", 30_000);
    expect(issue!.title).toMatch(/ana/);
    expect(issue!.title).toMatch(/member/);
    await sleep(2000);
    expect(promotionIssues(fake)).toHaveLength(1);
    expect(backfills(app)).toBe(1);
  }, 60_000);
});

describe("a crash while the backfill job reads the history", () => {
  let fake: FakeGitHub;
  let app: AppProcess | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), "stewards-cold-crash-"));
  const env = () => installedAppEnv(fake.host, SECRET, { SWEEP_INTERVAL: "1h", STEWARDS_DATA_DIR: dataDir });

  beforeAll(async () => {
    fake = await startGhesFake();
    seedRepository(fake);
    app = await startApp(env(), { timeoutMs: 150_000 });
  }, 180_000);

  afterAll(async () => {
    if (process.env.E2E_DEBUG) console.log(app?.output());
    await app?.stop();
    await fake?.close();
  });

  it("after a SIGKILL mid-read the restarted app finishes the backfill, and the merged PR that came first opens its proposal exactly once", async () => {
    // Every history page takes 6 s at "GitHub": the kill lands while the backfill waits for one.
    fake.setLatency(6000, { graphql: true });
    fake.addMergedPullRequest(OWNER, REPO, { number: 5, author: "ana", mergedAt: new Date().toISOString(), additions: 3, deletions: 0 });
    expect((await send(app!, "pull_request", mergedPr(5, "ana"))).status).toBe(200);
    // The merged PR was folded into the ledger and waits for the history; the backfill job is reading it.
    await eventually(() => app!.output().includes("the delivery waits for it"), "the merged PR's job to wait for the history", 60_000);
    await eventually(
      () => fake.requests.some((r) => r.method === "POST" && r.path.endsWith("/graphql") && JSON.stringify(r.body ?? "").includes("pullRequests(")),
      "the history read to be under way",
      60_000,
    );
    await app!.kill();
    const killed = app!.output();
    expect(killed).not.toContain("history backfilled");
    expect(promotionIssues(fake)).toHaveLength(0);
    fake.clearLatency();

    // Restart on the same data dir; no webhook is sent again, and the sweep is an hour away.
    app = await startApp(env(), { command: ["node", "dist/bin/start.js"], timeoutMs: 90_000 });
    const [issue] = await eventually(() => (promotionIssues(fake).length ? promotionIssues(fake) : undefined), "the promotion issue after the restart", 90_000);
    expect(issue!.title).toMatch(/ana/);
    expect(issue!.title).toMatch(/member/);
    await sleep(3000);
    expect(promotionIssues(fake)).toHaveLength(1);
    expect(backfills(app)).toBe(1);
    expect(app.output()).not.toContain("sweep finished");
    // No progress comment beside the proposal (the issue is the one notification); never more than one in any case.
    expect(fake.comments(OWNER, REPO, 5).filter((c) => c.user.login.endsWith("[bot]")).length).toBeLessThanOrEqual(1);
    fake.assertNoViolations();
  }, 240_000);
});
