/**
 * Approval by merge (`promotion.approve_with: pull_request | either`): what
 * a merged promotion pull request decides, and what a closed one does not.
 *
 * - **Merged**: the merge is the roster change — it is on the default branch
 *   already. The app reads the pull request's reviews (and, with `either`,
 *   the issue's reactions), judges the merge against the roster at decision
 *   time (ladder/merge-votes.ts), and writes ONE commit right after it: the
 *   log entry, and the decision id and the day of the merge stamped on the
 *   roster entry the merge added. Then the outcome comment, the issue's
 *   close, the record, and the branch is deleted.
 *   A merge with the quorum of approvals is a `promotion`; one without (a
 *   non-approver such as an admin merged it with too few approving reviews,
 *   an objection stood, someone else's commits were merged with it) is logged
 *   as a `manual roster change` naming who merged and why — never undone by
 *   the app, never silent.
 * - **Closed without merging**: not a rejection. The proposal stays open; the
 *   status comment says the pull request was closed and how to go on.
 *
 * Exactly once: all of it runs under the proposal's lease, the log entry
 * carries the proposal's idempotency key `promotion:<repo>#<issue>` — the
 * same key the reaction path uses, so whichever path lands first writes the
 * one entry and the other finds it — and a retried commit that finds its
 * entry reports `already-done` and only finishes the remaining steps.
 */
import type { PullState } from "../github/pull-reads.js";
import { evidenceRows } from "../log/evidence-rows.js";
import { judgeMerge, type MergeVerdict } from "../ladder/merge-votes.js";
import { approvesByReaction } from "../plan/approval-modes.js";
import { renderOutcomeComment } from "../render/promotion-comments.js";
import { commitDecision, type DecisionStep } from "./decision-pipeline.js";
import type { DecideDeps, DecideInput, DecideOutcome } from "./decide-proposal.js";
import { finish, issueUrl, pullUrl, refOf, today } from "./proposal-outcome.js";
import { deleteRetiredBranch } from "./manage-promotion-pull.js";
import { loadProposalFor, type ProposalRecord, type RecordStore } from "./proposal-records.js";

/**
 * The proposal whose promotion pull request grants `role` to `login`, if
 * there is one (open, or decided by its merge). For the push to the default
 * branch that a merge makes: that roster change is not a hand edit to be
 * logged as a manual roster change — the merge handler logs it (or already
 * did). No request: the store's record.
 */
export async function promotionPullFor(store: RecordStore, repo: string, login: string, role: string): Promise<ProposalRecord | null> {
  const record = await loadProposalFor(store, repo, login, role);
  if (!record?.pullRequest) return null;
  return record.state === "open" || record.outcome === "approved" || record.outcome === "manual" ? record : null;
}

/** The idempotency key of the decision that closes a proposal with a grant, by reaction or by merge. */
export function grantKey(record: Pick<ProposalRecord, "repo" | "issue">): string {
  return `promotion:${record.repo}#${record.issue}`;
}

/**
 * The merged promotion pull request `pull` decides `record` (open, or closed
 * meanwhile by another path: then a merge that still landed is logged as a
 * manual roster change, so no grant goes unlogged). The caller holds the
 * proposal's lease.
 */
