/**
 * What a person waits for, against a GitHub that answers like the real one:
 * the compiled server (`npm start`'s entry) against the stateful fake GitHub
 * answering every request after `BENCH_LATENCY_MS` (default 150 ms), with the
 * app's own write pacing in force (1 s between writes per installation).
 *
 * - Decision latency: seconds from the approving comment (the quorum's 👍 are
 *   already on the issue; reactions send no webhook) to the closed issue,
 *   median of 3 people; writes and GraphQL reads per approval, the access
 *   sync's included (the spec's ladder grants a team).
 * - Burst: `BENCH_BURST` contributors (default 100) become eligible at once
 *   (their next merged PR arrives for each within a second or two); proposals
 *   per minute from the first delivery to the last proposal issue, writes per
 *   proposal, and duplicates (must be 0).
 *
 * Runnable alone: `node dist/bench/decision-latency.js` after `npm run build`.
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
const INSTALLATION = 31;
const SECRET = "bench-secret";
const DAY = 86_400_000;
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 150);
const DECISIONS = 3;
const BURST = Number(process.env.BENCH_BURST ?? 100);
const ROSTER = "members:\n  - login: alice\n    role: maintainer\n    since: 2024-01-15\n  - login: bob\n    role: maintainer\n    since: 2024-01-15\n";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const oneOff = (path: string) => path.endsWith("/access_tokens") || path.endsWith("/api/v3/app");

type Send = (event: string, payload: unknown) => Promise<unknown>;

export async function benchDecisionLatency(): Promise<Figure[]> {
  const fake = await startGhesFake();
  const ladder = readFileSync("fixtures/governance/spec-example.yml", "utf8");
  for (const repo of ["decide", "burst"]) {
    fake.addRepo({ owner: OWNER, name: repo, installationId: INSTALLATION });
    fake.putFile(OWNER, repo, ".github/governance.yml", ladder);
    fake.putFile(OWNER, repo, ".github/roster.yml", ROSTER);
  }
  fake.addTeam(OWNER, "contributors", { members: [] });
  fake.addTeam(OWNER, "reviewers", { members: [] });
  fake.addTeam(OWNER, "maintainers", { members: ["alice", "bob"] });
  fake.setOrgRole(OWNER, "alice", "admin");
  fake.setOrgRole(OWNER, "bob", "member");
  const people = Array.from({ length: DECISIONS }, (_, i) => `dev${i}`);
  const crowd = Array.from({ length: BURST }, (_, i) => `crowd${i}`);
  let number = 1;
  // Each has 4 merged PRs; the spec's first rung asks for 5.
  for (const [repo, logins] of [["decide", people], ["burst", crowd]] as const) {
    for (const login of logins) {
      fake.setOrgRole(OWNER, login, "member");
      for (let k = 0; k < 4; k++) fake.addMergedPullRequest(OWNER, repo, { number: number++, author: login, mergedAt: new Date(Date.now() - (50 - k) * DAY).toISOString(), additions: 5, deletions: 1 });
    }
  }
  const app = await startApp(installedAppEnv(fake.host, SECRET, { SWEEP_INTERVAL: "1h" }));
  let delivery = 0;
  const send: Send = (event, payload) => sendWebhook(app.webhookUrl, { secret: SECRET, event, deliveryId: `latency-${++delivery}`, payload: payload as Record<string, unknown> });
  try {
    await send("installation", examplePayload("installation", "created", {
      installationId: INSTALLATION,
      patch: { installation: { account: { login: OWNER, id: 4100 } }, repositories: ["decide", "burst"].map((name, i) => ({ id: i + 1, node_id: `R_${i + 1}`, name, full_name: `${OWNER}/${name}`, private: false })) },
    }));
    await eventually(() => app.output().split("\n").filter((l) => l.includes('"msg":"history backfilled"')).length >= 2, "both backfills", 180_000);
    // Latency from here on: the backfill is not what this measures.
    fake.setLatency(LATENCY_MS);
    const decisions = await measureDecisions(fake, app, send, people);
    const burst = await measureBurst(fake, send, crowd);
    fake.assertNoViolations();
    return [...decisions, ...burst];
  } finally {
    if (process.env.BENCH_DEBUG) writeFileSync("/tmp/decision-latency-app.log", app.output());
    await app.stop();
    await fake.close();
  }
}

function mergedPr(repo: string, login: string, pr: number, i: number) {
  return examplePayload("pull_request", "closed", {
    owner: OWNER, repo, installationId: INSTALLATION, sender: login,
    patch: { pull_request: { number: pr, merged: true, merged_at: new Date().toISOString(), additions: 5, deletions: 1, labels: [], user: { login, id: 100 + i, type: "User" } }, repository: { default_branch: "main" } },
  });
}

async function measureDecisions(fake: FakeGitHub, app: AppProcess, send: Send, people: string[]): Promise<Figure[]> {
  const seconds: number[] = [];
  const writes: number[] = [];
  const graphqlReads: number[] = [];
  for (const [i, login] of people.entries()) {
    const pr = 5000 + 10 * i;
    fake.addMergedPullRequest(OWNER, "decide", { number: pr, author: login, mergedAt: new Date().toISOString(), additions: 5, deletions: 1 });
    await send("pull_request", mergedPr("decide", login, pr, i));
    const issue = await eventually(() => fake.issues(OWNER, "decide").find((x) => x.labels.includes("stewards:promotion") && x.title.includes(login)), `${login}'s proposal`, 120_000);
    await eventually(() => app.output().split("\n").some((l) => l.includes('"msg":"promotion proposed"') && l.includes(`"issue":${issue.number},`)), `${login}'s proposal recorded`, 60_000);
    // Let the proposal delivery's last steps (its progress check) finish before the clock starts.
    await new Promise((r) => setTimeout(r, 3000));
    fake.addReaction(OWNER, "decide", { issue: issue.number }, { user: "alice", content: "+1" });
    fake.addReaction(OWNER, "decide", { issue: issue.number }, { user: "bob", content: "+1" });
    fake.resetLog();
    const started = performance.now();
    await send("issue_comment", examplePayload("issue_comment", "created", {
      owner: OWNER, repo: "decide", installationId: INSTALLATION, sender: "carol",
      patch: { issue: { number: issue.number }, comment: { body: "Approved above.", user: { login: "carol", id: 999, type: "User" } }, repository: { default_branch: "main" } },
    }));
    await eventually(() => fake.issues(OWNER, "decide").find((x) => x.number === issue.number)?.state === "closed", `${login}'s promotion`, 120_000);
    seconds.push((performance.now() - started) / 1000);
    // The access sync may still be finishing after the close: wait until the team holds them, then count.
    await eventually(() => fake.teamMembers(OWNER, "contributors").includes(login), `${login} in the team`, 60_000);
    await new Promise((r) => setTimeout(r, 2000));
    const counted = fake.requests.filter((r) => !oneOff(r.path));
    if (process.env.BENCH_DEBUG) console.error(counted.map((r) => `${r.method} ${r.route}`).join("\n"));
    writes.push(counted.filter((r) => !isReadRequest(r)).length);
    graphqlReads.push(counted.filter((r) => r.route === "POST /graphql" && isReadRequest(r)).length);
  }
  return [
    { name: `decision latency at ${LATENCY_MS} ms per request: approving comment to closed issue (median of ${people.length})`, value: round(median(seconds)), unit: "s", target: "≤ 10" },
    { name: "decision latency: writes per approval by reaction, access sync included", value: median(writes), unit: "requests", target: "≤ 5" },
    { name: "decision latency: GraphQL reads per approval", value: median(graphqlReads), unit: "requests" },
  ];
}

async function measureBurst(fake: FakeGitHub, send: Send, crowd: string[]): Promise<Figure[]> {
  fake.resetLog();
  const started = performance.now();
  let pr = 20_000;
  // Deliveries in parallel batches, as GitHub sends them when a maintainer merges a queue of PRs.
  for (let i = 0; i < crowd.length; i += 10) {
    await Promise.all(crowd.slice(i, i + 10).map((login, k) => {
      const n = pr++;
      fake.addMergedPullRequest(OWNER, "burst", { number: n, author: login, mergedAt: new Date().toISOString(), additions: 5, deletions: 1 });
      return send("pull_request", mergedPr("burst", login, n, i + k));
    }));
  }
  const proposals = () => fake.issues(OWNER, "burst").filter((x) => x.labels.includes("stewards:promotion"));
  await eventually(() => proposals().length >= crowd.length, `${crowd.length} proposals`, 30 * 60_000);
  const minutes = (performance.now() - started) / 60_000;
  const titles = proposals().map((x) => x.title);
  const duplicates = titles.length - new Set(titles).size;
  const writes = fake.requests.filter((r) => !isReadRequest(r) && !oneOff(r.path)).length;
  return [
    { name: `burst: ${crowd.length} newly eligible contributors, proposals per minute (latency ${LATENCY_MS} ms)`, value: round(crowd.length / minutes), unit: "per minute", target: "≥ 50" },
    { name: "burst: writes per proposal, until the last proposal opened", value: round(writes / crowd.length, 2), unit: "requests" },
    { name: "burst: duplicate proposals", value: duplicates, unit: "issues", target: "0" },
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const f of await benchDecisionLatency()) console.log(formatFigure(f));
}
