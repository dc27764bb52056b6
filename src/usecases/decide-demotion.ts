/**
 * The demotion kind of decision (SPEC "Demotion and rotation"), on the one
 * decision pipeline: `reviewProposal` (decide-proposal.ts) holds the lease,
 * reads the reactions and tallies them with the promotion rules; this file
 * adds what a demotion decides differently, and nothing else:
 *
 * - `demotionEnded`: what closes a notice before any vote — counted activity
 *   the notice did not know of (an inactivity notice only: a rotation is
 *   about time held, not activity, and an active holder is exactly who a
 *   term limit is for), or a roster on which the person no longer holds the
 *   role (they stepped down, or someone changed the roster). Closed as
 *   `cancelled`, logged as a `withdrawal` (nobody decided against anyone);
 * - `demote`: the approved outcome — the tally read again on the roster at
 *   the branch head (👍 from before the notice's end never count), then ONE
 *   commit: the roster (emeritus with the role held, or for a rotation the
 *   role below when the ladder has one), the log entry (`emeritus`, or
 *   `demotion` for a rotation) and the CODEOWNERS block; access follows
 *   through `onRosterChanged`, which removes roster-named people from granted
 *   teams even when they were there before the app.
 *
 * Activity: the port gives each person's LAST counted activity, so activity
 * inside the notice that is followed by more after it looks like activity
 * after it. Any counted activity newer than what the notice measured, seen
 * before the decision, therefore cancels an inactivity notice: the person
 * is not inactive, whichever day they came back — unless that contribution
 * is itself older than `inactive_after` (the ledger learned of an old one
 * late): it does not make them active.
 */
import { parseDuration } from "../config/duration.js";
import type { Governance, Roster } from "../config/schema.js";
import type { IssueReaction } from "../github/issue-reads.js";
import { lastCountedActivity, roleBelow } from "../ladder/inactivity.js";
import { tallyReactions, type Tally } from "../ladder/tally.js";
import { demotionEvidenceRows } from "../log/evidence-rows.js";
import type { RepoRef } from "../plan/actions.js";
import type { RosterChange } from "../plan/roster-edit.js";
import { renderOutcomeComment } from "../render/promotion-comments.js";
import { commitDecision, type DecisionStep } from "./decision-pipeline.js";
import type { Closing, DecideDeps, DecideInput, DecideOutcome } from "./decide-proposal.js";
import { fieldsFor } from "./history-readiness.js";
import { contributionQuery, type MeasureDeps } from "./measure-contributor.js";
import { finish, issueUrl, refOf, today } from "./proposal-outcome.js";
import type { DemotionNotice, ProposalRecord } from "./proposal-records.js";

/** A person's last counted contribution (a merged pull request they authored, a review they gave). */
export interface CountedActivity {
  /** ISO-8601. */
  at: string;
  /** The contribution's web address, when known. */
  url: string | null;
}

/**
 * The last counted contribution of each of `logins`, from the ledger (the
 * ladder's counting rules: excluded authors, labels, sizes and paths do not
 * count), keyed by lower-case login; a login with none known is absent.
 * Reads the store only, never GitHub. Rejects on a store failure.
 */
export type LastActivityPort = (logins: readonly string[]) => Promise<ReadonlyMap<string, CountedActivity>>;

/**
 * The LastActivityPort of `repo` from the ledger in the store (two reads per
 * call), asking the history gate first: a history not read yet would make
 * everyone look inactive, so it rejects (HistoryPendingError) until it is.
 */
