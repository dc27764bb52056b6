/**
 * The access planner: the roster and the ladder's grants on one side, what
 * GitHub holds (an AccessSnapshot) on the other, and the actions that bring
 * GitHub in step — team membership, the CODEOWNERS block, and bypass on
 * protected branches — with notes for what it will not or cannot do, and
 * refusals where a safety floor holds a change back. Pure: the same inputs
 * always give the same plan, and planning the snapshot after the plan ran
 * gives no actions (tested with `applyToSnapshot`).
 *
 * Who gets what. Each role implies those below it (SPEC), so a grant to a
 * role goes to its holders *and every holder above it*: the team granted to
 * `member` holds every member, reviewer and maintainer; the branches a
 * `reviewer` may bypass, maintainers may bypass too. This is the same rule
 * the CODEOWNERS block follows (codeowners-block.ts).
 *
 * Who the app may remove. People get into teams and protection lists by
 * other ways than Stewards, so the app removes only people it manages:
 * - from a team the ladder grants: anyone the roster names (a current holder
 *   of a lower role, or emeritus) — the roster is the source of truth for the
 *   people in it — and anyone in `opts.managed` (logins the app added, as its
 *   caller recorded them);
 * - from a branch's push restrictions and PR-review bypass list: emeritus
 *   holders of a role that granted bypass there, and anyone in
 *   `opts.managed` (a list on a protected branch is the project's; a release
 *   manager in it is not the ladder's business);
 * - everyone else who is there without holding the role is *drift*: a note,
 *   never corrected, unless the team is in `opts.exclusiveTeams` (the ladder
 *   says the app manages the whole team).
 *
 * Safety floors (SPEC): nobody is removed while the roster names nobody in
 * the top role (a broken hand edit would otherwise strip every steward); an
 * org owner or repository admin is never removed; and a resource (a team, a
 * protection list, the CODEOWNERS block, or all of one role's teams
 * together) losing more than `maxRemovalShare` (the ladder's
 * `demotion.max_removal_share`, 25% by default) of its people in one plan is refused
 * whole — no actions for it — and reported. One removal is always allowed:
 * a decided demotion of one of three maintainers must be applicable, and the
 * last-holder floor covers the smallest case.
 *
 * Branch bypass. GitHub evaluates classic protection and rulesets as
 * separate layers, so the app grants bypass in each layer the branch uses:
 * - classic protection: holders are added to `restrictions.users` when
 *   pushes are already restricted (never turned on: it would lock out
 *   everyone else) and to the PR-review bypass users when reviews are
 *   already required; every other setting is carried through unchanged and
 *   checked (classic-protection.ts);
 * - rulesets, when the repository has a branch ruleset of its own: a ruleset
 *   the app owns, `stewards` (or `stewards-<role>` when roles bypass
 *   different branches), targets the granted branches and lists the bypass
 *   role's teams as bypass actors. Ruleset bypass works through teams (the
 *   GitHub Enterprise Server API has no user actors), so a role that grants
 *   bypass but no team gets a note. A ruleset's bypass list covers only its
 *   own rules: the app never edits the project's other rulesets, it names
 *   them in a note (move rules into `stewards` for holders to bypass them).
 *
 * Facts that cost requests and matter only for some plans are read on
 * demand: when a removal is planned and the owners/admins are unread, or an
 * addition and the team's pending invitations are unread, the plan lists
 * them in `needs` and has no actions; read them and plan again.
 *
 * This file only composes. Each part is planned in its own file and
 * returns its own groups, notes and needs: access-desired.ts (what the
 * roster asks for), plan-teams.ts, plan-classic-bypass.ts,
 * plan-rulesets.ts, plan-codeowners.ts; then the floors of access-floors.ts
 * run over all the groups together, because the share of one role's teams
 * spans several parts.
 */
