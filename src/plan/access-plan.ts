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
 * `demotion.max_share`, 25% by default) of its people in one plan is refused
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
 */
import type { Governance, Roster } from "../config/schema.js";
import type { AccessAction, Action, RepoRef } from "./actions.js";
import type { AccessSnapshot, BypassActor, RulesetSpec } from "./access-snapshot.js";
import { hasLogin, verifyProtectionChange, withUserLists, type ClassicProtection } from "./classic-protection.js";
import { BLOCK_BEGIN, BLOCK_END, holdersAtOrAbove, renderCodeownersBlock } from "./codeowners-block.js";

export const CODEOWNERS_PATHS = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"] as const;
export const RULESET_NAME = "stewards";
export const DEFAULT_MAX_REMOVAL_SHARE = 0.25;

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
/** GitHub team slugs: lower-case letters, digits, `-`, `_` and `.`. Anything else never reaches a request or a file. */
const TEAM_SLUG = /^[a-z0-9][a-z0-9_.-]{0,99}$/;
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

/** What the roster and the ladder ask for (see desiredAccess). */
export interface DesiredAccess {
  roles: string[];
  topRole: string;
  topHolders: string[];
  teams: DesiredTeam[];
  bypass: DesiredBypass[];
  codeownersBlock: string;
  /** Every login the roster names (lower case) → the role held now, and the role held before becoming emeritus. */
  rosterLogins: Map<string, { role?: string; emeritusRole?: string }>;
  /** Roster logins and grant values that are not valid and were left out. */
  invalid: { logins: string[]; teams: string[] };
  maxRemovalShare: number;
}

export function desiredAccess(governance: Governance, roster: Roster): DesiredAccess {
  const roles = governance.ladder.map((r) => r.role);
  const topRole = roles[roles.length - 1]!;
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
  const bypass: DesiredBypass[] = governance.ladder
    .filter((r) => r.grants.branch_protection?.bypass === true)
    .map((r) => ({
      role: r.role,
      branches: [...new Set(r.grants.branch_protection!.branches)],
      holders: holdersAtOrAbove(governance, roster, r.role),
      teams: r.grants.teams.filter((t) => TEAM_SLUG.test(t)),
    }));
  const rosterLogins = new Map<string, { role?: string; emeritusRole?: string }>();
  const invalidLogins: string[] = [];
  for (const m of roster.members) {
    if (!LOGIN.test(m.login)) invalidLogins.push(m.login);
    rosterLogins.set(m.login.toLowerCase(), { ...rosterLogins.get(m.login.toLowerCase()), role: m.role });
  }
  for (const e of roster.emeritus) {
    if (!LOGIN.test(e.login)) invalidLogins.push(e.login);
    rosterLogins.set(e.login.toLowerCase(), { ...rosterLogins.get(e.login.toLowerCase()), emeritusRole: e.role });
  }
  return {
    roles,
    topRole,
    topHolders: holdersAtOrAbove(governance, roster, topRole),
    teams: [...teams.values()],
    bypass,
    codeownersBlock: renderCodeownersBlock(governance, roster),
    rosterLogins,
    invalid: { logins: invalidLogins, teams: invalidTeams },
    maxRemovalShare: governance.demotion.max_share ?? DEFAULT_MAX_REMOVAL_SHARE,
  };
}

/** What the reader must read for `desired`: the teams it grants, and the branches (exact names) it grants bypass on. */
export function resourcesToRead(desired: DesiredAccess): { teams: string[]; branches: string[] } {
  return {
    teams: desired.teams.map((t) => t.slug),
    branches: [...new Set(desired.bypass.flatMap((b) => b.branches))].filter((b) => !BRANCH_PATTERN.test(b)),
  };
}

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
  /** Overrides the ladder's `demotion.max_share`. */
  maxRemovalShare?: number;
  /** Commit message of a CODEOWNERS write. */
  codeownersMessage?: string;
}

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

export interface AccessPlan {
  /** In the order to run: additions, rulesets, branch protection, team removals, CODEOWNERS last (its check can fail after the commit). */
  actions: AccessAction[];
  notes: AccessNote[];
  refusals: AccessRefusal[];
  /** Facts to read before this plan can be trusted; when not empty, `actions` is empty. */
  needs: AccessNeed[];
}

