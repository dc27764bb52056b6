/**
 * What a change to `.github/governance.yml` or the roster DOES, comparing the
 * base (a pull request's base branch, the default branch, or the commit before
 * a push) with the head: the check run on the change states it, and a hand
 * edit on the default branch is logged with it. Pure: the files are parsed
 * and the ledger read by the caller; the clock is passed in.
 *
 * Four parts, each computed from both sides the same way the app would act:
 * - roster: who is promoted, demoted, made emeritus, added or removed
 *   (roster-diff.ts), and for each raise whether a decision in the BASE log
 *   backs it — the base's, so a change cannot bring its own justification;
 * - access: who gains or loses a team, a CODEOWNERS pattern, a branch
 *   protection bypass or the right to approve, derived from roster × ladder
 *   exactly as the CODEOWNERS block is (`holdersAtOrAbove`);
 * - rules: which thresholds and settings change, and whether each makes
 *   authority easier to get or keep (`weaker`), harder (`stronger`), or
 *   neither (`changed`);
 * - eligibility: who would be proposed for a role under the new ladder and
 *   roster and would not be now, and the reverse, measured from the ledger.
 *
 * `concerns` are the reasons an approver should look before this lands: a
 * raise no logged decision backs, a backdated `since`, access gained without
 * such a decision, a rule made weaker.
 */
import { parseDuration } from "../config/duration.js";
import type { Governance, Roster, Rung } from "../config/schema.js";
import { measureAll } from "../ladder/measure.js";
import type { Ledger } from "../ladder/standing.js";
import { holdersAtOrAbove } from "./codeowners-block.js";
import { diffRoster, rankIn, type PersonChange } from "./roster-diff.js";

export interface GovernanceState {
  governance: Governance;
  roster: Roster;
}

/** A decision as the base branch's log has it. */
export interface LoggedDecision {
  id: string;
  /** Whom it is about (a login, for role decisions). */
  subject: string;
  /** The role it gave; null when it gave none; undefined when the entry says nothing about roles (hand-written). */
  to: string | null | undefined;
  /** A `manual roster change` entry: it records a hand edit, it did not decide one, so it backs no raise. */
  manual?: boolean;
}

export interface EffectInput {
  /** The base; null when it has no valid ladder (a first ladder, or a broken one with nothing better known). */
  base: GovernanceState | null;
  head: GovernanceState;
  /** The decisions in the base's log. */
  decisions: readonly LoggedDecision[];
  /** The contributions recorded for each side's scope; null when the history was never read (no eligibility then). */
  ledger: { base: Ledger; head: Ledger } | null;
  now: Date;
}

/** Why a raise is, or is not, backed by the log. */
export type Backing =
  | { kind: "logged"; id: string }
  | { kind: "no-decision" }
  | { kind: "not-in-log"; id: string }
  /** The id is a `manual roster change` entry: a hand edit recorded, not a decision. */
  | { kind: "manual-change"; id: string }
  /** The id is in the log, but about someone else or another role. */
  | { kind: "other-decision"; id: string; subject: string; to: string | null | undefined };

export interface RosterEffect extends PersonChange {
  /** Set for raises only. */
  backing: Backing | null;
}

export type Grant =
  | { kind: "team"; team: string }
  | { kind: "codeowner"; pattern: string }
  | { kind: "bypass"; branch: string }
  /** May approve (and object to) proposals; owns the governance files in CODEOWNERS. */
  | { kind: "approver" };

export interface AccessChange {
  login: string;
  gains: Grant[];
  losses: Grant[];
}

export type Direction = "weaker" | "stronger" | "changed";

export type RuleKey =
  | "rung"
  | "requires.merged_prs"
  | "requires.reviews"
  | "requires.tenure"
  | "requires.time_in_role"
  | "requires.window"
  | "grants.teams"
  | "grants.codeowners"
  | "grants.bypass"
  | "promotion.quorum"
  | "promotion.approvers"
  | "promotion.approve_with"
  | "promotion.objection"
  | "promotion.expires_after"
  | "promotion.announce_progress"
  | "demotion.inactive_after"
  | "demotion.term_limit"
  | "demotion.notice"
  | "demotion.max_removal_share"
  | "appeals.panel"
  | "appeals.quorum"
  | "appeals.within"
  | "appeals.cooldown"
  | "counting.exclude_authors"
  | "counting.exclude_labels"
  | "counting.min_changed_lines"
  | "counting.paths"
  | "scope"
  | "dry_run"
  | "log.path"
  | "roster.path";

