/**
 * The comments the app keeps on a promotion issue: the status comment (the
 * current tally, one comment updated in place) and the outcome comment
 * (approved, rejected, expired, withdrawn), each with its hidden marker.
 * A demotion notice (render/demotion-issue.ts) is decided by the same rules
 * and keeps the same two comments (`ref.kind: "demotion"` marks them as its
 * own), with the notice in the status and its own outcomes (demoted, cancelled).
 *
 * The status comment renders only from the tally, which lists everything in
 * a fixed order and holds no clock: the same tally renders the same text, so
 * the app compares bodies and skips an update that would change nothing.
 */
import type { IgnoredReason, IgnoredVote, Tally, Vote } from "../ladder/tally.js";
import { escapeMarkdownInline, userLink } from "./escape.js";
import { renderMarker } from "./markers.js";
import { promotionKey } from "./promotion-issue.js";

export const STATUS_MARKER = "promotion-status";
export const OUTCOME_MARKER = "promotion-outcome";
export const DEMOTION_STATUS_MARKER = "demotion-status";
export const DEMOTION_OUTCOME_MARKER = "demotion-outcome";

export interface ProposalRef {
  /** The candidate's login (for a demotion: the holder). */
  candidate: string;
  role: string;
  /** GitHub's web root for profile links. */
  webUrl: string;
  /** Whose comments these are, for their markers (default: promotion). */
  kind?: "promotion" | "demotion";
}

/** A demotion's notice as the status comment shows it: when it ends, and whether it has (the caller's clock). */
export interface NoticeStatus {
  endsAt: string;
  over: boolean;
}

const markers = (ref: ProposalRef) => (ref.kind === "demotion" ? { status: DEMOTION_STATUS_MARKER, outcome: DEMOTION_OUTCOME_MARKER } : { status: STATUS_MARKER, outcome: OUTCOME_MARKER });

const WHY: Record<IgnoredReason, string> = {
  bot: "a bot",
  candidate: "the candidate",
  "not-an-approver": "holds no approver role",
  duplicate: "counted once",
  "also-objected": "also objected, so the objection stands",
  "before-notice-end": "given before the notice ended",
};

/** The promotion pull request as the status comment shows it (`approve_with: pull_request | either`). */
export interface PullStatus {
  number: number;
  url: string;
  /** GitHub's state; a merged pull request is decided, not shown here. */
  state: "open" | "closed";
}

/**
 * The status comment for `tally` (null under `approve_with: pull_request`:
 * reactions are not votes, so there is no tally to show) and the promotion
 * pull request, marker last; see the module comment. With `notice` (a
 * demotion), the headline says while the notice runs that it cannot be
 * approved yet, and a line says that 👍 from before its end do not count.
 */
export function renderStatusComment(tally: Tally | null, ref: ProposalRef, pull?: PullStatus, notice?: NoticeStatus): string {
  const marker = renderMarker(markers(ref).status, promotionKey(ref.candidate, ref.role));
  const pullLine = pull ? pullWords(pull, tally !== null) : null;
  if (tally === null) return [pullLine ?? "⏳ Waiting for the pull request that makes the roster change.", "", marker].join("\n");
  const link = (l: string) => userLink(l, ref.webUrl);
  const votes = (vs: readonly Vote[]) => (vs.length === 0 ? "—" : vs.map((v) => `${link(v.login)} (${escapeMarkdownInline(v.role)})`).join(", "));
  const ends = notice ? notice.endsAt.slice(0, 10) : "";
  const out = [`**Tally:** ${notice && !notice.over ? `📣 in notice until ${ends}: this cannot be approved before then.` : headline(tally)}`, ""];
  out.push(`- 👍 **Approvals:** ${tally.approvals.length} of ${tally.quorum} needed: ${votes(tally.approvals)}`);
  out.push(
    `- 👎 **Objections:** ${tally.objections.length}${tally.objectionBlocks ? "" : " (recorded; they do not hold the proposal)"}: ${votes(tally.objections)}`,
  );
  if (tally.ignored.length > 0) out.push(`- **Not counted:** ${tally.ignored.map((i) => ignoredWords(i, link)).join(", ")}`);
  if (!tally.reachable) {
    out.push(
      "",
      `⚠️ Only ${tally.eligible.length} ${tally.eligible.length === 1 ? "person" : "people"} may approve, fewer than the quorum of ${tally.quorum}: this proposal cannot be approved until more people hold an approver role or the ladder lowers the quorum.`,
    );
  }
  if (pullLine) out.push("", pullLine);
  if (notice) out.push("", `👍 given before the notice ended (${ends}) never count: approvals count from then on.`);
  out.push("", marker);
  return out.join("\n");
}

function pullWords(pull: PullStatus, reactionsToo: boolean): string {
  const pr = `[#${pull.number}](${pull.url})`;
  if (pull.state === "open") return `**Pull request:** ${pr} makes the roster change; approving and merging it ${reactionsToo ? "is the other way to approve" : "is how this proposal is approved"}.`;
  const instead = reactionsToo ? "Reopen and merge it, approve with 👍 here," : "Reopen and merge it to approve,";
  return `⏸️ **Pull request:** ${pr} was closed without merging. That is not a rejection: the proposal stays open until it is decided or expires. ${instead} or comment \`/reject <reason>\`.`;
}

function headline(t: Tally): string {
  if (t.blocked) return `✋ held by ${t.objections.length === 1 ? "an objection" : `${t.objections.length} objections`}; ${t.approvals.length} of ${t.quorum} approvals.`;
  if (t.approved) return `✅ quorum reached: ${t.approvals.length} of ${t.quorum} approvals.`;
  return `⏳ ${t.approvals.length} of ${t.quorum} approvals.`;
}