/** A set of actions on one resource, held or refused together. */
interface Group {
  resource: string;
  roles: string[];
  current: string[];
  removals: string[];
  actions: AccessAction[];
  /** Where the actions go in the final order. */
  stage: number;
}

export function planAccess(desired: DesiredAccess, snapshot: AccessSnapshot, opts: AccessPlanOptions = {}): AccessPlan {
  const notes: AccessNote[] = [];
  const refusals: AccessRefusal[] = [];
  const needs: AccessNeed[] = [];
  const groups: Group[] = [];
  const repo = snapshot.repo;
  const share = opts.maxRemovalShare ?? desired.maxRemovalShare;
  const managed = (key: string) => opts.managed?.[key] ?? [];

  if (desired.invalid.logins.length) {
    notes.push({ code: "invalid-login", resource: "roster", message: `Left out of every grant: ${desired.invalid.logins.map((l) => JSON.stringify(l)).join(", ")} — not valid GitHub logins.`, logins: desired.invalid.logins });
  }
  if (desired.invalid.teams.length) {
    notes.push({ code: "invalid-team", resource: "roster", message: `Ignored team grants ${desired.invalid.teams.map((t) => JSON.stringify(t)).join(", ")}: not valid team slugs.` });
  }

  planTeams(desired, snapshot, opts, managed, notes, needs, groups);
  const branchGroups = planClassicBypass(desired, snapshot, managed, notes, groups);
  planRulesets(desired, snapshot, notes, needs, groups);
  planCodeowners(desired, snapshot, opts, notes, groups);

  // Safety floor: owners and admins are never removed. Read them only when someone would be.
  // (CODEOWNERS owners are not covered by this floor: the block is derived from the roster alone.)
  const removing = groups.some((g) => g.removals.length > 0 && g.resource !== "codeowners");
  if (removing) {
    const floor: string[] = [];
    let floorKnown = true;
    for (const [fact, kind] of [[snapshot.orgOwners, "org-owners"], [snapshot.repoAdmins, "repo-admins"]] as const) {
      if (fact.state === "ok") floor.push(...fact.logins);
      else if (fact.state === "unread") needs.push({ kind });
      else {
        floorKnown = false;
        notes.push({ code: "unreadable", resource: "repository", message: `Nobody is removed: the ${kind === "org-owners" ? "organisation owners" : "repository admins"} could not be read (${fact.message}; needs ${fact.permission}).` });
      }
    }
    for (const g of groups) {
      if (g.removals.length === 0 || g.resource === "codeowners") continue;
      const kept = floorKnown ? g.removals.filter((l) => hasLogin(floor, l)) : g.removals;
      if (kept.length === 0) continue;
      if (floorKnown) notes.push({ code: "kept-by-floor", resource: g.resource, message: `Kept ${kept.map((l) => `@${l}`).join(", ")} in ${label(g.resource)}: organisation owners and repository admins are never removed.`, logins: kept });
      dropRemovals(g, kept, branchGroups);
    }
  }

  applyRemovalFloors(desired, groups, share, refusals);

  // Classic protection: nothing but the two user lists may change.
  for (const g of groups) {
    const kept: AccessAction[] = [];
    for (const a of g.actions) {
      if (a.kind !== "branch-protection.update") {
        kept.push(a);
        continue;
      }
      const removed = [...(a.restrictionUsers?.remove ?? []), ...(a.pullRequestBypass?.remove ?? [])];
      const violations = verifyProtectionChange(a.before, a.after, removed);
      if (violations.length) refusals.push({ code: "weakens-protection", resource: g.resource, message: `Not changed: the update of ${label(g.resource)} would also ${violations.join("; ")}.`, actions: [a] });
      else kept.push(a);
    }
    g.actions = kept;
  }

  if (needs.length) return { actions: [], notes, refusals, needs: dedupeNeeds(needs) };
  const actions = groups
    .flatMap((g) => g.actions.map((a) => ({ a, stage: a.kind === "team.remove-member" ? 3 : g.stage })))
    .sort((x, y) => x.stage - y.stage)
    .map((x) => x.a);
  return { actions, notes, refusals, needs: [] };

  function label(resource: string): string {
    const [kind, ...rest] = resource.split(":");
    const name = rest.join(":");
    if (kind === "team") return `team ${repo.owner}/${name}`;
    if (kind === "branch") return `the protection of ${name}`;
    if (kind === "ruleset") return `ruleset ${name}`;
    return resource;
  }
}

