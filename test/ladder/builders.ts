/** Small builders for ledger records and ladders in engine tests. */
import type { GovernanceInput, Roster } from "../../src/config/schema.js";
import { governanceSchema, rosterSchema } from "../../src/config/schema.js";
import type { MergedPullRequest, ReviewState, SubmittedReview } from "../../src/ladder/contributions.js";

export const NOW = new Date("2025-06-01T00:00:00.000Z");
export const DAY = 86_400_000;

/** An ISO date `days` before NOW (fractions allowed). */
export function ago(days: number): string {
  return new Date(NOW.getTime() - days * DAY).toISOString();
}

let nextNumber = 1;
let nextReviewId = 1;

export function pr(author: string, daysAgo: number, over: Partial<MergedPullRequest> = {}): MergedPullRequest {
  const number = over.number ?? nextNumber++;
  const repo = over.repo ?? "acme/widgets";
  return {
    repo,
    number,
    author,
    mergedAt: ago(daysAgo),
    additions: 10,
    deletions: 2,
    labels: [],
    paths: ["src/index.ts"],
    url: `https://github.com/${repo}/pull/${number}`,
    ...over,
  };
}

export function review(
  reviewer: string,
  prAuthor: string,
  daysAgo: number,
  over: Partial<SubmittedReview> & { state?: ReviewState } = {},
): SubmittedReview {
  const id = over.id ?? nextReviewId++;
  const repo = over.repo ?? "acme/widgets";
  const prNumber = over.prNumber ?? nextNumber++;
  return {
    id,
    repo,
    prNumber,
    prAuthor,
    reviewer,
    state: "APPROVED",
    submittedAt: ago(daysAgo),
    url: `https://github.com/${repo}/pull/${prNumber}#pullrequestreview-${id}`,
    ...over,
  };
}

/** `n` counted PRs by `author`, one a day starting `from` days ago going back. */
export function prs(author: string, n: number, from = 1): MergedPullRequest[] {
  return Array.from({ length: n }, (_, i) => pr(author, from + i));
}

/** `n` reviews by `reviewer` on distinct PRs of "someone-else". */
export function reviews(reviewer: string, n: number, from = 1): SubmittedReview[] {
  return Array.from({ length: n }, (_, i) => review(reviewer, "someone-else", from + i));
}

/**
 * A small ladder for tests: member (2 PRs in 30d), reviewer (3 PRs and 2
 * reviews in 30d, 10d tenure), maintainer (3 reviews in 365d, 20d as reviewer).
 */
export function smallLadder(over: Partial<GovernanceInput> = {}) {
  return governanceSchema.parse({
    version: 1,
    ladder: [
      { role: "member", requires: { merged_prs: 2, window: "30d" } },
      { role: "reviewer", requires: { merged_prs: 3, reviews: 2, tenure: "10d", window: "30d" } },
      { role: "maintainer", requires: { reviews: 3, time_in_role: "20d" } },
    ],
    ...over,
  });
}

/** The example ladder of SPEC.md section 1. */
export function specLadder() {
  return governanceSchema.parse({
    version: 1,
    scope: "repo",
    ladder: [
      { role: "member", description: "Regular contributor.", requires: { merged_prs: 5, window: "365d" }, grants: { teams: ["contributors"] } },
      {
        role: "reviewer",
        requires: { merged_prs: 15, reviews: 20, tenure: "90d", window: "180d" },
        grants: { teams: ["reviewers"], codeowners: ["/docs/"] },
      },
      {
        role: "maintainer",
        requires: { merged_prs: 40, reviews: 60, time_in_role: "180d" },
        grants: { teams: ["maintainers"], codeowners: ["*"], branch_protection: { branches: ["main"], bypass: true } },
      },
    ],
    counting: { exclude_authors: ["dependabot[bot]", "renovate[bot]"], exclude_labels: ["trivial"], min_changed_lines: 1, paths: [] },
    promotion: { approvers: ["maintainer"], quorum: 2 },
  });
}

export function roster(members: Array<[login: string, role: string, sinceDaysAgo: number]>, emeritus: Array<[string, string, number]> = []): Roster {
  const entry = ([login, role, d]: [string, string, number]) => ({ login, role, since: ago(d).slice(0, 10) });
  return rosterSchema.parse({ members: members.map(entry), emeritus: emeritus.map(entry) });
}

export const EMPTY_ROSTER: Roster = { members: [], emeritus: [] };
