// REST operations for access control: organisation members and teams, repository
// collaborators, branches and classic branch protection, repository rulesets and the
// CODEOWNERS check. Registered into the operation table of rest-handlers.ts with one
// spread. State is in access-state.ts, shapes in access-shapes.ts; where GitHub's
// documentation leaves the behaviour open, the choice is written in the README.
import type { ActorLists, BranchProtectionInput, FakeBranchProtection, FakeOrg, FakeTeam, RulesetInput, TeamRole } from "./access-state.js";
import {
  ProtectionInputError,
  RulesetInputError,
  branchExists,
  canPush,
  effectiveAccess,
  findOrg,
  knownAccount,
  permissionRank,
  protectionFromInput,
  repoAccess,
  repoTeam,
  repoTeams,
  resolveActors,
  rulesetAppliesToBranch,
  rulesetFromInput,
  teamRepoPermission,
} from "./access-state.js";
import {
  branchJson,
  branchRuleJson,
  collaboratorJson,
  collaboratorPermissionJson,
  enforceAdminsJson,
  orgMembershipJson,
  protectionJson,
  restrictionsJson,
  reviewProtectionJson,
  rulesetJson,
  statusChecksJson,
  teamFullJson,
  teamJson,
  teamMembershipJson,
} from "./access-shapes.js";
import { CODEOWNERS_PATHS, codeownersErrors } from "./codeowners-errors.js";
import type { CodeownersOwner } from "./codeowners-errors.js";
import type { RestContext, RestHandler, RestReply } from "./rest-handlers.js";
import { accountJson } from "./rest-shapes.js";
import type { FakeRepo } from "./state.js";

const DOCS = "https://docs.github.com/rest";

function notFound(message = "Not Found"): RestReply {
  return { status: 404, body: { message, documentation_url: DOCS, status: "404" } };
}

function unprocessable(message: string, errors?: unknown[]): RestReply {
  return { status: 422, body: { message, ...(errors ? { errors } : {}), documentation_url: DOCS, status: "422" } };
}

/** Slices a list as GitHub does (per_page default 30, max 100; page from 1) and sets the Link header. */
function paginate<T>(ctx: RestContext, items: T[]): RestReply {
  const perPage = Math.min(100, Math.max(1, Number(ctx.query.per_page ?? 30) || 30));
  const page = Math.max(1, Number(ctx.query.page ?? 1) || 1);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const links: string[] = [];
  if (page > 1) links.push(`<${ctx.pageUrl(page - 1)}>; rel="prev"`);
  if (page < lastPage) links.push(`<${ctx.pageUrl(page + 1)}>; rel="next"`, `<${ctx.pageUrl(lastPage)}>; rel="last"`);
  if (page > 1) links.push(`<${ctx.pageUrl(1)}>; rel="first"`);
  return { status: 200, body: items.slice((page - 1) * perPage, page * perPage), headers: links.length ? { link: links.join(", ") } : {} };
}

function withRepo(handler: (ctx: RestContext, repo: FakeRepo) => RestReply): RestHandler {
  return (ctx) => {
    const repo = ctx.state.repo(ctx.params.owner ?? "", ctx.params.repo ?? "");
    return repo ? handler(ctx, repo) : notFound();
  };
}

function withOrg(handler: (ctx: RestContext, org: FakeOrg) => RestReply): RestHandler {
  return (ctx) => {
    const org = findOrg(ctx.state, ctx.params.org ?? "");
    return org ? handler(ctx, org) : notFound();
  };
}

function withTeam(handler: (ctx: RestContext, org: FakeOrg, team: FakeTeam) => RestReply): RestHandler {
  return withOrg((ctx, org) => {
    const team = org.teams.get((ctx.params.team_slug ?? "").toLowerCase());
    return team ? handler(ctx, org, team) : notFound();
  });
}

// ---------------------------------------------------------------- organisations and teams

const listTeams = withOrg((ctx, org) => paginate(ctx, [...org.teams.values()].map((t) => teamJson(ctx.urls, org, t))));

const getTeam = withTeam((ctx, org, team) => ({ status: 200, body: teamFullJson(ctx.urls, ctx.state, org, team) }));

