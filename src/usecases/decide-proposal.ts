/**
 * Decides an open proposal: re-reads its reactions (there is no reaction
 * webhook), tallies them against the roster, and then either updates the
 * status comment, or applies the outcome — approved, expired, rejected,
 * withdrawn.
 *
 * Applying follows one order, so a crash anywhere leaves nothing half done
 * and a retry finishes the job without doing anything twice:
 *   1. one commit of the roster and the log (commit-change.ts): the log entry
 *      carries an idempotency key, so a retried commit finds it and stops;
 *      the tally is computed again from the roster IN THAT COMMIT'S PARENT,
 *      so an approver who lost their role meanwhile no longer counts;
 *   2. the outcome comment, then closing the issue;
 *   3. the store's record (closed).
 * Access sync (CODEOWNERS, teams, protection) hangs off `onRosterChanged`.
 */
import { parseRoster } from "../config/parse-roster.js";
import type { Governance, Roster } from "../config/schema.js";
import type { ActionResult } from "../github/execute-actions.js";
import type { IssueReaction } from "../github/issue-reads.js";
import type { Logger } from "../github/logger.js";
import { proposalExpiresAt, proposalState } from "../ladder/proposal-state.js";
import type { Standing } from "../ladder/standing.js";
import { evidenceRows } from "../log/evidence-rows.js";
import { tallyReactions, type Tally } from "../ladder/tally.js";
import { appendEntries } from "../log/append-entries.js";
import type { DecisionDraft, DecisionKind } from "../log/decision-entry.js";
import type { Action, RepoRef } from "../plan/actions.js";
import { applyRosterChange } from "../plan/roster-edit.js";
import { renderOutcomeComment, renderStatusComment, type Outcome } from "../render/promotion-comments.js";
import { commitChange, type CommitChangePort, type ChangePlan } from "./commit-change.js";
import { fullName } from "./propose-promotion.js";
import { loadProposalByIssue, proposalKey, saveProposal, withLease, type ProposalRecord, type RecordStore } from "./proposal-records.js";

export interface DecideGitHub extends CommitChangePort {
  /** Every reaction on the issue; rejects rather than return a partial list. */
  listReactions(repo: RepoRef, issue: number): Promise<IssueReaction[]>;
  execute(actions: readonly Action[], log: Logger): Promise<ActionResult[]>;
}

export interface DecideDeps {
  store: RecordStore;
  github: DecideGitHub;
  log: Logger;
  holder: string;
  webUrl: string;
  /** The person's standing now, for the log's evidence (the ledger is read by the caller's port). */
  measure: (login: string, roster: Roster) => Promise<Standing>;
  /**
   * Called after a commit changed the roster on `branch` (the default branch), with the roster now
   * there: refresh the cache, bring access in step. Must not reject for access trouble — the
   * decision stands and the sweep converges access later.
   */
  onRosterChanged?: (repo: RepoRef, roster: Roster, branch: string) => Promise<void>;
}

export interface DecideInput {
  repo: RepoRef;
  issue: number;
  /** The default branch, where the roster and the log live. */
  branch: string;
  governance: Governance;
  /** The roster as last known (cache); the commit re-checks against the branch. */
  roster: Roster;
  now: Date;
}

export type DecideOutcome =
  | { kind: "not-a-proposal" }
  | { kind: "closed-already" }
  | { kind: "busy" }
  | { kind: "pending"; tally: Tally }
  | { kind: "decided"; outcome: NonNullable<ProposalRecord["outcome"]>; decision: string | null }
  | { kind: "not-applied"; reason: string };

/** A closing that is not a promotion: rejected, withdrawn or expired. */
export interface Closing {
  outcome: "rejected" | "withdrawn" | "expired";
  /** Who closed it (the approver who rejected, the candidate who withdrew); null for expiry. */
  by: string | null;
  /** Who decided, in words, e.g. "bob (/reject)". */
  decidedBy: string;
  reason: string | null;
}

const LEASE_MS = 120_000;
/** How long a review or a command waits for another worker busy with the same proposal. */
const WAIT_MS = 15_000;

const KIND_OF: Record<Closing["outcome"], DecisionKind> = { rejected: "rejection", withdrawn: "withdrawal", expired: "expiry" };

function today(now: Date): string {
  return now.toISOString().slice(0, 10);
}

function issueUrl(webUrl: string, repo: RepoRef, issue: number): string {
  return `${webUrl}/${repo.owner}/${repo.repo}/issues/${issue}`;
}

