/**
 * Bypass through rulesets, for repositories that have a branch ruleset of
 * their own. GitHub evaluates rulesets apart from classic protection, and a
 * ruleset's bypass list covers only its own rules, so the app keeps a
 * ruleset of its own — `stewards`, or `stewards-<role>` when roles bypass
 * different branches — targeting the granted branches with the bypass
 * roles' teams as bypass actors. Bypass goes through teams because the
 * GitHub Enterprise Server API has no user actors. The project's other
 * rulesets are never edited; a note names them.
 */
import type { RepoRef } from "./actions.js";
import type { AccessSnapshot, BypassActor, RulesetSpec, RulesetsState } from "./access-snapshot.js";
import type { DesiredAccess, DesiredBypass } from "./access-desired.js";
import { joinParts, STAGE, type AccessNote, type PlanPart } from "./access-parts.js";

export const RULESET_NAME = "stewards";

/** One ruleset the app owns, and what it should hold. */
interface OwnedRuleset {
  name: string;
  branches: string[];
  teams: string[];
  roles: string[];
}

type ReadRulesets = Extract<RulesetsState, { state: "ok" }>;
type ExistingRuleset = ReadRulesets["owned"][string];

/** Whether the repository has a branch ruleset of its own: only then does the app keep one too (inherited rulesets alone do not count). */
export function usesRulesets(snapshot: AccessSnapshot): boolean {
  const r = snapshot.rulesets;
  return r.state === "ok" && r.list.some((x) => x.sourceType === "Repository" && x.target === "branch");
}

/** One ruleset `stewards` when every bypass role bypasses the same branches; else one per role. */
function ownedRulesets(desired: DesiredAccess): OwnedRuleset[] {
  const key = (b: DesiredBypass) => [...b.branches].sort().join("\n");
  if (desired.bypass.length === 0) return [];
  if (new Set(desired.bypass.map(key)).size === 1) {
    return [{ name: RULESET_NAME, branches: desired.bypass[0]!.branches, teams: [...new Set(desired.bypass.flatMap((b) => b.teams))], roles: desired.bypass.map((b) => b.role) }];
  }
  return desired.bypass.map((b) => ({ name: `${RULESET_NAME}-${b.role}`, branches: b.branches, teams: b.teams, roles: [b.role] }));
}

/** A ruleset's ref condition for a granted branch: the `~` keywords and full refs as they are, names under `refs/heads/`. */
function refName(branch: string): string {
  return branch === "~DEFAULT_BRANCH" || branch === "~ALL" || branch.startsWith("refs/") ? branch : `refs/heads/${branch}`;
}

/**
 * Nothing unless some role grants bypass and the repository uses rulesets
 * (unreadable rulesets: a note). Otherwise a note naming the other active
 * branch rulesets, then one `ruleset.create` or `ruleset.update` group per
 * owned ruleset that is missing or out of step. Needs the ids of the ladder's
 * teams (bypass actors are ids); a personal account, having no teams, gets
 * a note instead.
 */
export function planRulesets(desired: DesiredAccess, snapshot: AccessSnapshot): PlanPart {
  const rs = snapshot.rulesets;
  if (desired.bypass.length === 0) return joinParts([]);
  if (rs.state === "unreadable") {
    return joinParts([{ notes: [{ code: "unreadable", resource: "repository", message: `The repository's rulesets could not be read (${rs.message}); the app needs ${rs.permission}.` }] }]);
  }
  if (!usesRulesets(snapshot)) return joinParts([]);
  const owned = ownedRulesets(desired);
  const others = otherRulesetsNotes(rs, owned.map((g) => g.name));
  if (snapshot.ownerType === "User") {
    const message = `Ruleset bypass goes through teams, and ${snapshot.repo.owner} is a personal account without teams: no bypass is granted through rulesets.`;
    return joinParts([{ notes: others }, { notes: [{ code: "no-bypass-team", resource: "repository", message }] }]);
  }
  const { ids, unknown } = ladderTeamIds(desired, snapshot);
  if (unknown.length) return joinParts([{ notes: others }, { needs: [{ kind: "team-ids", teams: unknown }] }]);
  return joinParts([{ notes: others }, ...owned.map((g) => planRuleset(g, ids, rs.owned[g.name], snapshot.repo))]);
}

/** A note naming the active branch rulesets the app does not own (their bypass lists are the project's), or none. */
function otherRulesetsNotes(rs: ReadRulesets, ownedNames: readonly string[]): AccessNote[] {
  const others = rs.list.filter((r) => r.target === "branch" && !(r.sourceType === "Repository" && ownedNames.includes(r.name)) && r.enforcement !== "disabled");
  if (others.length === 0) return [];
  const one = others.length === 1;
  const names = others.map((r) => `"${r.name}"${r.sourceType === "Repository" ? "" : ` (from the ${r.sourceType.toLowerCase()})`}`).join(", ");
  return [
    {
      code: "other-rulesets",
      resource: "repository",
      message: `Bypass is granted in Stewards' own ruleset only; ${names} keep${one ? "s" : ""} ${one ? "its" : "their"} own bypass list. Move rules that holders should bypass into "${ownedNames[0]}".`,
    },
  ];
}

