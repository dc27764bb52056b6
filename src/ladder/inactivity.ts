/**
 * Who the sweep tells first and then proposes for emeritus or rotation
 * (SPEC "Demotion and rotation"), pure:
 *
 * - emeritus: a holder whose last counted contribution (a merged PR they
 *   authored, a review they gave) is older than `demotion.inactive_after`;
 *   a holder with none known counts from the day they got the role, so a
 *   newly granted role is never "inactive" at once;
 * - rotation: with `term_limit`, a holder whose role dates (`since`) from
 *   longer ago than that;
 * - removal safety: per role, at most `max_removal_share` of its holders
 *   (at least one) are in notice or proposal at once, counting those already
 *   open; never the last holder of the top role. The rest wait and are
 *   listed with why, for the log line and the issue.
 *
 * Candidates come oldest activity first, so the longest-inactive are told first.
 */
import { parseDuration } from "../config/duration.js";
import type { Counting, Governance, Roster } from "../config/schema.js";
import { countingRules } from "./counting-rules.js";
import { indexLedger } from "./ledger-index.js";
import { classifyHistory, countInWindow, evidenceOf } from "./person-history.js";
import type { Ledger } from "./standing.js";

const DAY_MS = 86_400_000;

export type DemotionReason = "inactive" | "term";

export interface DemotionCandidate {
  login: string;
  role: string;
  reason: DemotionReason;
  /** ISO-8601 of the last counted contribution; null when none is known. */
  lastActivity: string | null;
  /** The roster's `since`. */
  since: string;
}

export interface DemotionSelection {
  propose: DemotionCandidate[];
  waiting: Array<DemotionCandidate & { why: "removal-share" | "last-top-holder" }>;
}

export interface DemotionInput {
  governance: Pick<Governance, "ladder" | "demotion">;
  roster: Roster;
  /** Last counted contribution per login (lower case), ISO-8601; absent: none known. */
  lastActivity: ReadonlyMap<string, string>;
  /** Logins (any case) with a demotion notice or proposal open now, per role. */
  open: ReadonlyArray<{ login: string; role: string }>;
  /**
   * Logins (any case) per role not to propose now although due — a demotion of theirs for that role
   * was just decided or closed (the caller's cooling-off) — and not counted against the share either.
   */
  resting?: ReadonlyArray<{ login: string; role: string }>;
  now: Date;
}

/** The days left before `login` would count as inactive (negative: past it); null when inactivity is off. */
export function daysUntilInactive(lastActivity: string | null, since: string, inactiveAfter: string | null, now: Date): number | null {
  if (inactiveAfter === null) return null;
  const from = activityOrSince(lastActivity, since);
  return Math.floor((from + parseDuration(inactiveAfter) - now.getTime()) / DAY_MS);
}

function activityOrSince(lastActivity: string | null, since: string): number {
  const a = lastActivity ? Date.parse(lastActivity) : NaN;
  const s = Date.parse(`${since}T00:00:00Z`);
  return Number.isFinite(a) ? Math.max(a, Number.isFinite(s) ? s : a) : s;
}