const listTeamMembers = withTeam((ctx, _org, team) => {
  const role = ctx.query.role ?? "all";
  const members = [...team.members.values()].filter((m) => role === "all" || m.role === role);
  return paginate(ctx, members.map((m) => accountJson(ctx.urls, m.account)));
});

/** A user or organisation by login (the public-user shape); 404 for a login the fake has never seen. */
const getUser: RestHandler = (ctx) => {
  const account = knownAccount(ctx.state, ctx.params.username ?? "");
  if (!account) return notFound();
  const created = "2020-01-01T00:00:00Z";
  return {
    status: 200,
    body: {
      ...accountJson(ctx.urls, account),
      name: null,
      company: null,
      blog: "",
      location: null,
      email: null,
      hireable: null,
      bio: null,
      public_repos: 0,
      public_gists: 0,
      followers: 0,
      following: 0,
      created_at: created,
      updated_at: created,
    },
  };
};

/** A team's pending invitations (people invited through a membership PUT who have not accepted), as organization-invitation objects. */
const listTeamInvitations = withTeam((ctx, org, team) => {
  const base = ctx.urls.api.replace(/\/+$/, "");
  const invitations = [...team.pending.values()].map((p) => ({
    id: p.account.id,
    node_id: `OI_${p.account.id}`,
    login: p.account.login,
    email: null,
    role: p.role === "maintainer" ? "admin" : "direct_member",
    created_at: team.updatedAt,
    failed_at: null,
    failed_reason: null,
    inviter: accountJson(ctx.urls, org.account),
    team_count: [...org.teams.values()].filter((t) => t.pending.has(p.account.login.toLowerCase())).length,
    invitation_teams_url: `${base}/organizations/${org.account.id}/invitations/${p.account.id}/teams`,
    invitation_source: "member",
  }));
  return paginate(ctx, invitations);
});

const getTeamMembership = withTeam((ctx, org, team) => {
  const key = (ctx.params.username ?? "").toLowerCase();
  const active = team.members.get(key);
  if (active) return { status: 200, body: teamMembershipJson(ctx.urls, org, team, active.account.login, active.role, "active") };
  const pending = team.pending.get(key);
  if (pending) return { status: 200, body: teamMembershipJson(ctx.urls, org, team, pending.account.login, pending.role, "pending") };
  return notFound();
});

/**
 * PUT membership: an organisation member joins (or changes role) at once; anyone else
 * is invited to the organisation and the membership stays "pending" until they
 * accept (`acceptOrgInvitation`), as GitHub documents. GitHub Enterprise Server has
 * no organisation invitations: there the person becomes an org member and an active
 * team member at once.
 */
const putTeamMembership = withTeam((ctx, org, team) => {
  const account = knownAccount(ctx.state, ctx.params.username ?? "");
  if (!account) return notFound();
  if (account.type === "Organization") return unprocessable("Validation Failed", [{ resource: "TeamMember", field: "user", code: "invalid", message: "Organizations cannot be team members" }]);
  const role: TeamRole = (ctx.body as { role?: TeamRole } | undefined)?.role ?? "member";
  const key = account.login.toLowerCase();
  team.updatedAt = ctx.state.timestamp();
  if (ctx.enterprise !== null && !org.members.has(key)) org.members.set(key, { account, role: "member" });
  if (org.members.has(key)) {
    team.members.set(key, { account, role });
    return { status: 200, body: teamMembershipJson(ctx.urls, org, team, account.login, role, "active") };
  }
  if (!org.invitations.has(key)) org.invitations.set(key, { account, role: "member" });
  team.pending.set(key, { account, role });
  return { status: 200, body: teamMembershipJson(ctx.urls, org, team, account.login, role, "pending") };
});

/** DELETE membership: removes a member or cancels a pending one; 204 also when the person was in neither list. */
const deleteTeamMembership = withTeam((ctx, org, team) => {
  const account = knownAccount(ctx.state, ctx.params.username ?? "");
  if (!account) return notFound();
  const key = account.login.toLowerCase();
  if (team.members.delete(key) || team.pending.delete(key)) team.updatedAt = ctx.state.timestamp();
  if (org.invitations.has(key) && ![...org.teams.values()].some((t) => t.pending.has(key))) org.invitations.delete(key);
  return { status: 204 };
});

