/**
 * The contributions ledger's records. They are plain data: the store keeps
 * them, the GitHub adapters produce them (from webhook payloads or GraphQL),
 * and the pure engine counts them.
 *
 * Logins are kept as GitHub spells them; comparisons are case-insensitive
 * (use `sameLogin`). Dates are ISO-8601 strings in UTC.
 */
export interface MergedPullRequest {
  /** "owner/name" of the repository the PR belongs to. */
  repo: string;
  number: number;
  author: string;
  /** When the PR was merged (ISO-8601). */
  mergedAt: string;
  additions: number;
  deletions: number;
  /**
   * The PR's labels, or null when unknown: the history was read without
   * labels (the ladder did not need them then). A `counting.exclude_labels`
   * rule treats null as "not known to be unlabelled" — it never counts as
   * `[]` — and the next sync re-reads the history with labels.
   */
  labels: string[] | null;
  /**
   * Paths the PR touched, or null when unknown (the webhook payload does not
   * carry them). A `counting.paths` filter treats null as "not known to
   * match" and the catch-up fills paths in where a filter needs them.
   */
  paths: string[] | null;
  url: string;
}

export type ReviewState = "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED";

export interface SubmittedReview {
  /** GitHub's review id: the ledger's key, so the same review is stored once. */
  id: number;
  repo: string;
  prNumber: number;
  /** Author of the reviewed PR: reviews of one's own PR do not count. */
  prAuthor: string;
  reviewer: string;
  state: ReviewState;
  submittedAt: string;
  url: string;
}

export function sameLogin(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
