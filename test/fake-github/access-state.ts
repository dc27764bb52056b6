// Access control in the fake: organisations (members, owners, invitations), teams,
// repository collaborators, classic branch protection and repository rulesets.
// Kept beside FakeState rather than inside it (one WeakMap per state) so the rest of
// the fake does not need to know about it; the REST operations are in
// access-handlers.ts, the JSON shapes in access-shapes.ts.
import type { FakeAccount, FakeRepo, FakeState } from "./state.js";

/** Repository permission levels, lowest first (GitHub's API names). */
export const REPO_PERMISSIONS = ["pull", "triage", "push", "maintain", "admin"] as const;
export type RepoPermission = (typeof REPO_PERMISSIONS)[number];

/** A role in an organisation. */
export type OrgRole = "admin" | "member";

/** A team's members are "member" or "maintainer"; both count as members everywhere. */
export type TeamRole = "member" | "maintainer";

/** An organisation team. */
export interface FakeTeam {
  id: number;
  org: string;
  slug: string;
  name: string;
  description: string | null;
  /** "secret" teams are visible to their members and owners only: CODEOWNERS cannot use them. */
  privacy: "closed" | "secret";
  /** What the team may do on every repository of the organisation, unless a repository grants it otherwise (`RepoAccess.teamGrants`). */
  permission: RepoPermission;
  /** Active members by lower-cased login, in the order they joined. */
  members: Map<string, { account: FakeAccount; role: TeamRole }>;
  /** Invited people (not org members yet) by lower-cased login; they become members when they accept. */
  pending: Map<string, { account: FakeAccount; role: TeamRole }>;
  createdAt: string;
  updatedAt: string;
}

/** An organisation as far as access goes. */
export interface FakeOrg {
  account: FakeAccount;
  /** Active members by lower-cased login; "admin" is an organisation owner. */
  members: Map<string, { account: FakeAccount; role: OrgRole }>;
  /** Outstanding invitations by lower-cased login. */
  invitations: Map<string, { account: FakeAccount; role: OrgRole }>;
  /** Teams by slug. */
  teams: Map<string, FakeTeam>;
  /** Permission every member has on every repository (GitHub's "base permission"; default "pull", i.e. read). */
  basePermission: RepoPermission | "none";
}

/** Users, teams and apps as GitHub's write calls name them: logins, team slugs, app slugs. */
export interface ActorLists {
  users: string[];
  teams: string[];
  apps: string[];
}

/**
 * Classic protection of one branch, in the shape of the PUT request body with every
 * field filled in (what `branchProtection()` returns, and what a test compares).
 * Sections that are off are null, as GitHub's PUT takes them.
 */
export interface FakeBranchProtection {
  required_status_checks: { strict: boolean; contexts: string[]; checks: { context: string; app_id: number | null }[] } | null;
  enforce_admins: boolean;
  required_pull_request_reviews: {
    dismiss_stale_reviews: boolean;
    require_code_owner_reviews: boolean;
    required_approving_review_count: number;
    require_last_push_approval: boolean;
    /** null when dismissal is not restricted. */
    dismissal_restrictions: ActorLists | null;
    bypass_pull_request_allowances: ActorLists;
  } | null;
  restrictions: ActorLists | null;
  required_linear_history: boolean;
  allow_force_pushes: boolean;
  allow_deletions: boolean;
  block_creations: boolean;
  required_conversation_resolution: boolean;
  lock_branch: boolean;
  allow_fork_syncing: boolean;
  /** Not settable through the PUT; kept across it. */
  required_signatures: boolean;
}

/** What the PUT …/protection body (and `setBranchProtection`) may hold; see GitHub's "Update branch protection". */
export interface BranchProtectionInput {
  required_status_checks: { strict: boolean; contexts?: string[]; checks?: { context: string; app_id?: number }[] } | null;
  enforce_admins: boolean | null;
  required_pull_request_reviews: {
    dismissal_restrictions?: Partial<ActorLists>;
    dismiss_stale_reviews?: boolean;
    require_code_owner_reviews?: boolean;
    required_approving_review_count?: number;
    require_last_push_approval?: boolean;
    bypass_pull_request_allowances?: Partial<ActorLists>;
  } | null;
  restrictions: { users: string[]; teams: string[]; apps?: string[] } | null;
  required_linear_history?: boolean;
  allow_force_pushes?: boolean | null;
  allow_deletions?: boolean;
  block_creations?: boolean;
  required_conversation_resolution?: boolean;
  lock_branch?: boolean;
  allow_fork_syncing?: boolean;
}