const listOrgMembers = withOrg((ctx, org) => {
  const role = ctx.query.role ?? "all";
  const members = [...org.members.values()].filter((m) => role === "all" || m.role === role);
  return paginate(ctx, members.map((m) => accountJson(ctx.urls, m.account)));
});

const getOrgMembership = withOrg((ctx, org) => {
  const key = (ctx.params.username ?? "").toLowerCase();
  const member = org.members.get(key);
  if (member) return { status: 200, body: orgMembershipJson(ctx.urls, org, member.account, member.role, "active") };
  const invitation = org.invitations.get(key);
  if (invitation) return { status: 200, body: orgMembershipJson(ctx.urls, org, invitation.account, invitation.role, "pending") };
  return notFound();
});

const checkOrgMember = withOrg((ctx, org) => (org.members.has((ctx.params.username ?? "").toLowerCase()) ? { status: 204 } : notFound()));

// ---------------------------------------------------------------- collaborators

/**
 * Everyone with access, with how they have it. "all" (GitHub's default) counts owners,
 * organisation members through the base permission, team grants and direct
 * collaborators; "direct" only direct collaborators; "outside" direct collaborators
 * who are not organisation members.
 */
const listCollaborators = withRepo((ctx, repo) => {
  const affiliation = ctx.query.affiliation ?? "all";
  const minimum = ctx.query.permission;
  const logins = new Map<string, string>();
  const add = (login: string) => logins.set(login.toLowerCase(), login);
  if (repo.owner.type !== "Organization") add(repo.owner.login);
  for (const c of repoAccess(ctx.state, repo).collaborators.values()) add(c.account.login);
  const org = repo.owner.type === "Organization" ? findOrg(ctx.state, repo.owner.login) : undefined;
  for (const m of org?.members.values() ?? []) add(m.account.login);
  const rows = [...logins.values()]
    .map((login) => ({ account: ctx.state.account(login), access: effectiveAccess(ctx.state, repo, login) }))
    .filter(({ access }) => access.permission !== "none")
    .filter(({ access }) => (affiliation === "direct" ? access.direct : affiliation === "outside" ? access.direct && !access.orgMember : true))
    .filter(({ access }) => !minimum || permissionRank(access.permission) >= permissionRank(minimum as never));
  return paginate(ctx, rows.map(({ account, access }) => collaboratorJson(ctx.urls, account, access.permission)));
});

/** Anyone can read a public repository, so there "read" is the floor; elsewhere people without access get "none". */
const getCollaboratorPermission = withRepo((ctx, repo) => {
  const account = knownAccount(ctx.state, ctx.params.username ?? "");
  if (!account) return notFound();
  const { permission } = effectiveAccess(ctx.state, repo, account.login);
  return { status: 200, body: collaboratorPermissionJson(ctx.urls, account, permission === "none" && !repo.private ? "pull" : permission) };
});

/** Teams with access to the repository (GET …/teams), each with its permission there; an empty list for a user-owned repository. */
const listRepoTeams = withRepo((ctx, repo) => {
  const org = repo.owner.type === "Organization" ? findOrg(ctx.state, repo.owner.login) : undefined;
  return paginate(ctx, org ? repoTeams(ctx.state, repo).map(({ team, permission }) => teamJson(ctx.urls, org, team, permission)) : []);
});

const checkCollaborator = withRepo((ctx, repo) => {
  const account = knownAccount(ctx.state, ctx.params.username ?? "");
  return account && effectiveAccess(ctx.state, repo, account.login).permission !== "none" ? { status: 204 } : notFound();
});

// ---------------------------------------------------------------- branches and classic protection

function underRuleset(ctx: RestContext, repo: FakeRepo, branch: string): boolean {
  return [...repoAccess(ctx.state, repo).rulesets.values()].some((r) => rulesetAppliesToBranch(r, repo, branch));
}

