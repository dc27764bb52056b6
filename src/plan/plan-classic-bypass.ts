/**
 * Bypass in classic branch protection: holders are added to the push
 * restrictions where pushes are already restricted (turning them on would
 * lock out everyone else) and to the PR-review bypass users where reviews
 * are already required. Only those two user lists change; the composer
 * checks that every other setting comes through (classic-protection.ts).
 *
 * A protected branch's lists are the project's: the app removes only
 * emeritus holders of a role that granted bypass there, and logins it added
 * itself (`managed`). Everyone else there is drift, reported.
 */
import type { AccessAction, RepoRef } from "./actions.js";
import type { AccessSnapshot, BranchState } from "./access-snapshot.js";
import { isBranchPattern, type DesiredAccess } from "./access-desired.js";
import { atLogins, STAGE, joinParts, type AccessGroup, type AccessNote, type PlanPart } from "./access-parts.js";
import { hasLogin, withUserLists, type ClassicProtection } from "./classic-protection.js";
import { usesRulesets } from "./plan-rulesets.js";

/** One user list's edit: who to add, who to remove, and who is in it now. */
interface ListEdit {
  add: string[];
  remove: string[];
  current: string[];
}

interface BranchEdit {
  restriction?: ListEdit;
  bypass?: ListEdit;
}

interface BranchPlan {
  repo: RepoRef;
  branch: string;
  protection: ClassicProtection;
  edit: BranchEdit;
}

/** Per branch (exact names and patterns), the holders who may bypass it and the lowest role granting it. */
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

/**
 * One group per granted branch whose classic protection restricts pushes or
 * requires reviews (at most one `branch-protection.update`, none when the
 * lists are right), in the ladder's branch order; notes for branches that
 * are patterns, missing, unreadable, unprotected or have nothing to bypass.
 * Where the repository uses rulesets, patterns and unprotected branches are
 * the rulesets' business and get no note. A branch the snapshot does not
 * hold is skipped: it was not asked for.
 */
export function planClassicBypass(desired: DesiredAccess, snapshot: AccessSnapshot, managed: (resource: string) => readonly string[]): Pick<PlanPart, "groups" | "notes"> {
  const rulesets = usesRulesets(snapshot);
  const parts = [...bypassByBranch(desired)].map(([branch, { holders, lowestRole }]): Partial<PlanPart> => {
    const resource = `branch:${branch}`;
    const found = protectionOf(branch, lowestRole, snapshot.branches[branch], rulesets);
    if (!("protection" in found)) return { notes: found.notes };
    const isManaged = managedOnBranch(desired, lowestRole, managed(resource));
    const { edit, drift } = branchEdit(found.protection, holders, isManaged);
    // The drift note names people who are not holders and whom the app does not manage; most lists carry such people (release managers, bots).
    const notes: AccessNote[] = drift.length
      ? [{ code: "drift", resource, message: `${atLogins(drift)} may bypass ${branch} without holding ${lowestRole} in the roster; not changed by Stewards.`, logins: drift }]
      : [];
    return { notes, groups: [branchGroup(resource, [lowestRole], { repo: snapshot.repo, branch, protection: found.protection, edit })] };
  });
  const { groups, notes } = joinParts(parts);
  return { groups, notes };
}

/** The branch's classic protection when it has lists the app could edit; otherwise the notes that say why not (maybe none). */
function protectionOf(branch: string, lowestRole: string, state: BranchState | undefined, rulesets: boolean): { protection: ClassicProtection } | { notes: AccessNote[] } {
  const resource = `branch:${branch}`;
  const note = (code: AccessNote["code"], message: string) => ({ notes: [{ code, resource, message }] });
  if (isBranchPattern(branch)) {
    if (rulesets) return { notes: [] };
    return note("branch-pattern", `Bypass on "${branch}" is not applied to classic protection: the REST API addresses classic protection by exact branch name only. Name the branches, or use a ruleset.`);
  }
  if (!state) return { notes: [] };
  if (state.state === "no-branch") return note("branch-missing", `Branch ${branch} (bypass granted to ${lowestRole}) does not exist.`);
  if (state.state === "unreadable") return note("unreadable", `The protection of ${branch} could not be read (${state.message}); the app needs ${state.permission}.`);
  if (state.state === "unprotected") {
    if (rulesets) return { notes: [] };
    return note("branch-unprotected", `${branch} has no branch protection and the repository uses no rulesets: there is nothing to bypass.`);
  }
  const p = state.protection;
  if (!p.restrictions && !p.requiredPullRequestReviews) {
    return note("nothing-to-bypass", `${branch}'s classic protection restricts neither pushes nor merges without review: there is nothing for ${lowestRole} holders to bypass there.`);
  }
  return { protection: p };
}

