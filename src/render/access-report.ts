/**
 * The access drift issue: what GitHub holds that the roster does not say, what
 * a safety floor held back, and what the app could not do. Built from the
 * access plan's notes and refusals (plan/access-plan.ts) and the actions that
 * failed, so the issue, the logs and a dry-run plan all say the same thing.
 *
 * Items are sorted and carry no timestamps, so the same situation renders
 * the same body and the issue is only edited when something changed. Every
 * `@` is neutralised: the issue lists people but must not notify them each
 * time it is updated.
 */
import type { AccessNote, AccessNoteCode, AccessRefusal } from "../plan/access-plan.js";
import { codeSpan, escapeMarkdownInline } from "./escape.js";

/** Notes a person has to act on; the others (a pending invitation, an unprotected branch…) are only logged. */
const ATTENTION: ReadonlySet<AccessNoteCode> = new Set<AccessNoteCode>([
  "team-missing",
  "unreadable",
  "branch-missing",
  "codeowners-block-malformed",
  "invalid-login",
  "invalid-team",
  "no-bypass-team",
]);

export interface AccessFailure {
  /** The action in words (plan/actions.ts `describeAction`). */
  action: string;
  error: string;
}

export interface AccessReport {
  drift: AccessNote[];
  refusals: AccessRefusal[];
  attention: AccessNote[];
  failures: AccessFailure[];
}

export function accessReport(notes: readonly AccessNote[], refusals: readonly AccessRefusal[], failures: readonly AccessFailure[]): AccessReport {
  return {
    // Only a granted team's members can drift: a branch's push and bypass lists commonly hold release managers
    // and bots the ladder knows nothing of, so people there without the role are logged, not reported.
    drift: notes.filter((n) => n.code === "drift" && n.resource.startsWith("team:")),
    refusals: [...refusals],
    attention: notes.filter((n) => ATTENTION.has(n.code)),
    failures: [...failures],
  };
}

export function isEmptyReport(r: AccessReport): boolean {
  return r.drift.length + r.refusals.length + r.attention.length + r.failures.length === 0;
}

export const DRIFT_ISSUE_TITLE = "Stewards: GitHub access differs from the roster";

/** One markdown list item per line of text, escaped (messages quote logins, branch and team names from the ladder, errors from GitHub). */
function items(lines: readonly string[]): string {
  return [...new Set(lines)]
    .sort((a, b) => a.localeCompare(b))
    .map((l) => `- ${escapeMarkdownInline(l)}`)
    .join("\n");
}

export function renderDriftIssueBody(report: AccessReport, ctx: { rosterPath: string; repo: string }): string {
  const parts: string[] = [
    `Stewards keeps teams, the CODEOWNERS block and branch-protection bypass of ${escapeMarkdownInline(ctx.repo)} in step with ${codeSpan(ctx.rosterPath)}. ` +
      "On its last sweep it found the differences below. It corrects only what the ladder says it manages; the rest is for a maintainer to decide. " +
      "This issue is updated in place and closed when everything is in step again.",
  ];
  if (report.drift.length) parts.push(`## Changed by hand\n\n${items(report.drift.map((n) => n.message))}`);
  if (report.refusals.length) parts.push(`## Held back by a safety floor\n\n${items(report.refusals.map((r) => r.message))}`);
  if (report.attention.length) parts.push(`## Needs attention\n\n${items(report.attention.map((n) => n.message))}`);
  if (report.failures.length) {
    parts.push(`## Could not be applied\n\n${items(report.failures.map((f) => `${f.action}: ${f.error}`))}`);
  }
  parts.push("To change who holds a role, go through a proposal (or edit the roster in a pull request that approvers review); Stewards then brings GitHub in step.");
  return parts.join("\n\n");
}
