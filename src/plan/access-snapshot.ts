/**
 * What GitHub holds now, for the access planner: the CODEOWNERS file in use,
 * the members of each team the ladder grants, the org owners and repository
 * admins (the safety floor: never removed), and for each branch the ladder
 * grants bypass on, its classic protection and the repository's rulesets.
 *
 * Built by src/github/access-reader.ts; plain data, so tests write it by
 * hand. Facts that cost a request and matter only for some plans (owners and
 * admins matter only when someone would be removed; a team's pending
 * invitations only when someone would be added) may be `unread`: the planner
 * then says it `needs` them instead of guessing.
 *
 * `applyToSnapshot` is what GitHub would hold after the actions ran — the
 * model the idempotence tests use (plan(apply(plan(x))) is empty).
 */
import type { Action, RepoRef } from "./actions.js";
import { editLogins, hasLogin, type ClassicProtection } from "./classic-protection.js";

/** A resource the installation may not read: which permission it lacks, in GitHub's words. */
export interface Unreadable {
  state: "unreadable";
  /** The app permission that would allow it, e.g. `administration: read`. */
  permission: string;
  message: string;
}

/** The CODEOWNERS files at the head of the default branch. */
export interface CodeownersState {
  branch: string;
  headSha: string;
  treeSha: string;
  /** The file GitHub uses (the first of `.github/CODEOWNERS`, `CODEOWNERS`, `docs/CODEOWNERS` that exists), or null for none. */
  path: string | null;
  /** Its text; null when `path` is null. */
  text: string | null;
}

export type TeamState =
  | {
      state: "ok";
      /** GitHub's numeric id (ruleset bypass actors name teams by id); null when not read. */
      id: number | null;
      /** Members as GitHub lists them (includes members of child teams). */
      members: string[];
      /** Logins invited to the team who have not accepted yet; null when not read. */
      pending: string[] | null;
    }
  /** The organisation has no team with this slug (the app never creates teams). */
  | { state: "missing" }
  | Unreadable;

export type PeopleFact = { state: "ok"; logins: string[] } | { state: "unread" } | Unreadable;

export type BranchState =
  | { state: "protected"; protection: ClassicProtection }
  /** The branch exists without classic protection. */
  | { state: "unprotected" }
  | { state: "no-branch" }
  | Unreadable;

export type RulesetActorType = "Integration" | "OrganizationAdmin" | "RepositoryRole" | "Team" | "DeployKey" | "User";

export interface BypassActor {
  actorId: number | null;
  actorType: RulesetActorType;
  bypassMode: "always" | "pull_request" | "exempt";
}

/** A repository ruleset's settings, in the shape the REST API takes them back. */
export interface RulesetSpec {
  name: string;
  target: "branch" | "tag" | "push";
  enforcement: "disabled" | "active" | "evaluate";
  bypassActors: BypassActor[];
  conditions: { refName: { include: string[]; exclude: string[] } } | null;
  /** The rules, verbatim as read (the app never changes them). */
  rules: unknown[];
}

export interface RulesetSummary {
  id: number;
  name: string;
  target: string;
  /** `Repository` for the repository's own, `Organization` (or `Enterprise`) for those it inherits. */
  sourceType: string;
  enforcement: string;
}

export type RulesetsState =
  | {
      state: "ok";
      /** Every ruleset that applies to the repository, its own and inherited. */
      list: RulesetSummary[];
      /** The full settings of the rulesets the app owns (named `stewards` or `stewards-<role>`), by name. */
      owned: Record<string, RulesetSpec & { id: number }>;
    }
  | Unreadable;

export interface AccessSnapshot {
  repo: RepoRef;
  /** `User`: a personal account's repository, which has no teams and no org owners. */
  ownerType: "Organization" | "User";
  codeowners: CodeownersState;
  /** Each team the ladder grants, by slug. Empty for a personal account. */
  teams: Record<string, TeamState>;
  /** Org owners (for a personal account: the account itself). */
  orgOwners: PeopleFact;
  /** Users with admin permission on the repository. */
  repoAdmins: PeopleFact;
  /** Each branch the ladder grants bypass on (exact names only), by name. */
  branches: Record<string, BranchState>;
  rulesets: RulesetsState;
}

/** The snapshot after `actions` ran as planned (pure; GitHub's own side effects, such as ids, are modelled). */
export function applyToSnapshot(snapshot: AccessSnapshot, actions: readonly Action[]): AccessSnapshot {
  const next: AccessSnapshot = structuredClone(snapshot);
  let nextRulesetId = -1;
  for (const a of actions) {
    switch (a.kind) {
      case "team.add-member":
      case "team.remove-member": {
        const team = next.teams[a.team];
        if (!team || team.state !== "ok") break;
        team.members = a.kind === "team.add-member" ? editLogins(team.members, [a.login], []) : editLogins(team.members, [], [a.login]);
        if (team.pending && a.kind === "team.remove-member") team.pending = team.pending.filter((p) => !hasLogin([a.login], p));
        break;
      }
      case "branch-protection.update": {
        const branch = next.branches[a.branch];
        if (branch?.state === "protected") branch.protection = structuredClone(a.after);
        break;
      }
      case "ruleset.create":
      case "ruleset.update": {
        if (next.rulesets.state !== "ok") break;
        const id = a.kind === "ruleset.update" ? a.id : nextRulesetId--;
        next.rulesets.owned[a.ruleset.name] = { ...structuredClone(a.ruleset), id };
        if (a.kind === "ruleset.create") {
          next.rulesets.list.push({ id, name: a.ruleset.name, target: a.ruleset.target, sourceType: "Repository", enforcement: a.ruleset.enforcement });
        }
        break;
      }
      case "codeowners.write":
        next.codeowners = { ...next.codeowners, path: a.path, text: a.text };
        break;
      default:
        break;
    }
  }
  return next;
}