/** A ruleset bypass actor as GitHub takes and returns it. */
export interface RulesetBypassActor {
  actor_id?: number | null;
  actor_type: "Integration" | "OrganizationAdmin" | "RepositoryRole" | "Team" | "DeployKey" | "User";
  bypass_mode?: "always" | "pull_request" | "exempt";
}

/** One rule of a ruleset, as GitHub takes it (the OpenAPI description checks the parameters). */
export interface RulesetRule {
  type: string;
  parameters?: Record<string, unknown>;
}

/** The POST …/rulesets body (and `addRuleset`'s argument). */
export interface RulesetInput {
  name: string;
  target?: "branch" | "tag" | "push";
  enforcement: "disabled" | "active" | "evaluate";
  bypass_actors?: RulesetBypassActor[];
  conditions?: { ref_name?: { include?: string[]; exclude?: string[] } };
  rules?: RulesetRule[];
}

/** A bypass actor as stored and returned: every field filled in. */
export interface StoredBypassActor {
  actor_id: number | null;
  actor_type: RulesetBypassActor["actor_type"];
  bypass_mode: NonNullable<RulesetBypassActor["bypass_mode"]>;
}

/** A stored repository ruleset. */
export interface FakeRuleset {
  id: number;
  name: string;
  target: "branch" | "tag" | "push";
  enforcement: "disabled" | "active" | "evaluate";
  bypass_actors: StoredBypassActor[];
  conditions: { ref_name: { include: string[]; exclude: string[] } };
  rules: RulesetRule[];
  createdAt: string;
  updatedAt: string;
}

/** Access facts of one repository. */
export interface RepoAccess {
  /** Direct collaborators by lower-cased login. */
  collaborators: Map<string, { account: FakeAccount; permission: RepoPermission }>;
  /** Classic protection by branch name. */
  protections: Map<string, FakeBranchProtection>;
  /** Rulesets by id, in creation order. */
  rulesets: Map<number, FakeRuleset>;
  /** Teams whose access to this repository differs from their org-wide `permission`, by team id ("none": no access here). */
  teamGrants: Map<number, RepoPermission | "none">;
}

/** Everything access-related the fake holds. */
export interface AccessState {
  orgs: Map<string, FakeOrg>;
  /** By repository id. */
  repos: Map<number, RepoAccess>;
}

const stores = new WeakMap<FakeState, AccessState>();

/** The access state that belongs to a fake's state, created on first use. */
export function accessState(state: FakeState): AccessState {
  let access = stores.get(state);
  if (!access) {
    access = { orgs: new Map(), repos: new Map() };
    stores.set(state, access);
  }
  return access;
}

/** Access facts of a repository, created empty on first use. */
export function repoAccess(state: FakeState, repo: FakeRepo): RepoAccess {
  const access = accessState(state);
  let r = access.repos.get(repo.id);
  if (!r) {
    r = { collaborators: new Map(), protections: new Map(), rulesets: new Map(), teamGrants: new Map() };
    access.repos.set(repo.id, r);
  }
  return r;
}

/**
 * The organisation, or undefined when the fake knows no organisation of that name.
 * An organisation exists once a helper mentioned it (addTeam, setOrgRole) or a
 * repository was added under an Organization account.
 */
export function findOrg(state: FakeState, login: string): FakeOrg | undefined {
  const access = accessState(state);
  const key = login.toLowerCase();
  const known = access.orgs.get(key);
  if (known) return known;
  const account = state.accounts.get(key);
  if (account?.type !== "Organization") return undefined;
  return ensureOrg(state, account.login);
}

/** The organisation, created (with an Organization account) when missing. For seeding helpers. */
export function ensureOrg(state: FakeState, login: string): FakeOrg {
  const access = accessState(state);
  const key = login.toLowerCase();
  let org = access.orgs.get(key);
  if (!org) {
    const account = state.account(login, "Organization");
    if (account.type !== "Organization") throw new Error(`fake GitHub: ${login} is a ${account.type}, not an organisation`);
    org = { account, members: new Map(), invitations: new Map(), teams: new Map(), basePermission: "pull" };
    access.orgs.set(key, org);
  }
  return org;
}

