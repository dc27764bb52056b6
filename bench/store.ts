/**
 * Store figures (the measurements behind embedded-store.ts's choice of
 * PGlite): startup of a fresh and of a reopened on-disk embedded store, the
 * time to write 10,000 PRs + 20,000 reviews the way a backfill does (one
 * transaction per page of 100 PRs with their reviews), and the time to list
 * 100,000 contributions. With BENCH_DATABASE_URL set, the same writes and
 * reads are measured on PostgreSQL too.
 *
 * Runnable alone: `node dist/bench/run.js store` after `npm run build`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MergedPullRequest, SubmittedReview } from "../src/ladder/contributions.js";
import { openEmbeddedStore } from "../src/store/embedded-store.js";
import { openPostgresStore } from "../src/store/postgres-store.js";
import type { LedgerStore } from "../src/store/store.js";
import type { Figure } from "./figure.js";

const T0 = Date.parse("2022-01-01T00:00:00Z");

function syntheticPr(repo: string, n: number): MergedPullRequest {
  return {
    repo,
    number: n,
    author: `user${n % 500}`,
    mergedAt: new Date(T0 + n * 3_600_000).toISOString(),
    additions: n % 300,
    deletions: n % 40,
    labels: n % 10 === 0 ? ["trivial"] : [],
    paths: null,
    url: `https://github.com/${repo}/pull/${n}`,
  };
}

function syntheticReview(repo: string, id: number, prNumber: number): SubmittedReview {
  return {
    id,
    repo,
    prNumber,
    prAuthor: `user${prNumber % 500}`,
    reviewer: `user${(prNumber + id) % 500}`,
    state: id % 3 === 0 ? "COMMENTED" : "APPROVED",
    submittedAt: new Date(T0 + prNumber * 3_600_000 + 60_000).toISOString(),
    url: `https://github.com/${repo}/pull/${prNumber}#pullrequestreview-${id}`,
  };
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const result = await fn();
  return [performance.now() - start, result];
}

/** 10,000 PRs with 2 reviews each, written as 100 pages of 100 PRs + 200 reviews. */
async function backfillLikeWrites(store: LedgerStore, repo: string): Promise<number> {
  const [ms] = await time(async () => {
    for (let page = 0; page < 100; page++) {
      const prs: MergedPullRequest[] = [];
      const reviews: SubmittedReview[] = [];
      for (let i = 1; i <= 100; i++) {
        const n = page * 100 + i;
        prs.push(syntheticPr(repo, n));
        reviews.push(syntheticReview(repo, n * 2, n), syntheticReview(repo, n * 2 + 1, n));
      }
      await store.upsertContributions({ pullRequests: prs, reviews, fields: { labels: true, paths: false } });
    }
  });
  return ms;
}

/** Fills 50,000 PRs and 50,000 reviews (in batches of 5,000), then times listing all 100,000 for the owner. */
async function listHundredThousand(store: LedgerStore, owner: string): Promise<number> {
  for (let batch = 0; batch < 10; batch++) {
    const prs: MergedPullRequest[] = [];
    const reviews: SubmittedReview[] = [];
    for (let i = 0; i < 5000; i++) {
      const n = batch * 5000 + i + 1;
      prs.push(syntheticPr(`${owner}/repo${n % 5}`, n));
      reviews.push(syntheticReview(`${owner}/repo${n % 5}`, 1_000_000 + n, n));
    }
    await store.upsertContributions({ pullRequests: prs, reviews });
  }
  const [ms, [prs, reviews]] = await time(() => Promise.all([store.listPullRequests({ owner }), store.listReviews({ owner })]));
  if (prs.length + reviews.length !== 100_000) throw new Error(`listed ${prs.length + reviews.length} contributions, expected 100000`);
  return ms;
}

export async function benchStore(opts: { databaseUrl?: string } = { databaseUrl: process.env.BENCH_DATABASE_URL || undefined }): Promise<Figure[]> {
  const figures: Figure[] = [];
  const dir = await mkdtemp(join(tmpdir(), "stewards-bench-store-"));
  try {
    const [freshMs, fresh] = await time(() => openEmbeddedStore({ dataDir: dir }));
    figures.push({ name: "embedded store: open a fresh on-disk store (initdb + migrations)", value: Math.round(freshMs), unit: "ms", target: "once per data dir" });
    await fresh.upsertPullRequests([syntheticPr("bench/warm", 1)]);
    await fresh.close();

    const [reopenMs, store] = await time(() => openEmbeddedStore({ dataDir: dir }));
    figures.push({ name: "embedded store: reopen an on-disk store", value: Math.round(reopenMs), unit: "ms", target: "< 1000" });
    try {
      const writeMs = await backfillLikeWrites(store, "bench/backfill");
      figures.push({ name: "embedded store: upsert 10,000 PRs + 20,000 reviews (100 pages)", value: Math.round(writeMs), unit: "ms", target: "< 5000" });
      const listMs = await listHundredThousand(store, "bench-list");
      figures.push({ name: "embedded store: list 100,000 contributions", value: Math.round(listMs), unit: "ms", target: "< 2000" });
    } finally {
      await store.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  if (opts.databaseUrl) {
    const [openMs, pgStore] = await time(() => openPostgresStore({ databaseUrl: opts.databaseUrl! }));
    figures.push({ name: "PostgreSQL store: connect and migrate", value: Math.round(openMs), unit: "ms" });
    try {
      // Unique names per run, so repeated runs on one database measure inserts, not no-op updates.
      const run = `run${Date.now()}`;
      const writeMs = await backfillLikeWrites(pgStore, `bench-${run}/backfill`);
      figures.push({ name: "PostgreSQL store: upsert 10,000 PRs + 20,000 reviews (100 pages)", value: Math.round(writeMs), unit: "ms", target: "< 5000" });
      const listMs = await listHundredThousand(pgStore, `bench-list-${run}`);
      figures.push({ name: "PostgreSQL store: list 100,000 contributions", value: Math.round(listMs), unit: "ms", target: "< 2000" });
    } finally {
      await pgStore.close();
    }
  }
  return figures;
}