/** Re-reads the reactions and moves the proposal on: status update, promotion, or expiry. */
export async function reviewProposal(deps: DecideDeps, input: DecideInput): Promise<DecideOutcome> {
  const record = await loadProposalByIssue(deps.store, fullName(input.repo), input.issue);
  if (!record) return { kind: "not-a-proposal" };
  if (record.state === "closed") return { kind: "closed-already" };
  const leased = await withLease(deps.store, proposalKey(record.repo, record.login, record.role), deps.holder, LEASE_MS, async (): Promise<DecideOutcome> => {
    const fresh = (await loadProposalByIssue(deps.store, record.repo, record.issue)) ?? record;
    if (fresh.state === "closed") return { kind: "closed-already" };
    const reactions = await deps.github.listReactions(input.repo, input.issue);
    const tally = tallyReactions({ reactions, roster: input.roster, governance: input.governance, candidate: fresh.login });
    const state = proposalState({ candidate: fresh.login, role: fresh.role, openedAt: fresh.openedAt, expiresAfter: input.governance.promotion.expires_after }, tally, input.now);
    if (state.status === "expired") return close(deps, input, fresh, { outcome: "expired", by: null, decidedBy: "expiry (no decision in time)", reason: null }, tally);
    if (state.status === "approved") return promote(deps, input, fresh, reactions);
    await upsertStatus(deps, input, fresh, renderStatusComment(tally, { candidate: fresh.login, role: fresh.role, webUrl: deps.webUrl }));
    return { kind: "pending", tally };
  }, { waitMs: WAIT_MS });
  return leased.ran ? leased.value : { kind: "busy" };
}

/** Rejects or withdraws an open proposal (the caller checked who may). */
export async function closeProposal(deps: DecideDeps, input: DecideInput, closing: Closing): Promise<DecideOutcome> {
  const record = await loadProposalByIssue(deps.store, fullName(input.repo), input.issue);
  if (!record) return { kind: "not-a-proposal" };
  if (record.state === "closed") return { kind: "closed-already" };
  const leased = await withLease(
    deps.store,
    proposalKey(record.repo, record.login, record.role),
    deps.holder,
    LEASE_MS,
    async (): Promise<DecideOutcome> => {
      const fresh = (await loadProposalByIssue(deps.store, record.repo, record.issue)) ?? record;
      return fresh.state === "closed" ? { kind: "closed-already" } : close(deps, input, fresh, closing, null);
    },
    { waitMs: WAIT_MS },
  );
  return leased.ran ? leased.value : { kind: "busy" };
}

async function upsertStatus(deps: DecideDeps, input: DecideInput, record: ProposalRecord, body: string): Promise<void> {
  if (record.statusBody === body) return;
  const action: Action = record.statusCommentId
    ? { kind: "comment.update", repo: input.repo, commentId: record.statusCommentId, body }
    : { kind: "comment.create", repo: input.repo, issueNumber: input.issue, body };
  const [result] = await deps.github.execute([action], deps.log);
  if (result?.dryRun) return;
  const id = result?.created?.id ?? record.statusCommentId;
  await saveProposal(deps.store, { ...record, ...(id !== undefined ? { statusCommentId: id } : {}), statusBody: body });
}

async function promote(deps: DecideDeps, input: DecideInput, record: ProposalRecord, reactions: IssueReaction[]): Promise<DecideOutcome> {
  const gov = input.governance;
  const key = `promotion:${record.repo}#${record.issue}`;
  const standing = await deps.measure(record.login, input.roster);
  const rung = standing.rungs.find((r) => r.role === record.role);
  const evidence = rung ? evidenceRows(rung, standing) : [];
  const committed = await commitChange(deps.github, {
    repo: input.repo,
    branch: input.branch,
    paths: [gov.roster.path, gov.log.path],
    log: deps.log,
    plan: (files): ChangePlan<{ id: string; tally: Tally; roster: Roster }> => {
      const rosterText = files.get(gov.roster.path) ?? null;
      const parsed = parseRoster(rosterText ?? "members: []\n", gov);
      if (!parsed.ok) return { kind: "refused", reason: `${gov.roster.path} on ${input.branch} is invalid; fix it and the promotion will be applied` };
      // "As the roster says at decision time": the roster the commit is built on.
      const tally = tallyReactions({ reactions, roster: parsed.roster, governance: gov, candidate: record.login });
      if (!tally.approved) return { kind: "refused", reason: "the approvals no longer reach the quorum with the roster as it is now" };
      const draft: DecisionDraft = {
        kind: "promotion",
        date: today(input.now),
        subject: record.login,
        role: { from: parsed.roster.members.find((m) => m.login.toLowerCase() === record.login.toLowerCase())?.role ?? null, to: record.role },
        evidence,
        approvers: tally.approvals.map((v) => v.login),
        objectors: tally.objections.map((v) => v.login),
        reason: record.reason ?? null,
        link: { label: `${record.repo}#${record.issue}`, url: issueUrl(deps.webUrl, input.repo, record.issue) },
        decidedBy: `quorum of ${tally.quorum} (${tally.approvals.map((v) => v.login).join(", ")})`,
        key,
      };
      const log = appendEntries(files.get(gov.log.path) ?? null, [draft], { webUrl: deps.webUrl });
      const id = log.entries[0]?.id ?? "";
      if (log.appended === 0) return { kind: "already-done", result: { id, tally, roster: parsed.roster } };
      const edit = applyRosterChange(rosterText, { kind: "grant", login: record.login, role: record.role, since: today(input.now), decision: id }, gov);
      if (!edit.ok) return { kind: "refused", reason: edit.error.message };
      return {
        kind: "commit",
        files: { [gov.roster.path]: edit.text, [gov.log.path]: log.text },
        message: `${id}: promote ${record.login} to ${record.role}\n\nApproved on ${record.repo}#${record.issue} by ${tally.approvals.map((v) => v.login).join(", ")}.`,
        result: { id, tally, roster: edit.roster },
      };
    },
  });
  if (committed.kind === "refused" || committed.kind === "gave-up") {
    const reason = committed.kind === "refused" ? committed.reason : "the default branch kept moving; the next event or sweep retries";
    deps.log.warn({ issue: record.issue, reason }, "promotion not applied");
    return { kind: "not-applied", reason };
  }
  const { id, tally, roster } = committed.result;
  // Also after `already-done` (a retry whose commit had landed): the cached roster may predate it.
  if (!(committed.kind === "committed" && committed.dryRun)) await deps.onRosterChanged?.(input.repo, roster, input.branch);
  const outcome: Outcome = { kind: "approved", decisionId: id, approvals: tally.approvals, via: "reaction" };
  await finish(deps, input, record, "approved", id, renderOutcomeComment(outcome, refOf(deps, input, record)));
  return { kind: "decided", outcome: "approved", decision: id };
}

