// JSON shapes of GitHub's access resources: teams, memberships, collaborators,
// branches and their classic protection, rulesets. The read shapes differ from what
// the write calls take (logins and slugs in, user and team objects with URLs out);
// the self-tests check every one against the OpenAPI response schema.
import type { ActorLists, FakeBranchProtection, FakeOrg, FakeRuleset, FakeTeam, RepoPermission, StoredBypassActor } from "./access-state.js";
import { effectiveAccess, findOrg, permissionFlags, roleName } from "./access-state.js";
import type { FakeUrls } from "./rest-shapes.js";
import { accountJson, appJson, gitCommitJson } from "./rest-shapes.js";
import type { FakeAccount, FakeRepo, FakeState } from "./state.js";

type Json = Record<string, unknown>;

function nodeId(kind: string, id: number): string {
  return Buffer.from(`0:${kind}${id}`).toString("base64").replace(/=+$/, "");
}

function repoApi(urls: FakeUrls, repo: FakeRepo): string {
  return `${urls.api}/repos/${repo.owner.login}/${repo.name}`;
}

/** The small organisation object of org memberships (organization-simple). */
export function orgSimpleJson(urls: FakeUrls, org: FakeOrg): Json {
  const api = `${urls.api}/orgs/${org.account.login}`;
  return {
    login: org.account.login,
    id: org.account.id,
    node_id: nodeId("Organization", org.account.id),
    url: api,
    repos_url: `${api}/repos`,
    events_url: `${api}/events`,
    hooks_url: `${api}/hooks`,
    issues_url: `${api}/issues`,
    members_url: `${api}/members{/member}`,
    public_members_url: `${api}/public_members{/member}`,
    avatar_url: `${urls.html}/avatars/u/${org.account.id}`,
    description: null,
  };
}

/** The organisation object embedded in a full team (team-organization). */
function teamOrganizationJson(urls: FakeUrls, state: FakeState, org: FakeOrg): Json {
  const repos = [...state.repos.values()].filter((r) => r.owner.id === org.account.id);
  return {
    ...orgSimpleJson(urls, org),
    name: org.account.login,
    html_url: `${urls.html}/${org.account.login}`,
    has_organization_projects: true,
    has_repository_projects: true,
    public_repos: repos.filter((r) => !r.private).length,
    public_gists: 0,
    followers: 0,
    following: 0,
    type: "Organization",
    created_at: "2024-01-01T00:00:00Z",
    updated_at: "2024-01-01T00:00:00Z",
    archived_at: null,
  };
}

function teamUrls(urls: FakeUrls, org: FakeOrg, team: FakeTeam): Json {
  const api = `${urls.api}/organizations/${org.account.id}/team/${team.id}`;
  return {
    url: api,
    html_url: `${urls.html}/orgs/${org.account.login}/teams/${team.slug}`,
    members_url: `${api}/members{/member}`,
    repositories_url: `${api}/repos`,
  };
}

/**
 * A team as listed (team), e.g. in GET /orgs/{org}/teams and in protection
 * restrictions; `permission` is the team's on one repository where the list is
 * a repository's (GET /repos/{owner}/{repo}/teams), else its org-wide one.
 */
export function teamJson(urls: FakeUrls, org: FakeOrg, team: FakeTeam, permission: RepoPermission = team.permission): Json {
  return {
    id: team.id,
    node_id: nodeId("Team", team.id),
    name: team.name,
    slug: team.slug,
    description: team.description,
    privacy: team.privacy,
    notification_setting: "notifications_enabled",
    permission,
    permissions: permissionFlags(permission),
    ...teamUrls(urls, org, team),
    type: "organization",
    organization_id: org.account.id,
    parent: null,
  };
}