/** The account when the fake has seen that login, else undefined (the fake's notion of "the user exists"). */
export function knownAccount(state: FakeState, login: string): FakeAccount | undefined {
  return state.accounts.get(login.toLowerCase());
}

export function permissionRank(p: RepoPermission | "none"): number {
  return p === "none" ? -1 : REPO_PERMISSIONS.indexOf(p);
}

function maxPermission(a: RepoPermission | "none", b: RepoPermission | "none"): RepoPermission | "none" {
  return permissionRank(a) >= permissionRank(b) ? a : b;
}

/** GitHub's role names for the permission levels. */
export function roleName(p: RepoPermission | "none"): string {
  return { none: "none", pull: "read", triage: "triage", push: "write", maintain: "maintain", admin: "admin" }[p];
}

/** The `permissions` object GitHub attaches to collaborators and teams. */
export function permissionFlags(p: RepoPermission | "none"): Record<RepoPermission, boolean> {
  const rank = permissionRank(p);
  return { pull: rank >= 0, triage: rank >= 1, push: rank >= 2, maintain: rank >= 3, admin: rank >= 4 };
}

/** Teams of the repository's organisation that a login is an active member of. */
export function teamsOf(state: FakeState, repo: FakeRepo, login: string): FakeTeam[] {
  const org = repo.owner.type === "Organization" ? findOrg(state, repo.owner.login) : undefined;
  if (!org) return [];
  return [...org.teams.values()].filter((t) => t.members.has(login.toLowerCase()));
}

/** How a person gets access to a repository, for `affiliation` filters. */
export interface EffectiveAccess {
  permission: RepoPermission | "none";
  /** A direct collaborator (whatever else they are). */
  direct: boolean;
  /** An active member of the owning organisation. */
  orgMember: boolean;
}

/**
 * A person's permission on a repository: the highest of the repository owner (a
 * user-owned repository's owner is admin), an organisation owner (admin), direct
 * collaboration, team grants and the organisation's base permission. Read access
 * that everyone has on a public repository is not counted here.
 */
export function effectiveAccess(state: FakeState, repo: FakeRepo, login: string): EffectiveAccess {
  const key = login.toLowerCase();
  let permission: RepoPermission | "none" = "none";
  if (repo.owner.type !== "Organization" && repo.owner.login.toLowerCase() === key) permission = "admin";
  const org = repo.owner.type === "Organization" ? findOrg(state, repo.owner.login) : undefined;
  const membership = org?.members.get(key);
  if (org && membership) permission = maxPermission(permission, membership.role === "admin" ? "admin" : org.basePermission);
  const direct = repoAccess(state, repo).collaborators.get(key);
  if (direct) permission = maxPermission(permission, direct.permission);
  for (const team of teamsOf(state, repo, login)) permission = maxPermission(permission, teamRepoPermission(state, repo, team));
  return { permission, direct: Boolean(direct), orgMember: Boolean(membership) };
}

/** True when a person may push to the repository (write access or more). */
export function canPush(state: FakeState, repo: FakeRepo, login: string): boolean {
  return permissionRank(effectiveAccess(state, repo, login).permission) >= permissionRank("push");
}

/** What a team of the repository's organisation may do on it: the repository's own grant, else the team's org-wide permission. */
export function teamRepoPermission(state: FakeState, repo: FakeRepo, team: FakeTeam): RepoPermission | "none" {
  return repoAccess(state, repo).teamGrants.get(team.id) ?? team.permission;
}

/** Teams of the repository's organisation with any access to it, in creation order, each with its permission there; none for a user-owned repository. */
export function repoTeams(state: FakeState, repo: FakeRepo): Array<{ team: FakeTeam; permission: RepoPermission }> {
  const org = repo.owner.type === "Organization" ? findOrg(state, repo.owner.login) : undefined;
  return [...(org?.teams.values() ?? [])].flatMap((team) => {
    const permission = teamRepoPermission(state, repo, team);
    return permission === "none" ? [] : [{ team, permission }];
  });
}

