/**
 * The promotion issue (SPEC "Proposing"): who, which role, the evidence, who
 * may approve, the quorum, how to approve, object, reject or withdraw, and
 * when it expires. The hidden marker `promotion` carries its key
 * {login (lower case), role, revision?}: one open proposal per person and role.
 *
 * Mentions: the candidate is mentioned once (`@ana`), because they should
 * learn they were proposed and may `/withdraw`. Approvers are listed as
 * profile links, not mentions: on a busy project every proposal would
 * otherwise notify every maintainer, and the list is re-rendered when the
 * roster changes; approvers follow the `stewards:promotion` label instead.
 */
import { describeDuration, parseDuration } from "../config/duration.js";
import type { Governance } from "../config/schema.js";
import type { Standing } from "../ladder/standing.js";
import { approverRoles } from "../ladder/tally.js";
import { escapeMarkdownInline, mentionUser, userLink } from "./escape.js";
import type { MarkerKey } from "./markers.js";
import { findMarker, renderMarker } from "./markers.js";
import { renderRungMarkdown } from "./standing.js";
import { listWords } from "./standing-words.js";

export const PROMOTION_MARKER = "promotion";
/** Approvers listed by name before "and N more". */
const APPROVERS_SHOWN = 30;

export interface PromotionKey {
  /** Lower case. */
  login: string;
  role: string;
  /** The ladder revision the proposal was measured against (e.g. the blob sha of governance.yml), when known. */
  revision: string | null;
}

export interface PromotionIssueInput {
  /** The candidate's standing at proposal time. */
  standing: Standing;
  /** The role proposed: a rung of the ladder above the candidate's role. */
  role: string;
  governance: Governance;
  /** Who may approve: `eligibleApprovers(roster, governance, candidate)`. */
  approvers: readonly string[];
  /** `proposalExpiresAt(openedAt, governance.promotion.expires_after)`. */
  expiresAt: Date;
  /** GitHub's web root for profile links. */
  webUrl: string;
  revision?: string;
  /** Set for `/nominate`: who nominated, and their reason (user text, escaped here). */
  nomination?: { by: string; reason: string | null };
  /** The pull request making the roster change, with `approve_with: pull_request | either`. */
  pullRequest?: { number: number; url: string };
  /** Evidence links per requirement (default 5). */
  evidenceShown?: number;
}

/** The marker key of the proposal for `login` and `role` (login lower-cased, revision only when given). */
export function promotionKey(login: string, role: string, revision?: string): MarkerKey {
  return revision === undefined ? { login: login.toLowerCase(), role } : { login: login.toLowerCase(), revision, role };
}

/**
 * The issue title: "Promote ana to reviewer", or "Nomination: ana for
 * reviewer". Titles are plain text (GitHub links no mentions there); line
 * breaks are removed all the same.
 */
export function promotionIssueTitle(login: string, role: string, nominated = false): string {
  const title = nominated ? `Nomination: ${login} for ${role}` : `Promote ${login} to ${role}`;
  return title.replace(/[\r\n\t]+/g, " ").slice(0, 200);
}

/**
 * The issue body, marker last. Deterministic: the same input renders the
 * same text, so the app can skip an update that changes nothing. Throws
 * RangeError when `role` is not a rung of the standing (the caller checks a
 * nominated role against the ladder first).
 */
export function renderPromotionIssue(input: PromotionIssueInput): string {
  const { standing, governance, webUrl } = input;
  const rung = standing.rungs.find((r) => r.role === input.role);
  if (!rung) throw new RangeError(`${JSON.stringify(input.role)} is not a rung of the ladder`);
  const role = `**${escapeMarkdownInline(input.role)}**`;
  const person = userLink(standing.login, webUrl);
  const promotion = governance.promotion;

  const out = [`## Promotion proposal: ${person} → ${role}`, ""];
  if (input.nomination) {
    const reason = input.nomination.reason ? `: “${escapeMarkdownInline(input.nomination.reason)}”` : ".";
    out.push(
      `${userLink(input.nomination.by, webUrl)} nominates ${mentionUser(standing.login)} for ${role}${reason}`,
      "A nomination shows every requirement, met or not; the same approval rules apply.",
    );
  } else {
    out.push(`${mentionUser(standing.login)} meets every requirement for ${role}. The approvers decide whether to grant it.`);
  }
  const current = standing.currentRole ? `**${escapeMarkdownInline(standing.currentRole)}** since ${standing.currentRoleSince ?? "an unknown date"}` : "none";
  out.push("", `Current role: ${current}. Measured on ${standing.measuredAt.slice(0, 10)}.`, "", "### Evidence", "");
  out.push(rung.byNominationOnly ? `${role} is reached by nomination only: it names no requirement to measure.` : renderRungMarkdown(rung, standing, governance, input.evidenceShown ?? 5));

  const quorum = promotion.quorum;
  out.push("", "### How this is decided", "");
  out.push(whoMayApproveLine(governance, input.approvers, webUrl));
  out.push(`- **Quorum:** ${quorum} ${quorum === 1 ? "approval" : "approvals"}.`);
  const warning = quorumWarningLine(input.approvers.length, quorum);
  if (warning) out.push(warning);
  out.push(`- **To approve:** ${approveWords(promotion.approve_with, quorum, input.pullRequest)}`);
  out.push(`- **To object:** ${objectWords(promotion.approve_with, promotion.objection)}`);
  out.push("- **To reject:** comment `/reject <reason>` (approvers; the reason is required and goes into the decision log).");
  out.push(`- **To withdraw:** ${userLink(standing.login, webUrl)} may comment \`/withdraw\`.`);
  out.push(`- **Expires:** ${input.expiresAt.toISOString().slice(0, 10)} if undecided (${describeDuration(parseDuration(promotion.expires_after))} after it was opened).`);
  out.push(
    "",
    promotion.approve_with === "pull_request"
      ? "Reviews, merges and commands from people without an approver role, from the candidate and from bots do not count; reactions to this issue are not votes."
      : "Reactions and commands from people without an approver role, from the candidate and from bots do not count. The current tally is kept in a comment below.",
    "",
    renderMarker(PROMOTION_MARKER, promotionKey(standing.login, input.role, input.revision)),
  );
  return out.join("\n");
}

