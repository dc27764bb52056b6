// A history the end-to-end tests share: one contributor just meeting the spec
// ladder's `member` rung. No jest globals (benchmarks may use it too).
import type { FakeGitHub } from "../fake-github/server.js";

const DAY = 86_400_000;

/**
 * Seeds PRs #1–#6 by `author`, merged a day apart ending `firstDaysAgo - 6`
 * days ago, each approved by `reviewer` on the day it merged; #6 is labelled
 * `trivial`, so under the spec ladder's counting (exclude_labels: [trivial])
 * exactly 5 count — member's threshold.
 */
export function seedMemberCandidate(fake: FakeGitHub, owner: string, repo: string, opts: { author: string; reviewer: string; firstDaysAgo: number; now?: number }): void {
  const now = opts.now ?? Date.now();
  for (let i = 1; i <= 6; i++) {
    const at = new Date(now - (opts.firstDaysAgo - i) * DAY).toISOString();
    fake.addMergedPullRequest(owner, repo, {
      number: i,
      author: opts.author,
      mergedAt: at,
      additions: 10,
      deletions: 2,
      labels: i === 6 ? ["trivial"] : [],
      reviews: [{ author: opts.reviewer, state: "APPROVED", submittedAt: at }],
    });
  }
}