/** A team of the repository's organisation by slug, or undefined. */
export function repoTeam(state: FakeState, repo: FakeRepo, slug: string): FakeTeam | undefined {
  if (repo.owner.type !== "Organization") return undefined;
  return findOrg(state, repo.owner.login)?.teams.get(slug.toLowerCase());
}

// ------------------------------------------------------------ seeding

/** Options of `addTeam`. */
export interface AddTeamOptions {
  name?: string;
  description?: string | null;
  members?: string[];
  maintainers?: string[];
  privacy?: "closed" | "secret";
  /** The team's permission on every repository of the organisation (default "push", i.e. write). */
  permission?: RepoPermission;
}

/** Creates a team; its members and maintainers become active organisation members too. */
export function addTeam(state: FakeState, org: string, slug: string, opts: AddTeamOptions = {}): FakeTeam {
  const o = ensureOrg(state, org);
  const key = slug.toLowerCase();
  if (o.teams.has(key)) throw new Error(`fake GitHub: team ${org}/${slug} exists already`);
  const now = state.timestamp();
  const team: FakeTeam = {
    id: state.id(),
    org: o.account.login,
    slug: key,
    name: opts.name ?? slug,
    description: opts.description ?? null,
    privacy: opts.privacy ?? "closed",
    permission: opts.permission ?? "push",
    members: new Map(),
    pending: new Map(),
    createdAt: now,
    updatedAt: now,
  };
  o.teams.set(key, team);
  for (const [logins, role] of [[opts.members ?? [], "member"], [opts.maintainers ?? [], "maintainer"]] as const) {
    for (const login of logins) {
      if (!o.members.has(login.toLowerCase())) setOrgRole(state, org, login, "member");
      team.members.set(login.toLowerCase(), { account: state.account(login), role });
    }
  }
  return team;
}

/**
 * Makes someone an active member ("member") or owner ("admin") of an organisation —
 * team memberships they were invited to become active, as when they accept — or
 * removes them (null), from its teams too, as GitHub does.
 */
export function setOrgRole(state: FakeState, org: string, login: string, role: OrgRole | null): void {
  const o = ensureOrg(state, org);
  const key = login.toLowerCase();
  o.invitations.delete(key);
  if (role === null) {
    o.members.delete(key);
    for (const team of o.teams.values()) {
      team.members.delete(key);
      team.pending.delete(key);
    }
    return;
  }
  o.members.set(key, { account: state.account(login), role });
  for (const team of o.teams.values()) {
    const pending = team.pending.get(key);
    if (!pending) continue;
    team.pending.delete(key);
    team.members.set(key, pending);
  }
}

/** Accepts a pending organisation invitation: the person becomes a member and joins the teams they were invited to. */
export function acceptOrgInvitation(state: FakeState, org: string, login: string): void {
  const o = ensureOrg(state, org);
  const key = login.toLowerCase();
  const invitation = o.invitations.get(key);
  const pendingTeams = [...o.teams.values()].filter((t) => t.pending.has(key));
  if (!invitation && !pendingTeams.length) throw new Error(`fake GitHub: ${login} has no pending invitation to ${org}`);
  setOrgRole(state, org, login, invitation?.role ?? "member");
}

/** Active members of a team (logins, in joining order). Throws for an unknown team. */
export function teamMembers(state: FakeState, org: string, slug: string): string[] {
  const team = findOrg(state, org)?.teams.get(slug.toLowerCase());
  if (!team) throw new Error(`fake GitHub: no team ${org}/${slug}; call addTeam first`);
  return [...team.members.values()].map((m) => m.account.login);
}

/**
 * Grants an organisation team a permission on one of the organisation's
 * repositories (over its org-wide `permission`), or takes its access to that
 * repository away (null), as PUT/DELETE /orgs/{org}/teams/{team_slug}/repos/{owner}/{repo} do.
 */