function planTeams(
  desired: DesiredAccess,
  snapshot: AccessSnapshot,
  opts: AccessPlanOptions,
  managed: (key: string) => readonly string[],
  notes: AccessNote[],
  needs: AccessNeed[],
  groups: Group[],
) {
  const repo = snapshot.repo;
  if (snapshot.ownerType === "User") {
    if (desired.teams.length) {
      notes.push({ code: "personal-account", resource: "repository", message: `${repo.owner} is a personal account, which has no teams: the grants of ${desired.teams.map((t) => t.slug).join(", ")} are not applied.` });
    }
    return;
  }
  for (const t of desired.teams) {
    const resource = `team:${t.slug}`;
    const state = snapshot.teams[t.slug];
    if (!state) continue;
    if (state.state === "missing") {
      notes.push({ code: "team-missing", resource, message: `Team ${repo.owner}/${t.slug} (granted to ${t.roles.join(", ")}) does not exist; Stewards does not create teams. Create it, or remove it from the ladder.` });
      continue;
    }
    if (state.state === "unreadable") {
      notes.push({ code: "unreadable", resource, message: `Team ${repo.owner}/${t.slug} could not be read (${state.message}); the app needs ${state.permission}.` });
      continue;
    }
    let adds = t.holders.filter((h) => !hasLogin(state.members, h));
    if (adds.length && state.pending === null) {
      needs.push({ kind: "team-invitations", team: t.slug });
    } else if (adds.length && state.pending) {
      const pending = adds.filter((h) => hasLogin(state.pending!, h));
      if (pending.length) notes.push({ code: "invitation-pending", resource, message: `${pending.map((l) => `@${l}`).join(", ")} invited to ${repo.owner}/${t.slug}, not accepted yet.`, logins: pending });
      adds = adds.filter((h) => !hasLogin(pending, h));
    }
    const extras = state.members.filter((m) => !hasLogin(t.holders, m));
    const exclusive = opts.exclusiveTeams?.includes(t.slug) === true;
    const isManaged = (login: string) => exclusive || desired.rosterLogins.has(login.toLowerCase()) || hasLogin(managed(resource), login);
    const removals = extras.filter(isManaged);
    const drift = extras.filter((l) => !isManaged(l));
    if (drift.length) {
      notes.push({ code: "drift", resource, message: `${drift.map((l) => `@${l}`).join(", ")} ${drift.length === 1 ? "is" : "are"} in ${repo.owner}/${t.slug} without holding ${t.roles.join(" or ")} in the roster; added by hand, left as is.`, logins: drift });
    }
    const base = { repo, org: repo.owner, team: t.slug };
    groups.push({
      resource,
      roles: t.roles,
      current: state.members,
      removals,
      stage: 0,
      actions: [
        ...adds.map((login): AccessAction => ({ kind: "team.add-member", ...base, login })),
        ...removals.map((login): AccessAction => ({ kind: "team.remove-member", ...base, login })),
      ],
    });
  }
}

/** Per branch (exact names), the holders who may bypass it and the lowest role granting it. */
function bypassByBranch(desired: DesiredAccess): Map<string, { holders: string[]; lowestRole: string }> {
  const out = new Map<string, { holders: string[]; lowestRole: string }>();
  for (const b of desired.bypass) {
    for (const branch of b.branches) {
      // The ladder is walked lowest first, so the first role seen is the lowest and its holders include everyone above.
      if (!out.has(branch)) out.set(branch, { holders: b.holders, lowestRole: b.role });
    }
  }
  return out;
}

function usesRulesets(snapshot: AccessSnapshot): boolean {
  const r = snapshot.rulesets;
  return r.state === "ok" && r.list.some((x) => x.sourceType === "Repository" && x.target === "branch");
}

interface BranchEdit {
  restriction?: { add: string[]; remove: string[]; current: string[] };
  bypass?: { add: string[]; remove: string[]; current: string[] };
}

