/**
 * Promotion cost (issue 4's figures): GitHub API requests spent per approved
 * promotion end to end — the merge that makes someone eligible, the
 * proposal, the approving event, the commit of roster and log, the outcome
 * comment and the closed issue (target ≤ 12 including the commit) — and the
 * time from the approving event to the closed issue.
 *
 * Run as an operator runs the app: the compiled server against the stateful
 * fake GitHub (GHE_HOST), signed webhooks; the counts come from the fake's
 * request log. Several promotions are measured in a row, each for a new
 * person, and the medians reported; the first one also pays the app's
 * one-off reads (its own login, the installation token), reported apart.
 *
 * The same is measured for a promotion approved by merging its pull request
 * (`approve_with: pull_request`), in a second repository.
 *
 * Runnable alone: `node dist/bench/promotion-cost.js` after `npm run build`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { isReadRequest } from "../test/fake-github/request-kinds.js";
import type { FakeGitHub } from "../test/fake-github/server.js";
import { startGhesFake } from "../test/support/ghes-fake.js";
import { eventually, installedAppEnv, startApp, type AppProcess } from "../test/support/app-process.js";
import { examplePayload, sendWebhook } from "../test/support/webhooks.js";
import { formatFigure, round, type Figure } from "./figure.js";

const OWNER = "bench";
const REPO = "ladder";
const INSTALLATION = 21;
const SECRET = "bench-secret";
const DAY = 86_400_000;
const PEOPLE = 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export async function benchPromotionCost(): Promise<Figure[]> {
  const fake = await startGhesFake();
  const ladder = readFileSync("fixtures/governance/spec-example.yml", "utf8");
  fake.addRepo({ owner: OWNER, name: REPO, installationId: INSTALLATION });
  fake.putFile(OWNER, REPO, ".github/governance.yml", ladder);
  fake.putFile(OWNER, REPO, ".github/roster.yml", "members:\n  - login: alice\n    role: maintainer\n    since: 2024-01-15\n  - login: bob\n    role: maintainer\n    since: 2024-01-15\n");
  const people = Array.from({ length: PEOPLE }, (_, i) => `dev${i}`);
  let number = 1;
  for (const login of people) {
    for (let k = 0; k < 4; k++) fake.addMergedPullRequest(OWNER, REPO, { number: number++, author: login, mergedAt: new Date(Date.now() - (50 - k) * DAY).toISOString(), additions: 5, deletions: 1 });
  }
  const app = await startApp(installedAppEnv(fake.host, SECRET, { SWEEP_INTERVAL: "1h" }));
  let delivery = 0;
  const send = (event: string, payload: unknown) => sendWebhook(app.webhookUrl, { secret: SECRET, event, deliveryId: `bench-${++delivery}`, payload: payload as Record<string, unknown> });
  const repository = { default_branch: "main" };
  try {
    await send("installation", examplePayload("installation", "created", { installationId: INSTALLATION, patch: { installation: { account: { login: OWNER, id: 4100 } }, repositories: [{ id: 1, node_id: "R_1", name: REPO, full_name: `${OWNER}/${REPO}`, private: false }] } }));
    await eventually(() => app.output().includes('"msg":"history backfilled"'), "the backfill", 120_000);

    const totals: number[] = [];
    const accessTotals: number[] = [];
    const writes: number[] = [];
    const decideMs: number[] = [];
    const validationMs: number[] = [];
    let firstExtra = 0;
    for (const [i, login] of people.entries()) {
      fake.resetLog();
      const pr = 1000 + 10 * i; // issues the app opens take the numbers after it
      fake.addMergedPullRequest(OWNER, REPO, { number: pr, author: login, mergedAt: new Date().toISOString(), additions: 5, deletions: 1 });
      await send("pull_request", examplePayload("pull_request", "closed", {
        owner: OWNER, repo: REPO, installationId: INSTALLATION, sender: login,
        patch: { pull_request: { number: pr, merged: true, merged_at: new Date().toISOString(), additions: 5, deletions: 1, labels: [], user: { login, id: 100 + i, type: "User" } }, repository },
      }));
      const issue = await eventually(() => fake.issues(OWNER, REPO).find((x) => x.labels.includes("stewards:promotion") && x.title.includes(login)), `${login}'s proposal`, 60_000);
      // The issue exists on GitHub a moment before the app has recorded it; a comment in between would find no proposal (the sweep would).
      await eventually(() => app.output().split("\n").some((l) => l.includes('"msg":"promotion proposed"') && l.includes(`"issue":${issue.number},`)), `${login}'s proposal recorded`, 30_000);
      fake.addReaction(OWNER, REPO, { issue: issue.number }, { user: "alice", content: "+1" });
      fake.addReaction(OWNER, REPO, { issue: issue.number }, { user: "bob", content: "+1" });
      const started = performance.now();
      const validatedBefore = fake.timings().validations.totalMs;
      await send("issue_comment", examplePayload("issue_comment", "created", {
        owner: OWNER, repo: REPO, installationId: INSTALLATION, sender: "carol",
        patch: { issue: { number: issue.number }, comment: { body: "Approved above.", user: { login: "carol", id: 999, type: "User" } }, repository },
      }));
      await eventually(() => fake.issues(OWNER, REPO).find((x) => x.number === issue.number)?.state === "closed", `${login}'s promotion`, 60_000);
      decideMs.push(performance.now() - started);
      validationMs.push(fake.timings().validations.totalMs - validatedBefore);
      // The one-off requests: the token exchange and the app's own login, cached afterwards.
      const oneOff = fake.requests.filter((r) => r.path.endsWith("/access_tokens") || r.path.endsWith("/api/v3/app")).length;
      if (i === 0) firstExtra = oneOff;
      // Access follows the roster between the roster commit (its ref update) and the outcome comment.
      const routes = fake.requests.map((r) => r.route);
      // The decision's commit: one createCommitOnBranch mutation (the Git Data API's ref update before 4 December 2026).
      const committedAt = fake.requests.findIndex((r) => r.route === "POST /graphql" && String((r.body as { query?: unknown } | undefined)?.query ?? "").includes("createCommitOnBranch"));
      const commentedAt = routes.findIndex((r, k) => k > committedAt && r === "POST /repos/{owner}/{repo}/issues/{issue_number}/comments");
      const access = committedAt >= 0 && commentedAt > committedAt ? commentedAt - committedAt - 1 : 0;
      accessTotals.push(access);
      totals.push(fake.requests.length - oneOff - access);
      if (process.env.BENCH_DEBUG) console.error(fake.requests.map((r) => `${r.method} ${r.path}`).join("\n"));
      writes.push(fake.requests.filter((r) => !isReadRequest(r) && !r.path.endsWith("/access_tokens")).length);
    }
    const byPull = await measurePullRequestPath(fake, app, send);
    fake.assertNoViolations();
    return [
      { name: `promotion cost: API requests per approved promotion, merge to closed issue (median of ${PEOPLE})`, value: median(totals), unit: "requests", target: "≤ 12" },
      { name: "promotion cost: of which writes (issue, the commit, outcome comment, close, and the access sync's)", value: median(writes), unit: "requests" },
      { name: "promotion cost: access sync after the roster commit (teams, CODEOWNERS, protection; not in the figure above)", value: median(accessTotals), unit: "requests" },
      { name: "promotion cost: one-off requests of the first promotion (token exchange, the app's login)", value: firstExtra, unit: "requests" },
      { name: "promotion time: approving event to closed issue (median)", value: round(median(decideMs)), unit: "ms" },
      { name: "promotion time: of which the fake GitHub validating the requests against the OpenAPI description", value: round(median(validationMs)), unit: "ms" },
      ...byPull,
    ];
  } finally {
    if (process.env.BENCH_DEBUG) writeFileSync("/tmp/promotion-cost-app.log", app.output());
    await app.stop();
    await fake.close();
  }
}

const PULL_REPO = "ladder-prs";
const PULL_PEOPLE = 3;

/**
 * The same with `approve_with: pull_request`, in a second repository of the
 * installation, added to it (and backfilled) after the first: the merge that makes someone eligible (issue
 * and the promotion pull request: branch, pull request, issue
 * linked to it), then an approving review by one maintainer and the merge by
 * another — made in the fake as a person would, so not counted — and its
 * `pull_request.closed` delivery (reviews, the follow-up commit of log and
 * roster, outcome comment, closed issue, deleted branch).
 */