export function setTeamRepoPermission(state: FakeState, org: string, slug: string, repo: FakeRepo, permission: RepoPermission | null): void {
  const team = findOrg(state, org)?.teams.get(slug.toLowerCase());
  if (!team) throw new Error(`fake GitHub: no team ${org}/${slug}; call addTeam first`);
  if (repo.owner.type !== "Organization" || repo.owner.login.toLowerCase() !== team.org.toLowerCase()) {
    throw new Error(`fake GitHub: ${repo.owner.login}/${repo.name} is not a repository of ${team.org}`);
  }
  repoAccess(state, repo).teamGrants.set(team.id, permission ?? "none");
}

/** Makes someone a direct collaborator with a permission, or removes them (null). */
export function setCollaborator(state: FakeState, repo: FakeRepo, login: string, permission: RepoPermission | null): void {
  const collaborators = repoAccess(state, repo).collaborators;
  if (permission === null) collaborators.delete(login.toLowerCase());
  else collaborators.set(login.toLowerCase(), { account: state.account(login), permission });
}

// ------------------------------------------------------------ classic branch protection

/** Why a protection write was refused; `status` is what GitHub answers. */
export class ProtectionInputError extends Error {
  constructor(
    readonly status: 404 | 422,
    message: string,
    readonly errors?: unknown[],
  ) {
    super(message);
  }
}

function uniqueLower(values: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const v of values) {
    if (seen.has(v.toLowerCase())) continue;
    seen.add(v.toLowerCase());
    out.push(v);
  }
  return out;
}

/** How to treat people, teams and apps that may not be listed. */
export type ActorPolicy = "drop" | "throw";

/**
 * Resolves the logins, team slugs and app slugs of a restriction or allowance list.
 * Names the fake does not know at all are refused (422); people and teams without
 * write access are dropped silently, as GitHub does (kubernetes/test-infra#9824), or,
 * with policy "throw" (seeding helpers), refused loudly.
 */
export function resolveActors(state: FakeState, repo: FakeRepo, input: Partial<ActorLists>, field: string, policy: ActorPolicy): ActorLists {
  const out: ActorLists = { users: [], teams: [], apps: [] };
  for (const login of uniqueLower(input.users ?? [])) {
    const account = knownAccount(state, login);
    if (!account || account.type === "Organization") throw new ProtectionInputError(422, "Validation Failed", [{ resource: "User", field, code: "invalid", value: login, message: `${login} is not a user` }]);
    if (!canPush(state, repo, account.login)) {
      if (policy === "throw") throw new Error(`fake GitHub: ${account.login} has no write access to ${repo.owner.login}/${repo.name}; setCollaborator or addTeam first`);
      continue;
    }
    out.users.push(account.login);
  }
  for (const slug of uniqueLower(input.teams ?? [])) {
    const team = repoTeam(state, repo, slug);
    if (!team) throw new ProtectionInputError(422, "Validation Failed", [{ resource: "Team", field, code: "invalid", value: slug, message: `${slug} is not a team of ${repo.owner.login}` }]);
    if (permissionRank(teamRepoPermission(state, repo, team)) < permissionRank("push")) {
      if (policy === "throw") throw new Error(`fake GitHub: team ${team.org}/${team.slug} has no write access`);
      continue;
    }
    out.teams.push(team.slug);
  }
  for (const slug of uniqueLower(input.apps ?? [])) {
    if (slug.toLowerCase() !== state.app.slug.toLowerCase()) throw new ProtectionInputError(422, "Validation Failed", [{ resource: "Integration", field, code: "invalid", value: slug, message: `${slug} is not an installed app` }]);
    out.apps.push(state.app.slug);
  }
  if (out.users.length + out.teams.length + out.apps.length > 100) throw new ProtectionInputError(422, "Validation Failed", [{ resource: "ProtectedBranch", field, code: "invalid", message: "Only 100 users, teams, and apps can be specified." }]);
  return out;
}

/** True when the branch exists in the repository. */
export function branchExists(repo: FakeRepo, branch: string): boolean {
  return repo.refs.has(`heads/${branch}`);
}

function reviewCount(value: number | undefined): number {
  const count = value ?? 0;
  if (count < 0 || count > 6) throw new ProtectionInputError(422, "Invalid request.\n\nrequired_approving_review_count must be between 0 and 6.", [{ resource: "ProtectedBranch", field: "required_approving_review_count", code: "invalid" }]);
  return count;
}