export type RuleValue = string | number | boolean | null;

export interface RuleChange {
  key: RuleKey;
  /** The rung, for `rung`, `requires.*` and `grants.*`. */
  rung?: string;
  /** null: not set (a rung added, a requirement newly required, a list item added). */
  before: RuleValue;
  after: RuleValue;
  direction: Direction;
}

export interface EligibilityChange {
  login: string;
  role: string;
}

export interface Eligibility {
  /** Would be proposed after the change and are not now (or for another role). */
  gained: EligibilityChange[];
  /** Are proposable now and would not be after. */
  lost: EligibilityChange[];
  /** People measured (contributors in the ledger and roster members). */
  measured: number;
}

export type Concern =
  | { kind: "unlogged-raise"; login: string; role: string; backing: Backing }
  | { kind: "backdated"; login: string; role: string; from: string; to: string }
  | { kind: "access-gain"; login: string; gains: Grant[] }
  | { kind: "weaker-rule"; change: RuleChange };

export interface LadderChangeEffect {
  /** False when there was no valid ladder before: everything below is compared with nothing. */
  compared: boolean;
  roster: RosterEffect[];
  access: AccessChange[];
  rules: RuleChange[];
  /** Null when the history was never read. */
  eligibility: Eligibility | null;
  concerns: Concern[];
}

const EMPTY: Roster = { members: [], emeritus: [] };

export function ladderChangeEffect(input: EffectInput): LadderChangeEffect {
  const head = input.head;
  const base = input.base;
  const rank = rankIn(head.governance.ladder, base?.governance.ladder ?? []);
  // With no ladder before, nobody held anything the app knew of: a first roster is where the ladder starts,
  // listed, but no raise to question (there is no approver yet to ask).
  const roster: RosterEffect[] = diffRoster(base?.roster ?? EMPTY, head.roster, rank).map((c) => ({
    ...c,
    backing: base && c.raises ? backingOf(c, input.decisions) : null,
  }));
  const access = base ? diffAccess(base, head) : [];
  const rules = base ? diffRules(base.governance, head.governance) : [];
  const eligibility = input.ledger ? diffEligibility(base, head, input.ledger, input.now) : null;

  const concerns: Concern[] = [];
  const flagged = new Set<string>();
  for (const c of roster) {
    if (c.raises && c.backing && c.backing.kind !== "logged") {
      concerns.push({ kind: "unlogged-raise", login: c.login, role: c.after!.role, backing: c.backing });
      flagged.add(c.login.toLowerCase());
    }
    if (c.backdated) concerns.push({ kind: "backdated", login: c.login, role: c.after!.role, from: c.before!.since, to: c.after!.since });
  }
  const logged = new Set(roster.filter((c) => c.backing?.kind === "logged").map((c) => c.login.toLowerCase()));
  for (const a of access) {
    const key = a.login.toLowerCase();
    if (a.gains.length && !flagged.has(key) && !logged.has(key)) concerns.push({ kind: "access-gain", login: a.login, gains: a.gains });
  }
  for (const r of rules) if (r.direction === "weaker") concerns.push({ kind: "weaker-rule", change: r });
  return { compared: base !== null, roster, access, rules, eligibility, concerns };
}

/** True when the change alters nothing anyone holds, may do, or would be proposed for. */
export function isNoEffect(e: LadderChangeEffect): boolean {
  return e.roster.length === 0 && e.access.length === 0 && e.rules.length === 0 && (!e.eligibility || (e.eligibility.gained.length === 0 && e.eligibility.lost.length === 0));
}

// ---------------------------------------------------------------------------
// Roster