function ignoredWords(i: IgnoredVote, link: (l: string) => string): string {
  return `${link(i.login)} ${i.content === "+1" ? "👍" : "👎"} (${WHY[i.why]})`;
}

export type Outcome =
  | {
      kind: "approved";
      decisionId: string;
      approvals: readonly Vote[];
      via: "reaction" | "pull_request";
      /** The merged pull request and who merged it (`via: "pull_request"`). */
      merge?: { number: number; url: string; by: string | null };
    }
  /** The promotion pull request was merged without the approvals a promotion needs: logged as a manual roster change. */
  | { kind: "manual"; decisionId: string; approvals: readonly Vote[]; quorum: number; merge: { number: number; url: string; by: string | null }; why: string }
  | { kind: "rejected"; decisionId: string; by: string; reason: string }
  | { kind: "expired"; decisionId: string; expiresAt: Date; approvals: number; quorum: number }
  | { kind: "withdrawn"; decisionId: string; by: string }
  /** A demotion approved: the holder moved to the role below (`to`), or to emeritus (`to: null`). */
  | { kind: "demoted"; decisionId: string; approvals: readonly Vote[]; to: string | null }
  /** A demotion closed without one: `why` in plain words (escaped here), `link` to the activity that cancelled it. */
  | { kind: "cancelled"; decisionId: string; why: string; link: string | null };

export interface OutcomeOptions extends ProposalRef {
  /** The web address of the governance log, to link the decision id. */
  logUrl?: string;
  /** `appeals.within` (e.g. "14d"), to tell the candidate they can appeal a rejection; leave out while appeals are not offered. */
  appealWithin?: string;
}

/** The comment that closes the proposal: what was decided, by whom, and its log id; marker last. */
export function renderOutcomeComment(outcome: Outcome, opts: OutcomeOptions): string {
  const link = (l: string) => userLink(l, opts.webUrl);
  const role = `**${escapeMarkdownInline(opts.role)}**`;
  const id = opts.logUrl ? `[${outcome.decisionId}](${opts.logUrl})` : outcome.decisionId;
  const logged = `Recorded as ${id} in the governance log.`;
  let text: string;
  switch (outcome.kind) {
    case "approved": {
      const merged = outcome.merge ? `the merge of [#${outcome.merge.number}](${outcome.merge.url})${outcome.merge.by ? ` by ${link(outcome.merge.by)}` : ""}` : null;
      const how =
        outcome.via === "pull_request"
          ? merged
            ? `by ${merged}, with ${outcome.approvals.length} ${outcome.approvals.length === 1 ? "approval" : "approvals"}`
            : "by merging the roster pull request"
          : `with ${outcome.approvals.length} ${outcome.approvals.length === 1 ? "approval" : "approvals"}`;
      const who = outcome.approvals.length > 0 ? ` (${outcome.approvals.map((v) => link(v.login)).join(", ")})` : "";
      text = `✅ **Approved** ${how}${who}: ${link(opts.candidate)} now holds ${role}, and the roster is updated. ${logged}`;
      break;
    }
    case "manual": {
      const by = outcome.merge.by ? ` by ${link(outcome.merge.by)}` : "";
      const votes = outcome.approvals.length > 0 ? ` (counted: ${outcome.approvals.map((v) => link(v.login)).join(", ")}; ${outcome.quorum} needed)` : "";
      text =
        `⚠️ **Merged without the approvals:** [#${outcome.merge.number}](${outcome.merge.url}) was merged${by}${votes}, which does not approve it: ${escapeMarkdownInline(outcome.why)}. ` +
        `${link(opts.candidate)} now holds ${role} through a **manual roster change**, not an approved promotion. ${logged}`;
      break;
    }
    case "rejected": {
      const appeal = opts.appealWithin ? ` ${link(opts.candidate)} may appeal within ${escapeMarkdownInline(opts.appealWithin)} with \`/appeal <reason>\` here.` : "";
      text = `❌ **Rejected** by ${link(outcome.by)}: “${escapeMarkdownInline(outcome.reason)}”. ${logged}${appeal}`;
      break;
    }
    case "expired":
      text = `⌛ **Expired** on ${outcome.expiresAt.toISOString().slice(0, 10)} without a decision (${outcome.approvals} of ${outcome.quorum} approvals). ${logged}`;
      break;
    case "withdrawn":
      text = `↩️ **Withdrawn** by ${link(outcome.by)}. ${logged}`;
      break;
    case "demoted": {
      const who = outcome.approvals.length > 0 ? ` (${outcome.approvals.map((v) => link(v.login)).join(", ")})` : "";
      const now = outcome.to === null ? `is now **emeritus** (formerly ${role})` : `now holds **${escapeMarkdownInline(outcome.to)}** instead of ${role}`;
      text = `✅ **Approved** with ${outcome.approvals.length} ${outcome.approvals.length === 1 ? "approval" : "approvals"}${who}: ${link(opts.candidate)} ${now}. The roster is updated, and the teams, CODEOWNERS lines and bypass the role granted follow it. ${logged}`;
      break;
    }
    case "cancelled":
      text = `🟢 **Cancelled:** ${escapeMarkdownInline(outcome.why)}${outcome.link && /^https?:\/\//.test(outcome.link) ? ` ([link](${outcome.link}))` : ""}. No role changes. ${logged}`;
      break;
  }
  return [text, "", renderMarker(markers(opts).outcome, { ...promotionKey(opts.candidate, opts.role), outcome: outcome.kind })].join("\n");
}