const getBranch = withRepo((ctx, repo) => {
  const branch = ctx.params.branch ?? "";
  const sha = repo.refs.get(`heads/${branch}`);
  if (!sha) return notFound("Branch not found");
  return { status: 200, body: branchJson(ctx.urls, repo, branch, sha, repoAccess(ctx.state, repo).protections.get(branch), underRuleset(ctx, repo, branch)) };
});

/** The protection of an existing, protected branch, or GitHub's 404 ("Branch not found", "Branch not protected"). */
function withProtection(handler: (ctx: RestContext, repo: FakeRepo, branch: string, protection: FakeBranchProtection) => RestReply): RestHandler {
  return withRepo((ctx, repo) => {
    const branch = ctx.params.branch ?? "";
    if (!branchExists(repo, branch)) return notFound("Branch not found");
    const protection = repoAccess(ctx.state, repo).protections.get(branch);
    return protection ? handler(ctx, repo, branch, protection) : notFound("Branch not protected");
  });
}

/**
 * GitHub's answer to a refused protection write. The PUT of the whole protection
 * answers validation-error-simple (errors are strings), the narrower calls
 * validation-error (errors are objects).
 */
function protectionError(error: unknown, simple = false): RestReply {
  if (!(error instanceof ProtectionInputError)) throw error;
  if (error.status === 404) return notFound(error.message);
  const errors = simple ? error.errors?.map((e) => (e as { message?: string; code?: string }).message ?? (e as { code?: string }).code ?? "invalid") : error.errors;
  return unprocessable(error.message, errors);
}

const getProtection = withProtection((ctx, repo, branch, p) => ({ status: 200, body: protectionJson(ctx.urls, ctx.state, repo, branch, p) }));

/** PUT …/protection replaces the whole configuration (see protectionFromInput). */
const putProtection = withRepo((ctx, repo) => {
  const branch = ctx.params.branch ?? "";
  if (!branchExists(repo, branch)) return notFound("Branch not found");
  const protections = repoAccess(ctx.state, repo).protections;
  try {
    const next = protectionFromInput(ctx.state, repo, ctx.body as BranchProtectionInput, protections.get(branch), "drop");
    protections.set(branch, next);
    return { status: 200, body: protectionJson(ctx.urls, ctx.state, repo, branch, next) };
  } catch (error) {
    return protectionError(error, true);
  }
});

const deleteProtection = withProtection((ctx, repo, branch) => {
  repoAccess(ctx.state, repo).protections.delete(branch);
  return { status: 204 };
});

const getReviewProtection = withProtection((ctx, repo, branch, p) =>
  p.required_pull_request_reviews ? { status: 200, body: reviewProtectionJson(ctx.urls, ctx.state, repo, branch, p.required_pull_request_reviews) } : notFound("Pull request review enforcement not enabled"),
);

interface ReviewPatch {
  dismissal_restrictions?: Partial<ActorLists>;
  dismiss_stale_reviews?: boolean;
  require_code_owner_reviews?: boolean;
  required_approving_review_count?: number;
  require_last_push_approval?: boolean;
  bypass_pull_request_allowances?: Partial<ActorLists>;
}

/**
 * PATCH …/required_pull_request_reviews: fields given replace, fields omitted keep
 * their value; a given `bypass_pull_request_allowances` or `dismissal_restrictions`
 * object replaces the whole list set (an omitted `users`, `teams` or `apps` inside it
 * becomes empty). Turns review enforcement on when it was off.
 */