function backingOf(c: PersonChange, decisions: readonly LoggedDecision[]): Backing {
  const id = c.after?.decision ?? null;
  if (id === null) return { kind: "no-decision" };
  const found = decisions.find((d) => d.id.toLowerCase() === id.toLowerCase());
  if (!found) return { kind: "not-in-log", id };
  if (found.manual) return { kind: "manual-change", id: found.id };
  const samePerson = found.subject.toLowerCase() === c.login.toLowerCase();
  const sameRole = found.to === undefined || found.to === c.after!.role;
  return samePerson && sameRole ? { kind: "logged", id: found.id } : { kind: "other-decision", id: found.id, subject: found.subject, to: found.to };
}

// ---------------------------------------------------------------------------
// Access

function grantKey(g: Grant): string {
  switch (g.kind) {
    case "team":
      return `team:${g.team}`;
    case "codeowner":
      return `codeowner:${g.pattern}`;
    case "bypass":
      return `bypass:${g.branch}`;
    case "approver":
      return "approver";
  }
}

const GRANT_ORDER: Record<Grant["kind"], number> = { approver: 0, bypass: 1, codeowner: 2, team: 3 };

/** Everyone's grants on one side: login (lower case) → the login as spelled and grant key → grant. */
function accessOf(state: GovernanceState): Map<string, { login: string; grants: Map<string, Grant> }> {
  const out = new Map<string, { login: string; grants: Map<string, Grant> }>();
  const give = (login: string, g: Grant) => {
    const key = login.toLowerCase();
    let entry = out.get(key);
    if (!entry) out.set(key, (entry = { login, grants: new Map() }));
    entry.grants.set(grantKey(g), g);
  };
  const gov = state.governance;
  for (const rung of gov.ladder) {
    const holders = holdersAtOrAbove(gov, state.roster, rung.role);
    for (const login of holders) {
      for (const team of rung.grants.teams) give(login, { kind: "team", team });
      for (const pattern of rung.grants.codeowners) give(login, { kind: "codeowner", pattern });
      if (rung.grants.branch_protection?.bypass) for (const branch of rung.grants.branch_protection.branches) give(login, { kind: "bypass", branch });
    }
  }
  for (const role of approverRoles(gov)) for (const login of holdersAtOrAbove(gov, state.roster, role)) give(login, { kind: "approver" });
  return out;
}

function approverRoles(gov: Governance): string[] {
  return gov.promotion.approvers ?? [gov.ladder[gov.ladder.length - 1]!.role];
}

function sortGrants(list: Grant[]): Grant[] {
  return list.sort((a, b) => GRANT_ORDER[a.kind] - GRANT_ORDER[b.kind] || grantKey(a).localeCompare(grantKey(b)));
}

function diffAccess(base: GovernanceState, head: GovernanceState): AccessChange[] {
  const before = accessOf(base);
  const after = accessOf(head);
  const out: AccessChange[] = [];
  for (const key of new Set([...after.keys(), ...before.keys()])) {
    const b = before.get(key)?.grants ?? new Map<string, Grant>();
    const a = after.get(key)?.grants ?? new Map<string, Grant>();
    const gains = [...a].filter(([k]) => !b.has(k)).map(([, g]) => g);
    const losses = [...b].filter(([k]) => !a.has(k)).map(([, g]) => g);
    if (gains.length || losses.length) out.push({ login: after.get(key)?.login ?? before.get(key)!.login, gains: sortGrants(gains), losses: sortGrants(losses) });
  }
  return out.sort((x, y) => x.login.toLowerCase().localeCompare(y.login.toLowerCase()));
}

// ---------------------------------------------------------------------------
// Rules

/** Compares two numbers where a LOWER value makes authority easier to get (thresholds, quorum). */
function lowerIsWeaker(before: number, after: number): Direction {
  return after < before ? "weaker" : after > before ? "stronger" : "changed";
}

function ms(d: string | null | undefined): number | null {
  return d === null || d === undefined ? null : parseDuration(d);
}