import type { AccessAction } from "./actions.js";
import type { AccessSnapshot } from "./access-snapshot.js";
import { invalidGrantNotes, type DesiredAccess } from "./access-desired.js";
import { ownerAdminFloor, protectionFloor, removalShareFloor } from "./access-floors.js";
import { joinParts, STAGE, type AccessGroup, type AccessNeed, type AccessNote, type AccessRefusal } from "./access-parts.js";
import { planClassicBypass } from "./plan-classic-bypass.js";
import { planCodeowners } from "./plan-codeowners.js";
import { planRulesets } from "./plan-rulesets.js";
import { planTeams } from "./plan-teams.js";

export { DEFAULT_MAX_REMOVAL_SHARE, desiredAccess, resourcesToRead } from "./access-desired.js";
export type { DesiredAccess, DesiredBypass, DesiredTeam } from "./access-desired.js";
export type { AccessNeed, AccessNote, AccessNoteCode, AccessRefusal } from "./access-parts.js";
export { removalAllowance } from "./access-floors.js";
export { CODEOWNERS_PATHS, spliceCodeowners } from "./plan-codeowners.js";
export { RULESET_NAME } from "./plan-rulesets.js";

export interface AccessPlanOptions {
  /**
   * Logins the app added earlier and may take away again when they stop
   * holding the role, per resource: `team:<slug>`, `branch:<name>`. The
   * caller keeps them (from the results of earlier `team.add-member` and
   * `branch-protection.update` actions).
   */
  managed?: Record<string, readonly string[]>;
  /** Teams whose whole membership the app manages: members who hold no granting role are removed (floors permitting), not just reported. */
  exclusiveTeams?: readonly string[];
  /** Overrides the ladder's `demotion.max_removal_share`. */
  maxRemovalShare?: number;
  /** Commit message of a CODEOWNERS write. */
  codeownersMessage?: string;
}

export interface AccessPlan {
  /** In the order to run: additions, rulesets, branch protection, team removals, CODEOWNERS last (its check can fail after the commit). */
  actions: AccessAction[];
  notes: AccessNote[];
  refusals: AccessRefusal[];
  /** Facts to read before this plan can be trusted; when not empty, `actions` is empty. */
  needs: AccessNeed[];
}

/**
 * The plan that brings `snapshot` in step with `desired`. Notes come in the
 * order the parts are planned (roster, teams, classic bypass, rulesets,
 * CODEOWNERS, then the owner floor), refusals floor by floor, needs once
 * each. Pure; planning the snapshot after the plan ran gives no actions.
 */
export function planAccess(desired: DesiredAccess, snapshot: AccessSnapshot, opts: AccessPlanOptions = {}): AccessPlan {
  const managed = (resource: string) => opts.managed?.[resource] ?? [];
  const planned = joinParts([
    { notes: invalidGrantNotes(desired) },
    planTeams(desired, snapshot, { managed, exclusiveTeams: opts.exclusiveTeams ?? [] }),
    planClassicBypass(desired, snapshot, managed),
    planRulesets(desired, snapshot),
    planCodeowners(desired, snapshot, opts.codeownersMessage),
  ]);
  const owners = ownerAdminFloor(planned.groups, snapshot);
  const shares = removalShareFloor(desired, owners.groups, opts.maxRemovalShare ?? desired.maxRemovalShare);
  const checked = protectionFloor(shares.groups, snapshot.repo);
  const notes = [...planned.notes, ...owners.notes];
  const needs = [...planned.needs, ...owners.needs];
  const refusals = [...shares.refusals, ...checked.refusals];
  if (needs.length) return { actions: [], notes, refusals, needs: dedupeNeeds(needs) };
  return { actions: inRunOrder(checked.groups), notes, refusals, needs: [] };
}

/** The groups' actions by stage, and within a stage in group order; a team's removals wait for every addition, ruleset and protection change. */
function inRunOrder(groups: readonly AccessGroup[]): AccessAction[] {
  return groups
    .flatMap((g) => g.actions.map((a) => ({ a, stage: a.kind === "team.remove-member" ? STAGE.teamRemovals : g.stage })))
    .sort((x, y) => x.stage - y.stage)
    .map((x) => x.a);
}

/** `needs` without repeats, each where it first came. */
function dedupeNeeds(needs: AccessNeed[]): AccessNeed[] {
  const seen = new Set<string>();
  return needs.filter((n) => {
    const key = JSON.stringify(n);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
