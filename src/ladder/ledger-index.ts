/**
 * The ledger grouped by person, built once per batch: merged PRs by author,
 * reviews by reviewer, keyed by lower-cased login (GitHub logins are
 * case-insensitive).
 *
 * The same contribution passed twice (two repositories' reads overlapping in
 * an org scope, a webhook and a catch-up both folded in) is kept once: PRs by
 * repository and number, reviews by GitHub's review id. This is what keeps the
 * engine from double counting whatever the caller hands it.
 */
import type { MergedPullRequest, SubmittedReview } from "./contributions.js";
import type { Ledger } from "./standing.js";

export interface PersonContributions {
  /** The login as first spelled in the ledger. */
  spelling: string;
  pullRequests: MergedPullRequest[];
  reviews: SubmittedReview[];
}

export function prKey(repo: string, number: number): string {
  return `${repo.toLowerCase()}#${number}`;
}

/** Groups the ledger by person; `only` (lower-cased logins) skips everyone else to save memory. */
export function indexLedger(ledger: Ledger, only?: ReadonlySet<string>): Map<string, PersonContributions> {
  const people = new Map<string, PersonContributions>();
  const person = (login: string): PersonContributions | undefined => {
    const key = login.toLowerCase();
    if (only && !only.has(key)) return undefined;
    let entry = people.get(key);
    if (!entry) {
      entry = { spelling: login, pullRequests: [], reviews: [] };
      people.set(key, entry);
    }
    return entry;
  };

  const seenPrs = new Set<string>();
  for (const pr of ledger.pullRequests) {
    const entry = person(pr.author);
    if (!entry) continue;
    const key = prKey(pr.repo, pr.number);
    if (seenPrs.has(key)) continue;
    seenPrs.add(key);
    entry.pullRequests.push(pr);
  }
  const seenReviews = new Set<number>();
  for (const review of ledger.reviews) {
    const entry = person(review.reviewer);
    if (!entry) continue;
    if (seenReviews.has(review.id)) continue;
    seenReviews.add(review.id);
    entry.reviews.push(review);
  }
  return people;
}
