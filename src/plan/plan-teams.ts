/**
 * Team membership: each team the ladder grants should hold the holders of
 * its lowest granting role and everyone above. Members the app does not
 * manage are drift — reported, never removed — because people join teams by
 * other ways than Stewards (see access-plan.ts, "Who the app may remove").
 */
import type { AccessAction, RepoRef } from "./actions.js";
import type { AccessSnapshot, TeamState } from "./access-snapshot.js";
import type { DesiredAccess, DesiredTeam } from "./access-desired.js";
import { atLogins, joinParts, STAGE, type AccessNote, type AccessNeed, type PlanPart } from "./access-parts.js";
import { hasLogin } from "./classic-protection.js";

export interface TeamPlanOptions {
  /** Logins the app added earlier, by resource key (`team:<slug>`): the app may take them away again. */
  managed: (resource: string) => readonly string[];
  /** Teams whose whole membership the app manages: every non-holder in them is the app's to remove. */
  exclusiveTeams: readonly string[];
}

type ReadTeam = Extract<TeamState, { state: "ok" }>;

/**
 * One group per team that could be read (additions and removals of its
 * members, in desired order), a note for each team that is missing or
 * unreadable, and a `team-invitations` need when holders would be added to a
 * team whose pending invitations are unread (an invited person must not be
 * invited again). A team the snapshot does not hold is skipped: it was not
 * asked for. A personal account has no teams: one note, nothing else.
 */
export function planTeams(desired: DesiredAccess, snapshot: AccessSnapshot, opts: TeamPlanOptions): PlanPart {
  const repo = snapshot.repo;
  if (snapshot.ownerType === "User") {
    if (desired.teams.length === 0) return joinParts([]);
    const message = `${repo.owner} is a personal account, which has no teams: the grants of ${desired.teams.map((t) => t.slug).join(", ")} are not applied.`;
    return joinParts([{ notes: [{ code: "personal-account", resource: "repository", message }] }]);
  }
  return joinParts(desired.teams.map((t) => planTeam(desired, t, snapshot.teams[t.slug], repo, opts)));
}

function planTeam(desired: DesiredAccess, t: DesiredTeam, state: TeamState | undefined, repo: RepoRef, opts: TeamPlanOptions): Partial<PlanPart> {
  const resource = `team:${t.slug}`;
  if (!state) return {};
  if (state.state === "missing") {
    return { notes: [{ code: "team-missing", resource, message: `Team ${repo.owner}/${t.slug} (granted to ${t.roles.join(", ")}) does not exist; Stewards does not create teams. Create it, or remove it from the ladder.` }] };
  }
  if (state.state === "unreadable") {
    return { notes: [{ code: "unreadable", resource, message: `Team ${repo.owner}/${t.slug} could not be read (${state.message}); the app needs ${state.permission}.` }] };
  }
  const additions = teamAdditions(t, state, repo);
  const extras = state.members.filter((m) => !hasLogin(t.holders, m));
  const exclusive = opts.exclusiveTeams.includes(t.slug);
  const isManaged = (login: string) => exclusive || desired.rosterLogins.has(login.toLowerCase()) || hasLogin(opts.managed(resource), login);
  const removals = extras.filter(isManaged);
  const drift = extras.filter((l) => !isManaged(l));
  const notes = [...additions.notes];
  if (drift.length) {
    notes.push({ code: "drift", resource, message: `${atLogins(drift)} ${drift.length === 1 ? "is" : "are"} in ${repo.owner}/${t.slug} without holding ${t.roles.join(" or ")} in the roster; added by hand, left as is.`, logins: drift });
  }
  const base = { repo, org: repo.owner, team: t.slug };
  const actions = [
    ...additions.adds.map((login): AccessAction => ({ kind: "team.add-member", ...base, login })),
    ...removals.map((login): AccessAction => ({ kind: "team.remove-member", ...base, login })),
  ];
  return { notes, needs: additions.needs, groups: [{ resource, roles: t.roles, current: state.members, removals, stage: STAGE.teamAdditions, actions }] };
}

/**
 * The holders to add to a read team: those not in it, less those already
 * invited, who are named in a note instead. Unread invitations are a need
 * (without them an invited holder looks like one to add); the adds are
 * then left whole, since the plan has no actions until they are read.
 */
function teamAdditions(t: DesiredTeam, state: ReadTeam, repo: RepoRef): { adds: string[]; notes: AccessNote[]; needs: AccessNeed[] } {
  const adds = t.holders.filter((h) => !hasLogin(state.members, h));
  if (adds.length === 0) return { adds, notes: [], needs: [] };
  if (state.pending === null) return { adds, notes: [], needs: [{ kind: "team-invitations", team: t.slug }] };
  const pending = adds.filter((h) => hasLogin(state.pending!, h));
  const notes: AccessNote[] = pending.length
    ? [{ code: "invitation-pending", resource: `team:${t.slug}`, message: `${atLogins(pending)} invited to ${repo.owner}/${t.slug}, not accepted yet.`, logins: pending }]
    : [];
  return { adds: adds.filter((h) => !hasLogin(pending, h)), notes, needs: [] };
}
