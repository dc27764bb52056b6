/**
 * The effect of a change to the ladder or the roster, in words, for the
 * check run `Stewards / governance.yml` (plan/ladder-change-effect.ts
 * computes it). Pure.
 *
 * Logins become profile links that mention nobody (escape.ts `userLink`);
 * roles, teams, patterns, branches and other values from the files are code
 * spans; nothing from the files is placed as markdown.
 */
import { describeDuration, tryParseDuration } from "../config/duration.js";
import type { Backing, Concern, Grant, LadderChangeEffect, RosterEffect, RuleChange, RuleValue } from "../plan/ladder-change-effect.js";
import { isNoEffect } from "../plan/ladder-change-effect.js";
import { codeSpan, userLink } from "./escape.js";

export interface EffectRenderOptions {
  /** GitHub's web root for profile links. */
  webUrl?: string;
  /** What the head is compared with, in words, e.g. "`main` (3f2a1b0)". Already markdown. */
  against: string;
  /** At most this many people per eligibility list (default 20). */
  listLimit?: number;
}

/** How values are written: markdown (code spans, profile links) for the check run, plain words for the log (which escapes them itself). */
interface Style {
  code(text: string): string;
  person(login: string): string;
}

const PLAIN: Style = { code: (t) => t, person: (l) => l };

/** One roster change in plain words, e.g. "reviewer → maintainer (promoted); no decision in the log backs it". For the decision log. */
export function describeRosterChange(c: RosterEffect): string {
  return rosterLine(c, PLAIN);
}

/** One rule change in plain words, e.g. "reviewer: merged PRs required: 15 → 10 (weaker)". For the decision log. */
export function describeRuleChange(r: RuleChange): string {
  return ruleLine(r, PLAIN);
}

/** The section of the check run's summary that states the effect. */
export function renderEffect(effect: LadderChangeEffect, opts: EffectRenderOptions): string {
  const style: Style = { code: (t) => codeSpan(t), person: (login) => userLink(login, opts.webUrl) };
  const person = style.person;
  const out: string[] = [];
  if (!effect.compared) {
    out.push(`**Effect:** ${opts.against} has no valid ladder to compare with, so this is where the ladder starts.`);
    if (effect.roster.length) out.push("", "**Roster:**", ...effect.roster.map((c) => `- ${rosterLine(c, style)}`));
    out.push("", eligibilitySection(effect, style, opts.listLimit ?? 20));
    return out.join("\n").trimEnd();
  }
  if (isNoEffect(effect)) {
    return `**Effect** (compared with ${opts.against}): none — nobody's role, access or eligibility changes, and no rule changes.`;
  }
  out.push(`**Effect** (compared with ${opts.against}):`);
  if (effect.concerns.length) {
    out.push("", `**⚠️ Needs approver review** — ${concernCount(effect.concerns.length)}:`, ...effect.concerns.map((c) => `- ${concernLine(c, style)}`));
  }
  if (effect.roster.length) out.push("", "**Roster:**", ...effect.roster.map((c) => `- ${rosterLine(c, style)}`));
  if (effect.access.length) {
    out.push("", "**Access** (teams, CODEOWNERS, branch protection and approving, from the roster and the ladder's grants):");
    for (const a of effect.access) {
      const parts = [a.gains.length ? `gains ${grantsWords(a.gains, style)}` : "", a.losses.length ? `loses ${grantsWords(a.losses, style)}` : ""].filter(Boolean);
      out.push(`- ${person(a.login)} ${parts.join("; ")}`);
    }
  }
  if (effect.rules.length) out.push("", "**Rules:**", ...effect.rules.map((r) => `- ${ruleLine(r, style)}`));
  out.push("", eligibilitySection(effect, style, opts.listLimit ?? 20));
  if (effect.concerns.length) {
    out.push(
      "",
      "Raising someone's authority is meant to go through a proposal, whose decision the log records. " +
        "This check does not block merging by itself: the approvers own the ladder and the roster in CODEOWNERS, so their review is what decides.",
    );
  }
  return out.join("\n").trimEnd();
}

/** A short tally for the check run's title, e.g. "1 unlogged promotion, 2 weaker rules". No user text. */
export function concernsTitle(concerns: readonly Concern[]): string {
  const n = (kind: Concern["kind"]) => concerns.filter((c) => c.kind === kind).length;
  const parts = [
    [n("unlogged-raise"), "raise without a logged decision", "raises without a logged decision"],
    [n("backdated"), "backdated role", "backdated roles"],
    [n("access-gain"), "access gained without a decision", "access grants without a decision"],
    [n("weaker-rule"), "weaker rule", "weaker rules"],
  ] as const;
  return parts
    .filter(([count]) => count > 0)
    .map(([count, one, many]) => `${count} ${count === 1 ? one : many}`)
    .join(", ");
}