/** A team with its counts and organisation (team-full), from GET /orgs/{org}/teams/{team_slug}. */
export function teamFullJson(urls: FakeUrls, state: FakeState, org: FakeOrg, team: FakeTeam): Json {
  const { permissions: _permissions, ...team_ } = teamJson(urls, org, team);
  return {
    ...team_,
    members_count: team.members.size,
    repos_count: [...state.repos.values()].filter((r) => r.owner.id === org.account.id).length,
    created_at: team.createdAt,
    updated_at: team.updatedAt,
    organization: teamOrganizationJson(urls, state, org),
  };
}

/** A team membership (team-membership). */
export function teamMembershipJson(urls: FakeUrls, org: FakeOrg, team: FakeTeam, login: string, role: string, state: "active" | "pending"): Json {
  return { url: `${urls.api}/organizations/${org.account.id}/team/${team.id}/memberships/${login}`, role, state };
}

/** An organisation membership (org-membership). */
export function orgMembershipJson(urls: FakeUrls, org: FakeOrg, account: FakeAccount, role: string, state: "active" | "pending"): Json {
  return {
    url: `${urls.api}/orgs/${org.account.login}/memberships/${account.login}`,
    state,
    role,
    direct_membership: true,
    organization_url: `${urls.api}/orgs/${org.account.login}`,
    organization: orgSimpleJson(urls, org),
    user: accountJson(urls, account),
    permissions: { can_create_repository: role === "admin" },
  };
}

/** A repository collaborator (collaborator): the user with their permissions and role name. */
export function collaboratorJson(urls: FakeUrls, account: FakeAccount, permission: RepoPermission | "none"): Json {
  return { ...accountJson(urls, account), permissions: permissionFlags(permission), role_name: roleName(permission) };
}

/** GET …/collaborators/{username}/permission: the legacy permission (maintain → write, triage → read) and the role name. */
export function collaboratorPermissionJson(urls: FakeUrls, account: FakeAccount, permission: RepoPermission | "none"): Json {
  const legacy = { none: "none", pull: "read", triage: "read", push: "write", maintain: "write", admin: "admin" }[permission];
  return { permission: legacy, role_name: roleName(permission), user: collaboratorJson(urls, account, permission) };
}

/** Resolves stored names to accounts and teams, skipping any that have gone since. */
function actorObjects(urls: FakeUrls, state: FakeState, repo: FakeRepo, lists: ActorLists): { users: Json[]; teams: Json[]; apps: Json[] } {
  const orgState = repo.owner.type === "Organization" ? findOrg(state, repo.owner.login) : undefined;
  return {
    users: lists.users.map((login) => state.accounts.get(login.toLowerCase())).filter((a): a is FakeAccount => Boolean(a)).map((a) => accountJson(urls, a)),
    teams: orgState
      ? lists.teams
          .map((slug) => orgState.teams.get(slug.toLowerCase()))
          .filter((t): t is FakeTeam => Boolean(t))
          .map((t) => teamJson(urls, orgState, t))
      : [],
    apps: lists.apps.map(() => appJson(urls, state)),
  };
}

function protectionApi(urls: FakeUrls, repo: FakeRepo, branch: string): string {
  return `${repoApi(urls, repo)}/branches/${encodeURIComponent(branch)}/protection`;
}

/** Push restrictions (branch-restriction-policy). */
export function restrictionsJson(urls: FakeUrls, state: FakeState, repo: FakeRepo, branch: string, lists: ActorLists): Json {
  const api = `${protectionApi(urls, repo, branch)}/restrictions`;
  return { url: api, users_url: `${api}/users`, teams_url: `${api}/teams`, apps_url: `${api}/apps`, ...actorObjects(urls, state, repo, lists) };
}

