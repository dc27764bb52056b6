/**
 * The demotion notice issue (SPEC "Demotion and rotation"): it tells the
 * holder first — the reason (inactive since their last counted activity, or
 * the role held past the term limit), the measured last activity with its
 * link, the day the notice ends — and then how the same issue is decided
 * once the notice is over (the promotion rules: approvers, quorum,
 * objection, expiry counted from the notice's end), how to object, and how
 * to step down at once. When more holders of the role are due but wait
 * (removal safety), it says how many and why.
 *
 * The hidden marker `demotion` carries its key {login (lower case), role}
 * — one notice per person and role — and the notice's facts (reason, opened,
 * ends, last activity), so a record lost between creating the issue and
 * storing it is rebuilt from the issue alone.
 */
import { describeDuration, parseDuration } from "../config/duration.js";
import type { Governance } from "../config/schema.js";
import { roleBelow } from "../ladder/inactivity.js";
import { escapeMarkdownInline, mentionUser, userLink } from "./escape.js";
import { findMarker, renderMarker, type MarkerKey } from "./markers.js";
import { quorumWarningLine, whoMayApproveLine } from "./promotion-issue.js";
import { plural } from "./standing-words.js";

export const DEMOTION_MARKER = "demotion";

export interface NoticeFacts {
  login: string;
  role: string;
  reason: "inactive" | "term";
  /** ISO-8601. */
  openedAt: string;
  /** ISO-8601: openedAt + `demotion.notice`. */
  endsAt: string;
  /** The last counted contribution measured now; null when none is known. */
  lastActivity: { at: string; url: string | null } | null;
  /** The roster's `since` for the role. */
  since: string;
}

export interface DemotionIssueInput extends NoticeFacts {
  governance: Pick<Governance, "ladder" | "promotion" | "demotion">;
  /** Who may approve once the notice is over: `eligibleApprovers(roster, governance, login)`. */
  approvers: readonly string[];
  /** `proposalExpiresAt(endsAt, promotion.expires_after)`. */
  expiresAt: Date;
  webUrl: string;
  /** Other holders of this role who are due too, but wait for a later sweep (removal safety), with why. */
  waiting: { share: number; lastTopHolder: number };
}

/** "Emeritus notice: ana (maintainer)" or "Rotation notice: ana (maintainer)"; plain text, one line. */
export function demotionIssueTitle(login: string, role: string, reason: NoticeFacts["reason"]): string {
  return `${reason === "term" ? "Rotation" : "Emeritus"} notice: ${login} (${role})`.replace(/[\r\n\t]+/g, " ").slice(0, 200);
}

