/**
 * The measuring engine: contributions ledger + ladder + roster + clock →
 * one explainable `Standing` per person. Pure: no I/O, no clock of its own.
 *
 * Scope (repo or org) is the caller's concern: it passes the contributions the
 * ladder's scope covers. The engine keeps each PR and review once however
 * often it is passed (see ledger-index.ts).
 *
 * Rules, in short (each one is explained where it is applied):
 * - `counting.exclude_authors` (case-insensitive) and every `…[bot]` login never count;
 * - a merged PR counts unless it has an excluded label, changed fewer than
 *   `min_changed_lines` lines, or (when `paths` is set) touches none of the
 *   globs — a PR whose paths are unknown does not count then, and is tallied;
 * - reviews count once per PR reviewed, on other people's PRs, not dismissed;
 * - merged_prs and reviews count inside the rung's `window` (default 365d),
 *   both ends included: [now − window, now];
 * - tenure: time since the first counted contribution over all history given;
 * - time_in_role: time holding the role directly below the rung (roster `since`);
 * - every threshold is met on a tie (≥);
 * - each role implies those below it (they are "held"); emeritus is no role;
 * - promotions go one rung at a time: `eligibleFor` is the next rung or nothing.
 */
import { parseDuration } from "../config/duration.js";
import type { Governance, Roster } from "../config/schema.js";
import { countingRules } from "./counting-rules.js";
import type { CountingRules } from "./counting-rules.js";
import type { PersonContributions } from "./ledger-index.js";
import { indexLedger } from "./ledger-index.js";
import { classifyHistory, countInWindow, evidenceOf } from "./person-history.js";
import type { PersonHistory, WindowCount } from "./person-history.js";
import type { Ledger, RequirementResult, RungResult, Standing } from "./standing.js";

export type { Ledger, Standing, RungResult, RequirementResult } from "./standing.js";

export const DEFAULT_WINDOW = "365d";
const DAY_MS = 86_400_000;
export const DEFAULT_EVIDENCE_LIMIT = 10;

export interface MeasureOptions {
  /**
   * Whom to measure (case-insensitive, in this order, duplicates dropped).
   * Default: everyone who authored or reviewed in the ledger, except excluded
   * logins, plus everyone on the roster's members; sorted by login.
   */
  logins?: readonly string[];
  /** Evidence items kept per requirement, newest first (default 10); `evidenceTotal` has the full count. */
  evidenceLimit?: number;
}

/** Measures one person. `ledger` may hold other people's contributions too; they are ignored. */
export function measureOne(
  login: string,
  ledger: Ledger,
  governance: Governance,
  roster: Roster,
  now: Date,
  opts: Pick<MeasureOptions, "evidenceLimit"> = {},
): Standing {
  const [standing] = measureAll(ledger, governance, roster, now, { ...opts, logins: [login] });
  if (!standing) throw new Error("unreachable: measureAll returns one standing per login asked");
  return standing;
}

/**
 * Measures many people in one pass over the ledger (indexed by login once), so
 * thousands of people over a large history cost one linear read plus a sort
 * per person. Returns one standing per person, in the order described at `logins`.
 */