function diffRules(b: Governance, a: Governance): RuleChange[] {
  const out: RuleChange[] = [];
  const push = (key: RuleKey, before: RuleValue, after: RuleValue, direction: Direction, rung?: string) => {
    if (before === after) return;
    out.push({ key, ...(rung !== undefined ? { rung } : {}), before, after, direction });
  };

  // Rungs: matched by role name; a renamed rung is one removed and one added.
  const baseRoles = b.ladder.map((r) => r.role);
  const headRoles = a.ladder.map((r) => r.role);
  for (const role of baseRoles) if (!headRoles.includes(role)) push("rung", role, null, "changed", role);
  for (const rung of a.ladder) {
    const was = b.ladder.find((r) => r.role === rung.role);
    if (!was) {
      // A new rung with no requirement is reached by nomination only; one with requirements may be proposed from the numbers.
      push("rung", null, rung.role, "changed", rung.role);
      continue;
    }
    // Moved: its place among the rungs both ladders have changed (a rung added or removed around it moves nothing).
    const common = headRoles.filter((r) => baseRoles.includes(r));
    const position = baseRoles.filter((r) => headRoles.includes(r)).indexOf(rung.role);
    if (position !== common.indexOf(rung.role)) push("rung", `position ${position + 1}`, `position ${common.indexOf(rung.role) + 1}`, "changed", rung.role);
    diffRung(was, rung, push);
  }

  const p0 = b.promotion;
  const p1 = a.promotion;
  push("promotion.quorum", p0.quorum, p1.quorum, lowerIsWeaker(p0.quorum, p1.quorum));
  const approving = (g: Governance) => {
    const lowest = Math.min(...approverRoles(g).map((r) => g.ladder.findIndex((x) => x.role === r)).filter((i) => i >= 0));
    return Number.isFinite(lowest) ? g.ladder.slice(lowest).map((r) => r.role) : [];
  };
  const ab = approving(b);
  const aa = approving(a);
  // Compared on rungs both ladders have: holders of a brand-new rung are raises of the roster, judged there.
  const widened = aa.some((r) => baseRoles.includes(r) && !ab.includes(r));
  const narrowed = ab.some((r) => headRoles.includes(r) && !aa.includes(r));
  push("promotion.approvers", approverRoles(b).join(", "), approverRoles(a).join(", "), widened ? "weaker" : narrowed ? "stronger" : "changed");
  push(
    "promotion.approve_with",
    p0.approve_with,
    p1.approve_with,
    p1.approve_with === "either" ? "weaker" : p0.approve_with === "either" ? "stronger" : "changed",
  );
  push("promotion.objection", p0.objection, p1.objection, p1.objection === "ignore" ? "weaker" : "stronger");
  push("promotion.expires_after", p0.expires_after, p1.expires_after, "changed");
  push("promotion.announce_progress", p0.announce_progress, p1.announce_progress, "changed");

  // Demotion: a longer wait (or none) keeps authority with people who no longer use it.
  const longerIsWeaker = (before: string | null, after: string | null): Direction => {
    const x = ms(before);
    const y = ms(after);
    if (x === y) return "changed";
    if (y === null) return "weaker";
    if (x === null) return "stronger";
    return y > x ? "weaker" : "stronger";
  };
  const d0 = b.demotion;
  const d1 = a.demotion;
  push("demotion.inactive_after", d0.inactive_after, d1.inactive_after, longerIsWeaker(d0.inactive_after, d1.inactive_after));
  push("demotion.term_limit", d0.term_limit, d1.term_limit, longerIsWeaker(d0.term_limit, d1.term_limit));
  push("demotion.notice", d0.notice, d1.notice, "changed");
  push("demotion.max_removal_share", d0.max_removal_share, d1.max_removal_share, "changed");

  for (const key of ["panel", "quorum", "within", "cooldown"] as const) push(`appeals.${key}`, b.appeals[key], a.appeals[key], "changed");

  // Counting: anything that makes more contributions count lowers every threshold at once.
  const c0 = b.counting;
  const c1 = a.counting;
  diffList("counting.exclude_authors", c0.exclude_authors, c1.exclude_authors, push);
  diffList("counting.exclude_labels", c0.exclude_labels, c1.exclude_labels, push);
  push("counting.min_changed_lines", c0.min_changed_lines, c1.min_changed_lines, lowerIsWeaker(c0.min_changed_lines, c1.min_changed_lines));
  const paths0 = c0.paths.join(", ");
  const paths1 = c1.paths.join(", ");
  if (paths0 !== paths1) {
    // No paths: every PR counts. More globs: more PRs count.
    const direction: Direction =
      c1.paths.length === 0 ? "weaker" : c0.paths.length === 0 ? "stronger" : c1.paths.some((g) => !c0.paths.includes(g)) ? "weaker" : "stronger";
    push("counting.paths", paths0 || null, paths1 || null, direction);
  }
  push("scope", b.scope, a.scope, a.scope === "org" ? "weaker" : "stronger");
  push("dry_run", b.dry_run, a.dry_run, "changed");
  push("log.path", b.log.path, a.log.path, "changed");
  push("roster.path", b.roster.path, a.roster.path, "changed");
  return out;
}