/** The issue body, marker last. Deterministic: the same input renders the same text. */
export function renderDemotionIssue(input: DemotionIssueInput): string {
  const { governance, webUrl } = input;
  const role = `**${escapeMarkdownInline(input.role)}**`;
  const day = (iso: string) => iso.slice(0, 10);
  const inactive = input.reason === "inactive";
  const last = input.lastActivity
    ? `${day(input.lastActivity.at)}${input.lastActivity.url && /^https?:\/\//.test(input.lastActivity.url) ? ` ([link](${input.lastActivity.url}))` : ""}`
    : `none known since the role was granted on ${input.since}`;
  const out = [`## ${inactive ? "Emeritus" : "Rotation"} notice: ${userLink(input.login, webUrl)} — ${role}`, ""];
  if (inactive) {
    const after = governance.demotion.inactive_after ?? "";
    out.push(
      `${mentionUser(input.login)}, you hold ${role} and the ladder moves holders with no counted activity (a merged pull request, a review) for ${describeDuration(parseDuration(after))} to emeritus. This is the notice that comes first.`,
    );
  } else {
    const below = roleBelow(governance, input.role);
    const limit = governance.demotion.term_limit ?? "";
    out.push(
      `${mentionUser(input.login)}, you have held ${role} since ${input.since}, past the term limit of ${describeDuration(parseDuration(limit))}: the ladder rotates the role, to ${below ? `**${escapeMarkdownInline(below)}**` : "emeritus"}. This is the notice that comes first.`,
    );
  }
  out.push("", `- **Reason:** ${inactive ? `inactive since ${input.lastActivity ? day(input.lastActivity.at) : input.since}` : `role held since ${input.since}, past the term limit`}.`);
  out.push(`- **Last counted activity:** ${last}.`);
  const noticeLength = describeDuration(Date.parse(input.endsAt) - Date.parse(input.openedAt));
  out.push(
    `- **Notice ends:** ${day(input.endsAt)} (${noticeLength} after this issue was opened). Until then this cannot be approved${inactive ? ", and any counted activity of yours closes it as cancelled" : ""}.`,
  );

  const quorum = governance.promotion.quorum;
  const objection =
    governance.promotion.objection === "block" ? "react 👎 (an approver's objection holds it until removed)" : "react 👎 (recorded in the decision log; it does not hold the proposal)";
  out.push("", "### After the notice", "");
  out.push(`This issue becomes a proposal, decided by the same rules as promotions:`, "");
  out.push(whoMayApproveLine(governance, input.approvers, webUrl));
  out.push(`- **Quorum:** ${plural(quorum, "approval")}, by 👍 on this issue. 👍 given before the notice ends never count.`);
  const warning = quorumWarningLine(input.approvers.length, quorum);
  if (warning) out.push(warning);
  out.push(`- **To object:** ${objection}, or comment \`/reject <reason>\` (approvers) to close it and keep ${userLink(input.login, webUrl)} in the role.`);
  out.push(`- **Expires:** ${day(input.expiresAt.toISOString())} if undecided (${describeDuration(parseDuration(governance.promotion.expires_after))} after the notice ends); the role is kept.`);
  out.push(
    `- **If approved:** ${userLink(input.login, webUrl)} moves to ${inactive || roleBelow(governance, input.role) === null ? `emeritus (as former ${role})` : `**${escapeMarkdownInline(roleBelow(governance, input.role) ?? "")}**`}; the teams, CODEOWNERS lines and bypass the role grants are taken away. The decision is logged.`,
  );
  out.push(`- **To step down now:** ${userLink(input.login, webUrl)} may comment \`/step-down\`; it takes effect at once.`);
  const waiting: string[] = [];
  if (input.waiting.share > 0) waiting.push(`${plural(input.waiting.share, "more holder")} of ${role} ${input.waiting.share === 1 ? "is" : "are"} due but ${input.waiting.share === 1 ? "waits" : "wait"}: one sweep puts at most ${Math.round(governance.demotion.max_removal_share * 100)}% of a role's holders (at least one) in notice at once`);
  if (input.waiting.lastTopHolder > 0) waiting.push(`${plural(input.waiting.lastTopHolder, "more holder")} of ${role} ${input.waiting.lastTopHolder === 1 ? "is" : "are"} due but never proposed while they would leave the role without holders`);
  if (waiting.length > 0) out.push("", `⏸️ When this notice opened, ${waiting.join("; and ")}.`);
  out.push("", "Reactions and commands from people without an approver role, from the holder and from bots do not count. The current tally is kept in a comment below.");
  out.push("", renderMarker(DEMOTION_MARKER, noticeMarkerKey(input)));
  return out.join("\n");
}

function noticeMarkerKey(f: NoticeFacts): MarkerKey {
  const key: MarkerKey = { login: f.login.toLowerCase(), role: f.role, reason: f.reason, opened: f.openedAt, ends: f.endsAt, since: f.since };
  if (f.lastActivity) key.last = f.lastActivity.at;
  if (f.lastActivity?.url) key.lastUrl = f.lastActivity.url;
  return key;
}

/**
 * The notice's facts from an issue body the app wrote, or null when it has no
 * well-formed `demotion` marker. Only trust bodies of issues the app opened.
 */
export function readDemotionMarker(body: string): NoticeFacts | null {
  return noticeFromKey(findMarker(body, DEMOTION_MARKER));
}

/** The notice's facts from a `demotion` marker key (as `MarkedIssue.key` carries it), or null when it is not well-formed. */
export function noticeFromKey(key: MarkerKey | null): NoticeFacts | null {
  if (!key) return null;
  const str = (name: string) => (typeof key[name] === "string" && key[name] !== "" ? (key[name] as string) : null);
  const login = str("login");
  const role = str("role");
  const reason = str("reason");
  const openedAt = str("opened");
  const endsAt = str("ends");
  const since = str("since");
  if (!login || !role || !openedAt || !endsAt || !since || (reason !== "inactive" && reason !== "term")) return null;
  if (!Number.isFinite(Date.parse(openedAt)) || !Number.isFinite(Date.parse(endsAt))) return null;
  const last = str("last");
  return { login: login.toLowerCase(), role, reason, openedAt, endsAt, since, lastActivity: last ? { at: last, url: str("lastUrl") } : null };
}
