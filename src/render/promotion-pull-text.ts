/**
 * The promotion pull request's title, body and commit message, and the
 * comment that closes it when the proposal was decided another way. Each body
 * carries a hidden marker (`promotion-pull`, `promotion-pull-closed`) with
 * the proposal's key.
 *
 * The body says how the merge is counted (see usecases/approve-by-merge.ts)
 * and that the log entry follows in the app's own commit right after the
 * merge: the decision id is allocated then, not when the pull request is
 * opened, so ids stay gapless however many pull requests are closed unmerged.
 */
import type { Governance } from "../config/schema.js";
import { escapeMarkdownInline, userLink } from "./escape.js";
import { renderMarker } from "./markers.js";
import { promotionKey } from "./promotion-issue.js";

export const PULL_MARKER = "promotion-pull";
export const PULL_CLOSED_MARKER = "promotion-pull-closed";

export interface PromotionPullInput {
  login: string;
  role: string;
  /** The role held now (null: none). */
  from: string | null;
  /** The proposal issue; null in a dry run, before the issue exists. */
  issue: { number: number; url: string } | null;
  governance: Pick<Governance, "promotion" | "roster" | "log">;
  webUrl: string;
}

/** "Roster: promote ana to member" — plain text, like the issue title. */
export function promotionPullTitle(login: string, role: string): string {
  return `Roster: promote ${login} to ${role}`.replace(/[\r\n\t]+/g, " ").slice(0, 200);
}

/** The message of the commit on the pull request's branch. */
export function promotionPullCommitMessage(input: Pick<PromotionPullInput, "login" | "role" | "issue">): string {
  const where = input.issue ? ` (proposal #${input.issue.number})` : "";
  return `Promote ${input.login} to ${input.role}${where}\n\nThe decision log entry is written by Stewards when this change is merged.`;
}

export function renderPromotionPullBody(input: PromotionPullInput): string {
  const { promotion } = input.governance;
  const role = `**${escapeMarkdownInline(input.role)}**`;
  const proposal = input.issue ? `[#${input.issue.number}](${input.issue.url})` : "the proposal issue";
  const from = input.from ? ` (from **${escapeMarkdownInline(input.from)}**)` : "";
  const quorum = promotion.quorum;
  const counted =
    `the person who merges counts if they hold an approver role, and so does each approving review by an approver` +
    (promotion.approve_with === "either" ? `, and each 👍 on ${proposal}` : "");
  const out = [
    `Adds ${userLink(input.login, input.webUrl)} to \`${input.governance.roster.path}\` as ${role}${from}, as proposed in ${proposal} — the evidence and who may approve are there.`,
    "",
    `**Merging this pull request approves the promotion** when ${quorum} ${quorum === 1 ? "approval is" : "approvals are"} reached at the merge: ${counted}. The candidate's own approval and merge do not count.`,
    "",
    `- Stewards then writes the decision to \`${input.governance.log.path}\` in a commit right after the merge, which also records the decision id and the day of the merge in this roster entry, and closes ${proposal}.`,
    "- A merge short of the quorum (for example by an admin without approving reviews) still changes the roster: it is logged as a **manual roster change**, not as a promotion.",
    "- Closing this pull request without merging is not a rejection: the proposal stays open until it is decided or expires. To reject, comment `/reject <reason>` on the proposal.",
    "- Please do not push to this branch: Stewards keeps it up to date with the base branch, and a merge that includes anyone else's commits is logged as a manual roster change.",
  ];
  if (promotion.approve_with === "either") out.push(`- If ${proposal} is approved by reactions first, Stewards closes this pull request.`);
  out.push("", renderMarker(PULL_MARKER, promotionKey(input.login, input.role)));
  return out.join("\n");
}

/** The comment on the pull request when the proposal was decided without it (approved by reaction, rejected, withdrawn, expired). */
export function renderPullClosedComment(input: { login: string; role: string; issue: { number: number; url: string }; why: string }): string {
  return [
    `Closing: ${escapeMarkdownInline(input.why)} on [#${input.issue.number}](${input.issue.url}), so this pull request is no longer needed.`,
    "",
    renderMarker(PULL_CLOSED_MARKER, promotionKey(input.login, input.role)),
  ].join("\n");
}
