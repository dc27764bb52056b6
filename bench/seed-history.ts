/**
 * Seeds a repository in the fake GitHub with a deterministic merged-PR
 * history, for the benchmarks that read it back: a few dozen authors with a
 * long tail, two reviews per PR, one PR in ten labelled `trivial`, merges an
 * hour apart ending a day before `now`.
 */
import type { FakeGitHub } from "../test/fake-github/server.js";

const HOUR = 3_600_000;

export interface SeedOptions {
  owner: string;
  repo: string;
  /** How many merged PRs to seed, numbered 1..count. */
  count: number;
  now: Date;
}

export function seedMergedHistory(fake: FakeGitHub, opts: SeedOptions): void {
  const end = opts.now.getTime() - 24 * HOUR;
  for (let n = 1; n <= opts.count; n++) {
    const mergedAt = new Date(end - (opts.count - n) * HOUR).toISOString();
    // i² mod 37 skews authorship towards a few people, as in real projects.
    const author = `dev${(n * n) % 37}`;
    fake.addMergedPullRequest(opts.owner, opts.repo, {
      number: n,
      author,
      mergedAt,
      additions: 1 + (n % 200),
      deletions: n % 30,
      labels: n % 10 === 0 ? ["trivial"] : [],
      reviews: [
        { author: `dev${(n + 1) % 37}`, state: "APPROVED", submittedAt: mergedAt },
        { author: `dev${(n + 5) % 37}`, state: "COMMENTED", submittedAt: mergedAt },
      ],
    });
  }
}