export function selectDemotions(input: DemotionInput): DemotionSelection {
  const { demotion, ladder } = input.governance;
  const now = input.now.getTime();
  const inactiveMs = demotion.inactive_after === null ? null : parseDuration(demotion.inactive_after);
  const termMs = demotion.term_limit === null ? null : parseDuration(demotion.term_limit);
  const openKeys = new Set([...input.open, ...(input.resting ?? [])].map((o) => `${o.login.toLowerCase()}|${o.role}`));
  const due: DemotionCandidate[] = [];
  for (const m of input.roster.members) {
    if (openKeys.has(`${m.login.toLowerCase()}|${m.role}`)) continue;
    const lastActivity = input.lastActivity.get(m.login.toLowerCase()) ?? null;
    const from = activityOrSince(lastActivity, m.since);
    const held = Date.parse(`${m.since}T00:00:00Z`);
    if (inactiveMs !== null && Number.isFinite(from) && now - from > inactiveMs) due.push({ login: m.login, role: m.role, reason: "inactive", lastActivity, since: m.since });
    else if (termMs !== null && Number.isFinite(held) && now - held > termMs) due.push({ login: m.login, role: m.role, reason: "term", lastActivity, since: m.since });
  }
  due.sort((a, b) => activityOrSince(a.lastActivity, a.since) - activityOrSince(b.lastActivity, b.since) || a.login.localeCompare(b.login));
  const top = ladder[ladder.length - 1]?.role;
  const share = demotion.max_removal_share;
  const out: DemotionSelection = { propose: [], waiting: [] };
  for (const role of new Set(due.map((d) => d.role))) {
    const holders = input.roster.members.filter((m) => m.role === role).length;
    const openOfRole = input.open.filter((o) => o.role === role).length;
    let room = Math.max(1, Math.floor(share * holders + 1e-9)) - openOfRole;
    // Never the last holder of the top role: keep at least one holder out of every removal.
    if (role === top) room = Math.min(room, holders - openOfRole - 1);
    for (const d of due.filter((x) => x.role === role)) {
      if (room > 0) {
        out.propose.push(d);
        room--;
      } else out.waiting.push({ ...d, why: role === top && holders - openOfRole - out.propose.filter((p) => p.role === role).length <= 1 ? "last-top-holder" : "removal-share" });
    }
  }
  return out;
}

/** The role a rotation moves the holder to: the rung below `role`, or null (emeritus) from the lowest rung or an unknown role. */
export function roleBelow(governance: Pick<Governance, "ladder">, role: string): string | null {
  const index = governance.ladder.findIndex((r) => r.role === role);
  return index > 0 ? (governance.ladder[index - 1]?.role ?? null) : null;
}

/**
 * The last counted contribution of each of `logins` in `ledger` — a merged
 * pull request they authored or a review they gave, by the ladder's
 * `counting` rules (the same classification the measuring uses), at or
 * before `now` — keyed by lower-case login; a login with none is absent,
 * and so is one whose contributions never count (an excluded author, a bot).
 */
export function lastCountedActivity(ledger: Ledger, counting: Counting, logins: readonly string[], now: Date): Map<string, { at: string; url: string | null }> {
  const wanted = new Set(logins.map((l) => l.toLowerCase()));
  const people = indexLedger(ledger, wanted);
  const rules = countingRules(counting);
  const out = new Map<string, { at: string; url: string | null }>();
  for (const login of wanted) {
    if (rules.exclusion(login)) continue;
    const last = classifyHistory(login, people.get(login), rules, now.getTime()).lastCounted;
    if (!last) continue;
    const evidence = evidenceOf(last);
    out.set(login, { at: new Date(last.ts).toISOString(), url: evidence.url || null });
  }
  return out;
}

/**
 * Every contributor's counted merged PRs and reviews (distinct PRs) over the
 * `windowMs` before `now`, by the same counting rules as measuring: what an
 * onboarding ladder is fitted to (plan/onboarding-ladder.ts). Excluded
 * accounts and bots are left out; people with nothing counted too.
 */
export function countedInWindow(ledger: Ledger, counting: Counting, now: Date, windowMs: number): Array<{ login: string; mergedPrs: number; reviews: number }> {
  const rules = countingRules(counting);
  const since = now.getTime() - windowMs;
  const out: Array<{ login: string; mergedPrs: number; reviews: number }> = [];
  for (const [key, person] of indexLedger(ledger)) {
    if (rules.exclusion(person.spelling)) continue;
    const history = classifyHistory(key, person, rules, now.getTime());
    const mergedPrs = countInWindow(history.pullRequests, since, 0, false).count;
    const reviews = countInWindow(history.reviews, since, 0, true).count;
    if (mergedPrs + reviews > 0) out.push({ login: person.spelling, mergedPrs, reviews });
  }
  return out.sort((a, b) => a.login.toLowerCase().localeCompare(b.login.toLowerCase()));
}
