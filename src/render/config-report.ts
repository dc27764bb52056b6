/**
 * What people see about their governance.yml: the check run on a commit or
 * pull request that changed it (`Stewards / governance.yml`), and the body
 * of the "Action required" issue for a broken file on the default branch.
 * Pure: a LoadResult in, markdown out.
 *
 * Problem messages are written by config/ with user values already in safe
 * code spans; the only free user text placed here is a rung's
 * `description`, which goes through escapeMarkdownInline.
 */
import { describeDuration, parseDuration } from "../config/duration.js";
import type { LoadResult } from "../config/load-governance.js";
import type { ConfigProblem } from "../config/problems.js";
import { sortProblems } from "../config/problems.js";
import type { Governance, Rung } from "../config/schema.js";
import type { CheckRunOutput } from "../plan/actions.js";
import type { LadderChangeEffect } from "../plan/ladder-change-effect.js";
import { codeSpan, escapeMarkdownInline } from "./escape.js";
import { concernsTitle, renderEffect } from "./ladder-effect.js";

/** GitHub accepts at most 50 annotations per check-run request. */
export const MAX_ANNOTATIONS = 50;
/** GitHub's limit for summary and text. */
const MAX_CHARS = 65_535;

type Annotation = NonNullable<CheckRunOutput["annotations"]>[number];

export interface ConfigReportOptions {
  /** Problems found in the roster (errors fail the check; warnings are listed). */
  rosterProblems?: readonly ConfigProblem[];
  /** What a valid change does (plan/ladder-change-effect.ts); stated above the ladder in words. */
  effect?: { effect: LadderChangeEffect; against: string; webUrl?: string };
}

export function renderCheckRunOutput(result: LoadResult, opts: ConfigReportOptions = {}): CheckRunOutput {
  const roster = opts.rosterProblems ?? [];
  switch (result.kind) {
    case "absent":
      return {
        title: "No governance.yml",
        summary: "This repository has no `.github/governance.yml` (and its organisation no default), so Stewards does nothing here.",
      };
    case "load-error":
      return {
        title: "Could not read governance.yml",
        summary: `GitHub could not be read (${escapeMarkdownInline(result.error.message)}). This says nothing about the file; Stewards will try again.`,
      };
    case "invalid": {
      const all = sortProblems([...result.errors, ...result.warnings, ...roster]);
      const errors = all.filter((p) => p.severity === "error").length;
      const warnings = all.length - errors;
      return limit({
        title: `governance.yml is invalid: ${count(errors, "error")}${warnings ? `, ${count(warnings, "warning")}` : ""}`,
        summary: [
          "Stewards keeps using the last valid ladder (or does nothing, if there never was one) until this is fixed.",
          "",
          problemList(all),
          omitted(all),
        ].join("\n").trimEnd(),
        text: filesText(result.files),
        annotations: annotations(all),
      });
    }
    case "ok": {
      const all = sortProblems([...result.warnings, ...roster]);
      const rosterErrors = all.filter((p) => p.severity === "error").length;
      const warnings = all.length - rosterErrors;
      const concerns = !rosterErrors && opts.effect ? opts.effect.effect.concerns : [];
      const title = rosterErrors
        ? `The roster is invalid: ${count(rosterErrors, "error")}`
        : concerns.length
          ? `Needs approver review: ${concernsTitle(concerns)}`
          : `Ladder valid: ${result.governance.ladder.map((r) => r.role).join(" → ")}${warnings ? ` (${count(warnings, "warning")})` : ""}`;
      const lines: string[] = [];
      if (rosterErrors) {
        lines.push("The ladder is valid, but the roster is not: Stewards changes nothing until the roster is fixed.", "");
      }
      if (all.length) lines.push(problemList(all), omitted(all), "");
      if (!rosterErrors && opts.effect) {
        const { effect, against, webUrl } = opts.effect;
        lines.push(renderEffect(effect, { against, ...(webUrl ? { webUrl } : {}) }), "");
      }
      lines.push(describeGovernance(result.governance));
      return limit({
        title,
        summary: lines.join("\n").trimEnd(),
        text: filesText(result.files),
        annotations: annotations(all),
      });
    }
  }
}

/**
 * The body of the "Action required" issue: each problem in words with where
 * it is; with `fileUrl` (a blob URL of the governance file), line references
 * link to the line.
 */