// ---------------------------------------------------------------------------

function concernCount(n: number): string {
  return `${n} ${n === 1 ? "thing" : "things"} to look at`;
}

function backingWords(b: Backing, s: Style): string {
  switch (b.kind) {
    case "logged":
      return `decided in ${s.code(b.id)}`;
    case "no-decision":
      return s === PLAIN ? "no decision id" : `no ${s.code("decision:")} id`;
    case "not-in-log":
      return `${s.code(b.id)} is not in the log`;
    case "manual-change":
      return `${s.code(b.id)} records a hand edit, not a decision`;
    case "other-decision":
      return `${s.code(b.id)} is about ${s.person(b.subject)}${b.to ? ` becoming ${s.code(b.to)}` : b.to === null ? " and gave no role" : ""}`;
  }
}

function rosterLine(c: RosterEffect, s: Style): string {
  const role = s.code;
  const who = s.person(c.login);
  const before = c.before;
  const after = c.after;
  let words: string;
  switch (c.movement) {
    case "added":
      words = after!.list === "members" ? `${who} joins as ${role(after!.role)}` : `${who} is listed as emeritus (${role(after!.role)})`;
      break;
    case "reinstated":
      words = `${who} returns from emeritus as ${role(after!.role)}`;
      break;
    case "promoted":
      words = `${who}: ${role(before!.role)} → ${role(after!.role)} (promoted)`;
      break;
    case "demoted":
      words = `${who}: ${role(before!.role)} → ${role(after!.role)} (demoted)`;
      break;
    case "emeritus":
      words = `${who}: ${role(before!.role)} → emeritus`;
      break;
    case "removed":
      words = before!.list === "members" ? `${who} leaves the roster (held ${role(before!.role)})` : `${who} leaves the emeritus list (${role(before!.role)})`;
      break;
    case "updated": {
      const changes: string[] = [];
      if (before!.role !== after!.role) changes.push(`emeritus role ${role(before!.role)} → ${role(after!.role)}`);
      if (before!.since !== after!.since) changes.push(`${s.code("since")} ${before!.since} → ${after!.since}${c.backdated ? " (earlier)" : ""}`);
      if (before!.decision !== after!.decision) changes.push(`${s.code("decision")} ${before!.decision ? s.code(before!.decision) : "none"} → ${after!.decision ? s.code(after!.decision) : "none"}`);
      words = `${who} (${after!.list === "members" ? role(after!.role) : "emeritus"}): ${changes.join(", ")}`;
      break;
    }
  }
  if (c.backing) words += c.backing.kind === "logged" ? ` — ${backingWords(c.backing, s)}` : s === PLAIN ? ` — ${backingWords(c.backing, s)}` : ` — ⚠️ ${backingWords(c.backing, s)}`;
  return words;
}

function grantWords(g: Grant, s: Style): string {
  switch (g.kind) {
    case "approver":
      return "approval of proposals (and code ownership of the governance files)";
    case "bypass":
      return `bypass of branch protection on ${s.code(g.branch)}`;
    case "codeowner":
      return `code owner of ${s.code(g.pattern)}`;
    case "team":
      return `team ${s.code(g.team)}`;
  }
}

function grantsWords(list: readonly Grant[], s: Style): string {
  return list.map((g) => grantWords(g, s)).join(", ");
}

const RULE_LABELS: Record<RuleChange["key"], string> = {
  rung: "rung",
  "requires.merged_prs": "merged PRs required",
  "requires.reviews": "reviews required",
  "requires.tenure": "tenure required",
  "requires.time_in_role": "time in the role below required",
  "requires.window": "counting window",
  "grants.teams": "team",
  "grants.codeowners": "code owner of",
  "grants.bypass": "bypass of branch protection on",
  "promotion.quorum": "promotion.quorum",
  "promotion.approvers": "promotion.approvers",
  "promotion.approve_with": "promotion.approve_with",
  "promotion.objection": "promotion.objection",
  "promotion.expires_after": "promotion.expires_after",
  "promotion.announce_progress": "promotion.announce_progress",
  "demotion.inactive_after": "demotion.inactive_after",
  "demotion.term_limit": "demotion.term_limit",
  "demotion.notice": "demotion.notice",
  "demotion.max_removal_share": "demotion.max_removal_share",
  "appeals.panel": "appeals.panel",
  "appeals.quorum": "appeals.quorum",
  "appeals.within": "appeals.within",
  "appeals.cooldown": "appeals.cooldown",
  "counting.exclude_authors": "counting.exclude_authors",
  "counting.exclude_labels": "counting.exclude_labels",
  "counting.min_changed_lines": "counting.min_changed_lines",
  "counting.paths": "counting.paths",
  scope: "scope",
  dry_run: "dry_run",
  "log.path": "log.path",
  "roster.path": "roster.path",
};

