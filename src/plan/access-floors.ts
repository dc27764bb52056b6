/**
 * The safety floors (SPEC) the composer runs over every sub-planner's
 * groups, in this order:
 * 1. owners and admins: an org owner or repository admin is never removed;
 * 2. removal share: nobody is removed while the roster names nobody in the
 *    top role (a broken hand edit would strip every steward), and a
 *    resource, or all of one role's teams together, that would lose more
 *    than the allowed share of its people in one plan is refused whole;
 * 3. protection: a classic protection update that would change anything but
 *    its two user lists is refused, so a planner bug cannot weaken a branch.
 * Each floor takes groups and returns new ones; the groups passed in are
 * left as they were.
 */
import type { RepoRef } from "./actions.js";
import type { AccessSnapshot } from "./access-snapshot.js";
import type { DesiredAccess } from "./access-desired.js";
import { atLogins, resourceLabel, withoutRemovals, type AccessGroup, type AccessNote, type AccessRefusal, type PlanPart } from "./access-parts.js";
import { hasLogin, verifyProtectionChange } from "./classic-protection.js";

/** The most a plan may remove from `n` people at `share` (always at least one). */
export function removalAllowance(n: number, share: number): number {
  return Math.max(1, Math.floor(share * n + 1e-9));
}

/** CODEOWNERS owners are not covered by the owner floor: the block is derived from the roster alone. */
const removesPeople = (g: AccessGroup) => g.removals.length > 0 && g.resource !== "codeowners";

/** The owners and admins as far as read (null when one of them could not be read: then nobody may be removed), with needs for the unread and notes for the unreadable. */
function readFloor(snapshot: AccessSnapshot): { floor: string[] | null; notes: AccessNote[]; needs: PlanPart["needs"] } {
  const floor: string[] = [];
  let known = true;
  const notes: AccessNote[] = [];
  const needs: PlanPart["needs"] = [];
  for (const [fact, kind] of [[snapshot.orgOwners, "org-owners"], [snapshot.repoAdmins, "repo-admins"]] as const) {
    if (fact.state === "ok") floor.push(...fact.logins);
    else if (fact.state === "unread") needs.push({ kind });
    else {
      known = false;
      notes.push({ code: "unreadable", resource: "repository", message: `Nobody is removed: the ${kind === "org-owners" ? "organisation owners" : "repository admins"} could not be read (${fact.message}; needs ${fact.permission}).` });
    }
  }
  return { floor: known ? floor : null, notes, needs };
}

/**
 * Floor 1. When some group removes people, drops the org owners and
 * repository admins from every group's removals, with a `kept-by-floor`
 * note per group that keeps someone. A list still unread is a need (the
 * other list, if read, is applied already); an unreadable one is a note,
 * and then no group removes anybody. Asks for nothing and changes nothing
 * when nobody is removed: the lists cost requests.
 */
export function ownerAdminFloor(groups: readonly AccessGroup[], snapshot: AccessSnapshot): PlanPart {
  if (!groups.some(removesPeople)) return { groups: [...groups], notes: [], needs: [] };
  const { floor, notes, needs } = readFloor(snapshot);
  const kept = groups.map((g) => {
    if (!removesPeople(g)) return { group: g, notes: [] };
    const keep = floor ? g.removals.filter((l) => hasLogin(floor, l)) : g.removals;
    if (keep.length === 0) return { group: g, notes: [] };
    const why: AccessNote[] = floor
      ? [{ code: "kept-by-floor", resource: g.resource, message: `Kept ${atLogins(keep)} in ${resourceLabel(g.resource, snapshot.repo)}: organisation owners and repository admins are never removed.`, logins: keep }]
      : [];
    return { group: withoutRemovals(g, keep), notes: why };
  });
  return { groups: kept.map((k) => k.group), notes: [...notes, ...kept.flatMap((k) => k.notes)], needs };
}

/** The group with all its actions held back (it then removes nobody). */
function held(g: AccessGroup): AccessGroup {
  return { resource: g.resource, roles: g.roles, current: g.current, stage: g.stage, removals: [], actions: [] };
}

