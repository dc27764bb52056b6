/**
 * What the access sub-planners hand back to the composer (access-plan.ts):
 * groups of actions, notes for a person, and facts still to read. Each
 * sub-planner returns its own part and the composer concatenates them, so no
 * planner writes into another's results.
 */
import type { AccessAction, Action, RepoRef } from "./actions.js";
import { hasLogin } from "./classic-protection.js";

export type AccessNoteCode =
  | "invalid-login"
  | "invalid-team"
  | "personal-account"
  | "team-missing"
  | "unreadable"
  | "invitation-pending"
  | "drift"
  | "kept-by-floor"
  | "branch-pattern"
  | "branch-missing"
  | "branch-unprotected"
  | "nothing-to-bypass"
  | "no-bypass-team"
  | "ruleset-without-rules"
  | "other-rulesets"
  | "codeowners-block-malformed";

export interface AccessNote {
  code: AccessNoteCode;
  /** `team:<slug>`, `branch:<name>`, `ruleset:<name>`, `codeowners`, `role:<role>`, `roster`, `repository`. */
  resource: string;
  message: string;
  logins?: string[];
}

export interface AccessRefusal {
  code: "removal-share" | "last-top-holder" | "weakens-protection";
  resource: string;
  message: string;
  /** The actions held back. */
  actions: Action[];
}

export type AccessNeed = { kind: "org-owners" } | { kind: "repo-admins" } | { kind: "team-invitations"; team: string } | { kind: "team-ids"; teams: string[] };

/**
 * Where a group's actions go in the plan's order (AccessPlan.actions): team
 * additions, rulesets, branch protection, then team removals (a team
 * group's removals are moved here whatever its stage), and CODEOWNERS last
 * because its check can fail after the commit.
 */
export const STAGE = { teamAdditions: 0, rulesets: 1, branchProtection: 2, teamRemovals: 3, codeowners: 4 } as const;

/** A set of actions on one resource, held back or refused together by the floors. */
export interface AccessGroup {
  resource: string;
  /** The roles that grant the resource (for the floor over all of one role's teams). */
  roles: string[];
  /** Who holds the resource now: the base of its removal share. */
  current: string[];
  /** Who its actions remove. */
  removals: string[];
  actions: AccessAction[];
  stage: number;
  /**
   * The group with `logins` no longer removed, for groups whose removals
   * are not separate actions (one protection update carries every list edit
   * of a branch, so it must be rebuilt). Absent: the removals are
   * `team.remove-member` actions and are simply left out.
   */
  without?: (logins: readonly string[]) => AccessGroup;
}

/** What one sub-planner found. */
export interface PlanPart {
  groups: AccessGroup[];
  notes: AccessNote[];
  needs: AccessNeed[];
}

/** The parts one after the other, each list in the order the parts came: the plan's order is the order the planners ran in. */
export function joinParts(parts: readonly Partial<PlanPart>[]): PlanPart {
  return {
    groups: parts.flatMap((p) => p.groups ?? []),
    notes: parts.flatMap((p) => p.notes ?? []),
    needs: parts.flatMap((p) => p.needs ?? []),
  };
}

/** `group` without removing `logins` (case-insensitive); a new group, `group` is left as it was. */
export function withoutRemovals(group: AccessGroup, logins: readonly string[]): AccessGroup {
  if (group.without) return group.without(logins);
  return {
    ...group,
    removals: group.removals.filter((l) => !hasLogin(logins, l)),
    actions: group.actions.filter((a) => !(a.kind === "team.remove-member" && hasLogin(logins, a.login))),
  };
}

/** A resource key (`team:x`, `branch:y`, `ruleset:z`) in words, for notes and refusals. */
export function resourceLabel(resource: string, repo: RepoRef): string {
  const [kind, ...rest] = resource.split(":");
  const name = rest.join(":");
  if (kind === "team") return `team ${repo.owner}/${name}`;
  if (kind === "branch") return `the protection of ${name}`;
  if (kind === "ruleset") return `ruleset ${name}`;
  return resource;
}

/** `@a, @b` — how notes name people. */
export function atLogins(logins: readonly string[]): string {
  return logins.map((l) => `@${l}`).join(", ");
}