/** Labels that name a setting (rather than describe it) are written as code. */
function label(key: RuleChange["key"], s: Style): string {
  return key.startsWith("requires.") || key.startsWith("grants.") || key === "rung" ? RULE_LABELS[key] : s.code(RULE_LABELS[key]);
}

/** A value in words: durations spelled out, missing values as "none", everything else as code. */
function value(v: RuleValue, key: RuleChange["key"], s: Style): string {
  if (v === null) return key.startsWith("requires.") ? "not required" : "none";
  if (typeof v === "string" && (key.endsWith("_after") || key.endsWith("term_limit") || key.endsWith("notice") || key.endsWith("within") || key.endsWith("cooldown") || key.startsWith("requires."))) {
    const ms = tryParseDuration(v);
    if (ms !== null) return describeDuration(ms);
  }
  return s.code(String(v));
}

function tag(r: RuleChange, s: Style): string {
  if (r.direction === "weaker") return s === PLAIN ? " (weaker)" : " ⚠️ weaker";
  return r.direction === "stronger" ? " (stricter)" : "";
}

function ruleLine(r: RuleChange, s: Style): string {
  const rung = r.rung !== undefined ? s.code(r.rung) : "";
  const t = tag(r, s);
  switch (r.key) {
    case "rung":
      if (r.before === null) return `rung ${rung} added`;
      if (r.after === null) return `rung ${rung} removed`;
      return `rung ${rung} moves from ${String(r.before)} to ${String(r.after)}`;
    case "grants.teams":
    case "grants.codeowners":
    case "grants.bypass": {
      const item = s.code(String(r.after ?? r.before));
      return r.after !== null ? `${rung} now grants ${RULE_LABELS[r.key]} ${item}${t}` : `${rung} no longer grants ${RULE_LABELS[r.key]} ${item}${t}`;
    }
    case "counting.exclude_authors":
    case "counting.exclude_labels":
      return r.after !== null ? `${label(r.key, s)} adds ${s.code(String(r.after))}${t}` : `${label(r.key, s)} drops ${s.code(String(r.before))}${t}`;
    default: {
      const name = r.key.startsWith("requires.") ? `${rung}: ${RULE_LABELS[r.key]}` : label(r.key, s);
      return `${name}: ${value(r.before, r.key, s)} → ${value(r.after, r.key, s)}${t}`;
    }
  }
}

function concernLine(c: Concern, s: Style): string {
  switch (c.kind) {
    case "unlogged-raise":
      return `${s.person(c.login)} would hold ${s.code(c.role)} without a decision in the log: ${backingWords(c.backing, s)}.`;
    case "backdated":
      return `${s.person(c.login)}'s ${s.code("since")} as ${s.code(c.role)} moves back from ${c.from} to ${c.to}: time in the role would count from a date nobody decided.`;
    case "access-gain":
      return `${s.person(c.login)} gains ${grantsWords(c.gains, s)} with no decision in the log behind it.`;
    case "weaker-rule":
      return `${ruleLine({ ...c.change, direction: "changed" }, s)}: makes authority easier to get or to keep.`;
  }
}

function eligibilitySection(effect: LadderChangeEffect, s: Style, limit: number): string {
  const person = s.person;
  const role = s.code;
  const e = effect.eligibility;
  if (!e) return "_Who would become eligible is not shown: this repository's history has not been read yet._";
  const list = (items: readonly { login: string; role: string }[]) => {
    const shown = items.slice(0, limit).map((i) => `${person(i.login)} for ${role(i.role)}`);
    return items.length > limit ? `${shown.join(", ")} and ${items.length - limit} more` : shown.join(", ");
  };
  const lines: string[] = [];
  lines.push(e.gained.length ? `**Would be proposed after this change:** ${list(e.gained)}.` : "**Would be proposed after this change:** nobody new.");
  if (e.lost.length) lines.push(`**Would no longer be proposed:** ${list(e.lost)}.`);
  lines.push(`_Measured from the history Stewards has recorded (${e.measured} ${e.measured === 1 ? "person" : "people"}); no extra request to GitHub._`);
  return lines.join("\n\n");
}