const patchReviewProtection = withProtection((ctx, repo, branch, p) => {
  const body = (ctx.body ?? {}) as ReviewPatch;
  const current = p.required_pull_request_reviews ?? {
    dismiss_stale_reviews: false,
    require_code_owner_reviews: false,
    required_approving_review_count: 0,
    require_last_push_approval: false,
    dismissal_restrictions: null,
    bypass_pull_request_allowances: { users: [], teams: [], apps: [] },
  };
  if (body.dismissal_restrictions && repo.owner.type !== "Organization") return unprocessable("Dismissal restrictions are supported only for repositories owned by an organization.");
  const count = body.required_approving_review_count ?? current.required_approving_review_count;
  if (count < 0 || count > 6) return unprocessable("Invalid request.\n\nrequired_approving_review_count must be between 0 and 6.");
  try {
    const next = {
      dismiss_stale_reviews: body.dismiss_stale_reviews ?? current.dismiss_stale_reviews,
      require_code_owner_reviews: body.require_code_owner_reviews ?? current.require_code_owner_reviews,
      required_approving_review_count: count,
      require_last_push_approval: body.require_last_push_approval ?? current.require_last_push_approval,
      dismissal_restrictions:
        body.dismissal_restrictions === undefined
          ? current.dismissal_restrictions
          : Object.keys(body.dismissal_restrictions).length
            ? resolveActors(ctx.state, repo, body.dismissal_restrictions, "dismissal_restrictions", "drop")
            : null,
      bypass_pull_request_allowances:
        body.bypass_pull_request_allowances === undefined ? current.bypass_pull_request_allowances : resolveActors(ctx.state, repo, body.bypass_pull_request_allowances, "bypass_pull_request_allowances", "drop"),
    };
    p.required_pull_request_reviews = next;
    return { status: 200, body: reviewProtectionJson(ctx.urls, ctx.state, repo, branch, next) };
  } catch (error) {
    return protectionError(error);
  }
});

const getStatusChecks = withProtection((ctx, repo, branch, p) =>
  p.required_status_checks ? { status: 200, body: statusChecksJson(ctx.urls, repo, branch, p.required_status_checks) } : notFound("Required status checks not enabled"),
);

const getAdminEnforcement = withProtection((ctx, repo, branch, p) => ({ status: 200, body: enforceAdminsJson(ctx.urls, repo, branch, p.enforce_admins) }));

/** The push restrictions of a protected branch, or 404 "Push restrictions not enabled". */
function withRestrictions(handler: (ctx: RestContext, repo: FakeRepo, branch: string, p: FakeBranchProtection & { restrictions: ActorLists }) => RestReply): RestHandler {
  return withProtection((ctx, repo, branch, p) => (p.restrictions ? handler(ctx, repo, branch, p as FakeBranchProtection & { restrictions: ActorLists }) : notFound("Push restrictions not enabled")));
}

const getRestrictions = withRestrictions((ctx, repo, branch, p) => ({ status: 200, body: restrictionsJson(ctx.urls, ctx.state, repo, branch, p.restrictions) }));

type ActorKind = keyof ActorLists;

function restrictionList(ctx: RestContext, repo: FakeRepo, branch: string, kind: ActorKind, lists: ActorLists): unknown[] {
  return (restrictionsJson(ctx.urls, ctx.state, repo, branch, lists) as Record<ActorKind, unknown[]>)[kind];
}

const listRestricted = (kind: ActorKind): RestHandler => withRestrictions((ctx, repo, branch, p) => ({ status: 200, body: restrictionList(ctx, repo, branch, kind, p.restrictions) }));

/**
 * POST (add), PUT (set) and DELETE (remove) of one restriction list. Names without
 * write access are dropped silently and unknown names refused, as for the PUT of the
 * whole protection. The answer is the list after the change.
 */
const changeRestricted = (kind: ActorKind, mode: "add" | "set" | "remove"): RestHandler =>
  withRestrictions((ctx, repo, branch, p) => {
    const body = ctx.body as Partial<Record<ActorKind, string[]>> | string[] | undefined;
    const names = Array.isArray(body) ? body : (body?.[kind] ?? []);
    try {
      const current = p.restrictions[kind];
      let next: string[];
      if (mode === "remove") {
        const drop = new Set(names.map((n) => n.toLowerCase()));
        next = current.filter((n) => !drop.has(n.toLowerCase()));
      } else {
        const resolved = resolveActors(ctx.state, repo, { [kind]: names }, "restrictions", "drop")[kind];
        next = mode === "set" ? resolved : [...current, ...resolved.filter((n) => !current.some((c) => c.toLowerCase() === n.toLowerCase()))];
      }
      const lists = { ...p.restrictions, [kind]: next };
      if (lists.users.length + lists.teams.length + lists.apps.length > 100) return unprocessable("Validation Failed", [{ resource: "ProtectedBranch", field: "restrictions", code: "invalid", message: "Only 100 users, teams, and apps can be specified." }]);
      p.restrictions = lists;
      return { status: 200, body: restrictionList(ctx, repo, branch, kind, lists) };
    } catch (error) {
      return protectionError(error);
    }
  });