export function measureAll(ledger: Ledger, governance: Governance, roster: Roster, now: Date, opts: MeasureOptions = {}): Standing[] {
  const nowMs = now.getTime();
  if (!Number.isFinite(nowMs)) throw new Error("measureAll: the clock is not a valid date");
  const rules = countingRules(governance.counting);
  const rungs = prepareLadder(governance);
  const roles = rosterRoles(roster, rungs);
  const evidenceLimit = opts.evidenceLimit ?? DEFAULT_EVIDENCE_LIMIT;
  // Shared by every standing of the batch (results are plain data, never mutated):
  // 5,000 people need not allocate 15,000 copies of the same window.
  const shared: SharedValues = {
    measuredAt: new Date(nowMs).toISOString(),
    windows: new Map(rungs.map((r) => [r.windowMs, { days: r.windowMs / DAY_MS, since: new Date(nowMs - r.windowMs).toISOString() }])),
  };

  let people: Array<{ key: string; login: string }>;
  let index: Map<string, PersonContributions>;
  if (opts.logins) {
    const asked = new Map<string, string>();
    for (const login of opts.logins) if (!asked.has(login.toLowerCase())) asked.set(login.toLowerCase(), login);
    people = [...asked].map(([key, login]) => ({ key, login }));
    index = indexLedger(ledger, new Set(asked.keys()));
  } else {
    index = indexLedger(ledger);
    const all = new Map<string, string>();
    for (const [key, entry] of index) if (!rules.exclusion(entry.spelling)) all.set(key, entry.spelling);
    for (const member of roster.members) if (!all.has(member.login.toLowerCase())) all.set(member.login.toLowerCase(), member.login);
    people = [...all].map(([key, login]) => ({ key, login })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  return people.map(({ key, login }) =>
    measurePerson(login, index.get(key), roles.get(key) ?? null, rungs, rules, nowMs, evidenceLimit, shared),
  );
}

// ---------------------------------------------------------------------------

interface SharedValues {
  measuredAt: string;
  windows: Map<number, { days: number; since: string }>;
}

interface PreparedRung {
  role: string;
  index: number;
  windowMs: number;
  mergedPrs?: number;
  reviews?: number;
  tenureMs?: number;
  timeInRoleMs?: number;
}

const preparedLadders = new WeakMap<Governance["ladder"], PreparedRung[]>();

function prepareLadder(governance: Governance): PreparedRung[] {
  const cached = preparedLadders.get(governance.ladder);
  if (cached) return cached;
  const prepared = governance.ladder.map((rung, index): PreparedRung => {
    const r = rung.requires;
    const p: PreparedRung = { role: rung.role, index, windowMs: parseDuration(r.window ?? DEFAULT_WINDOW) };
    if (r.merged_prs !== undefined) p.mergedPrs = r.merged_prs;
    if (r.reviews !== undefined) p.reviews = r.reviews;
    if (r.tenure !== undefined) p.tenureMs = parseDuration(r.tenure);
    if (r.time_in_role !== undefined) p.timeInRoleMs = parseDuration(r.time_in_role);
    return p;
  });
  preparedLadders.set(governance.ladder, prepared);
  return prepared;
}

interface HeldRole {
  role: string;
  rank: number;
  since: string;
  sinceMs: number;
}

/**
 * Roster members by lower-cased login. Emeritus entries are no role. An entry
 * naming a role that is not on the ladder is ignored (the roster's own
 * validation reports it); a person listed twice holds the higher role.
 */
function rosterRoles(roster: Roster, rungs: readonly PreparedRung[]): Map<string, HeldRole> {
  const rank = new Map(rungs.map((r) => [r.role, r.index] as const));
  const held = new Map<string, HeldRole>();
  for (const m of roster.members) {
    const r = rank.get(m.role);
    if (r === undefined) continue;
    const key = m.login.toLowerCase();
    const previous = held.get(key);
    if (previous && previous.rank >= r) continue;
    held.set(key, { role: m.role, rank: r, since: m.since, sinceMs: Date.parse(m.since) });
  }
  return held;
}

function measurePerson(
  login: string,
  contributions: PersonContributions | undefined,
  held: HeldRole | null,
  rungs: readonly PreparedRung[],
  rules: CountingRules,
  nowMs: number,
  evidenceLimit: number,
  shared: SharedValues,
): Standing {
  const excluded = rules.exclusion(login);
  const history = classifyHistory(login, excluded ? undefined : contributions, rules, nowMs);
  const rank = held?.rank ?? -1;

  // Rungs often share a window (the default): count each window once.
  const windows = new Map<number, { prs: WindowCount; reviews: WindowCount }>();
  const inWindow = (windowMs: number) => {
    let counts = windows.get(windowMs);
    if (!counts) {
      const since = nowMs - windowMs;
      counts = {
        prs: countInWindow(history.pullRequests, since, evidenceLimit, false),
        reviews: countInWindow(history.reviews, since, evidenceLimit, true),
      };
      windows.set(windowMs, counts);
    }
    return counts;
  };

  const results: RungResult[] = rungs.map((rung) => {
    const window = shared.windows.get(rung.windowMs) ?? { days: rung.windowMs / DAY_MS, since: new Date(nowMs - rung.windowMs).toISOString() };
    const requirements = measureRequirements(rung, rungs, history, held, nowMs, window, inWindow);
    const byNominationOnly = requirements.length === 0;
    const status = rank >= rung.index ? "held" : !excluded && requirements.every((r) => r.met) ? "met" : "unmet";
    return { role: rung.role, index: rung.index, status, byNominationOnly, requirements };
  });

  const next = results[rank + 1] ?? null;
  return {
    login,
    excluded,
    currentRole: held?.role ?? null,
    currentRoleSince: held?.since ?? null,
    rungs: results,
    next,
    eligibleFor: next && next.status === "met" && !next.byNominationOnly ? next.role : null,
    missingForNext: next ? next.requirements.filter((r) => !r.met).length : 0,
    firstCountedAt: history.firstCounted ? evidenceOf(history.firstCounted).date : null,
    lastCountedAt: history.lastCounted ? evidenceOf(history.lastCounted).date : null,
    measuredAt: shared.measuredAt,
  };
}

function measureRequirements(
  rung: PreparedRung,
  rungs: readonly PreparedRung[],
  history: PersonHistory,
  held: HeldRole | null,
  nowMs: number,
  window: { days: number; since: string },
  inWindow: (windowMs: number) => { prs: WindowCount; reviews: WindowCount },
): RequirementResult[] {
  const out: RequirementResult[] = [];

  if (rung.mergedPrs !== undefined) {
    const c = inWindow(rung.windowMs).prs;
    out.push({ key: "merged_prs", threshold: rung.mergedPrs, measured: c.count, unit: "PRs", met: c.count >= rung.mergedPrs, window, evidence: c.evidence, evidenceTotal: c.count, skipped: c.skipped });
  }
  if (rung.reviews !== undefined) {
    const c = inWindow(rung.windowMs).reviews;
    out.push({ key: "reviews", threshold: rung.reviews, measured: c.count, unit: "reviews", met: c.count >= rung.reviews, window, evidence: c.evidence, evidenceTotal: c.count, skipped: c.skipped });
  }
  if (rung.tenureMs !== undefined) {
    const first = history.firstCounted;
    const elapsed = first ? nowMs - first.ts : 0;
    out.push({
      key: "tenure",
      threshold: rung.tenureMs / DAY_MS,
      measured: Math.floor(elapsed / DAY_MS),
      unit: "days",
      met: elapsed >= rung.tenureMs,
      evidence: first ? [evidenceOf(first)] : [],
      evidenceTotal: first ? 1 : 0,
      skipped: [],
    });
  }
  if (rung.timeInRoleMs !== undefined) {
    const below = rungs[rung.index - 1];
    const base = { key: "time_in_role" as const, threshold: rung.timeInRoleMs / DAY_MS, unit: "days" as const, evidence: [], evidenceTotal: 0, skipped: [] };
    const rank = held?.rank ?? -1;
    const heldFor = held && Number.isFinite(held.sinceMs) ? Math.max(0, nowMs - held.sinceMs) : 0;
    if (!below) {
      // The lowest rung has no role below it: nothing to wait for.
      out.push({ ...base, measured: 0, met: true, roleBelow: null, holdsHigher: false });
    } else if (rank > below.index) {
      out.push({ ...base, measured: Math.floor(heldFor / DAY_MS), met: true, roleBelow: below.role, holdsHigher: true });
    } else {
      const elapsed = rank === below.index ? heldFor : 0;
      out.push({ ...base, measured: Math.floor(elapsed / DAY_MS), met: elapsed >= rung.timeInRoleMs, roleBelow: below.role, holdsHigher: false });
    }
  }
  return out;
}