/**
 * The ids of every ladder team that could be read, and the slugs whose id
 * is unread. Every ladder team, not just the bypass roles': a Team actor
 * whose id belongs to a ladder team the bypass roles no longer grant is the
 * app's to remove.
 */
function ladderTeamIds(desired: DesiredAccess, snapshot: AccessSnapshot): { ids: Map<string, number>; unknown: string[] } {
  const ids = new Map<string, number>();
  const unknown: string[] = [];
  for (const t of desired.teams) {
    const st = snapshot.teams[t.slug];
    if (st?.state !== "ok") continue;
    if (st.id === null) unknown.push(t.slug);
    else ids.set(t.slug, st.id);
  }
  return { ids, unknown };
}

function planRuleset(g: OwnedRuleset, ids: ReadonlyMap<string, number>, existing: ExistingRuleset | undefined, repo: RepoRef): Partial<PlanPart> {
  const notes: AccessNote[] = [];
  if (g.teams.length === 0) {
    notes.push({ code: "no-bypass-team", resource: `role:${g.roles.join(",")}`, message: `${g.roles.join(", ")} may bypass ${g.branches.join(", ")}, but grants no team: ruleset bypass goes through teams. Add a team to the role's grants.` });
  }
  const actors: BypassActor[] = g.teams.flatMap((slug) => (ids.has(slug) ? [{ actorId: ids.get(slug)!, actorType: "Team" as const, bypassMode: "always" as const }] : []));
  const part = existing ? updateRuleset(g, ids, actors, existing, repo) : createRuleset(g, ids, actors, repo);
  return joinParts([{ notes }, part]);
}

/** A new ruleset with the bypass actors and no rules (the app never writes rules: they are the project's to move in); nothing without actors. */
function createRuleset(g: OwnedRuleset, ids: ReadonlyMap<string, number>, actors: BypassActor[], repo: RepoRef): Partial<PlanPart> {
  if (actors.length === 0) return {};
  const resource = `ruleset:${g.name}`;
  const ruleset: RulesetSpec = { name: g.name, target: "branch", enforcement: "active", bypassActors: actors, conditions: { refName: { include: g.branches.map(refName), exclude: [] } }, rules: [] };
  return {
    notes: [{ code: "ruleset-without-rules", resource, message: `Ruleset "${g.name}" starts with no rules: its bypass list covers only rules in it. Move the rules of ${g.branches.join(", ")} that ${g.roles.join(", ")} holders may bypass into it.` }],
    groups: [{ resource, roles: g.roles, current: [], removals: [], stage: STAGE.rulesets, actions: [{ kind: "ruleset.create", repo, ruleset, teamSlugs: g.teams.filter((t) => ids.has(t)) }] }],
  };
}

/**
 * The owned ruleset brought in step: ladder-team actors the roles no longer
 * grant out, missing ones in, missing branch targets added; every other
 * actor, target, exclusion and rule kept as read. Nothing when in step.
 */
function updateRuleset(g: OwnedRuleset, ids: ReadonlyMap<string, number>, actors: BypassActor[], existing: ExistingRuleset, repo: RepoRef): Partial<PlanPart> {
  const resource = `ruleset:${g.name}`;
  const ladderIds = new Set(ids.values());
  const wantedIds = new Set(actors.map((a) => a.actorId));
  const kept = existing.bypassActors.filter((a) => !(a.actorType === "Team" && a.actorId !== null && ladderIds.has(a.actorId) && !wantedIds.has(a.actorId)));
  const removed = existing.bypassActors.filter((a) => !kept.includes(a));
  const added = actors.filter((a) => !existing.bypassActors.some((x) => x.actorType === "Team" && x.actorId === a.actorId));
  const have = existing.conditions?.refName.include ?? [];
  const newIncludes = g.branches.map(refName).filter((i) => !have.includes(i));
  const notes: AccessNote[] = existing.rules.length === 0 ? [{ code: "ruleset-without-rules", resource, message: `Ruleset "${g.name}" has no rules: its bypass list covers only rules in it.` }] : [];
  if (!added.length && !removed.length && !newIncludes.length) return { notes };
  const slugOf = (id: number | null) => [...ids].find(([, v]) => v === id)?.[0] ?? String(id);
  const change = [...added.map((a) => `bypass +team ${slugOf(a.actorId)}`), ...removed.map((a) => `bypass -team ${slugOf(a.actorId)}`), ...newIncludes.map((i) => `target +${i}`)].join(", ");
  const { id, ...spec } = existing;
  const ruleset: RulesetSpec = {
    ...spec,
    bypassActors: [...kept, ...added],
    conditions: { refName: { include: [...have, ...newIncludes], exclude: existing.conditions?.refName.exclude ?? [] } },
  };
  return { notes, groups: [{ resource, roles: g.roles, current: [], removals: [], stage: STAGE.rulesets, actions: [{ kind: "ruleset.update", repo, id, ruleset, teamSlugs: g.teams.filter((t) => ids.has(t)), change }] }] };
}