/** Pull request review protection (protected-branch-pull-request-review). */
export function reviewProtectionJson(urls: FakeUrls, state: FakeState, repo: FakeRepo, branch: string, reviews: NonNullable<FakeBranchProtection["required_pull_request_reviews"]>): Json {
  const api = `${protectionApi(urls, repo, branch)}/required_pull_request_reviews`;
  const bypass = reviews.bypass_pull_request_allowances;
  const hasBypass = bypass.users.length + bypass.teams.length + bypass.apps.length > 0;
  return {
    url: api,
    ...(reviews.dismissal_restrictions
      ? {
          dismissal_restrictions: {
            url: `${protectionApi(urls, repo, branch)}/dismissal_restrictions`,
            users_url: `${protectionApi(urls, repo, branch)}/dismissal_restrictions/users`,
            teams_url: `${protectionApi(urls, repo, branch)}/dismissal_restrictions/teams`,
            ...actorObjects(urls, state, repo, reviews.dismissal_restrictions),
          },
        }
      : {}),
    ...(hasBypass ? { bypass_pull_request_allowances: actorObjects(urls, state, repo, bypass) } : {}),
    dismiss_stale_reviews: reviews.dismiss_stale_reviews,
    require_code_owner_reviews: reviews.require_code_owner_reviews,
    required_approving_review_count: reviews.required_approving_review_count,
    require_last_push_approval: reviews.require_last_push_approval,
  };
}

/** Required status checks (status-check-policy). */
export function statusChecksJson(urls: FakeUrls, repo: FakeRepo, branch: string, checks: NonNullable<FakeBranchProtection["required_status_checks"]>): Json {
  const api = `${protectionApi(urls, repo, branch)}/required_status_checks`;
  return { url: api, strict: checks.strict, contexts: checks.contexts, checks: checks.checks, contexts_url: `${api}/contexts` };
}

/** Admin enforcement (protected-branch-admin-enforced). */
export function enforceAdminsJson(urls: FakeUrls, repo: FakeRepo, branch: string, enabled: boolean): Json {
  return { url: `${protectionApi(urls, repo, branch)}/enforce_admins`, enabled };
}

/**
 * The protection as GET …/protection and PUT …/protection answer it. Sections that
 * are off (null in the PUT) are absent; booleans come as `{enabled}` objects.
 */
export function protectionJson(urls: FakeUrls, state: FakeState, repo: FakeRepo, branch: string, p: FakeBranchProtection): Json {
  const api = protectionApi(urls, repo, branch);
  return {
    url: api,
    ...(p.required_status_checks ? { required_status_checks: statusChecksJson(urls, repo, branch, p.required_status_checks) } : {}),
    ...(p.required_pull_request_reviews ? { required_pull_request_reviews: reviewProtectionJson(urls, state, repo, branch, p.required_pull_request_reviews) } : {}),
    required_signatures: { url: `${api}/required_signatures`, enabled: p.required_signatures },
    enforce_admins: enforceAdminsJson(urls, repo, branch, p.enforce_admins),
    required_linear_history: { enabled: p.required_linear_history },
    allow_force_pushes: { enabled: p.allow_force_pushes },
    allow_deletions: { enabled: p.allow_deletions },
    block_creations: { enabled: p.block_creations },
    required_conversation_resolution: { enabled: p.required_conversation_resolution },
    lock_branch: { enabled: p.lock_branch },
    allow_fork_syncing: { enabled: p.allow_fork_syncing },
    ...(p.restrictions ? { restrictions: restrictionsJson(urls, state, repo, branch, p.restrictions) } : {}),
  };
}

/** The `protection` summary of GET …/branches/{branch}: enabled, and the status-check enforcement. */
function branchProtectionSummary(p: FakeBranchProtection | undefined): Json {
  if (!p) return { enabled: false, required_status_checks: { enforcement_level: "off", contexts: [], checks: [] } };
  const checks = p.required_status_checks;
  return {
    enabled: true,
    required_status_checks: {
      enforcement_level: !checks ? "off" : p.enforce_admins ? "everyone" : "non_admins",
      contexts: checks?.contexts ?? [],
      checks: checks?.checks ?? [],
    },
  };
}