/** Classic protection: returns, per group resource, how to drop removals from a branch action. */
function planClassicBypass(
  desired: DesiredAccess,
  snapshot: AccessSnapshot,
  managed: (key: string) => readonly string[],
  notes: AccessNote[],
  groups: Group[],
): Map<Group, BranchPlan> {
  const out = new Map<Group, BranchPlan>();
  const rulesets = usesRulesets(snapshot);
  for (const [branch, { holders, lowestRole }] of bypassByBranch(desired)) {
    const resource = `branch:${branch}`;
    if (BRANCH_PATTERN.test(branch)) {
      if (!rulesets) notes.push({ code: "branch-pattern", resource, message: `Bypass on "${branch}" is not applied to classic protection: the REST API addresses classic protection by exact branch name only. Name the branches, or use a ruleset.` });
      continue;
    }
    const state = snapshot.branches[branch];
    if (!state) continue;
    if (state.state === "no-branch") {
      notes.push({ code: "branch-missing", resource, message: `Branch ${branch} (bypass granted to ${lowestRole}) does not exist.` });
      continue;
    }
    if (state.state === "unreadable") {
      notes.push({ code: "unreadable", resource, message: `The protection of ${branch} could not be read (${state.message}); the app needs ${state.permission}.` });
      continue;
    }
    if (state.state === "unprotected") {
      if (!rulesets) notes.push({ code: "branch-unprotected", resource, message: `${branch} has no branch protection and the repository uses no rulesets: there is nothing to bypass.` });
      continue;
    }
    const p = state.protection;
    if (!p.restrictions && !p.requiredPullRequestReviews) {
      notes.push({ code: "nothing-to-bypass", resource, message: `${branch}'s classic protection restricts neither pushes nor merges without review: there is nothing for ${lowestRole} holders to bypass there.` });
      continue;
    }
    const lowestIndex = desired.roles.indexOf(lowestRole);
    const isManaged = (login: string) => {
      const known = desired.rosterLogins.get(login.toLowerCase());
      const emeritusOfBypass = known?.emeritusRole !== undefined && known.role === undefined && desired.roles.indexOf(known.emeritusRole) >= lowestIndex;
      return emeritusOfBypass || hasLogin(managed(resource), login);
    };
    const edit: BranchEdit = {};
    const drift: string[] = [];
    const listEdit = (current: string[]) => {
      const extras = current.filter((u) => !hasLogin(holders, u));
      for (const u of extras) if (!isManaged(u) && !hasLogin(drift, u)) drift.push(u);
      return { add: holders.filter((h) => !hasLogin(current, h)), remove: extras.filter(isManaged), current };
    };
    if (p.restrictions) edit.restriction = listEdit(p.restrictions.users);
    if (p.requiredPullRequestReviews) edit.bypass = listEdit(p.requiredPullRequestReviews.bypassPullRequestAllowances.users);
    // The drift note names people who are not holders and whom the app does not manage; most lists carry such people (release managers, bots).
    if (drift.length) notes.push({ code: "drift", resource, message: `${drift.map((l) => `@${l}`).join(", ")} may bypass ${branch} without holding ${lowestRole} in the roster; not changed by Stewards.`, logins: drift });
    const group: Group = { resource, roles: [lowestRole], current: [], removals: [], actions: [], stage: 2 };
    const plan: BranchPlan = { repo: snapshot.repo, branch, protection: p, edit };
    out.set(group, plan);
    rebuildBranchGroup(group, plan);
    groups.push(group);
  }
  return out;
}

interface BranchPlan {
  repo: RepoRef;
  branch: string;
  protection: ClassicProtection;
  edit: BranchEdit;
}

function rebuildBranchGroup(group: Group, { repo, branch, protection, edit }: BranchPlan) {
  const r = edit.restriction;
  const b = edit.bypass;
  const changesR = r && (r.add.length || r.remove.length);
  const changesB = b && (b.add.length || b.remove.length);
  group.current = [...new Set([...(r?.current ?? []), ...(b?.current ?? [])].map((l) => l.toLowerCase()))];
  group.removals = [...new Set([...(r?.remove ?? []), ...(b?.remove ?? [])].map((l) => l.toLowerCase()))];
  if (!changesR && !changesB) {
    group.actions = [];
    return;
  }
  const after = withUserLists(protection, {
    ...(changesR ? { restrictionUsers: { add: r.add, remove: r.remove } } : {}),
    ...(changesB ? { bypassUsers: { add: b.add, remove: b.remove } } : {}),
  });
  const action: AccessAction = {
    kind: "branch-protection.update",
    repo,
    branch,
    ...(changesR ? { restrictionUsers: { add: r.add, remove: r.remove } } : {}),
    ...(changesB ? { pullRequestBypass: { ...after.requiredPullRequestReviews!.bypassPullRequestAllowances, add: b.add, remove: b.remove } } : {}),
    before: protection,
    after,
  };
  group.actions = [action];
}