// ---------------------------------------------------------------- rulesets

function rulesetError(error: unknown): RestReply {
  if (!(error instanceof RulesetInputError)) throw error;
  const reply = unprocessable(error.message, error.errors);
  return error.violation ? { ...reply, violation: error.errors.map((e) => e.message ?? e.code).join("; ") } : reply;
}

const listRulesets = withRepo((ctx, repo) => {
  const targets = ctx.query.targets ? new Set(ctx.query.targets.split(",").map((t) => t.trim())) : undefined;
  const items = [...repoAccess(ctx.state, repo).rulesets.values()].filter((r) => !targets || targets.has(r.target));
  return paginate(ctx, items.map((r) => rulesetJson(ctx.urls, ctx.state, repo, r, false)));
});

const withRuleset = (handler: (ctx: RestContext, repo: FakeRepo, id: number) => RestReply): RestHandler =>
  withRepo((ctx, repo) => {
    const id = Number(ctx.params.ruleset_id);
    return repoAccess(ctx.state, repo).rulesets.has(id) ? handler(ctx, repo, id) : notFound();
  });

const getRuleset = withRuleset((ctx, repo, id) => ({ status: 200, body: rulesetJson(ctx.urls, ctx.state, repo, repoAccess(ctx.state, repo).rulesets.get(id) as never, true) }));

const createRuleset = withRepo((ctx, repo) => {
  try {
    const ruleset = rulesetFromInput(ctx.state, repo, ctx.body as RulesetInput);
    repoAccess(ctx.state, repo).rulesets.set(ruleset.id, ruleset);
    return { status: 201, body: rulesetJson(ctx.urls, ctx.state, repo, ruleset, true) };
  } catch (error) {
    return rulesetError(error);
  }
});

/** PUT …/rulesets/{id}: each top-level field given replaces the stored one (rules and bypass actors as whole lists); omitted fields stay. */
const updateRuleset = withRuleset((ctx, repo, id) => {
  const rulesets = repoAccess(ctx.state, repo).rulesets;
  try {
    const ruleset = rulesetFromInput(ctx.state, repo, (ctx.body ?? {}) as Partial<RulesetInput>, rulesets.get(id));
    rulesets.set(id, ruleset);
    return { status: 200, body: rulesetJson(ctx.urls, ctx.state, repo, ruleset, true) };
  } catch (error) {
    return rulesetError(error);
  }
});

const deleteRuleset = withRuleset((ctx, repo, id) => {
  repoAccess(ctx.state, repo).rulesets.delete(id);
  return { status: 204 };
});

/** Rules of active branch rulesets whose conditions select the branch; the branch need not exist (GitHub's documented behaviour). */
const getBranchRules = withRepo((ctx, repo) => {
  const branch = ctx.params.branch ?? "";
  const rules = [...repoAccess(ctx.state, repo).rulesets.values()].filter((r) => rulesetAppliesToBranch(r, repo, branch)).flatMap((r) => r.rules.map((rule) => branchRuleJson(repo, r, rule)));
  return paginate(ctx, rules);
});

// ---------------------------------------------------------------- CODEOWNERS

/**
 * GET …/codeowners/errors: checks the first of .github/CODEOWNERS, CODEOWNERS and
 * docs/CODEOWNERS that exists on the ref (default branch by default); 404 when the ref
 * or every one of the files is missing. An owner is known when it is a user with write
 * access, or a visible team of the repository's organisation with write access; e-mail
 * owners are accepted unchecked (the fake keeps no e-mail addresses).
 */
