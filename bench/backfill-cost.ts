/**
 * Backfill cost (issue 2's second figure): a 10,000-PR repository in the
 * stateful fake GitHub, read into an on-disk embedded store by the real
 * history code (`src/github/history.ts`) through a Probot octokit, as the app
 * does on installation. Reported: GraphQL points per 100 merged PRs as the
 * fake charges them by GitHub's documented formula (target ≤ 1.1 without
 * labels; with labels — which `counting.exclude_labels` needs — one more
 * nested connection per page), wall time, and what a catch-up costs when
 * nothing changed.
 *
 * Wall time is measured twice. As the app runs it: the app's octokit class
 * handed to Probot and an installation client from `probot.auth`, exactly as
 * the server builds it (GraphQL queries are not paced since 4 December 2026;
 * before, octokit's throttling held each behind a 1 s write limiter and 100
 * pages took at least 100 s). With throttling off, the figure is the app's own work (query, convert, store)
 * plus the fake answering each page (graphql-js over GitHub's real schema, in
 * this same process) — not GitHub's latency. Points do not depend on it.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backfillRepository, catchUpRepository, type GraphqlClient } from "../src/github/history.js";
import { openEmbeddedStore } from "../src/store/embedded-store.js";
import type { HistoryFields } from "../src/store/store.js";
import { startFakeGitHub } from "../test/fake-github/server.js";
import type { FakeGitHub } from "../test/fake-github/server.js";
import { probotInstallationClient, unpacedPolicy } from "../test/support/probot-client.js";
import { round, type Figure } from "./figure.js";
import { seedMergedHistory } from "./seed-history.js";

const OWNER = "bench";
const REPO = "big";
const INSTALLATION = 12;
const PRS = 10_000;

async function clientFor(fake: FakeGitHub, throttled: boolean): Promise<GraphqlClient> {
  // A fresh installation token per run: each run has its own hourly budget in the fake.
  const octokit = await probotInstallationClient(fake, INSTALLATION, throttled ? {} : { policy: unpacedPolicy() });
  return { graphql: <T>(q: string, v: Record<string, unknown>) => octokit.graphql<T>(q, v) };
}

/** One cold backfill of the whole repository with these fields, then a catch-up with nothing changed. */
async function backfillOnce(fake: FakeGitHub, fields: HistoryFields, throttled: boolean): Promise<Figure[]> {
  const label = fields.labels ? "with labels" : "without labels";
  const dir = await mkdtemp(join(tmpdir(), "stewards-bench-backfill-"));
  const store = await openEmbeddedStore({ dataDir: dir });
  try {
    fake.resetLog();
    const pointsBefore = fake.graphqlPointsSpent;
    const client = await clientFor(fake, throttled);
    const started = performance.now();
    const result = await backfillRepository(client, store, { owner: OWNER, repo: REPO, fields });
    const ms = performance.now() - started;
    const points = fake.graphqlPointsSpent - pointsBefore;
    if (result.prs !== PRS) throw new Error(`backfill read ${result.prs} PRs, expected ${PRS}`);
    if (result.cost !== points) throw new Error(`the app counted ${result.cost} points, the fake charged ${points}`);
    const stored = await store.listPullRequests({ repos: [`${OWNER}/${REPO}`] });
    if (stored.length !== PRS) throw new Error(`the ledger holds ${stored.length} PRs, expected ${PRS}`);
    const requests = fake.requests.length;

    fake.resetLog();
    const catchUpBefore = fake.graphqlPointsSpent;
    const catchUp = await catchUpRepository(client, store, { owner: OWNER, repo: REPO, fields });
    if (catchUp.mode !== "catch-up") throw new Error(`expected a catch-up after the backfill, got ${catchUp.mode}`);
    fake.assertNoViolations();

    return [
      { name: `backfill ${label}: GraphQL points per 100 merged PRs (${PRS} PRs, ${result.reviews} reviews)`, value: round(points / (PRS / 100), 2), unit: "points", ...(fields.labels ? {} : { target: "≤ 1.1" }) },
      { name: `backfill ${label}: GraphQL requests`, value: requests, unit: "requests" },
      {
        name: `backfill ${label}: wall time, ${throttled ? "as the app runs it (the app's octokit through Probot)" : "throttling off (the app's work, the fake and the on-disk store)"}`,
        value: round(ms / 1000, 1),
        unit: "s",
      },
      { name: `catch-up ${label}, nothing changed since the backfill: GraphQL requests`, value: fake.requests.length, unit: "requests", target: "1" },
      { name: `catch-up ${label}, nothing changed since the backfill: GraphQL points`, value: fake.graphqlPointsSpent - catchUpBefore, unit: "points" },
    ];
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function benchBackfillCost(): Promise<Figure[]> {
  const fake = await startFakeGitHub();
  try {
    fake.addRepo({ owner: OWNER, name: REPO, installationId: INSTALLATION });
    seedMergedHistory(fake, { owner: OWNER, repo: REPO, count: PRS, now: new Date() });
    return [
      ...(await backfillOnce(fake, { labels: false, paths: false }, true)),
      // Throttled, each would take another 100 s; the points are the same either way.
      ...(await backfillOnce(fake, { labels: false, paths: false }, false)).filter((f) => f.name.includes("wall time")),
      ...(await backfillOnce(fake, { labels: true, paths: false }, false)),
    ];
  } finally {
    await fake.close();
  }
}