function dropRemovals(group: Group, logins: readonly string[], branchGroups: Map<Group, BranchPlan>) {
  const branch = branchGroups.get(group);
  if (branch) {
    const { edit } = branch;
    if (edit.restriction) edit.restriction.remove = edit.restriction.remove.filter((l) => !hasLogin(logins, l));
    if (edit.bypass) edit.bypass.remove = edit.bypass.remove.filter((l) => !hasLogin(logins, l));
    rebuildBranchGroup(group, branch);
    return;
  }
  group.removals = group.removals.filter((l) => !hasLogin(logins, l));
  group.actions = group.actions.filter((a) => !(a.kind === "team.remove-member" && hasLogin(logins, a.login)));
}

interface RulesetGroup {
  name: string;
  branches: string[];
  teams: string[];
  roles: string[];
}

/** One ruleset `stewards` when every bypass role bypasses the same branches; else one per role. */
function rulesetGroups(desired: DesiredAccess): RulesetGroup[] {
  const key = (b: DesiredBypass) => [...b.branches].sort().join("\n");
  if (desired.bypass.length === 0) return [];
  if (new Set(desired.bypass.map(key)).size === 1) {
    return [{ name: RULESET_NAME, branches: desired.bypass[0]!.branches, teams: [...new Set(desired.bypass.flatMap((b) => b.teams))], roles: desired.bypass.map((b) => b.role) }];
  }
  return desired.bypass.map((b) => ({ name: `${RULESET_NAME}-${b.role}`, branches: b.branches, teams: b.teams, roles: [b.role] }));
}

function refName(branch: string): string {
  return branch === "~DEFAULT_BRANCH" || branch === "~ALL" || branch.startsWith("refs/") ? branch : `refs/heads/${branch}`;
}

