/**
 * What an appeal says on GitHub: the appeal issue (the decision contested,
 * the appellant's reason, the panel and how to vote), the status comment with
 * the tally (edited in place), the outcome comment, and the replies that
 * refuse a filing or a vote — each saying why and, where it applies, when an
 * appeal would be possible.
 *
 * The panel is mentioned on purpose (SPEC: "assigns them to the issue and
 * mentions them"); every other login is a profile link and user text is
 * escaped, so nothing a person typed notifies anyone.
 */
import type { AppealTally } from "../ladder/appeal-tally.js";
import type { AppealCheck } from "../ladder/appeal-limits.js";
import { codeSpan, escapeMarkdownInline, mentionUser, userLink } from "./escape.js";

export const APPEAL_LABEL = "stewards:appeal";
export const APPEAL_MARKER = "appeal";

export interface AppealView {
  /** The decision contested, e.g. D-0007, its kind and subject. */
  decision: { id: string; kind: string; subject: string; url: string | null };
  appellant: string;
  reason: string;
  panel: readonly string[];
  /** Empty seats for want of eligible people. */
  short: number;
  quorum: number;
  deadline: string | null;
  webUrl: string;
}

export function appealIssueTitle(v: Pick<AppealView, "decision">): string {
  return `Appeal of ${v.decision.id} (${v.decision.kind}: ${v.decision.subject})`;
}

export function renderAppealIssue(v: AppealView): string {
  const link = v.decision.url ? `[${v.decision.id}](${v.decision.url})` : v.decision.id;
  const panel = v.panel.length ? v.panel.map(mentionUser).join(", ") : "nobody";
  const lines = [
    `${userLink(v.appellant, v.webUrl)} appeals ${link} (${escapeMarkdownInline(v.decision.kind)} of ${userLink(v.decision.subject, v.webUrl)}).`,
    "",
    `> ${escapeMarkdownInline(v.reason)}`,
    "",
    `**Panel:** ${panel} — drawn in rotation from the people holding an approver role, leaving out whoever made the decision and the appellant.`,
  ];
  if (v.short > 0) lines.push("", `⚠️ Too few people are eligible: the panel has ${v.panel.length} of the ${v.panel.length + v.short} seats the ladder asks for.`);
  lines.push(
    "",
    `Panel members vote with ${codeSpan("/uphold")} (keep the decision) or ${codeSpan("/overturn <reason>")}; a later vote replaces an earlier one. ` +
      `${v.quorum} overturn vote${v.quorum === 1 ? "" : "s"} overturn the decision; once that can no longer be reached, or most of the panel upholds, it stands. The outcome is final.`,
  );
  return lines.join("\n");
}

export function renderAppealStatus(t: AppealTally, webUrl: string): string {
  const who = (l: string) => userLink(l, webUrl);
  const rows = t.counted.map((v) => `- ${who(v.login)}: ${v.vote}${v.reason ? ` — ${escapeMarkdownInline(v.reason)}` : ""}`);
  const lines = [`**Appeal tally:** ${t.overturn} to overturn (of ${t.quorum} needed), ${t.uphold} to uphold.`, ...rows];
  if (t.waiting.length) lines.push(`Waiting for: ${t.waiting.map(who).join(", ")}.`);
  if (t.lostRole.length) lines.push(`No longer counted (no longer hold an approver role): ${t.lostRole.map(who).join(", ")}.`);
  return lines.join("\n");
}

export interface AppealOutcomeView {
  outcome: "upheld" | "overturned";
  decision: string;
  outcomeId: string;
  /** What overturning changed, in words (e.g. "ana now holds `member`"); null when it changes no role. */
  effect: string | null;
  /** Why nothing changed although overturned (e.g. a ladder change: people revert it by pull request). */
  note?: string;
  logUrl: string;
}

export function renderAppealOutcome(v: AppealOutcomeView): string {
  const logged = `Logged as [${v.outcomeId}](${v.logUrl}).`;
  if (v.outcome === "upheld") return `⚖️ **Upheld:** ${v.decision} stands. ${logged} This outcome is final.`;
  const effect = v.effect ? ` ${v.effect}.` : "";
  const note = v.note ? ` ${v.note}` : "";
  return `⚖️ **Overturned:** ${v.decision} is reversed.${effect}${note} ${logged} This outcome is final.`;
}

const day = (iso: string) => iso.slice(0, 10);

/** The reply to a refused `/appeal`. */
export function renderAppealRefusal(check: Extract<AppealCheck, { ok: false }>, ctx: { requestedId: string | null; decision: string | null; subject: string | null; webUrl: string; withinWords: string }): string {
  const issue = check.issue ? ` (#${check.issue})` : "";
  switch (check.code) {
    case "no-decision":
      return `Which decision? This issue records none; write ${codeSpan("/appeal D-0042 <reason>")} with the decision's id from the governance log.`;
    case "unknown-decision":
      return `There is no decision ${codeSpan(ctx.requestedId ?? "")} in the governance log.`;
    case "not-appealable":
      return `${ctx.decision ?? "That decision"} cannot be appealed: withdrawals and step-downs are the person's own act, and an appeal's outcome is final.`;
    case "not-the-subject":
      return `Only the person the decision is about${ctx.subject ? `, ${userLink(ctx.subject, ctx.webUrl)},` : ""} can appeal ${ctx.decision ?? "it"}.`;
    case "no-contribution":
      return `Appealing a change to the ladder or the roster takes at least one counted contribution to this project.`;
    case "no-reason":
      return `An appeal needs a reason: ${codeSpan("/appeal <reason>")}.`;
    case "too-late":
      return `${ctx.decision ?? "That decision"} can no longer be appealed: appeals are open for ${ctx.withinWords} after a decision.`;
    case "already-appealed":
      return `${ctx.decision ?? "That decision"} has been appealed already${issue}; an appeal's outcome is final.`;
    case "open-appeal":
      return `You have an appeal open already${issue}; one at a time.`;
    case "cooldown":
      return check.retryAt
        ? `You filed an appeal recently; the next one is possible from ${day(check.retryAt)}.`
        : `You filed an appeal recently, and the waiting time ends after this decision's appeal window closes, so it can no longer be appealed.`;
  }
}
