/**
 * Who holds what before and after a change of `.github/roster.yml`, person by
 * person: what the check run on a roster change states, and what a manual
 * roster change on the default branch is logged as. Pure.
 *
 * A person's state is their `members` entry, or — when they have none — their
 * (last) `emeritus` entry; logins are compared without case, as GitHub does.
 * Emeritus is no role. Each role implies those below it, so "higher" is a
 * rung further up the ladder.
 *
 * Not a change: an entry whose only difference is a `decision:` id filled in
 * where there was none. That is what the app itself does after logging a
 * hand edit (it writes the new id into the entry), so a roster the app
 * completed that way never reads as another hand edit — the loop ends there.
 */
import type { Roster, RosterEntry } from "../config/schema.js";

export type RosterList = "members" | "emeritus";

/** One person's place on the roster. */
export interface HeldEntry {
  list: RosterList;
  /** On `emeritus`, the role once held. */
  role: string;
  since: string;
  decision: string | null;
}

/**
 * - added: new on `members` (or new on `emeritus`, then not a raise);
 * - reinstated: from `emeritus` back to `members`;
 * - promoted / demoted: a higher / lower role on `members`;
 * - emeritus: from `members` to `emeritus`;
 * - removed: gone from the roster altogether;
 * - updated: same place, other `since`, `decision` or emeritus role.
 */
export type Movement = "added" | "reinstated" | "promoted" | "demoted" | "emeritus" | "removed" | "updated";

export interface PersonChange {
  /** As the roster after the change spells it (before, for someone removed). */
  login: string;
  before: HeldEntry | null;
  after: HeldEntry | null;
  movement: Movement;
  /** The person holds more authority after: a role where they held none, or a higher one. */
  raises: boolean;
  /** Same role on `members`, with a `since` moved earlier: time in the role (`time_in_role`) grows without anyone deciding. */
  backdated: boolean;
}

/**
 * The changes from `before` to `after`, in the order people appear in
 * `after` (members, then emeritus), then those removed, in `before`'s order.
 * `rank` places a role on the ladder (higher is more authority; -1 unknown).
 */
export function diffRoster(before: Roster, after: Roster, rank: (role: string) => number): PersonChange[] {
  const was = statesOf(before);
  const now = statesOf(after);
  const out: PersonChange[] = [];
  for (const [key, state] of now) {
    const change = compare(state.login, was.get(key)?.entry ?? null, state.entry, rank);
    if (change) out.push(change);
  }
  for (const [key, state] of was) {
    if (now.has(key)) continue;
    const change = compare(state.login, state.entry, null, rank);
    if (change) out.push(change);
  }
  return out;
}

/** A rank function for a ladder (lowest rung 0), falling back to a second ladder for roles the first lacks. */
export function rankIn(...ladders: ReadonlyArray<readonly { role: string }[]>): (role: string) => number {
  return (role) => {
    for (const ladder of ladders) {
      const i = ladder.findIndex((r) => r.role === role);
      if (i >= 0) return i;
    }
    return -1;
  };
}

// ---------------------------------------------------------------------------

function held(list: RosterList, e: RosterEntry): HeldEntry {
  return { list, role: e.role, since: e.since, decision: e.decision ?? null };
}

function statesOf(roster: Roster): Map<string, { login: string; entry: HeldEntry }> {
  const out = new Map<string, { login: string; entry: HeldEntry }>();
  for (const e of roster.emeritus) out.set(e.login.toLowerCase(), { login: e.login, entry: held("emeritus", e) });
  // A members entry wins over an emeritus one: the role held now is what counts.
  for (const e of roster.members) {
    const key = e.login.toLowerCase();
    if (out.get(key)?.entry.list === "members") continue; // listed twice: the roster's validation reports it
    out.set(key, { login: e.login, entry: held("members", e) });
  }
  // Keep the order people are written in: members first, then emeritus.
  const ordered = new Map<string, { login: string; entry: HeldEntry }>();
  for (const e of [...roster.members, ...roster.emeritus]) {
    const key = e.login.toLowerCase();
    const state = out.get(key);
    if (state && !ordered.has(key)) ordered.set(key, state);
  }
  return ordered;
}

function compare(login: string, before: HeldEntry | null, after: HeldEntry | null, rank: (role: string) => number): PersonChange | null {
  const base = { login, before, after, raises: false, backdated: false };
  if (!before && !after) return null;
  if (!before) return { ...base, movement: "added", raises: after!.list === "members" };
  if (!after) return { ...base, movement: "removed" };
  if (before.list === "emeritus" && after.list === "members") return { ...base, movement: "reinstated", raises: true };
  if (before.list === "members" && after.list === "emeritus") return { ...base, movement: "emeritus" };
  if (before.list === "members" && before.role !== after.role) {
    const up = rank(after.role) > rank(before.role);
    return { ...base, movement: up ? "promoted" : "demoted", raises: up };
  }
  const sameExceptDecision = before.role === after.role && before.since === after.since;
  if (sameExceptDecision && (before.decision === after.decision || before.decision === null)) return null;
  return { ...base, movement: "updated", backdated: after.list === "members" && after.since < before.since };
}