/** The "Who may approve" list item: the approver roles, and who holds them (the first APPROVERS_SHOWN by name). Shared with the demotion notice. */
export function whoMayApproveLine(governance: Pick<Governance, "ladder" | "promotion">, approvers: readonly string[], webUrl: string): string {
  const roles = approverRoles(governance);
  const shown = approvers.slice(0, APPROVERS_SHOWN).map((l) => userLink(l, webUrl));
  const more = approvers.length - shown.length;
  const who = approvers.length === 0 ? "nobody yet" : `${shown.join(", ")}${more > 0 ? ` and ${more} more` : ""}`;
  return `- **Who may approve:** holders of ${listWords(roles.map((r) => `**${escapeMarkdownInline(r)}**`), "or") || "no role (the ladder names no approver role)"}: ${who}.`;
}

/** The list item warning that fewer people may approve than the quorum asks; null when enough may. */
export function quorumWarningLine(approvers: number, quorum: number): string | null {
  if (approvers >= quorum) return null;
  return `- ⚠️ Only ${approvers} ${approvers === 1 ? "person" : "people"} may approve, so the quorum cannot be reached until more people hold an approver role or the ladder lowers the quorum.`;
}

/** How the body names the promotion pull request before it is opened; `withPullRequestLink` replaces it with the link. */
const PULL_PLACEHOLDER = "the pull request that makes the roster change (linked here once opened)";

function pullWords(pr: { number: number; url: string } | undefined): string {
  return pr ? `[#${pr.number}](${pr.url}), the pull request that makes the roster change` : PULL_PLACEHOLDER;
}

function approveWords(approveWith: Governance["promotion"]["approve_with"], quorum: number, pr: { number: number; url: string } | undefined): string {
  if (approveWith === "reaction") return "react 👍 to this issue.";
  const counts =
    quorum === 1
      ? "The merge approves when someone holding an approver role merged it, or approved it in a review."
      : `The merge approves when ${quorum} approvals are reached: the person who merges counts if they hold an approver role, and so does each approving review by an approver${approveWith === "either" ? ", and each 👍 here" : ""}.`;
  const merge = `approve and merge ${pullWords(pr)}. ${counts} A merge short of that still changes the roster, and is logged as a manual roster change instead of a promotion.`;
  return approveWith === "pull_request" ? merge : `react 👍 to this issue, or ${merge}`;
}

function objectWords(approveWith: Governance["promotion"]["approve_with"], objection: Governance["promotion"]["objection"]): string {
  const how = approveWith === "reaction" ? "react 👎" : approveWith === "pull_request" ? "request changes in a review of the pull request" : "react 👎, or request changes in a review of the pull request";
  return objection === "block"
    ? `${how}. An approver's objection holds the proposal until it is removed.`
    : `${how}. Objections are recorded in the decision log but do not hold the proposal.`;
}

/**
 * `body` (an issue body this module rendered without `pullRequest`) with the
 * pull request linked, exactly as `renderPromotionIssue` renders it with
 * `pullRequest` — so the app links the pull request it opened after the
 * issue without rendering the evidence again.
 */
export function withPullRequestLink(body: string, pr: { number: number; url: string }): string {
  return body.split(PULL_PLACEHOLDER).join(pullWords(pr));
}

/**
 * The proposal's key from an issue body the app wrote, or null when it has no
 * well-formed `promotion` marker. Only trust bodies of issues the app opened
 * (anyone can type a marker into their own issue).
 */
export function readPromotionMarker(body: string): PromotionKey | null {
  const key = findMarker(body, PROMOTION_MARKER);
  if (!key || typeof key.login !== "string" || typeof key.role !== "string" || key.login === "" || key.role === "") return null;
  const revision = key.revision;
  return { login: key.login.toLowerCase(), role: key.role, revision: typeof revision === "string" ? revision : null };
}