/** A commit as the branches API embeds it (commit). */
function branchCommitJson(urls: FakeUrls, repo: FakeRepo, sha: string): Json {
  const commit = repo.commits.get(sha);
  const git = commit ? gitCommitJson(urls, repo, commit) : undefined;
  const api = `${repoApi(urls, repo)}/commits/${sha}`;
  return {
    url: api,
    sha,
    node_id: nodeId("Commit", parseInt(sha.slice(0, 8), 16)),
    html_url: `${urls.html}/${repo.owner.login}/${repo.name}/commit/${sha}`,
    comments_url: `${api}/comments`,
    commit: {
      url: `${repoApi(urls, repo)}/git/commits/${sha}`,
      author: git?.author ?? null,
      committer: git?.committer ?? null,
      message: git?.message ?? "",
      comment_count: 0,
      tree: git?.tree ?? { sha: "", url: "" },
      verification: git?.verification,
    },
    author: null,
    committer: null,
    parents: (commit?.parents ?? []).map((p) => ({ sha: p, url: `${repoApi(urls, repo)}/commits/${p}`, html_url: `${urls.html}/${repo.owner.login}/${repo.name}/commit/${p}` })),
  };
}

/** GET …/branches/{branch} (branch-with-protection). `protected` is true under classic protection or an active ruleset. */
export function branchJson(urls: FakeUrls, repo: FakeRepo, branch: string, sha: string, protection: FakeBranchProtection | undefined, underRuleset: boolean): Json {
  return {
    name: branch,
    commit: branchCommitJson(urls, repo, sha),
    _links: { self: `${repoApi(urls, repo)}/branches/${encodeURIComponent(branch)}`, html: `${urls.html}/${repo.owner.login}/${repo.name}/tree/${branch}` },
    protected: Boolean(protection) || underRuleset,
    protection: branchProtectionSummary(protection),
    protection_url: protectionApi(urls, repo, branch),
  };
}

/** How the token's caller may bypass a ruleset: the app bypasses through an Integration actor with its id. */
function currentUserCanBypass(state: FakeState, actors: StoredBypassActor[]): string {
  const mine = actors.find((a) => a.actor_type === "Integration" && a.actor_id === state.app.id);
  if (!mine) return "never";
  return mine.bypass_mode === "pull_request" ? "pull_requests_only" : mine.bypass_mode;
}

/**
 * A repository ruleset. `detail` false gives the list entry of GET …/rulesets, which
 * (as on GitHub) leaves out the conditions, rules and bypass actors.
 */
export function rulesetJson(urls: FakeUrls, state: FakeState, repo: FakeRepo, r: FakeRuleset, detail: boolean): Json {
  const base = {
    id: r.id,
    name: r.name,
    target: r.target,
    source_type: "Repository",
    source: `${repo.owner.login}/${repo.name}`,
    enforcement: r.enforcement,
    node_id: nodeId("RepositoryRuleset", r.id),
    _links: { self: { href: `${repoApi(urls, repo)}/rulesets/${r.id}` }, html: { href: `${urls.html}/${repo.owner.login}/${repo.name}/rules/${r.id}` } },
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
  if (!detail) return base;
  return {
    ...base,
    bypass_actors: r.bypass_actors.map((a) => ({ ...a })),
    current_user_can_bypass: currentUserCanBypass(state, r.bypass_actors),
    conditions: structuredClone(r.conditions),
    rules: structuredClone(r.rules),
  };
}

/** One entry of GET …/rules/branches/{branch}: a rule with the ruleset it comes from. */
export function branchRuleJson(repo: FakeRepo, r: FakeRuleset, rule: FakeRuleset["rules"][number]): Json {
  return { ...structuredClone(rule), ruleset_source_type: "Repository", ruleset_source: `${repo.owner.login}/${repo.name}`, ruleset_id: r.id };
}

/** A person's effective permission, for the collaborator shapes. */
export function permissionOf(state: FakeState, repo: FakeRepo, login: string): RepoPermission | "none" {
  return effectiveAccess(state, repo, login).permission;
}