export async function decideMerged(deps: DecideDeps, input: DecideInput, record: ProposalRecord, pull: PullState): Promise<DecideOutcome> {
  const gov = input.governance;
  const late = record.state === "closed";
  if (late && (record.outcome === "approved" || record.outcome === "manual")) return { kind: "closed-already" };
  const [reviews, reactions] = await Promise.all([
    deps.github.listPullReviews(input.repo, pull.number),
    approvesByReaction(gov) && !late ? deps.github.listReactions(input.repo, record.issue) : Promise.resolve([]),
  ]);
  const standing = await deps.measure(record.login, input.roster);
  const rung = standing.rungs.find((r) => r.role === record.role);
  const evidence = rung ? evidenceRows(rung, standing) : [];
  const headIsOurs = record.pullRequest !== undefined && record.pullRequest.headSha === pull.headSha;
  const merge = { number: pull.number, url: pull.url || pullUrl(deps.webUrl, input.repo, pull.number), by: pull.mergedBy?.login ?? null };
  // A merge after the proposal was closed another way: the key of that closing is taken, so this one gets its own.
  const key = late ? `merge:${record.repo}#${pull.number}` : grantKey(record);

  const landed = await commitDecision(deps, {
    repo: input.repo,
    branch: input.branch,
    governance: gov,
    invalidRoster: `${gov.roster.path} on ${input.branch} is invalid; fix it and the merge of #${pull.number} will be logged`,
    decide: (roster): DecisionStep<MergeVerdict> => {
      // "As the roster says at decision time": the roster this commit is built on.
      const judged = judgeMerge({ mergedBy: pull.mergedBy, ...(pull.mergedAt ? { mergedAt: pull.mergedAt } : {}), reviews, reactions, headIsOurs }, { roster, governance: gov, candidate: record.login });
      const verdict: MergeVerdict = late ? { ...judged, approved: false, why: `the proposal had been closed as ${record.outcome ?? "decided"} already` } : judged;
      const by = merge.by ? ` by ${merge.by}` : "";
      const approvers = verdict.tally.approvals.map((v) => v.login);
      return {
        kind: "decided",
        draft: {
          kind: verdict.approved ? "promotion" : "manual roster change",
          date: today(input.now),
          subject: record.login,
          role: { from: record.pullRequest?.from ?? null, to: record.role },
          evidence,
          approvers,
          objectors: verdict.tally.objections.map((v) => v.login),
          reason: record.reason ?? null,
          link: { label: `${record.repo}#${record.issue}`, url: issueUrl(deps.webUrl, input.repo, record.issue) },
          decidedBy: verdict.approved
            ? `merge of #${pull.number}${by}; quorum of ${verdict.tally.quorum} (${approvers.join(", ")})`
            : `merge of #${pull.number}${by}, not an approved promotion: ${verdict.why}`,
          deciders: [...new Set([...approvers, ...(merge.by ? [merge.by] : [])])],
          key,
        },
        change: (id) => ({ kind: "record-decision", login: record.login, role: record.role, since: today(input.now), decision: id }),
        refusedChange: (message) => `#${pull.number} was merged, but ${gov.roster.path} on ${input.branch} does not show ${record.login} as ${record.role} (${message})`,
        message: (id) =>
          `${id}: ${verdict.approved ? "promote" : "log the manual roster change making"} ${record.login} ${verdict.approved ? "to" : ""} ${record.role}`.replace(/\s+/g, " ") +
          `\n\nMerged in #${pull.number}${by}; proposal ${record.repo}#${record.issue}.`,
        result: verdict,
      };
    },
  });
  if (landed.kind === "not-applied") {
    deps.log.warn({ issue: record.issue, pull: pull.number, reason: landed.reason }, "merge of the promotion pull request not logged");
    return { kind: "not-applied", reason: landed.reason };
  }
  const { id, result: verdict } = landed;
  const ref = refOf(deps, input, record);
  const comment = verdict.approved
    ? renderOutcomeComment({ kind: "approved", decisionId: id, approvals: verdict.tally.approvals, via: "pull_request", merge }, ref)
    : renderOutcomeComment({ kind: "manual", decisionId: id, approvals: verdict.tally.approvals, quorum: verdict.tally.quorum, merge, why: verdict.why }, ref);
  const merged = { ...record, ...(record.pullRequest ? { pullRequest: { ...record.pullRequest, state: "closed" as const } } : {}) };
  if (late) {
    await deps.github.execute([{ kind: "comment.create", repo: input.repo, issueNumber: record.issue, body: comment }], deps.log);
    deps.log.warn({ issue: record.issue, pull: pull.number, decision: id }, "the promotion pull request was merged after the proposal closed; logged as a manual roster change");
  } else {
    await finish(deps, input, merged, verdict.approved ? "approved" : "manual", id, comment);
  }
  await deleteRetiredBranch(deps, input.repo, merged);
  return { kind: "decided", outcome: verdict.approved ? "approved" : "manual", decision: id };
}
