/**
 * The last steps every decided proposal shares, whichever way it was decided
 * (reactions, a command, expiry, a merge): the outcome comment, closing the
 * issue and the store's record — and keeping the status comment in place
 * while it is open.
 */
import type { Action, RepoRef } from "../plan/actions.js";
import type { DecideDeps, DecideInput } from "./decide-proposal.js";
import { saveProposal, type ProposalRecord } from "./proposal-records.js";

export function today(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export function issueUrl(webUrl: string, repo: RepoRef, issue: number): string {
  return `${webUrl}/${repo.owner}/${repo.repo}/issues/${issue}`;
}

export function pullUrl(webUrl: string, repo: RepoRef, pull: number): string {
  return `${webUrl}/${repo.owner}/${repo.repo}/pull/${pull}`;
}

/** What the outcome comments need to name the proposal and link the log. */
export function refOf(deps: Pick<DecideDeps, "webUrl">, input: DecideInput, record: ProposalRecord) {
  return {
    candidate: record.login,
    role: record.role,
    webUrl: deps.webUrl,
    kind: record.kind === "demotion" ? ("demotion" as const) : ("promotion" as const),
    logUrl: `${deps.webUrl}/${input.repo.owner}/${input.repo.repo}/blob/${input.branch}/${input.governance.log.path}`,
  };
}

/**
 * `before` (e.g. closing the promotion pull request), then the outcome
 * comment and the issue's close, then the record (closed). In a dry run the
 * record stays open: nothing was decided on GitHub.
 */
export async function finish(
  deps: DecideDeps,
  input: DecideInput,
  record: ProposalRecord,
  outcome: NonNullable<ProposalRecord["outcome"]>,
  decision: string,
  comment: string,
  before: readonly Action[] = [],
): Promise<void> {
  const results = await deps.github.execute(
    [
      ...before,
      { kind: "comment.create", repo: input.repo, issueNumber: input.issue, body: comment },
      { kind: "issue.close", repo: input.repo, number: input.issue, reason: outcome === "approved" || outcome === "manual" ? "completed" : "not_planned" },
    ],
    deps.log,
  );
  if (results.some((r) => r.dryRun)) return;
  const pullRequest = record.pullRequest && before.some((a) => a.kind === "pull.close") ? { ...record.pullRequest, state: "closed" as const } : record.pullRequest;
  await saveProposal(deps.store, { ...record, ...(pullRequest ? { pullRequest } : {}), state: "closed", closedAt: input.now.toISOString(), outcome, decision });
  deps.log.info({ repo: record.repo, issue: record.issue, login: record.login, role: record.role, outcome, decision }, "proposal decided");
}

/** Writes the status comment (creating it once, then updating it in place) unless its text would not change. */
export async function upsertStatus(deps: DecideDeps, input: DecideInput, record: ProposalRecord, body: string): Promise<ProposalRecord> {
  if (record.statusBody === body) return record;
  const action: Action = record.statusCommentId
    ? { kind: "comment.update", repo: input.repo, commentId: record.statusCommentId, body }
    : { kind: "comment.create", repo: input.repo, issueNumber: input.issue, body };
  const [result] = await deps.github.execute([action], deps.log);
  if (result?.dryRun) return record;
  const id = result?.created?.id ?? record.statusCommentId;
  const next = { ...record, ...(id !== undefined ? { statusCommentId: id } : {}), statusBody: body };
  await saveProposal(deps.store, next);
  return next;
}