type Push = (key: RuleKey, before: RuleValue, after: RuleValue, direction: Direction, rung?: string) => void;

function diffRung(b: Rung, a: Rung, push: Push): void {
  const role = a.role;
  for (const key of ["merged_prs", "reviews"] as const) {
    const x = b.requires[key];
    const y = a.requires[key];
    if (x === y) continue;
    // A requirement dropped is a threshold of zero.
    push(`requires.${key}`, x ?? null, y ?? null, lowerIsWeaker(x ?? 0, y ?? 0), role);
  }
  for (const key of ["tenure", "time_in_role"] as const) {
    const x = b.requires[key];
    const y = a.requires[key];
    if (ms(x) === ms(y)) continue;
    push(`requires.${key}`, x ?? null, y ?? null, lowerIsWeaker(ms(x) ?? 0, ms(y) ?? 0), role);
  }
  const w0 = b.requires.window ?? "365d";
  const w1 = a.requires.window ?? "365d";
  const counted = a.requires.merged_prs !== undefined || a.requires.reviews !== undefined;
  // A longer window counts more contributions (when the rung counts any).
  if (ms(w0) !== ms(w1)) push("requires.window", w0, w1, counted && ms(w1)! > ms(w0)! ? "weaker" : counted ? "stronger" : "changed", role);

  diffList("grants.teams", b.grants.teams, a.grants.teams, push, role, true);
  diffList("grants.codeowners", b.grants.codeowners, a.grants.codeowners, push, role, true);
  const bypass = (r: Rung) => (r.grants.branch_protection?.bypass ? r.grants.branch_protection.branches : []);
  diffList("grants.bypass", bypass(b), bypass(a), push, role, true);
}

/**
 * One change per item added or removed. For grants (`grants: true`) an item
 * added gives access (weaker) and one removed takes it; for exclusion lists
 * it is the other way round: an exclusion removed makes more count (weaker).
 */
function diffList(key: RuleKey, before: readonly string[], after: readonly string[], push: Push, rung?: string, grants = false): void {
  for (const item of after) if (!before.includes(item)) push(key, null, item, grants ? "weaker" : "stronger", rung);
  for (const item of before) if (!after.includes(item)) push(key, item, null, grants ? "stronger" : "weaker", rung);
}

// ---------------------------------------------------------------------------
// Eligibility

function eligibleMap(state: GovernanceState, ledger: Ledger, now: Date): { eligible: Map<string, EligibilityChange>; measured: number } {
  const eligible = new Map<string, EligibilityChange>();
  const standings = measureAll(ledger, state.governance, state.roster, now, { evidenceLimit: 0 });
  for (const s of standings) if (s.eligibleFor) eligible.set(s.login.toLowerCase(), { login: s.login, role: s.eligibleFor });
  return { eligible, measured: standings.length };
}

function diffEligibility(base: GovernanceState | null, head: GovernanceState, ledger: { base: Ledger; head: Ledger }, now: Date): Eligibility {
  const { eligible: after, measured } = eligibleMap(head, ledger.head, now);
  const before = base ? eligibleMap(base, ledger.base, now).eligible : new Map<string, EligibilityChange>();
  const gained = [...after].filter(([k, e]) => before.get(k)?.role !== e.role).map(([, e]) => e);
  const lost = [...before].filter(([k, e]) => after.get(k)?.role !== e.role).map(([, e]) => e);
  const byLogin = (x: EligibilityChange, y: EligibilityChange) => x.login.toLowerCase().localeCompare(y.login.toLowerCase());
  return { gained: gained.sort(byLogin), lost: lost.sort(byLogin), measured };
}