/** Whom the app may remove from a branch's lists: emeritus holders of a role at or above the lowest granting one, and logins it added there. */
function managedOnBranch(desired: DesiredAccess, lowestRole: string, added: readonly string[]): (login: string) => boolean {
  const lowestIndex = desired.roles.indexOf(lowestRole);
  return (login) => {
    const known = desired.rosterLogins.get(login.toLowerCase());
    const emeritusOfBypass = known?.emeritusRole !== undefined && known.role === undefined && desired.roles.indexOf(known.emeritusRole) >= lowestIndex;
    return emeritusOfBypass || hasLogin(added, login);
  };
}

/** The edits of the lists the protection has (restrictions, then review bypass), and the unmanaged non-holders in them, each once. */
function branchEdit(p: ClassicProtection, holders: readonly string[], isManaged: (login: string) => boolean): { edit: BranchEdit; drift: string[] } {
  const drift: string[] = [];
  const listEdit = (current: string[]): ListEdit => {
    const extras = current.filter((u) => !hasLogin(holders, u));
    for (const u of extras) if (!isManaged(u) && !hasLogin(drift, u)) drift.push(u);
    return { add: holders.filter((h) => !hasLogin(current, h)), remove: extras.filter(isManaged), current };
  };
  const edit: BranchEdit = {};
  if (p.restrictions) edit.restriction = listEdit(p.restrictions.users);
  if (p.requiredPullRequestReviews) edit.bypass = listEdit(p.requiredPullRequestReviews.bypassPullRequestAllowances.users);
  return { edit, drift };
}

/**
 * The group of one branch: who is in its lists now, who its edit removes,
 * and its one update (none when the edit changes nothing). Dropping
 * removals rebuilds the update from the edit, because one action carries
 * both lists.
 */
function branchGroup(resource: string, roles: string[], plan: BranchPlan): AccessGroup {
  const { restriction: r, bypass: b } = plan.edit;
  const lowerSet = (lists: (string[] | undefined)[]) => [...new Set(lists.flatMap((l) => l ?? []).map((l) => l.toLowerCase()))];
  const without = (logins: readonly string[]) => {
    const keep = (e: ListEdit | undefined) => e && { ...e, remove: e.remove.filter((l) => !hasLogin(logins, l)) };
    return branchGroup(resource, roles, { ...plan, edit: { ...(r ? { restriction: keep(r) } : {}), ...(b ? { bypass: keep(b) } : {}) } });
  };
  const update = branchUpdate(plan);
  return {
    resource,
    roles,
    current: lowerSet([r?.current, b?.current]),
    removals: lowerSet([r?.remove, b?.remove]),
    actions: update ? [update] : [],
    stage: STAGE.branchProtection,
    without,
  };
}

/** The update that makes the edit, or null when neither list changes. */
function branchUpdate({ repo, branch, protection, edit }: BranchPlan): AccessAction | null {
  const changes = (e: ListEdit | undefined): e is ListEdit => e !== undefined && (e.add.length > 0 || e.remove.length > 0);
  const r = changes(edit.restriction) ? { add: edit.restriction.add, remove: edit.restriction.remove } : null;
  const b = changes(edit.bypass) ? { add: edit.bypass.add, remove: edit.bypass.remove } : null;
  if (!r && !b) return null;
  const after = withUserLists(protection, { ...(r ? { restrictionUsers: r } : {}), ...(b ? { bypassUsers: b } : {}) });
  return {
    kind: "branch-protection.update",
    repo,
    branch,
    ...(r ? { restrictionUsers: r } : {}),
    ...(b ? { pullRequestBypass: { ...after.requiredPullRequestReviews!.bypassPullRequestAllowances, ...b } } : {}),
    before: protection,
    after,
  };
}
