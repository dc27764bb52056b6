/**
 * `/ladder [@user]`: measure one person against the ladder in force and reply
 * in the thread. The app keeps one reply per (thread, person) and updates it
 * when asked again instead of piling up comments; the reply's id is kept in
 * the store, and its body carries a hidden marker naming the person.
 *
 * While the repository's history is still being read (`historyPending`) the
 * reply says so plainly and gives no numbers — a count from a ledger not yet
 * read would be wrong — and the same reply is edited with the standing once
 * the history is read (the command's job waits for it and runs again).
 */
import type { Governance, Roster } from "../config/schema.js";
import type { MergedPullRequest, SubmittedReview } from "../ladder/contributions.js";
import type { Action, RepoRef } from "../plan/actions.js";
import { renderMarker } from "../render/markers.js";
import { renderHistoryPending, renderStandingMarkdown } from "../render/standing.js";
import type { ContributionQuery, SyncState } from "../store/store.js";
import type { KeyValueStore } from "./current-governance.js";
import { standingFromLedger } from "./measure-contributor.js";

export interface LedgerReader {
  /** Merged PRs matching the query, oldest first. */
  listPullRequests(query: ContributionQuery): Promise<MergedPullRequest[]>;
  /** Reviews matching the query, oldest first. */
  listReviews(query: ContributionQuery): Promise<SubmittedReview[]>;
  /** Where the repository's ledger stands; null when its history was never read. */
  getSyncState(repo: string): Promise<SyncState | null>;
}

/** Moved to measure-contributor.ts; still exported here for the callers that import it from this file. */
export { contributionQuery } from "./measure-contributor.js";

export function replyKey(repo: RepoRef, issueNumber: number, login: string): string {
  return `ladder-reply:${repo.owner.toLowerCase()}/${repo.repo.toLowerCase()}#${issueNumber}:${login.toLowerCase()}`;
}

export interface LadderReplyPlan {
  actions: Action[];
  /** Where to remember the reply's comment id once created. */
  rememberAs: string;
  /** The reply body, to create afresh when the remembered comment was deleted. */
  body: string;
  issueNumber: number;
}

export async function planLadderReply(
  deps: { ledger: LedgerReader; kv: KeyValueStore; webUrl: string },
  /** `healthUrl`: the repository's public health page, linked from the reply (public repositories, STEWARDS_PUBLIC_URL set). */
  input: { repo: RepoRef; issueNumber: number; login: string; governance: Governance; roster: Roster; now: Date; note?: string; historyPending?: boolean; healthUrl?: string },
): Promise<LadderReplyPlan> {
  const notes = [input.note ?? ""];
  let text: string;
  if (input.historyPending) {
    text = renderHistoryPending(input.login, deps.webUrl);
  } else {
    const standing = await standingFromLedger(deps.ledger, input);
    text = renderStandingMarkdown(standing, input.governance, { webUrl: deps.webUrl, now: input.now, ...(input.healthUrl ? { healthUrl: input.healthUrl } : {}) });
  }
  const body = [
    text,
    ...notes.filter(Boolean).map((n) => `\n${n}`),
    "",
    renderMarker("ladder-reply", { login: input.login.toLowerCase() }),
  ].join("\n");

  const key = replyKey(input.repo, input.issueNumber, input.login);
  const existing = await deps.kv.getValue<{ commentId: number; body: string }>(key);
  const actions: Action[] = existing
    ? existing.body === body
      ? []
      : [{ kind: "comment.update", repo: input.repo, commentId: existing.commentId, body }]
    : [{ kind: "comment.create", repo: input.repo, issueNumber: input.issueNumber, body }];
  return { actions, rememberAs: key, body, issueNumber: input.issueNumber };
}