function planRulesets(desired: DesiredAccess, snapshot: AccessSnapshot, notes: AccessNote[], needs: AccessNeed[], groups: Group[]) {
  const rs = snapshot.rulesets;
  if (desired.bypass.length === 0) return;
  if (rs.state === "unreadable") {
    notes.push({ code: "unreadable", resource: "repository", message: `The repository's rulesets could not be read (${rs.message}); the app needs ${rs.permission}.` });
    return;
  }
  if (!usesRulesets(snapshot)) return;
  const repo = snapshot.repo;
  const ownedNames = new Set(rulesetGroups(desired).map((g) => g.name));
  const others = rs.list.filter((r) => r.target === "branch" && !(r.sourceType === "Repository" && ownedNames.has(r.name)) && r.enforcement !== "disabled");
  if (others.length) {
    notes.push({
      code: "other-rulesets",
      resource: "repository",
      message: `Bypass is granted in Stewards' own ruleset only; ${others.map((r) => `"${r.name}"${r.sourceType === "Repository" ? "" : ` (from the ${r.sourceType.toLowerCase()})`}`).join(", ")} keep${others.length === 1 ? "s" : ""} ${others.length === 1 ? "its" : "their"} own bypass list. Move rules that holders should bypass into "${[...ownedNames][0]}".`,
    });
  }
  if (snapshot.ownerType === "User") {
    notes.push({ code: "no-bypass-team", resource: "repository", message: `Ruleset bypass goes through teams, and ${repo.owner} is a personal account without teams: no bypass is granted through rulesets.` });
    return;
  }
  // Team ids of every ladder team: a Team actor whose id belongs to a ladder team the bypass roles no longer grant is the app's to remove.
  const ids = new Map<string, number>();
  const unknownIds: string[] = [];
  for (const t of desired.teams) {
    const st = snapshot.teams[t.slug];
    if (st?.state !== "ok") continue;
    if (st.id === null) unknownIds.push(t.slug);
    else ids.set(t.slug, st.id);
  }
  if (unknownIds.length) {
    needs.push({ kind: "team-ids", teams: unknownIds });
    return;
  }
  for (const g of rulesetGroups(desired)) {
    const resource = `ruleset:${g.name}`;
    if (g.teams.length === 0) {
      notes.push({ code: "no-bypass-team", resource: `role:${g.roles.join(",")}`, message: `${g.roles.join(", ")} may bypass ${g.branches.join(", ")}, but grants no team: ruleset bypass goes through teams. Add a team to the role's grants.` });
    }
    const actors: BypassActor[] = g.teams.flatMap((slug) => (ids.has(slug) ? [{ actorId: ids.get(slug)!, actorType: "Team" as const, bypassMode: "always" as const }] : []));
    const include = g.branches.map(refName);
    const existing = rs.owned[g.name];
    if (!existing) {
      if (actors.length === 0) continue;
      const ruleset: RulesetSpec = { name: g.name, target: "branch", enforcement: "active", bypassActors: actors, conditions: { refName: { include, exclude: [] } }, rules: [] };
      notes.push({ code: "ruleset-without-rules", resource, message: `Ruleset "${g.name}" starts with no rules: its bypass list covers only rules in it. Move the rules of ${g.branches.join(", ")} that ${g.roles.join(", ")} holders may bypass into it.` });
      groups.push({ resource, roles: g.roles, current: [], removals: [], stage: 1, actions: [{ kind: "ruleset.create", repo, ruleset, teamSlugs: g.teams.filter((t) => ids.has(t)) }] });
      continue;
    }
    const ladderIds = new Set(ids.values());
    const wantedIds = new Set(actors.map((a) => a.actorId));
    const kept = existing.bypassActors.filter((a) => !(a.actorType === "Team" && a.actorId !== null && ladderIds.has(a.actorId) && !wantedIds.has(a.actorId)));
    const removed = existing.bypassActors.filter((a) => !kept.includes(a));
    const added = actors.filter((a) => !existing.bypassActors.some((x) => x.actorType === "Team" && x.actorId === a.actorId));
    const have = existing.conditions?.refName.include ?? [];
    const newIncludes = include.filter((i) => !have.includes(i));
    if (existing.rules.length === 0) {
      notes.push({ code: "ruleset-without-rules", resource, message: `Ruleset "${g.name}" has no rules: its bypass list covers only rules in it.` });
    }
    if (!added.length && !removed.length && !newIncludes.length) continue;
    const slugOf = (id: number | null) => [...ids].find(([, v]) => v === id)?.[0] ?? String(id);
    const change = [
      ...added.map((a) => `bypass +team ${slugOf(a.actorId)}`),
      ...removed.map((a) => `bypass -team ${slugOf(a.actorId)}`),
      ...newIncludes.map((i) => `target +${i}`),
    ].join(", ");
    const { id, ...spec } = existing;
    const ruleset: RulesetSpec = {
      ...spec,
      bypassActors: [...kept, ...added],
      conditions: { refName: { include: [...have, ...newIncludes], exclude: existing.conditions?.refName.exclude ?? [] } },
    };
    groups.push({ resource, roles: g.roles, current: [], removals: [], stage: 1, actions: [{ kind: "ruleset.update", repo, id, ruleset, teamSlugs: g.teams.filter((t) => ids.has(t)), change }] });
  }
}

/** Where the stewards block sits in a CODEOWNERS text (0-based line indexes), absent, or malformed. */
function findBlock(lines: readonly string[]): { begin: number; end: number } | null | "malformed" {
  const begins = lines.flatMap((l, i) => (l.trim() === BLOCK_BEGIN ? [i] : []));
  const ends = lines.flatMap((l, i) => (l.trim() === BLOCK_END ? [i] : []));
  if (begins.length === 0 && ends.length === 0) return null;
  if (begins.length !== 1 || ends.length !== 1 || ends[0]! < begins[0]!) return "malformed";
  return { begin: begins[0]!, end: ends[0]! };
}

function ownersIn(lines: readonly string[]): string[] {
  const out = new Set<string>();
  for (const line of lines) {
    if (line.trim().startsWith("#")) continue;
    for (const token of line.trim().split(/\s+/).slice(1)) if (token.startsWith("@")) out.add(token.slice(1).toLowerCase());
  }
  return [...out];
}

/**
 * The CODEOWNERS text with the stewards block replaced (or appended, or a new
 * file), every other line byte for byte as it was; null when the file's
 * block is malformed (two BEGIN lines, no END…) and so is left alone.
 */