export function renderConfigIssueBody(problems: readonly ConfigProblem[], fileUrl?: string): string {
  const sorted = sortProblems(problems);
  const errors = sorted.filter((p) => p.severity === "error");
  const warnings = sorted.filter((p) => p.severity === "warning");
  const out = [
    "The Stewards configuration on the default branch is invalid. Until it is fixed, Stewards keeps using the last valid ladder (or does nothing, if there never was one) and changes no roles.",
    "",
  ];
  if (errors.length) out.push(`**${count(errors.length, "error")}**`, "", ...errors.map((p) => `- ${problemLine(p, fileUrl)}`), "");
  if (warnings.length) out.push(`**${count(warnings.length, "warning")}**`, "", ...warnings.map((p) => `- ${problemLine(p, fileUrl)}`), "");
  out.push(
    fileUrl ? `[Open the file](${fileUrl}). This issue is updated on every push and closed when the file is valid again.` : "This issue is updated on every push and closed when the file is valid again.",
  );
  return out.join("\n");
}

// ---------------------------------------------------------------------------

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** A problem's file is in the checked repository (annotatable) when it is a plain path, not `owner/repo:path`. */
function isLocal(p: ConfigProblem): p is ConfigProblem & { file: string; line: number } {
  return p.file !== undefined && !p.file.includes(":") && p.line !== null;
}

function where(p: ConfigProblem, fileUrl?: string): string {
  const parts: string[] = [];
  if (p.file) {
    const linkable = fileUrl && p.line !== null && !p.file.includes(":") && fileUrl.endsWith(`/${p.file}`);
    const loc = p.line !== null ? `${p.file} line ${p.line}` : p.file;
    parts.push(linkable ? `[${escapeMarkdownInline(loc)}](${fileUrl}#L${p.line})` : codeSpan(loc));
  } else if (p.line !== null) {
    parts.push(`line ${p.line}`);
  }
  if (p.path) parts.push(codeSpan(p.path));
  return parts.join(", ");
}

function problemLine(p: ConfigProblem, fileUrl?: string): string {
  const w = where(p, fileUrl);
  const tag = p.severity === "warning" ? "⚠️ " : "";
  return w ? `${tag}${w}: ${p.message}` : `${tag}${p.message}`;
}

function problemList(problems: readonly ConfigProblem[]): string {
  return problems.map((p) => `- ${problemLine(p)}`).join("\n");
}

function omitted(problems: readonly ConfigProblem[]): string {
  const n = problems.filter(isLocal).length - MAX_ANNOTATIONS;
  return n > 0 ? `\n(${count(n, "more problem")} listed above without an annotation: GitHub shows at most ${MAX_ANNOTATIONS}.)` : "";
}

function annotations(problems: readonly ConfigProblem[]): Annotation[] {
  return problems
    .filter(isLocal)
    .slice(0, MAX_ANNOTATIONS)
    .map((p) => ({
      path: p.file,
      start_line: p.line,
      end_line: p.line,
      annotation_level: p.severity === "error" ? "failure" : "warning",
      message: p.path ? `${p.path}: ${p.message}` : p.message,
      title: p.severity === "error" ? "Invalid governance setting" : "Governance warning",
    }));
}

function filesText(files: readonly string[]): string {
  if (files.length === 0) return "No file was read.";
  return `Files read, the first one winning:\n\n${files.map((f) => `- ${codeSpan(f)}`).join("\n")}`;
}

function limit(out: CheckRunOutput): CheckRunOutput {
  const cut = (s: string) => (s.length > MAX_CHARS ? `${s.slice(0, MAX_CHARS - 40)}\n\n… (cut: too long for a check run)` : s);
  return { ...out, summary: cut(out.summary), ...(out.text !== undefined ? { text: cut(out.text) } : {}) };
}

// ---------------------------------------------------------------------------
// The ladder in words.

function days(d: string): string {
  return describeDuration(parseDuration(d));
}