async function close(deps: DecideDeps, input: DecideInput, record: ProposalRecord, closing: Closing, tally: Tally | null): Promise<DecideOutcome> {
  const gov = input.governance;
  const key = `${closing.outcome}:${record.repo}#${record.issue}`;
  const committed = await commitChange(deps.github, {
    repo: input.repo,
    branch: input.branch,
    paths: [gov.log.path],
    log: deps.log,
    plan: (files): ChangePlan<string> => {
      const draft: DecisionDraft = {
        kind: KIND_OF[closing.outcome],
        date: today(input.now),
        subject: record.login,
        role: null,
        evidence: [],
        approvers: (tally?.approvals ?? []).map((v) => v.login),
        objectors: (tally?.objections ?? []).map((v) => v.login),
        reason: closing.reason,
        link: { label: `${record.repo}#${record.issue}`, url: issueUrl(deps.webUrl, input.repo, record.issue) },
        decidedBy: closing.decidedBy,
        key,
      };
      const log = appendEntries(files.get(gov.log.path) ?? null, [draft], { webUrl: deps.webUrl });
      const id = log.entries[0]?.id ?? "";
      if (log.appended === 0) return { kind: "already-done", result: id };
      return { kind: "commit", files: { [gov.log.path]: log.text }, message: `${id}: ${KIND_OF[closing.outcome]} of ${record.login} for ${record.role} (${record.repo}#${record.issue})`, result: id };
    },
  });
  if (committed.kind === "refused" || committed.kind === "gave-up") {
    const reason = committed.kind === "refused" ? committed.reason : "the default branch kept moving; the next event or sweep retries";
    return { kind: "not-applied", reason };
  }
  const id = committed.result;
  const expiresAt = proposalExpiresAt(record.openedAt, gov.promotion.expires_after);
  const outcome: Outcome =
    closing.outcome === "rejected"
      ? { kind: "rejected", decisionId: id, by: closing.by ?? "", reason: closing.reason ?? "" }
      : closing.outcome === "withdrawn"
        ? { kind: "withdrawn", decisionId: id, by: closing.by ?? record.login }
        : { kind: "expired", decisionId: id, expiresAt, approvals: tally?.approvals.length ?? 0, quorum: tally?.quorum ?? gov.promotion.quorum };
  await finish(deps, input, record, closing.outcome, id, renderOutcomeComment(outcome, refOf(deps, input, record)));
  return { kind: "decided", outcome: closing.outcome, decision: id };
}

async function finish(deps: DecideDeps, input: DecideInput, record: ProposalRecord, outcome: NonNullable<ProposalRecord["outcome"]>, decision: string, comment: string): Promise<void> {
  const results = await deps.github.execute(
    [
      { kind: "comment.create", repo: input.repo, issueNumber: input.issue, body: comment },
      { kind: "issue.close", repo: input.repo, number: input.issue, reason: outcome === "approved" ? "completed" : "not_planned" },
    ],
    deps.log,
  );
  if (results.some((r) => r.dryRun)) return;
  await saveProposal(deps.store, { ...record, state: "closed", closedAt: input.now.toISOString(), outcome, decision });
  deps.log.info({ repo: record.repo, issue: record.issue, login: record.login, role: record.role, outcome, decision }, "proposal decided");
}

function refOf(deps: DecideDeps, input: DecideInput, record: ProposalRecord) {
  return {
    candidate: record.login,
    role: record.role,
    webUrl: deps.webUrl,
    logUrl: `${deps.webUrl}/${input.repo.owner}/${input.repo.repo}/blob/${input.branch}/${input.governance.log.path}`,
  };
}