export function spliceCodeowners(text: string | null, block: string): { text: string; blockLines: { start: number; end: number }; previousBlock: string[] } | null {
  const blockLines = block.split("\n");
  if (text === null || text === "") return { text: `${block}\n`, blockLines: { start: 1, end: blockLines.length }, previousBlock: [] };
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split("\n");
  const cr = eol === "\r\n" ? "\r" : "";
  const found = findBlock(lines);
  if (found === "malformed") return null;
  if (found) {
    const previousBlock = lines.slice(found.begin, found.end + 1).map((l) => l.replace(/\r$/, ""));
    const next = [...lines.slice(0, found.begin), ...blockLines.map((l) => l + cr), ...lines.slice(found.end + 1)];
    return { text: next.join("\n"), blockLines: { start: found.begin + 1, end: found.begin + blockLines.length }, previousBlock };
  }
  let head = text.endsWith("\n") ? text : text + eol;
  if (!head.endsWith(`${eol}${eol}`) && head !== eol) head += eol;
  const start = head.split("\n").length;
  return { text: head + blockLines.join(eol) + eol, blockLines: { start, end: start + blockLines.length - 1 }, previousBlock: [] };
}

function planCodeowners(desired: DesiredAccess, snapshot: AccessSnapshot, opts: AccessPlanOptions, notes: AccessNote[], groups: Group[]) {
  const c = snapshot.codeowners;
  const path = c.path ?? CODEOWNERS_PATHS[0];
  const spliced = spliceCodeowners(c.text, desired.codeownersBlock);
  if (!spliced) {
    notes.push({ code: "codeowners-block-malformed", resource: "codeowners", message: `${path} has a broken stewards block (it needs exactly one "${BLOCK_BEGIN}" line followed by one "${BLOCK_END}" line); the file is left as is until it is fixed.` });
    return;
  }
  if (spliced.text === c.text) return;
  const before = ownersIn(spliced.previousBlock);
  const after = ownersIn(desired.codeownersBlock.split("\n"));
  groups.push({
    resource: "codeowners",
    roles: [],
    current: before,
    removals: before.filter((o) => !after.includes(o)),
    stage: 4,
    actions: [
      {
        kind: "codeowners.write",
        repo: snapshot.repo,
        branch: c.branch,
        parentSha: c.headSha,
        baseTreeSha: c.treeSha,
        path,
        text: spliced.text,
        message: opts.codeownersMessage ?? `Stewards: ${c.path ? "update" : "add"} the stewards block of ${path} from the roster`,
        blockLines: spliced.blockLines,
      },
    ],
  });
}

/** The most a plan may remove from `n` people at `share` (always at least one). */
export function removalAllowance(n: number, share: number): number {
  return Math.max(1, Math.floor(share * n + 1e-9));
}

function applyRemovalFloors(desired: DesiredAccess, groups: Group[], share: number, refusals: AccessRefusal[]) {
  const refuse = (g: Group, code: AccessRefusal["code"], message: string) => {
    if (g.actions.length === 0) return;
    refusals.push({ code, resource: g.resource, message, actions: g.actions });
    g.actions = [];
    g.removals = [];
  };
  const pct = Math.round(share * 100);
  for (const g of groups) {
    if (g.removals.length === 0) continue;
    if (desired.topHolders.length === 0) {
      refuse(g, "last-top-holder", `Nothing changed in ${g.resource}: the roster names nobody in the top role, ${desired.topRole}, and Stewards removes nobody until it does (it would strip the last stewards).`);
      continue;
    }
    if (g.removals.length > removalAllowance(g.current.length, share)) {
      refuse(g, "removal-share", `Nothing changed in ${g.resource}: it would remove ${g.removals.length} of ${g.current.length} (${g.removals.map((l) => `@${l}`).join(", ")}), more than ${pct}% at once. Check the roster; apply it in steps if it is right.`);
    }
  }
  // All of one role's teams together.
  for (const role of desired.roles) {
    const mine = groups.filter((g) => g.resource.startsWith("team:") && g.roles.includes(role));
    const current = new Set(mine.flatMap((g) => g.current.map((l) => l.toLowerCase())));
    const removals = new Set(mine.flatMap((g) => g.removals.map((l) => l.toLowerCase())));
    if (removals.size === 0 || removals.size <= removalAllowance(current.size, share)) continue;
    for (const g of mine) refuse(g, "removal-share", `Nothing changed in ${g.resource}: the teams of ${role} would lose ${removals.size} of ${current.size} people at once, more than ${pct}%.`);
  }
}

function dedupeNeeds(needs: AccessNeed[]): AccessNeed[] {
  const seen = new Set<string>();
  return needs.filter((n) => {
    const key = JSON.stringify(n);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