const getCodeownersErrors = withRepo((ctx, repo) => {
  const sha = ctx.state.resolveRef(repo, ctx.query.ref ?? repo.defaultBranch);
  if (!sha) return notFound(`No commit found for the ref ${ctx.query.ref ?? repo.defaultBranch}`);
  const tree = ctx.state.treeOf(repo, sha);
  const path = CODEOWNERS_PATHS.find((p) => tree.has(p));
  const blob = path ? repo.blobs.get(tree.get(path) ?? "") : undefined;
  if (!path || !blob) return notFound();
  const isKnown = (owner: CodeownersOwner): boolean => {
    if (owner.kind === "email") return true;
    if (owner.kind === "user") {
      const account = knownAccount(ctx.state, owner.login);
      return Boolean(account && account.type !== "Organization" && canPush(ctx.state, repo, account.login));
    }
    if (owner.org.toLowerCase() !== repo.owner.login.toLowerCase()) return false;
    const team = repoTeam(ctx.state, repo, owner.slug);
    return Boolean(team && team.privacy !== "secret" && permissionRank(teamRepoPermission(ctx.state, repo, team)) >= permissionRank("push"));
  };
  return { status: 200, body: { errors: codeownersErrors(blob.toString("utf8"), path, isKnown) } };
});

/** Every access operation, spread into the table of rest-handlers.ts. */
export const accessRestHandlers: Record<string, RestHandler> = {
  "teams/list": listTeams,
  "teams/get-by-name": getTeam,
  "teams/list-members-in-org": listTeamMembers,
  "teams/get-membership-for-user-in-org": getTeamMembership,
  "teams/list-pending-invitations-in-org": listTeamInvitations,
  "users/get-by-username": getUser,
  "teams/add-or-update-membership-for-user-in-org": putTeamMembership,
  "teams/remove-membership-for-user-in-org": deleteTeamMembership,
  "orgs/list-members": listOrgMembers,
  "orgs/get-membership-for-user": getOrgMembership,
  "orgs/check-membership-for-user": checkOrgMember,
  "repos/list-collaborators": listCollaborators,
  "repos/get-collaborator-permission-level": getCollaboratorPermission,
  "repos/check-collaborator": checkCollaborator,
  "repos/list-teams": listRepoTeams,
  "repos/get-branch": getBranch,
  "repos/get-branch-protection": getProtection,
  "repos/update-branch-protection": putProtection,
  "repos/delete-branch-protection": deleteProtection,
  "repos/get-pull-request-review-protection": getReviewProtection,
  "repos/update-pull-request-review-protection": patchReviewProtection,
  "repos/get-status-checks-protection": getStatusChecks,
  "repos/get-admin-branch-protection": getAdminEnforcement,
  "repos/get-access-restrictions": getRestrictions,
  "repos/get-users-with-access-to-protected-branch": listRestricted("users"),
  "repos/add-user-access-restrictions": changeRestricted("users", "add"),
  "repos/set-user-access-restrictions": changeRestricted("users", "set"),
  "repos/remove-user-access-restrictions": changeRestricted("users", "remove"),
  "repos/get-teams-with-access-to-protected-branch": listRestricted("teams"),
  "repos/add-team-access-restrictions": changeRestricted("teams", "add"),
  "repos/set-team-access-restrictions": changeRestricted("teams", "set"),
  "repos/remove-team-access-restrictions": changeRestricted("teams", "remove"),
  "repos/get-apps-with-access-to-protected-branch": listRestricted("apps"),
  "repos/add-app-access-restrictions": changeRestricted("apps", "add"),
  "repos/set-app-access-restrictions": changeRestricted("apps", "set"),
  "repos/remove-app-access-restrictions": changeRestricted("apps", "remove"),
  "repos/get-repo-rulesets": listRulesets,
  "repos/get-repo-ruleset": getRuleset,
  "repos/create-repo-ruleset": createRuleset,
  "repos/update-repo-ruleset": updateRuleset,
  "repos/delete-repo-ruleset": deleteRuleset,
  "repos/get-branch-rules": getBranchRules,
  "repos/codeowners-errors": getCodeownersErrors,
};

/** The operations above, whose responses the fake checks against the OpenAPI schema by default. */
export const ACCESS_OPERATIONS: ReadonlySet<string> = new Set(Object.keys(accessRestHandlers));
