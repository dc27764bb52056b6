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
 *
 * With `approve_with: pull_request | either` each review first reads the
 * promotion pull request (one request): merged → approve-by-merge.ts decides;
 * closed → the status comment says so (not a rejection); unable to merge →
 * its branch is brought up to date. With `pull_request` reactions are not
 * read at all; with `either` whichever lands first wins and the other is
 * cleaned up: an approval by reactions closes the pull request, a merge
 * closes the issue. A proposal rejected, withdrawn or expired closes its pull
 * request too.
 *
 * Demotions (decide-demotion.ts) are reviewed by the same steps: always by
 * reaction (there is no demotion pull request), the expiry counted from the
 * notice's end, 👍 from before it never counted; during the notice only the
 * status comment changes — or the notice is cancelled (counted activity, the
 * role no longer held) — and once approved, `demote` replaces `promote`.
 */
import type { Governance, Roster } from "../config/schema.js";
import type { ActionResult } from "../github/execute-actions.js";
import type { IssueReaction } from "../github/issue-reads.js";
import type { Logger } from "../github/logger.js";
import { proposalExpiresAt, proposalState } from "../ladder/proposal-state.js";
import type { Standing } from "../ladder/standing.js";
import { cancellingActivityRow, evidenceRows } from "../log/evidence-rows.js";
import { tallyReactions, type Tally } from "../ladder/tally.js";
import type { DecisionKind } from "../log/decision-entry.js";
import type { Action, RepoRef } from "../plan/actions.js";
import { renderOutcomeComment, renderStatusComment, type Outcome } from "../render/promotion-comments.js";
import type { PullReview } from "../ladder/merge-votes.js";
import type { PullState } from "../github/pull-reads.js";
import { approvesByPullRequest, approvesByReaction } from "../plan/approval-modes.js";
import { decideMerged, grantKey } from "./approve-by-merge.js";
import type { CommitChangePort } from "./commit-change.js";
import type { RosterCommit } from "./current-governance.js";
import { deleteRetiredBranch, refreshPromotionPull, retirePullActions } from "./manage-promotion-pull.js";
import { finish, issueUrl, refOf, today, upsertStatus } from "./proposal-outcome.js";
import { attachPull, fullName } from "./propose-promotion.js";
import { commitDecision, withProposalLease, type DecisionStep } from "./decision-pipeline.js";
import { decisionOpensAt, saveProposal, type ProposalRecord, type RecordStore } from "./proposal-records.js";
import { demote, demotionEnded, tallyDemotion, type CountedActivity, type LastActivityPort } from "./decide-demotion.js";

