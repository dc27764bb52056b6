/**
 * What the roster and the ladder ask GitHub to hold: who belongs in each
 * granted team, who may bypass which branches, the CODEOWNERS block, and
 * which roster entries the app may take access away from. Values that are
 * not valid GitHub logins or team slugs are left out here, so they never
 * reach a request or a file, and are reported (invalidGrantNotes).
 *
 * Each role implies those below it (SPEC): a grant to a role goes to its
 * holders and every holder above it, as in the CODEOWNERS block.
 */
import type { Governance, Roster } from "../config/schema.js";
import type { AccessNote } from "./access-parts.js";
import { holdersAtOrAbove, renderCodeownersBlock } from "./codeowners-block.js";

export const DEFAULT_MAX_REMOVAL_SHARE = 0.25;

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
/** GitHub team slugs: lower-case letters, digits, `-`, `_` and `.`. Anything else never reaches a request or a file. */
const TEAM_SLUG = /^[a-z0-9][a-z0-9_.-]{0,99}$/;

/** True for a string that can be a GitHub team slug (see TEAM_SLUG). */
export function isTeamSlug(slug: string): boolean {
  return TEAM_SLUG.test(slug);
}
const BRANCH_PATTERN = /[*?[\]~]/;

export interface DesiredTeam {
  slug: string;
  /** The roles that grant it, lowest first. */
  roles: string[];
  /** Who should be in it: the holders at or above the lowest of `roles`. */
  holders: string[];
}

export interface DesiredBypass {
  role: string;
  branches: string[];
  /** Holders at or above `role`. */
  holders: string[];
  /** The valid team slugs the role grants (its ruleset bypass actors). */
  teams: string[];
}

/** The role a roster login holds now, and the role it held before becoming emeritus. */
export interface RosterEntry {
  role?: string;
  emeritusRole?: string;
}

/** What the roster and the ladder ask for (see desiredAccess). */
export interface DesiredAccess {
  roles: string[];
  topRole: string;
  topHolders: string[];
  teams: DesiredTeam[];
  bypass: DesiredBypass[];
  codeownersBlock: string;
  /** Every login the roster names (lower case) → the role held now, and the role held before becoming emeritus. */
  rosterLogins: Map<string, RosterEntry>;
  /** Roster logins and grant values that are not valid and were left out. */
  invalid: { logins: string[]; teams: string[] };
  maxRemovalShare: number;
}

/**
 * What `governance` and `roster` ask for. The ladder is walked lowest rung
 * first, so each team's `roles` and the `bypass` list are lowest first and a
 * team's holders are those of its lowest granting role. Pure; never throws
 * for a parsed governance (its ladder has at least one rung).
 */
export function desiredAccess(governance: Governance, roster: Roster): DesiredAccess {
  const roles = governance.ladder.map((r) => r.role);
  const topRole = roles[roles.length - 1]!;
  const { teams, invalidTeams } = desiredTeams(governance, roster);
  const { rosterLogins, invalidLogins } = rosterEntries(roster);
  return {
    roles,
    topRole,
    topHolders: holdersAtOrAbove(governance, roster, topRole),
    teams,
    bypass: desiredBypass(governance, roster),
    codeownersBlock: renderCodeownersBlock(governance, roster),
    rosterLogins,
    invalid: { logins: invalidLogins, teams: invalidTeams },
    maxRemovalShare: governance.demotion.max_removal_share ?? DEFAULT_MAX_REMOVAL_SHARE,
  };
}

/** Each valid granted team once, in the order first granted; invalid slugs once each, in the order met. */
function desiredTeams(governance: Governance, roster: Roster): { teams: DesiredTeam[]; invalidTeams: string[] } {
  const teams = new Map<string, DesiredTeam>();
  const invalidTeams: string[] = [];
  for (const rung of governance.ladder) {
    for (const slug of rung.grants.teams) {
      if (!TEAM_SLUG.test(slug)) {
        if (!invalidTeams.includes(slug)) invalidTeams.push(slug);
        continue;
      }
      const t = teams.get(slug);
      if (t) t.roles.push(rung.role);
      else teams.set(slug, { slug, roles: [rung.role], holders: holdersAtOrAbove(governance, roster, rung.role) });
    }
  }
  return { teams: [...teams.values()], invalidTeams };
}

/** One entry per role that grants bypass, lowest first, its branches without repeats. */
function desiredBypass(governance: Governance, roster: Roster): DesiredBypass[] {
  return governance.ladder
    .filter((r) => r.grants.branch_protection?.bypass === true)
    .map((r) => ({
      role: r.role,
      branches: [...new Set(r.grants.branch_protection!.branches)],
      holders: holdersAtOrAbove(governance, roster, r.role),
      teams: r.grants.teams.filter((t) => TEAM_SLUG.test(t)),
    }));
}

/**
 * Every login the roster names, by lower-cased login. Invalid logins are
 * entered too (harmless: no login GitHub reports can match one) and listed,
 * members first, so the plan can say they were left out of every grant.
 */
function rosterEntries(roster: Roster): { rosterLogins: Map<string, RosterEntry>; invalidLogins: string[] } {
  const rosterLogins = new Map<string, RosterEntry>();
  const invalidLogins: string[] = [];
  const enter = (login: string, entry: RosterEntry) => {
    if (!LOGIN.test(login)) invalidLogins.push(login);
    rosterLogins.set(login.toLowerCase(), { ...rosterLogins.get(login.toLowerCase()), ...entry });
  };
  for (const m of roster.members) enter(m.login, { role: m.role });
  for (const e of roster.emeritus) enter(e.login, { emeritusRole: e.role });
  return { rosterLogins, invalidLogins };
}

/** Whether a granted branch is a pattern (`release/*`, `~DEFAULT_BRANCH`) rather than one branch's exact name. */
export function isBranchPattern(branch: string): boolean {
  return BRANCH_PATTERN.test(branch);
}

/** What the reader must read for `desired`: the teams it grants, and the branches (exact names) it grants bypass on. */
export function resourcesToRead(desired: DesiredAccess): { teams: string[]; branches: string[] } {
  return {
    teams: desired.teams.map((t) => t.slug),
    branches: [...new Set(desired.bypass.flatMap((b) => b.branches))].filter((b) => !isBranchPattern(b)),
  };
}

/** One note for the invalid roster logins and one for the invalid team slugs `desired` left out, each only when there are any. */
export function invalidGrantNotes(desired: DesiredAccess): AccessNote[] {
  const { logins, teams } = desired.invalid;
  const quoted = (values: readonly string[]) => values.map((v) => JSON.stringify(v)).join(", ");
  return [
    ...(logins.length ? [{ code: "invalid-login" as const, resource: "roster", message: `Left out of every grant: ${quoted(logins)} — not valid GitHub logins.`, logins }] : []),
    ...(teams.length ? [{ code: "invalid-team" as const, resource: "roster", message: `Ignored team grants ${quoted(teams)}: not valid team slugs.` }] : []),
  ];
}