/** Floor 2 for one group on its own: the refusal of its actions, or null when it may go ahead (or has no actions to refuse). */
function groupShareRefusal(desired: DesiredAccess, g: AccessGroup, share: number): AccessRefusal | null {
  if (g.removals.length === 0 || g.actions.length === 0) return null;
  const refusal = (code: AccessRefusal["code"], message: string): AccessRefusal => ({ code, resource: g.resource, message, actions: g.actions });
  if (desired.topHolders.length === 0) {
    return refusal("last-top-holder", `Nothing changed in ${g.resource}: the roster names nobody in the top role, ${desired.topRole}, and Stewards removes nobody until it does (it would strip the last stewards).`);
  }
  if (g.removals.length <= removalAllowance(g.current.length, share)) return null;
  return refusal("removal-share", `Nothing changed in ${g.resource}: it would remove ${g.removals.length} of ${g.current.length} (${atLogins(g.removals)}), more than ${Math.round(share * 100)}% at once. Check the roster; apply it in steps if it is right.`);
}

/** Floor 2 over all of `role`'s teams together, after the per-group floor: every one of them that still has actions is refused when they lose too many people at once. */
function roleShareFloor(role: string, groups: readonly AccessGroup[], share: number): { groups: AccessGroup[]; refusals: AccessRefusal[] } {
  const mine = groups.filter((g) => g.resource.startsWith("team:") && g.roles.includes(role));
  const current = new Set(mine.flatMap((g) => g.current.map((l) => l.toLowerCase())));
  const removals = new Set(mine.flatMap((g) => g.removals.map((l) => l.toLowerCase())));
  if (removals.size === 0 || removals.size <= removalAllowance(current.size, share)) return { groups: [...groups], refusals: [] };
  const refused = mine.filter((g) => g.actions.length > 0);
  const message = (g: AccessGroup) => `Nothing changed in ${g.resource}: the teams of ${role} would lose ${removals.size} of ${current.size} people at once, more than ${Math.round(share * 100)}%.`;
  return {
    groups: groups.map((g) => (refused.includes(g) ? held(g) : g)),
    refusals: refused.map((g) => ({ code: "removal-share", resource: g.resource, message: message(g), actions: g.actions })),
  };
}

/**
 * Floor 2: the last-top-holder and removal-share refusals, each group on
 * its own first (in group order), then each role's teams together (in
 * ladder order). A refused group keeps no actions.
 */
export function removalShareFloor(desired: DesiredAccess, groups: readonly AccessGroup[], share: number): { groups: AccessGroup[]; refusals: AccessRefusal[] } {
  const own = groups.map((g) => ({ g, refusal: groupShareRefusal(desired, g, share) }));
  let next = own.map(({ g, refusal }) => (refusal ? held(g) : g));
  const refusals = own.flatMap(({ refusal }) => (refusal ? [refusal] : []));
  for (const role of desired.roles) {
    const byRole = roleShareFloor(role, next, share);
    next = byRole.groups;
    refusals.push(...byRole.refusals);
  }
  return { groups: next, refusals };
}

/** Floor 3: every `branch-protection.update` that would change more than its user lists is taken out of its group and refused. */
export function protectionFloor(groups: readonly AccessGroup[], repo: RepoRef): { groups: AccessGroup[]; refusals: AccessRefusal[] } {
  const refusals: AccessRefusal[] = [];
  const checked = groups.map((g) => {
    const actions = g.actions.filter((a) => {
      if (a.kind !== "branch-protection.update") return true;
      const removed = [...(a.restrictionUsers?.remove ?? []), ...(a.pullRequestBypass?.remove ?? [])];
      const violations = verifyProtectionChange(a.before, a.after, removed);
      if (violations.length) refusals.push({ code: "weakens-protection", resource: g.resource, message: `Not changed: the update of ${resourceLabel(g.resource, repo)} would also ${violations.join("; ")}.`, actions: [a] });
      return violations.length === 0;
    });
    return { ...g, actions };
  });
  return { groups: checked, refusals };
}
