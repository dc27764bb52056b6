/**
 * Engine figure of issue 2: measuring 5,000 contributors over 100,000
 * contributions with the SPEC's example ladder, target < 1 s and < 300 MB
 * resident on the project's 2-core machine.
 *
 * The ledger is synthetic and deterministic (seeded PRNG): activity per
 * person follows a long tail, as in real projects (a few people author most
 * PRs), dates spread over three years, a share of PRs are tiny, labelled
 * `trivial` or by bots, and reviews include own-PR, dismissed and repeated
 * reviews, so every counting rule is exercised.
 *
 * Run alone: `npm run build && node dist/bench/run.js engine`.
 */
import { performance } from "node:perf_hooks";
import type { Governance, Roster } from "../src/config/schema.js";
import { governanceSchema, rosterSchema } from "../src/config/schema.js";
import type { MergedPullRequest, ReviewState, SubmittedReview } from "../src/ladder/contributions.js";
import { measureAll, measureOne } from "../src/ladder/measure.js";
import type { Ledger } from "../src/ladder/standing.js";
import { round, type Figure } from "./figure.js";
import { mulberry32 } from "../test/support/prng.js";

const PEOPLE = 5_000;
const CONTRIBUTIONS = 100_000;
const RUNS = 5;
const NOW = new Date("2026-01-01T00:00:00.000Z");
const DAY = 86_400_000;


export function specGovernance(): Governance {
  return governanceSchema.parse({
    version: 1,
    ladder: [
      { role: "member", requires: { merged_prs: 5, window: "365d" }, grants: { teams: ["contributors"] } },
      { role: "reviewer", requires: { merged_prs: 15, reviews: 20, tenure: "90d", window: "180d" }, grants: { teams: ["reviewers"], codeowners: ["/docs/"] } },
      { role: "maintainer", requires: { merged_prs: 40, reviews: 60, time_in_role: "180d" }, grants: { teams: ["maintainers"], codeowners: ["*"] } },
    ],
    counting: { exclude_authors: ["dependabot[bot]", "renovate[bot]"], exclude_labels: ["trivial"], min_changed_lines: 1, paths: [] },
  });
}

/** A deterministic ledger of `total` contributions (60% merged PRs, 40% reviews) over `people` logins. */
export function syntheticLedger(people = PEOPLE, total = CONTRIBUTIONS, seed = 42): { ledger: Ledger; roster: Roster; logins: string[] } {
  const random = mulberry32(seed);
  const logins = Array.from({ length: people }, (_, i) => `user-${i}`);
  // Long tail: index ~ people * u^3 puts most activity on the first few hundred people,
  // while still touching every login (the first pass below gives each one contribution).
  const pick = (): string => logins[Math.min(people - 1, Math.floor(people * random() ** 3))] ?? "user-0";
  const date = () => new Date(NOW.getTime() - Math.floor(random() * 3 * 365 * DAY)).toISOString();
  const repos = ["acme/core", "acme/docs", "acme/cli"];

  const pullRequests: MergedPullRequest[] = [];
  const reviews: SubmittedReview[] = [];
  const prCount = Math.round(total * 0.6);
  for (let i = 0; i < prCount; i++) {
    const r = random();
    const author = i < people ? (logins[i] ?? "user-0") : r < 0.03 ? "dependabot[bot]" : pick();
    const repo = repos[i % repos.length] ?? "acme/core";
    const number = i + 1;
    pullRequests.push({
      repo,
      number,
      author,
      mergedAt: date(),
      additions: random() < 0.02 ? 0 : Math.floor(random() * 400),
      deletions: Math.floor(random() * 100),
      labels: random() < 0.05 ? ["trivial"] : random() < 0.3 ? ["enhancement"] : [],
      paths: null,
      url: `https://github.com/${repo}/pull/${number}`,
    });
  }
  const states: ReviewState[] = ["APPROVED", "APPROVED", "COMMENTED", "CHANGES_REQUESTED", "DISMISSED"];
  for (let i = 0; reviews.length < total - prCount; i++) {
    const target = pullRequests[Math.floor(random() * pullRequests.length)];
    if (!target) continue;
    const reviewer = random() < 0.02 ? target.author : pick();
    reviews.push({
      id: i + 1,
      repo: target.repo,
      prNumber: target.number,
      prAuthor: target.author,
      reviewer,
      state: states[Math.floor(random() * states.length)] ?? "APPROVED",
      submittedAt: target.mergedAt,
      url: `${target.url}#pullrequestreview-${i + 1}`,
    });
  }
  const members = logins.slice(0, 60).map((login, i) => ({
    login,
    role: i < 10 ? "maintainer" : i < 30 ? "reviewer" : "member",
    since: new Date(NOW.getTime() - (30 + i * 13) * DAY).toISOString().slice(0, 10),
  }));
  return { ledger: { pullRequests, reviews }, roster: rosterSchema.parse({ members, emeritus: [] }), logins };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Figures for bench/run.ts: median wall time of measureAll over the synthetic ledger, and resident memory after. */
export async function benchEngine(): Promise<Figure[]> {
  const governance = specGovernance();
  const { ledger, roster, logins } = syntheticLedger();

  const times: number[] = [];
  let measured = 0;
  let eligible = 0;
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const standings = measureAll(ledger, governance, roster, NOW, { logins });
    times.push(performance.now() - start);
    measured = standings.length;
    eligible = standings.filter((s) => s.eligibleFor).length;
  }
  const oneTimes: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    measureOne("user-0", ledger, governance, roster, NOW);
    oneTimes.push(performance.now() - start);
  }
  const rssMb = process.memoryUsage().rss / 1024 / 1024;

  return [
    { name: `engine: measureAll, ${measured} people over ${ledger.pullRequests.length + ledger.reviews.length} contributions (median of ${RUNS})`, value: round(median(times)), unit: "ms", target: "< 1000" },
    { name: "engine: resident memory after measuring (ledger included)", value: round(rssMb), unit: "MB", target: "< 300" },
    { name: "engine: measureOne, one person against the whole ledger (median)", value: round(median(oneTimes), 2), unit: "ms" },
    { name: "engine: people eligible for their next rung (sanity)", value: eligible, unit: "people" },
  ];
}