/**
 * The protection a PUT …/protection body leads to. The PUT replaces the whole
 * configuration: a section given as null is switched off, an omitted optional field
 * takes its default (false, 0, empty lists) whatever it was before; only
 * `required_signatures`, which the PUT cannot set, is carried over from `previous`.
 */
export function protectionFromInput(state: FakeState, repo: FakeRepo, input: BranchProtectionInput, previous: FakeBranchProtection | undefined, policy: ActorPolicy): FakeBranchProtection {
  const inOrg = repo.owner.type === "Organization";
  const checks = input.required_status_checks;
  let statusChecks: FakeBranchProtection["required_status_checks"] = null;
  if (checks) {
    const list = checks.checks ? checks.checks.map((c) => ({ context: c.context, app_id: c.app_id ?? null })) : (checks.contexts ?? []).map((context) => ({ context, app_id: null }));
    statusChecks = { strict: checks.strict, contexts: list.map((c) => c.context), checks: list };
  }
  const reviews = input.required_pull_request_reviews;
  let pullRequestReviews: FakeBranchProtection["required_pull_request_reviews"] = null;
  if (reviews) {
    if (reviews.dismissal_restrictions && !inOrg && Object.keys(reviews.dismissal_restrictions).length) {
      throw new ProtectionInputError(422, "Dismissal restrictions are supported only for repositories owned by an organization.");
    }
    const dismissal = reviews.dismissal_restrictions;
    pullRequestReviews = {
      dismiss_stale_reviews: reviews.dismiss_stale_reviews ?? false,
      require_code_owner_reviews: reviews.require_code_owner_reviews ?? false,
      required_approving_review_count: reviewCount(reviews.required_approving_review_count),
      require_last_push_approval: reviews.require_last_push_approval ?? false,
      dismissal_restrictions: dismissal && Object.keys(dismissal).length ? resolveActors(state, repo, dismissal, "dismissal_restrictions", policy) : null,
      bypass_pull_request_allowances: resolveActors(state, repo, reviews.bypass_pull_request_allowances ?? {}, "bypass_pull_request_allowances", policy),
    };
  }
  if (input.restrictions && !inOrg) throw new ProtectionInputError(422, "Only organization repositories can have users and team restrictions");
  return {
    required_status_checks: statusChecks,
    enforce_admins: input.enforce_admins ?? false,
    required_pull_request_reviews: pullRequestReviews,
    restrictions: input.restrictions ? resolveActors(state, repo, input.restrictions, "restrictions", policy) : null,
    required_linear_history: input.required_linear_history ?? false,
    allow_force_pushes: input.allow_force_pushes ?? false,
    allow_deletions: input.allow_deletions ?? false,
    block_creations: input.block_creations ?? false,
    required_conversation_resolution: input.required_conversation_resolution ?? false,
    lock_branch: input.lock_branch ?? false,
    allow_fork_syncing: input.allow_fork_syncing ?? false,
    required_signatures: previous?.required_signatures ?? false,
  };
}

/** A deep copy, so that what a test reads cannot change the fake's state and vice versa. */
export function copyProtection(p: FakeBranchProtection): FakeBranchProtection {
  return structuredClone(p);
}

// ------------------------------------------------------------ rulesets

/** Why a ruleset write was refused (422, or 404 for a team id that is not there). */
export class RulesetInputError extends Error {
  constructor(
    message: string,
    readonly errors: { resource: string; field?: string; code: string; message?: string; value?: string | number | null }[] = [],
    /** True when the request is one GitHub would refuse but the OpenAPI description accepts: reported as a violation. */
    readonly violation = false,
  ) {
    super(message);
  }
}

/** RepositoryRole ids GitHub documents as bypass-eligible: maintain (2), write (4), admin (5). */
const BYPASS_REPOSITORY_ROLES = new Set([2, 4, 5]);