export interface DecideGitHub extends CommitChangePort {
  /** Every reaction on the issue; rejects rather than return a partial list. */
  listReactions(repo: RepoRef, issue: number): Promise<IssueReaction[]>;
  execute(actions: readonly Action[], log: Logger): Promise<ActionResult[]>;
  /** The pull request's state now (one request). Rejects on failure. */
  getPull(repo: RepoRef, number: number): Promise<PullState>;
  /** Every submitted review of the pull request, oldest first; rejects rather than return a partial list. */
  listPullReviews(repo: RepoRef, number: number): Promise<PullReview[]>;
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
   * there and the commit (the file's text before and after it; when a retry found its commit had
   * landed, the text at the head both times): refresh the cache — only forward, see
   * current-governance.ts — and bring access in step. Must not reject for access trouble — the
   * decision stands and the sweep converges access later.
   */
  onRosterChanged?: (repo: RepoRef, roster: Roster, branch: string, commit?: RosterCommit) => Promise<void>;
  /**
   * Demotions: each person's last counted activity, to cancel an inactivity notice (decide-demotion.ts).
   * Without it a review leaves the cancellation to the sweep, which always passes it.
   */
  lastActivity?: LastActivityPort;
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

/** A closing that is not a promotion: rejected, withdrawn, expired, or (a demotion) cancelled. */
export interface Closing {
  outcome: "rejected" | "withdrawn" | "expired" | "cancelled";
  /** Who closed it (the approver who rejected, the candidate who withdrew); null for expiry. */
  by: string | null;
  /** Who decided, in words, e.g. "bob (/reject)". */
  decidedBy: string;
  reason: string | null;
  /** A cancelled demotion: the counted activity that cancelled it, if that was why. */
  activity?: CountedActivity | null;
}

const KIND_OF: Record<Closing["outcome"], DecisionKind> = { rejected: "rejection", withdrawn: "withdrawal", expired: "expiry", cancelled: "withdrawal" };

/** Re-reads the reactions and moves the proposal on: status update, promotion, or expiry. */
export async function reviewProposal(deps: DecideDeps, input: DecideInput): Promise<DecideOutcome> {
  return withProposalLease(deps, fullName(input.repo), input.issue, { mode: "review" }, (fresh) => reviewOpen(deps, input, fresh, null));
}

/**
 * A `pull_request.closed` delivery of the promotion pull request of `input.issue`
 * (`pull` from the payload): merged → decided by approve-by-merge.ts, closed
 * unmerged → the proposal stays open and its status comment says so. A merge
 * after the proposal closed another way is still logged (manual roster change).
 */
export async function onPromotionPull(deps: DecideDeps, input: DecideInput, pull: PullState): Promise<DecideOutcome> {
  return withProposalLease(deps, fullName(input.repo), input.issue, { mode: "review", whenClosed: pull.merged ? "run" : "stop" }, async (fresh): Promise<DecideOutcome> => {
    if (fresh.pullRequest && fresh.pullRequest.number !== pull.number) return { kind: "not-a-proposal" };
    if (pull.merged) return decideMerged(deps, input, fresh, pull);
    if (fresh.state === "closed") return { kind: "closed-already" };
    return reviewOpen(deps, input, fresh, pull);
  });
}

/**
 * Moves an open proposal on (the caller holds the lease): its pull request
 * first (`pull` when the caller knows it, else read), then the reactions.
 */
async function reviewOpen(deps: DecideDeps, input: DecideInput, opened: ProposalRecord, known: PullState | null): Promise<DecideOutcome> {
  const gov = input.governance;
  const demotion = opened.kind === "demotion";
  if (demotion) {
    const ended = await demotionEnded(deps, input, opened);
    if (ended) return close(deps, input, opened, ended, null);
  }
  let fresh = opened;
  if (!demotion && approvesByPullRequest(gov)) {
    // Opened before its pull request could be (a failure in between): open it now.
    if (!fresh.pullRequest) fresh = await attachPull(deps, input, fresh, await deps.measure(fresh.login, input.roster));
    if (fresh.pullRequest) {
      const pull = known ?? (await deps.github.getPull(input.repo, fresh.pullRequest.number));
      if (pull.merged) return decideMerged(deps, input, fresh, pull);
      if (pull.state !== fresh.pullRequest.state) {
        fresh = { ...fresh, pullRequest: { ...fresh.pullRequest, state: pull.state } };
        await saveProposal(deps.store, fresh);
      }
      if (pull.state === "open" && pull.mergeable === false) {
        const refreshed = await refreshPromotionPull(deps, { repo: input.repo, base: input.branch, governance: gov, record: fresh, pull, now: input.now });
        if (refreshed) {
          fresh = { ...fresh, pullRequest: refreshed };
          await saveProposal(deps.store, fresh);
        }
      }
    }
  }
  const byReaction = demotion || approvesByReaction(gov);
  const reactions = byReaction ? await deps.github.listReactions(input.repo, input.issue) : [];
  const tally = demotion ? tallyDemotion(reactions, input.roster, gov, fresh) : tallyReactions({ reactions, roster: input.roster, governance: gov, candidate: fresh.login });
  // A demotion in its notice cannot be approved nor expire: its decision opens when the notice ends.
  const notice = fresh.notice ? { endsAt: fresh.notice.endsAt, over: input.now.getTime() >= Date.parse(fresh.notice.endsAt) } : undefined;
  if (!notice || notice.over) {
    const state = proposalState({ candidate: fresh.login, role: fresh.role, openedAt: decisionOpensAt(fresh), expiresAfter: gov.promotion.expires_after }, tally, input.now);
    if (state.status === "expired") return close(deps, input, fresh, { outcome: "expired", by: null, decidedBy: "expiry (no decision in time)", reason: null }, byReaction ? tally : null);
    if (state.status === "approved") return demotion ? demote(deps, input, fresh, reactions) : promote(deps, input, fresh, reactions);
  }
  const pullStatus = fresh.pullRequest ? { number: fresh.pullRequest.number, url: fresh.pullRequest.url, state: fresh.pullRequest.state } : undefined;
  // A status comment only once there is something to say beyond the issue's own text: a vote (counted or
  // not), a quorum out of reach, the pull request closed. Until then a sweep's review writes nothing.
  const votes = byReaction && (tally.approvals.length > 0 || tally.objections.length > 0 || tally.ignored.length > 0 || !tally.reachable);
  if (votes || pullStatus?.state === "closed" || fresh.statusCommentId !== undefined) {
    await upsertStatus(deps, input, fresh, renderStatusComment(byReaction ? tally : null, refOf(deps, input, fresh), pullStatus, notice));
  }
  return { kind: "pending", tally };
}

/** Rejects or withdraws an open proposal (the caller checked who may). */
export async function closeProposal(deps: DecideDeps, input: DecideInput, closing: Closing): Promise<DecideOutcome> {
  return withProposalLease(deps, fullName(input.repo), input.issue, { mode: "command" }, async (fresh): Promise<DecideOutcome> => {
    // Whichever lands first wins: a promotion pull request merged before the command is the decision.
    if (fresh.pullRequest && approvesByPullRequest(input.governance)) {
      const pull = await deps.github.getPull(input.repo, fresh.pullRequest.number);
      if (pull.merged) return decideMerged(deps, input, fresh, pull);
    }
    return close(deps, input, fresh, closing, null);
  });
}

async function promote(deps: DecideDeps, input: DecideInput, record: ProposalRecord, reactions: IssueReaction[]): Promise<DecideOutcome> {
  const gov = input.governance;
  const standing = await deps.measure(record.login, input.roster);
  const rung = standing.rungs.find((r) => r.role === record.role);
  const evidence = rung ? evidenceRows(rung, standing) : [];
  const landed = await commitDecision(deps, {
    repo: input.repo,
    branch: input.branch,
    governance: gov,
    invalidRoster: `${gov.roster.path} on ${input.branch} is invalid; fix it and the promotion will be applied`,
    decide: (roster): DecisionStep<Tally> => {
      const tally = tallyReactions({ reactions, roster, governance: gov, candidate: record.login });
      if (!tally.approved) return { kind: "refused", reason: "the approvals no longer reach the quorum with the roster as it is now" };
      const approvers = tally.approvals.map((v) => v.login);
      return {
        kind: "decided",
        draft: {
          kind: "promotion",
          date: today(input.now),
          subject: record.login,
          role: { from: roster.members.find((m) => m.login.toLowerCase() === record.login.toLowerCase())?.role ?? null, to: record.role },
          evidence,
          approvers,
          objectors: tally.objections.map((v) => v.login),
          reason: record.reason ?? null,
          link: { label: `${record.repo}#${record.issue}`, url: issueUrl(deps.webUrl, input.repo, record.issue) },
          decidedBy: `quorum of ${tally.quorum} (${approvers.join(", ")})`,
          deciders: approvers,
          key: grantKey(record),
        },
        change: (id) => ({ kind: "grant", login: record.login, role: record.role, since: today(input.now), decision: id }),
        message: (id) => `${id}: promote ${record.login} to ${record.role}\n\nApproved on ${record.repo}#${record.issue} by ${approvers.join(", ")}.`,
        result: tally,
      };
    },
  });
  if (landed.kind === "not-applied") return { kind: "not-applied", reason: landed.reason };
  const outcome: Outcome = { kind: "approved", decisionId: landed.id, approvals: landed.result.approvals, via: "reaction" };
  await finishDecided(deps, input, record, "approved", landed.id, renderOutcomeComment(outcome, refOf(deps, input, record)), `approved by reactions (${landed.id})`);
  return { kind: "decided", outcome: "approved", decision: landed.id };
}

async function close(deps: DecideDeps, input: DecideInput, record: ProposalRecord, closing: Closing, tally: Tally | null): Promise<DecideOutcome> {
  const gov = input.governance;
  const kind = KIND_OF[closing.outcome];
  const landed = await commitDecision(deps, {
    repo: input.repo,
    branch: input.branch,
    governance: gov,
    invalidRoster: `${gov.roster.path} on ${input.branch} is invalid; fix it and the ${kind} will be logged`,
    decide: (): DecisionStep<null> => ({
      kind: "decided",
      draft: {
        kind,
        date: today(input.now),
        subject: record.login,
        role: null,
        evidence: closing.activity ? [cancellingActivityRow(closing.activity)] : [],
        approvers: (tally?.approvals ?? []).map((v) => v.login),
        objectors: (tally?.objections ?? []).map((v) => v.login),
        reason: closing.reason,
        link: { label: `${record.repo}#${record.issue}`, url: issueUrl(deps.webUrl, input.repo, record.issue) },
        decidedBy: closing.decidedBy,
        ...(closing.by && closing.outcome === "rejected" ? { deciders: [closing.by] } : {}),
        proposed: record.role,
        key: `${closing.outcome}:${record.repo}#${record.issue}`,
      },
      change: null,
      message: (id) => `${id}: ${kind} of ${record.login} for ${record.role} (${record.repo}#${record.issue})`,
      result: null,
    }),
  });
  if (landed.kind === "not-applied") return { kind: "not-applied", reason: landed.reason };
  const id = landed.id;
  const expiresAt = proposalExpiresAt(decisionOpensAt(record), gov.promotion.expires_after);
  const outcome: Outcome =
    closing.outcome === "rejected"
      ? { kind: "rejected", decisionId: id, by: closing.by ?? "", reason: closing.reason ?? "" }
      : closing.outcome === "withdrawn"
        ? { kind: "withdrawn", decisionId: id, by: closing.by ?? record.login }
        : closing.outcome === "cancelled"
          ? { kind: "cancelled", decisionId: id, why: closing.reason ?? closing.decidedBy, link: closing.activity?.url ?? null }
          : { kind: "expired", decisionId: id, expiresAt, approvals: tally?.approvals.length ?? 0, quorum: tally?.quorum ?? gov.promotion.quorum };
  await finishDecided(deps, input, record, closing.outcome, id, renderOutcomeComment(outcome, refOf(deps, input, record)), `the proposal was ${closing.outcome} (${id})`);
  return { kind: "decided", outcome: closing.outcome, decision: id };
}

/** The report step: close the promotion pull request (if any), the outcome comment, the close, the record; then its branch. */
async function finishDecided(deps: DecideDeps, input: DecideInput, record: ProposalRecord, outcome: NonNullable<ProposalRecord["outcome"]>, id: string, comment: string, why: string): Promise<void> {
  const retire = retirePullActions(input.repo, record, why, deps.webUrl);
  await finish(deps, input, record, outcome, id, comment, retire);
  if (retire.length > 0) await deleteRetiredBranch(deps, input.repo, record);
}