async function measurePullRequestPath(fake: FakeGitHub, app: AppProcess, send: (event: string, payload: unknown) => Promise<unknown>): Promise<Figure[]> {
  const ladder = readFileSync("fixtures/governance/spec-example.yml", "utf8").replace("approve_with: reaction ", "approve_with: pull_request");
  fake.addRepo({ owner: OWNER, name: PULL_REPO, installationId: INSTALLATION });
  fake.putFile(OWNER, PULL_REPO, ".github/governance.yml", ladder);
  fake.putFile(OWNER, PULL_REPO, ".github/roster.yml", "members:\n  - login: alice\n    role: maintainer\n    since: 2024-01-15\n  - login: bob\n    role: maintainer\n    since: 2024-01-15\n");
  const people = Array.from({ length: PULL_PEOPLE }, (_, i) => `pr-dev${i}`);
  const repository = { default_branch: "main" };
  const totals: number[] = [];
  const writes: number[] = [];
  const decideMs: number[] = [];
  for (const [i, login] of people.entries()) {
    for (let k = 0; k < 4; k++) fake.addMergedPullRequest(OWNER, PULL_REPO, { number: 3000 + 100 * i + k, author: login, mergedAt: new Date(Date.now() - (50 - k) * DAY).toISOString(), additions: 5, deletions: 1 });
  }
  // The repository joins the installation: its history is backfilled, as the first one's was.
  const backfills = () => app.output().split("\n").filter((l) => l.includes('"msg":"history backfilled"')).length;
  const before = backfills();
  await send("installation_repositories", examplePayload("installation_repositories", "added", {
    installationId: INSTALLATION,
    patch: { installation: { account: { login: OWNER, id: 4100 } }, repositories_added: [{ id: 2, node_id: "R_2", name: PULL_REPO, full_name: `${OWNER}/${PULL_REPO}`, private: false }], repositories_removed: [] },
  }));
  await eventually(() => backfills() > before, "the second repository's backfill", 120_000);
  for (const [i, login] of people.entries()) {
    fake.resetLog();
    const number = 3000 + 100 * i + 50;
    fake.addMergedPullRequest(OWNER, PULL_REPO, { number, author: login, mergedAt: new Date().toISOString(), additions: 5, deletions: 1 });
    await send("pull_request", examplePayload("pull_request", "closed", {
      owner: OWNER, repo: PULL_REPO, installationId: INSTALLATION, sender: login,
      patch: { pull_request: { number, merged: true, merged_at: new Date().toISOString(), additions: 5, deletions: 1, labels: [], user: { login, id: 300 + i, type: "User" } }, repository },
    }));
    const branch = `stewards/promote/${login}/member`;
    const pull = await eventually(() => fake.pulls(OWNER, PULL_REPO).find((p) => p.pull?.headRef === branch && p.state === "open"), `${login}'s promotion pull request`, 90_000);
    const issue = fake.issues(OWNER, PULL_REPO).find((x) => x.labels.includes("stewards:promotion") && x.title.includes(login))!;
    await eventually(() => fake.issues(OWNER, PULL_REPO).find((x) => x.number === issue.number)?.body?.includes(`/pull/${pull.number})`), `${login}'s issue to link the pull request`, 60_000);
    fake.addPullReview(OWNER, PULL_REPO, pull.number, { author: "bob", state: "APPROVED" });
    fake.mergePullRequest(OWNER, PULL_REPO, pull.number, { by: "alice" });
    const p = fake.pulls(OWNER, PULL_REPO).find((x) => x.number === pull.number)!;
    const started = performance.now();
    await send("pull_request", examplePayload("pull_request", "closed", {
      owner: OWNER, repo: PULL_REPO, installationId: INSTALLATION, sender: "alice",
      patch: {
        pull_request: {
          number: p.number, merged: true, merged_at: p.pull!.mergedAt, merged_by: { login: "alice", id: 11, type: "User" }, labels: [], additions: 4, deletions: 0,
          user: { login: "stewards[bot]", id: 4242, type: "Bot" }, head: { ref: branch, sha: p.pull!.headSha }, base: { ref: "main" },
        },
        repository,
      },
    }));
    await eventually(() => fake.issues(OWNER, PULL_REPO).find((x) => x.number === issue.number)?.state === "closed", `${login}'s promotion by merge`, 60_000);
    await eventually(() => !fake.state.requireRepo(OWNER, PULL_REPO).refs.has(`heads/${branch}`), `${login}'s branch to be deleted`, 30_000);
    decideMs.push(performance.now() - started);
    if (process.env.BENCH_DEBUG) console.error(fake.requests.map((r) => `${r.method} ${r.path}`).join("\n"));
    const counted = fake.requests.filter((r) => !r.path.endsWith("/access_tokens") && !r.path.endsWith("/api/v3/app"));
    totals.push(counted.length);
    writes.push(counted.filter((r) => !isReadRequest(r)).length);
  }
  return [
    { name: `promotion cost, approve_with: pull_request: API requests per promotion approved by merge, eligible merge to closed issue (median of ${PULL_PEOPLE})`, value: median(totals), unit: "requests" },
    { name: "promotion cost, approve_with: pull_request: of which writes (issue, branch tree+commit+ref, pull request, issue link; after the merge: the commit, outcome comment, close, branch delete)", value: median(writes), unit: "requests" },
    { name: "promotion time, approve_with: pull_request: merge delivery to closed issue and deleted branch (median)", value: round(median(decideMs)), unit: "ms" },
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const f of await benchPromotionCost()) console.log(formatFigure(f));
}