/** Checks and normalises bypass actors; see the README for what the fake accepts. */
export function normaliseBypassActors(state: FakeState, repo: FakeRepo, actors: RulesetBypassActor[]): StoredBypassActor[] {
  return actors.map((a, i) => {
    const field = `bypass_actors[${i}]`;
    const mode = a.bypass_mode ?? "always";
    const id = a.actor_id ?? null;
    switch (a.actor_type) {
      case "User":
        // api.github.com's description lists "User", but repository rulesets on
        // github.com take roles, teams, apps and deploy keys only (docs: "Granting
        // bypass permissions for your branch or tag ruleset").
        throw new RulesetInputError("Validation Failed", [{ resource: "Ruleset", field, code: "invalid", message: "Individual users cannot be bypass actors of a repository ruleset; use a team, a role or an app" }], true);
      case "Team": {
        const org = repo.owner.type === "Organization" ? findOrg(state, repo.owner.login) : undefined;
        if (!org || ![...org.teams.values()].some((t) => t.id === id)) throw new RulesetInputError("Validation Failed", [{ resource: "Ruleset", field, code: "invalid", value: id, message: `Team ${id ?? "(no id)"} is not a team of ${repo.owner.login}` }]);
        break;
      }
      case "OrganizationAdmin":
        if (repo.owner.type !== "Organization") throw new RulesetInputError("Validation Failed", [{ resource: "Ruleset", field, code: "invalid", message: "OrganizationAdmin is not applicable for personal repositories" }]);
        break;
      case "RepositoryRole":
        if (id === null || !BYPASS_REPOSITORY_ROLES.has(id)) throw new RulesetInputError("Validation Failed", [{ resource: "Ruleset", field, code: "invalid", value: id, message: `Repository role ${id ?? "(no id)"} cannot bypass rulesets` }]);
        break;
      case "Integration":
        if (id === null) throw new RulesetInputError("Validation Failed", [{ resource: "Ruleset", field, code: "missing_field", message: "actor_id is required for Integration" }]);
        break;
      case "DeployKey":
        if (mode === "pull_request") throw new RulesetInputError("Validation Failed", [{ resource: "Ruleset", field, code: "invalid", message: "pull_request is not applicable for the DeployKey actor type" }]);
        break;
    }
    return { actor_id: a.actor_type === "DeployKey" ? null : id, actor_type: a.actor_type, bypass_mode: mode };
  });
}

/** Builds a stored ruleset from a create body, or from an update body over an existing ruleset (fields given replace, fields omitted stay). */
export function rulesetFromInput(state: FakeState, repo: FakeRepo, input: Partial<RulesetInput>, existing?: FakeRuleset): FakeRuleset {
  const rulesets = repoAccess(state, repo).rulesets;
  const name = input.name ?? existing?.name ?? "";
  if (!name.trim()) throw new RulesetInputError("Validation Failed", [{ resource: "Ruleset", field: "name", code: "missing_field" }]);
  if ([...rulesets.values()].some((r) => r.id !== existing?.id && r.name === name)) {
    throw new RulesetInputError("Validation Failed", [{ resource: "Ruleset", field: "name", code: "already_exists", message: "Name must be unique" }]);
  }
  const now = state.timestamp();
  const include = input.conditions?.ref_name?.include ?? (input.conditions ? [] : (existing?.conditions.ref_name.include ?? []));
  const exclude = input.conditions?.ref_name?.exclude ?? (input.conditions ? [] : (existing?.conditions.ref_name.exclude ?? []));
  return {
    id: existing?.id ?? state.id(),
    name,
    target: input.target ?? existing?.target ?? "branch",
    enforcement: input.enforcement ?? existing?.enforcement ?? "disabled",
    bypass_actors: input.bypass_actors ? normaliseBypassActors(state, repo, input.bypass_actors) : (existing?.bypass_actors ?? []),
    conditions: { ref_name: { include, exclude } },
    rules: input.rules ? structuredClone(input.rules) : (existing?.rules ?? []),
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
}

/** fnmatch as rulesets use it: `*` within one path segment, `**` across segments, `?` one character. */
function refPatternRegExp(pattern: string): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "*" && pattern[i + 1] === "*") {
      out += ".*";
      i++;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else out += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}

function refMatches(pattern: string, ref: string, repo: FakeRepo): boolean {
  if (pattern === "~ALL") return true;
  if (pattern === "~DEFAULT_BRANCH") return ref === `refs/heads/${repo.defaultBranch}`;
  return refPatternRegExp(pattern).test(ref);
}