export function lastActivityFromLedger(deps: MeasureDeps, input: { repo: RepoRef; governance: Governance; now: () => Date }): LastActivityPort {
  return async (logins) => {
    if (logins.length === 0) return new Map();
    await deps.gate.require(input.repo, fieldsFor(input.governance.counting));
    const query = contributionQuery(input.governance, input.repo, [...logins]);
    const [pullRequests, reviews] = await Promise.all([deps.ledger.listPullRequests(query), deps.ledger.listReviews(query)]);
    return lastCountedActivity({ pullRequests, reviews }, input.governance.counting, logins, input.now());
  };
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The notice of a demotion record; throws for a record of another kind (a programming error). */
export function noticeOf(record: ProposalRecord): DemotionNotice {
  if (!record.notice) throw new Error(`proposal ${record.repo}#${record.issue} is not a demotion`);
  return record.notice;
}

/**
 * Why the open demotion `record` closes now without a decision, or null when
 * it goes on. Counted activity is asked of `deps.lastActivity` when there is
 * one (the sweep always passes it; a review from a comment without it only
 * leaves the cancellation to the next sweep).
 */
export async function demotionEnded(deps: Pick<DecideDeps, "lastActivity">, input: Pick<DecideInput, "roster" | "governance" | "now">, record: ProposalRecord): Promise<Closing | null> {
  const notice = noticeOf(record);
  const held = input.roster.members.find((m) => same(m.login, record.login));
  if (!held || held.role !== record.role) {
    const now = held ? `holds ${held.role}` : "holds no role";
    return { outcome: "cancelled", by: null, decidedBy: "the roster (the role is no longer held)", reason: `${record.login} no longer holds ${record.role} on the roster (${now})`, activity: null };
  }
  if (notice.reason !== "inactive" || !deps.lastActivity) return null;
  const last = (await deps.lastActivity([record.login])).get(record.login.toLowerCase());
  if (!last) return null;
  const t = Date.parse(last.at);
  const newer = t > (notice.lastActivity ? Date.parse(notice.lastActivity.at) : Number.NEGATIVE_INFINITY);
  // An old contribution the ledger learned of only now (a backfill) does not make the person active.
  const after = input.governance.demotion.inactive_after;
  const recent = after === null || t + parseDuration(after) > input.now.getTime();
  if (!newer || !recent) return null;
  return {
    outcome: "cancelled",
    by: null,
    decidedBy: "counted activity during the notice",
    reason: `counted activity on ${last.at.slice(0, 10)}${Date.parse(last.at) >= Date.parse(record.openedAt) ? ", after the notice opened" : ", which the notice had not counted"}`,
    activity: last,
  };
}

/** The tally of a demotion: the promotion rules, approvals counted from the notice's end. */
export function tallyDemotion(reactions: readonly IssueReaction[], roster: Roster, governance: Governance, record: ProposalRecord): Tally {
  return tallyReactions({ reactions, roster, governance, candidate: record.login, countFrom: noticeOf(record).endsAt });
}

/** The approved demotion: one commit of roster, log entry and CODEOWNERS, then the outcome comment and the close. */
export async function demote(deps: DecideDeps, input: DecideInput, record: ProposalRecord, reactions: readonly IssueReaction[]): Promise<DecideOutcome> {
  const gov = input.governance;
  const notice = noticeOf(record);
  const day = today(input.now);
  const below = roleBelow(gov, record.role);
  const rotation = notice.reason === "term" && below !== null;
  const landed = await commitDecision(deps, {
    repo: input.repo,
    branch: input.branch,
    governance: gov,
    invalidRoster: `${gov.roster.path} on ${input.branch} is invalid; fix it and the demotion will be applied`,
    decide: (roster): DecisionStep<{ tally: Tally; to: string | null }> => {
      const tally = tallyDemotion(reactions, roster, gov, record);
      if (!tally.approved) return { kind: "refused", reason: "the approvals no longer reach the quorum with the roster as it is now" };
      const held = roster.members.find((m) => same(m.login, record.login));
      if (!held || held.role !== record.role) return { kind: "refused", reason: `${record.login} no longer holds ${record.role} on the roster` };
      const approvers = tally.approvals.map((v) => v.login);
      const to = rotation ? below : null;
      const change = (id: string): RosterChange =>
        rotation ? { kind: "step-down", login: held.login, role: record.role, since: day, decision: id } : { kind: "emeritus", login: held.login, since: day, decision: id };
      return {
        kind: "decided",
        draft: {
          kind: notice.reason === "term" ? "demotion" : "emeritus",
          date: day,
          subject: held.login,
          role: { from: record.role, to },
          evidence: demotionEvidenceRows({ ...notice, role: record.role }, gov.demotion, input.now),
          approvers,
          objectors: tally.objections.map((v) => v.login),
          reason: null,
          link: { label: `${record.repo}#${record.issue}`, url: issueUrl(deps.webUrl, input.repo, record.issue) },
          decidedBy: `quorum of ${tally.quorum} (${approvers.join(", ")})`,
          key: `demotion:${record.repo}#${record.issue}`,
        },
        change,
        message: (id) => `${id}: ${held.login} ${to ? `rotates from ${record.role} to ${to}` : `becomes emeritus (${record.role})`}\n\nApproved on ${record.repo}#${record.issue} by ${approvers.join(", ")}.`,
        result: { tally, to },
      };
    },
  });
  if (landed.kind === "not-applied") return { kind: "not-applied", reason: landed.reason };
  const comment = renderOutcomeComment({ kind: "demoted", decisionId: landed.id, approvals: landed.result.tally.approvals, to: landed.result.to }, refOf(deps, input, record));
  await finish(deps, input, record, "approved", landed.id, comment);
  return { kind: "decided", outcome: "approved", decision: landed.id };
}
