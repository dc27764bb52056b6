/**
 * Builds ledger records straight from webhook payloads, with no API call: a
 * `pull_request.closed` payload carries the author, size, labels and merge
 * time (a payload without `labels` folds as labels unknown, `null`); a `pull_request_review.submitted` payload carries the review and the
 * PR's author. Paths are not in the payload, so a folded PR has
 * `paths: null` (unknown); the store never lets that erase paths a history
 * read already found.
 *
 * The payload types are the fields read, so both `@octokit/webhooks-types`
 * (`PullRequestClosedEvent`, `PullRequestReviewSubmittedEvent`) and Probot's
 * `Context<"pull_request.closed">["payload"]` satisfy them.
 */
import type { MergedPullRequest, ReviewState, SubmittedReview } from "../ladder/contributions.js";

interface Account {
  login: string;
}

export interface PullRequestClosedPayload {
  action: "closed";
  pull_request: {
    number: number;
    html_url: string;
    merged?: boolean | null;
    merged_at: string | null;
    user: Account | null;
    additions?: number;
    deletions?: number;
    labels?: Array<{ name: string }>;
  };
  repository: { full_name: string };
}

export interface PullRequestReviewSubmittedPayload {
  action: "submitted";
  review: {
    id: number;
    html_url: string;
    state: string;
    submitted_at: string | null;
    user: Account | null;
  };
  pull_request: { number: number; user: Account | null };
  repository: { full_name: string };
}

/** The merged PR the payload describes, or null when it was closed without merging or its author is gone. */
export function foldPullRequestPayload(payload: PullRequestClosedPayload): MergedPullRequest | null {
  const pr = payload.pull_request;
  if (!pr.merged_at || pr.merged === false || !pr.user) return null;
  return {
    repo: payload.repository.full_name,
    number: pr.number,
    author: pr.user.login,
    mergedAt: pr.merged_at,
    additions: pr.additions ?? 0,
    deletions: pr.deletions ?? 0,
    labels: pr.labels ? pr.labels.map((l) => l.name) : null,
    paths: null,
    url: pr.html_url,
  };
}

const STATES: Record<string, ReviewState> = {
  approved: "APPROVED",
  changes_requested: "CHANGES_REQUESTED",
  commented: "COMMENTED",
  dismissed: "DISMISSED",
};

/** The submitted review the payload describes, or null when it has no reviewer, no time or an unknown state (e.g. pending). */
export function foldReviewPayload(payload: PullRequestReviewSubmittedPayload): SubmittedReview | null {
  const r = payload.review;
  // Webhooks spell states in lower case, GraphQL in upper case.
  const state = STATES[r.state.toLowerCase()];
  if (!r.user || !r.submitted_at || !state) return null;
  return {
    id: r.id,
    repo: payload.repository.full_name,
    prNumber: payload.pull_request.number,
    prAuthor: payload.pull_request.user?.login ?? "ghost",
    reviewer: r.user.login,
    state,
    submittedAt: r.submitted_at,
    url: r.html_url,
  };
}