/** True when an active branch ruleset's conditions select the branch (the branch need not exist). */
export function rulesetAppliesToBranch(ruleset: FakeRuleset, repo: FakeRepo, branch: string): boolean {
  if (ruleset.enforcement !== "active" || ruleset.target !== "branch") return false;
  const ref = `refs/heads/${branch}`;
  const { include, exclude } = ruleset.conditions.ref_name;
  return include.some((p) => refMatches(p, ref, repo)) && !exclude.some((p) => refMatches(p, ref, repo));
}

// ------------------------------------------------------------ the helpers a running fake offers

/** Seeding and reading helpers for access, part of `FakeGitHub` (see server.ts and the README). */
export interface FakeAccessHelpers {
  /** Creates an organisation team. Members and maintainers become active organisation members. Returns the team (live state). */
  addTeam(org: string, slug: string, opts?: AddTeamOptions): FakeTeam;
  /** Active members of a team, logins in joining order (pending invitees excluded). Throws for an unknown team. */
  teamMembers(org: string, slug: string): string[];
  /** Makes someone an organisation member or owner ("admin"), or removes them from the organisation and its teams (null). */
  setOrgRole(org: string, login: string, role: OrgRole | null): void;
  /** Accepts the organisation invitation a team PUT sent, making its pending team memberships active. */
  acceptOrgInvitation(org: string, login: string): void;
  /** Grants a team a permission on one repository of its organisation (over its org-wide one), or takes its access there away (null). */
  setTeamRepoPermission(org: string, slug: string, owner: string, repo: string, permission: RepoPermission | null): void;
  /** Makes someone a direct collaborator of a repository with a permission, or removes them (null). */
  setCollaborator(owner: string, repo: string, login: string, permission: RepoPermission | null): void;
  /**
   * Protects a branch (which must exist) with a configuration in the PUT body's shape,
   * normalised as the PUT does; null removes the protection. Unlike the PUT, a person
   * or team without write access throws instead of being dropped silently.
   */
  setBranchProtection(owner: string, repo: string, branch: string, config: BranchProtectionInput | null): void;
  /** The branch's protection, every field filled in (a copy), or undefined when unprotected. */
  branchProtection(owner: string, repo: string, branch: string): FakeBranchProtection | undefined;
  /** Adds a repository ruleset (POST body shape), checked as the POST checks it; returns a copy with its id. */
  addRuleset(owner: string, repo: string, ruleset: RulesetInput): FakeRuleset;
  /** The repository's rulesets in creation order (copies). */
  rulesets(owner: string, repo: string): FakeRuleset[];
}

/** The helpers over one fake's state; `FakeGitHub` delegates to these. */
export function accessHelpers(state: FakeState): FakeAccessHelpers {
  return {
    addTeam: (org, slug, opts) => addTeam(state, org, slug, opts),
    teamMembers: (org, slug) => teamMembers(state, org, slug),
    setOrgRole: (org, login, role) => setOrgRole(state, org, login, role),
    acceptOrgInvitation: (org, login) => acceptOrgInvitation(state, org, login),
    setTeamRepoPermission: (org, slug, owner, repo, permission) => setTeamRepoPermission(state, org, slug, state.requireRepo(owner, repo), permission),
    setCollaborator: (owner, repo, login, permission) => setCollaborator(state, state.requireRepo(owner, repo), login, permission),
    setBranchProtection: (owner, repo, branch, config) => {
      const r = state.requireRepo(owner, repo);
      if (!branchExists(r, branch)) throw new Error(`fake GitHub: ${owner}/${repo} has no branch ${branch}`);
      const protections = repoAccess(state, r).protections;
      if (config === null) protections.delete(branch);
      else protections.set(branch, protectionFromInput(state, r, config, protections.get(branch), "throw"));
    },
    branchProtection: (owner, repo, branch) => {
      const p = repoAccess(state, state.requireRepo(owner, repo)).protections.get(branch);
      return p ? copyProtection(p) : undefined;
    },
    addRuleset: (owner, repo, input) => {
      const r = state.requireRepo(owner, repo);
      const ruleset = rulesetFromInput(state, r, input);
      repoAccess(state, r).rulesets.set(ruleset.id, ruleset);
      return structuredClone(ruleset);
    },
    rulesets: (owner, repo) => [...repoAccess(state, state.requireRepo(owner, repo)).rulesets.values()].map((r) => structuredClone(r)),
  };
}