/** "15 merged PRs and 20 reviews in the last 180 days, 90 days since first contribution, 180 days as reviewer" */
export function describeRequirements(rung: Rung, below: Rung | undefined): string {
  const r = rung.requires;
  const parts: string[] = [];
  const counts: string[] = [];
  if (r.merged_prs !== undefined) counts.push(count(r.merged_prs, "merged PR"));
  if (r.reviews !== undefined) counts.push(count(r.reviews, "review"));
  if (counts.length) parts.push(`${counts.join(" and ")} in the last ${days(r.window ?? "365d")}`);
  if (r.tenure !== undefined) parts.push(`${days(r.tenure)} since first contribution`);
  if (r.time_in_role !== undefined) parts.push(`${days(r.time_in_role)} as ${below ? below.role : "the role below"}`);
  return parts.length ? parts.join(", ") : "nothing measured (by nomination only)";
}

export function describeGrants(rung: Rung): string {
  const g = rung.grants;
  const parts: string[] = [];
  if (g.teams.length) parts.push(`${g.teams.length === 1 ? "team" : "teams"} ${g.teams.map((t) => codeSpan(t)).join(", ")}`);
  if (g.codeowners.length) parts.push(`code owner of ${g.codeowners.map((c) => codeSpan(c)).join(", ")}`);
  if (g.branch_protection) {
    const branches = g.branch_protection.branches.map((b) => codeSpan(b)).join(", ");
    parts.push(g.branch_protection.bypass ? `may bypass branch protection on ${branches}` : `branch protection on ${branches} (no bypass)`);
  }
  return parts.length ? parts.join("; ") : "no access beyond the role itself";
}

const APPROVE_WITH: Record<Governance["promotion"]["approve_with"], string> = {
  reaction: "a 👍 reaction on the promotion issue",
  pull_request: "merging the promotion pull request",
  either: "a 👍 reaction on the promotion issue or merging its pull request",
};

export function describeGovernance(gov: Governance): string {
  const lines: string[] = [`**The ladder** (lowest rung first; each role includes those below it${gov.scope === "org" ? "; contributions counted across the organisation" : ""}):`, ""];
  gov.ladder.forEach((rung, i) => {
    const desc = rung.description ? ` — ${escapeMarkdownInline(rung.description)}` : "";
    lines.push(`${i + 1}. **${rung.role}**${desc}`);
    lines.push(`   - Requires: ${describeRequirements(rung, gov.ladder[i - 1])}.`);
    lines.push(`   - Grants: ${describeGrants(rung)}.`);
  });
  const p = gov.promotion;
  const approvers = (p.approvers ?? [gov.ladder[gov.ladder.length - 1]!.role]).map((r) => `**${r}**`).join(" or ");
  lines.push(
    "",
    `**Promotion:** ${count(p.quorum, "approval")} from ${approvers}, given by ${APPROVE_WITH[p.approve_with]}. ` +
      `${p.objection === "block" ? "A 👎 from an approver holds the proposal. " : "Objections do not hold a proposal. "}` +
      `An undecided proposal expires after ${days(p.expires_after)}.`,
  );
  const d = gov.demotion;
  lines.push(
    `**Demotion:** ${d.inactive_after ? `emeritus proposed after ${days(d.inactive_after)} without counted activity` : "no inactivity rule"}; ` +
      `${d.term_limit ? `rotation proposed after ${days(d.term_limit)} in a role` : "no term limit"}; ${days(d.notice)} notice.`,
  );
  const a = gov.appeals;
  lines.push(
    `**Appeals:** a panel of ${a.panel} drawn from the approvers; ${count(a.quorum, "vote")} to overturn; within ${days(a.within)} of a decision; one open appeal per person, a new one after ${days(a.cooldown)}.`,
  );
  if (gov.floors) {
    const f = gov.floors;
    const parts = [
      f.quorum !== undefined ? `promotion quorum at least ${f.quorum}` : null,
      f.appeals_quorum !== undefined ? `appeal quorum at least ${f.appeals_quorum}` : null,
      f.merged_prs !== undefined ? `top rung at least ${count(f.merged_prs, "merged PR")}` : null,
      f.reviews !== undefined ? `top rung at least ${count(f.reviews, "review")}` : null,
    ].filter((x): x is string => x !== null);
    if (parts.length) lines.push(`**Organisation floors:** ${parts.join("; ")}.`);
  }
  if (gov.dry_run) lines.push("**Dry run:** Stewards says what it would do and changes nothing.");
  return lines.join("\n");
}
