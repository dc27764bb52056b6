import { ProbotOctokit } from "probot";
import { loadOpenApiValidator } from "../fake-github/openapi-validator.js";
import { isReadRequest } from "../fake-github/request-kinds.js";
import { startFakeGitHub } from "../fake-github/server.js";
import type { FakeGitHub } from "../fake-github/server.js";

const Octokit = ProbotOctokit.defaults({ throttle: { enabled: false }, retry: { enabled: false } });
type Client = InstanceType<typeof Octokit>;

let fake: FakeGitHub;
let octokit: Client;
const repo = { owner: "acme", repo: "widgets" };

beforeEach(async () => {
  fake = await startFakeGitHub({ now: () => new Date("2025-03-01T12:00:00Z") });
  fake.addRepo({ owner: "acme", name: "widgets", installationId: 7 });
  octokit = new Octokit({ auth: { token: fake.issueToken(7) }, baseUrl: fake.apiUrl });
});

afterEach(async () => {
  // Every response of the access operations is checked against GitHub's OpenAPI
  // response schema by default: a shape the fake gets wrong is a violation here.
  // Closed first, so that a failing assertion does not leave the server open.
  await fake.close();
  fake.assertNoViolations();
});

describe("fake GitHub: organisations and teams", () => {
  beforeEach(() => {
    fake.setOrgRole("acme", "olivia", "admin");
    fake.addTeam("acme", "maintainers", { name: "Maintainers", members: ["alice"], maintainers: ["bob"] });
    fake.addTeam("acme", "reviewers", { description: "Review things" });
  });

  it("lists and gets teams, and 404s a team or organisation that does not exist", async () => {
    const teams = await octokit.rest.teams.list({ org: "acme" });
    expect(teams.data.map((t) => [t.slug, t.name, t.permission])).toEqual([
      ["maintainers", "Maintainers", "push"],
      ["reviewers", "reviewers", "push"],
    ]);
    const team = await octokit.rest.teams.getByName({ org: "acme", team_slug: "maintainers" });
    expect(team.data).toMatchObject({ slug: "maintainers", members_count: 2, organization: { login: "acme" } });
    await expect(octokit.rest.teams.getByName({ org: "acme", team_slug: "nope" })).rejects.toMatchObject({ status: 404 });
    await expect(octokit.rest.teams.list({ org: "nobody" })).rejects.toMatchObject({ status: 404 });
  });

  it("answers a user or organisation by login, and 404s one it has never seen", async () => {
    await expect(octokit.rest.users.getByUsername({ username: "acme" })).resolves.toMatchObject({ data: { login: "acme", type: "Organization" } });
    await expect(octokit.rest.users.getByUsername({ username: "nobody-at-all" })).rejects.toMatchObject({ status: 404 });
  });

  it("lists team members with the role filter", async () => {
    const all = await octokit.rest.teams.listMembersInOrg({ org: "acme", team_slug: "maintainers" });
    expect(all.data.map((u) => u.login)).toEqual(["alice", "bob"]);
    const maintainers = await octokit.rest.teams.listMembersInOrg({ org: "acme", team_slug: "maintainers", role: "maintainer" });
    expect(maintainers.data.map((u) => u.login)).toEqual(["bob"]);
    await expect(octokit.rest.teams.listMembersInOrg({ org: "acme", team_slug: "ghosts" })).rejects.toMatchObject({ status: 404 });
  });

  it("adds an organisation member to a team at once, and invites anyone else (pending until accepted)", async () => {
    fake.setOrgRole("acme", "carol", "member");
    const carol = await octokit.rest.teams.addOrUpdateMembershipForUserInOrg({ org: "acme", team_slug: "reviewers", username: "carol" });
    expect(carol.data).toMatchObject({ role: "member", state: "active" });

    fake.state.account("dave"); // a GitHub user, not in the organisation
    const dave = await octokit.rest.teams.addOrUpdateMembershipForUserInOrg({ org: "acme", team_slug: "reviewers", username: "dave", role: "maintainer" });
    expect(dave.data).toMatchObject({ role: "maintainer", state: "pending" });
    expect(fake.teamMembers("acme", "reviewers")).toEqual(["carol"]);
    await expect(octokit.rest.orgs.getMembershipForUser({ org: "acme", username: "dave" })).resolves.toMatchObject({ data: { state: "pending", role: "member" } });
    const membership = await octokit.rest.teams.getMembershipForUserInOrg({ org: "acme", team_slug: "reviewers", username: "dave" });
    expect(membership.data.state).toBe("pending");
    const invitations = await octokit.rest.teams.listPendingInvitationsInOrg({ org: "acme", team_slug: "reviewers" });
    expect(invitations.data.map((i) => [i.login, i.role])).toEqual([["dave", "admin"]]);

    fake.acceptOrgInvitation("acme", "dave");
    await expect(octokit.rest.teams.listPendingInvitationsInOrg({ org: "acme", team_slug: "reviewers" })).resolves.toMatchObject({ data: [] });
    expect(fake.teamMembers("acme", "reviewers")).toEqual(["carol", "dave"]);
    await expect(octokit.rest.teams.getMembershipForUserInOrg({ org: "acme", team_slug: "reviewers", username: "dave" })).resolves.toMatchObject({ data: { state: "active", role: "maintainer" } });
  });

  it("404s a membership PUT for an unknown user or team, and removes memberships with 204", async () => {
    await expect(octokit.rest.teams.addOrUpdateMembershipForUserInOrg({ org: "acme", team_slug: "reviewers", username: "no-such-user" })).rejects.toMatchObject({ status: 404 });
    await expect(octokit.rest.teams.addOrUpdateMembershipForUserInOrg({ org: "acme", team_slug: "no-such-team", username: "alice" })).rejects.toMatchObject({ status: 404 });
    const removed = await octokit.rest.teams.removeMembershipForUserInOrg({ org: "acme", team_slug: "maintainers", username: "alice" });
    expect(removed.status).toBe(204);
    expect(fake.teamMembers("acme", "maintainers")).toEqual(["bob"]);
    await expect(octokit.rest.teams.getMembershipForUserInOrg({ org: "acme", team_slug: "maintainers", username: "alice" })).rejects.toMatchObject({ status: 404 });
    await expect(octokit.rest.teams.removeMembershipForUserInOrg({ org: "acme", team_slug: "ghosts", username: "bob" })).rejects.toMatchObject({ status: 404 });
  });

  it("lists organisation members by role and answers memberships", async () => {
    const admins = await octokit.rest.orgs.listMembers({ org: "acme", role: "admin" });
    expect(admins.data.map((u) => u.login)).toEqual(["olivia"]);
    const members = await octokit.rest.orgs.listMembers({ org: "acme", role: "member" });
    expect(members.data.map((u) => u.login)).toEqual(["alice", "bob"]);
    const all = await octokit.rest.orgs.listMembers({ org: "acme" });
    expect(all.data).toHaveLength(3);
    await expect(octokit.rest.orgs.getMembershipForUser({ org: "acme", username: "olivia" })).resolves.toMatchObject({ data: { role: "admin", state: "active", user: { login: "olivia" } } });
    await expect(octokit.rest.orgs.getMembershipForUser({ org: "acme", username: "stranger" })).rejects.toMatchObject({ status: 404 });
  });

  it("lists a repository's teams with their permission there: org-wide, or the repository's own grant, or none", async () => {
    fake.addRepo({ owner: "acme", name: "gadgets", installationId: 7 });
    fake.setTeamRepoPermission("acme", "maintainers", "acme", "widgets", "maintain");
    fake.addTeam("acme", "owners", { members: ["olivia"], permission: "pull" });
    fake.setTeamRepoPermission("acme", "owners", "acme", "widgets", "admin");
    fake.addTeam("acme", "elsewhere");
    fake.setTeamRepoPermission("acme", "elsewhere", "acme", "widgets", null);
    const teams = await octokit.rest.repos.listTeams(repo);
    expect(teams.data.map((t) => [t.slug, t.permission, t.permissions])).toEqual([
      ["maintainers", "maintain", { pull: true, triage: true, push: true, maintain: true, admin: false }],
      ["reviewers", "push", { pull: true, triage: true, push: true, maintain: false, admin: false }],
      ["owners", "admin", { pull: true, triage: true, push: true, maintain: true, admin: true }],
    ]);
    // The grant is the repository's alone; the org-wide permission stays what it was.
    const gadgets = await octokit.rest.repos.listTeams({ owner: "acme", repo: "gadgets" });
    expect(gadgets.data.map((t) => [t.slug, t.permission])).toEqual([
      ["maintainers", "push"],
      ["reviewers", "push"],
      ["owners", "pull"],
      ["elsewhere", "push"],
    ]);
    // Access follows the grant: bob is admin of widgets only through the team's grant there.
    const admins = await octokit.rest.repos.listCollaborators({ ...repo, permission: "admin" });
    expect(admins.data.map((c) => c.login).sort()).toEqual(["olivia"]);
    const maintainers = await octokit.rest.repos.listCollaborators({ ...repo, permission: "maintain" });
    expect(maintainers.data.map((c) => c.login).sort()).toEqual(["alice", "bob", "olivia"]);
    const page = await octokit.rest.repos.listTeams({ ...repo, per_page: 2, page: 2 });
    expect(page.data.map((t) => t.slug)).toEqual(["owners"]);
    await expect(octokit.rest.repos.listTeams({ owner: "acme", repo: "nope" })).rejects.toMatchObject({ status: 404 });
  });

  it("lists no teams for a repository a user owns, and refuses a grant there or for an unknown team", async () => {
    fake.addRepo({ owner: "octocat", name: "hello", ownerType: "User", installationId: 8 });
    const mine = new Octokit({ auth: { token: fake.issueToken(8) }, baseUrl: fake.apiUrl });
    await expect(mine.rest.repos.listTeams({ owner: "octocat", repo: "hello" })).resolves.toMatchObject({ data: [] });
    expect(() => fake.setTeamRepoPermission("acme", "maintainers", "octocat", "hello", "admin")).toThrow(/not a repository of acme/);
    expect(() => fake.setTeamRepoPermission("acme", "ghosts", "acme", "widgets", "admin")).toThrow(/no team acme\/ghosts/);
  });

  it("takes someone who left the organisation out of its teams", async () => {
    fake.setOrgRole("acme", "alice", null);
    expect(fake.teamMembers("acme", "maintainers")).toEqual(["bob"]);
    await expect(octokit.rest.orgs.getMembershipForUser({ org: "acme", username: "alice" })).rejects.toMatchObject({ status: 404 });
  });
});

describe("fake GitHub: collaborators", () => {
  beforeEach(() => {
    fake.setOrgRole("acme", "olivia", "admin");
    fake.setOrgRole("acme", "mia", "member");
    fake.setCollaborator("acme", "widgets", "alice", "maintain");
    fake.setCollaborator("acme", "widgets", "trent", "triage");
    fake.addTeam("acme", "maintainers", { members: ["bob"], permission: "admin" });
  });

  it("lists collaborators with their permissions, filtered by permission and affiliation", async () => {
    const all = await octokit.rest.repos.listCollaborators(repo);
    expect(Object.fromEntries(all.data.map((c) => [c.login, c.role_name]))).toEqual({ alice: "maintain", trent: "triage", olivia: "admin", mia: "read", bob: "admin" });
    const admins = await octokit.rest.repos.listCollaborators({ ...repo, permission: "admin" });
    expect(admins.data.map((c) => c.login).sort()).toEqual(["bob", "olivia"]);
    const writers = await octokit.rest.repos.listCollaborators({ ...repo, permission: "push" });
    expect(writers.data.map((c) => c.login).sort()).toEqual(["alice", "bob", "olivia"]);
    const outside = await octokit.rest.repos.listCollaborators({ ...repo, affiliation: "outside" });
    expect(outside.data.map((c) => c.login)).toEqual(["alice", "trent"]);
    expect(all.data.find((c) => c.login === "alice")?.permissions).toEqual({ pull: true, triage: true, push: true, maintain: true, admin: false });
    await expect(octokit.rest.repos.listCollaborators({ owner: "acme", repo: "nope" })).rejects.toMatchObject({ status: 404 });
  });

  it("answers permission levels the legacy way with the role name beside it", async () => {
    const alice = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: "alice" });
    expect(alice.data).toMatchObject({ permission: "write", role_name: "maintain", user: { login: "alice" } });
    const bob = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: "bob" });
    expect(bob.data).toMatchObject({ permission: "admin", role_name: "admin" });
    fake.state.account("passer-by");
    const stranger = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: "passer-by" });
    expect(stranger.data).toMatchObject({ permission: "read", role_name: "read" }); // public repository
    await expect(octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: "no-such-user" })).rejects.toMatchObject({ status: 404 });
    await expect(octokit.rest.repos.checkCollaborator({ ...repo, username: "trent" })).resolves.toMatchObject({ status: 204 });
    await expect(octokit.rest.repos.checkCollaborator({ ...repo, username: "passer-by" })).rejects.toMatchObject({ status: 404 });
  });
});

describe("fake GitHub: classic branch protection", () => {
  beforeEach(() => {
    fake.setOrgRole("acme", "olivia", "admin");
    fake.setCollaborator("acme", "widgets", "alice", "push");
    fake.setCollaborator("acme", "widgets", "reader", "pull");
    fake.addTeam("acme", "maintainers", { members: ["bob"] });
    fake.addTeam("acme", "readers", { permission: "pull" });
  });

  const fullConfig = {
    ...repo,
    branch: "main",
    required_status_checks: { strict: true, contexts: ["ci/build"] },
    enforce_admins: true,
    required_pull_request_reviews: {
      dismiss_stale_reviews: true,
      require_code_owner_reviews: true,
      required_approving_review_count: 2,
      bypass_pull_request_allowances: { users: ["alice"], teams: ["maintainers"] },
    },
    restrictions: { users: ["alice"], teams: ["maintainers"], apps: ["stewards"] },
    required_linear_history: true,
  };

  it("404s an unprotected branch as GitHub does, and a branch that does not exist", async () => {
    const branch = await octokit.rest.repos.getBranch({ ...repo, branch: "main" });
    expect(branch.data).toMatchObject({ name: "main", protected: false, protection: { enabled: false } });
    await expect(octokit.rest.repos.getBranchProtection({ ...repo, branch: "main" })).rejects.toMatchObject({ status: 404, response: { data: { message: "Branch not protected" } } });
    await expect(octokit.rest.repos.getBranch({ ...repo, branch: "nope" })).rejects.toMatchObject({ status: 404, response: { data: { message: "Branch not found" } } });
    await expect(octokit.rest.repos.updateBranchProtection({ ...fullConfig, branch: "nope" })).rejects.toMatchObject({ status: 404, response: { data: { message: "Branch not found" } } });
  });

  it("stores a PUT and answers GET in GitHub's read shape, which differs from the PUT's", async () => {
    const put = await octokit.rest.repos.updateBranchProtection(fullConfig);
    expect(put.status).toBe(200);
    const { data } = await octokit.rest.repos.getBranchProtection({ ...repo, branch: "main" });
    expect(data.enforce_admins).toEqual({ enabled: true, url: `${fake.apiUrl}/repos/acme/widgets/branches/main/protection/enforce_admins` });
    expect(data.required_status_checks).toMatchObject({ strict: true, contexts: ["ci/build"], checks: [{ context: "ci/build", app_id: null }] });
    expect(data.required_pull_request_reviews).toMatchObject({ required_approving_review_count: 2, dismiss_stale_reviews: true, require_code_owner_reviews: true, require_last_push_approval: false });
    expect(data.required_pull_request_reviews?.bypass_pull_request_allowances?.users?.map((u) => [u.login, u.url])).toEqual([["alice", `${fake.apiUrl}/users/alice`]]);
    expect(data.required_pull_request_reviews?.bypass_pull_request_allowances?.teams?.map((t) => t.slug)).toEqual(["maintainers"]);
    expect(data.restrictions?.users.map((u) => u.login)).toEqual(["alice"]);
    expect(data.restrictions?.teams.map((t) => [t.slug, typeof t.url])).toEqual([["maintainers", "string"]]);
    expect(data.restrictions?.apps.map((a) => a.slug)).toEqual(["stewards"]);
    expect(data.required_linear_history).toEqual({ enabled: true });
    expect(data.allow_force_pushes).toEqual({ enabled: false });
    const branch = await octokit.rest.repos.getBranch({ ...repo, branch: "main" });
    expect(branch.data).toMatchObject({ protected: true, protection: { enabled: true, required_status_checks: { enforcement_level: "everyone", contexts: ["ci/build"] } } });
  });

  it("replaces the WHOLE configuration on PUT: what is left out is switched off or reset", async () => {
    await octokit.rest.repos.updateBranchProtection(fullConfig);
    await octokit.rest.repos.updateBranchProtection({
      ...repo,
      branch: "main",
      required_status_checks: null,
      enforce_admins: null,
      required_pull_request_reviews: { dismiss_stale_reviews: true },
      restrictions: null,
    });
    expect(fake.branchProtection("acme", "widgets", "main")).toEqual({
      required_status_checks: null,
      enforce_admins: false,
      required_pull_request_reviews: {
        dismiss_stale_reviews: true,
        require_code_owner_reviews: false,
        required_approving_review_count: 0,
        require_last_push_approval: false,
        dismissal_restrictions: null,
        bypass_pull_request_allowances: { users: [], teams: [], apps: [] },
      },
      restrictions: null,
      required_linear_history: false,
      allow_force_pushes: false,
      allow_deletions: false,
      block_creations: false,
      required_conversation_resolution: false,
      lock_branch: false,
      allow_fork_syncing: false,
      required_signatures: false,
    });
    const { data } = await octokit.rest.repos.getBranchProtection({ ...repo, branch: "main" });
    expect(data.required_status_checks).toBeUndefined();
    expect(data.restrictions).toBeUndefined();
    expect(data.required_pull_request_reviews?.bypass_pull_request_allowances).toBeUndefined();
    expect(data.enforce_admins?.enabled).toBe(false);
  });

  it("drops people and teams without write access silently, and refuses names that do not exist", async () => {
    await octokit.rest.repos.updateBranchProtection({ ...fullConfig, restrictions: { users: ["alice", "reader"], teams: ["maintainers", "readers"] } });
    expect(fake.branchProtection("acme", "widgets", "main")?.restrictions).toEqual({ users: ["alice"], teams: ["maintainers"], apps: [] });
    await expect(octokit.rest.repos.updateBranchProtection({ ...fullConfig, restrictions: { users: ["no-such-user"], teams: [] } })).rejects.toMatchObject({ status: 422 });
    await expect(octokit.rest.repos.updateBranchProtection({ ...fullConfig, restrictions: { users: [], teams: ["no-such-team"] } })).rejects.toMatchObject({ status: 422 });
    await expect(
      octokit.rest.repos.updateBranchProtection({ ...fullConfig, required_pull_request_reviews: { required_approving_review_count: 7 } }),
    ).rejects.toMatchObject({ status: 422 });
    expect(fake.branchProtection("acme", "widgets", "main")?.restrictions).toEqual({ users: ["alice"], teams: ["maintainers"], apps: [] });
  });

  it("refuses push restrictions on a repository a user owns", async () => {
    fake.addRepo({ owner: "solo", name: "tool", installationId: 7, ownerType: "User" });
    await expect(octokit.rest.repos.updateBranchProtection({ ...fullConfig, owner: "solo", repo: "tool", restrictions: { users: ["solo"], teams: [] } })).rejects.toMatchObject({ status: 422 });
  });

  it("PATCHes pull request review protection field by field, replacing allowance lists given", async () => {
    await octokit.rest.repos.updateBranchProtection(fullConfig);
    const patched = await octokit.rest.repos.updatePullRequestReviewProtection({ ...repo, branch: "main", bypass_pull_request_allowances: { teams: ["maintainers"] } });
    expect(patched.data.required_approving_review_count).toBe(2);
    expect(patched.data.bypass_pull_request_allowances?.users).toEqual([]);
    expect(fake.branchProtection("acme", "widgets", "main")?.required_pull_request_reviews).toMatchObject({
      required_approving_review_count: 2,
      dismiss_stale_reviews: true,
      bypass_pull_request_allowances: { users: [], teams: ["maintainers"], apps: [] },
    });
    await octokit.rest.repos.updatePullRequestReviewProtection({ ...repo, branch: "main", required_approving_review_count: 3 });
    expect(fake.branchProtection("acme", "widgets", "main")?.required_pull_request_reviews).toMatchObject({ required_approving_review_count: 3, bypass_pull_request_allowances: { teams: ["maintainers"] } });
    const review = await octokit.rest.repos.getPullRequestReviewProtection({ ...repo, branch: "main" });
    expect(review.data.required_approving_review_count).toBe(3);
    await expect(octokit.rest.repos.updatePullRequestReviewProtection({ ...repo, branch: "develop" })).rejects.toMatchObject({ status: 404 });
  });

  it("adds, sets and removes users and teams of push restrictions", async () => {
    fake.setCollaborator("acme", "widgets", "carol", "push");
    await octokit.rest.repos.updateBranchProtection(fullConfig);
    const added = await octokit.rest.repos.addUserAccessRestrictions({ ...repo, branch: "main", users: ["carol", "alice"] });
    expect(added.data.map((u) => u.login)).toEqual(["alice", "carol"]);
    const removed = await octokit.rest.repos.removeUserAccessRestrictions({ ...repo, branch: "main", users: ["alice"] });
    expect(removed.data.map((u) => u.login)).toEqual(["carol"]);
    const set = await octokit.rest.repos.setUserAccessRestrictions({ ...repo, branch: "main", users: ["alice"] });
    expect(set.data.map((u) => u.login)).toEqual(["alice"]);
    const users = await octokit.rest.repos.getUsersWithAccessToProtectedBranch({ ...repo, branch: "main" });
    expect(users.data.map((u) => u.login)).toEqual(["alice"]);

    fake.addTeam("acme", "reviewers");
    const teams = await octokit.rest.repos.addTeamAccessRestrictions({ ...repo, branch: "main", teams: ["reviewers"] });
    expect(teams.data.map((t) => t.slug)).toEqual(["maintainers", "reviewers"]);
    await octokit.rest.repos.removeTeamAccessRestrictions({ ...repo, branch: "main", teams: ["maintainers"] });
    const setTeams = await octokit.rest.repos.setTeamAccessRestrictions({ ...repo, branch: "main", teams: ["reviewers", "maintainers"] });
    expect(setTeams.data.map((t) => t.slug)).toEqual(["reviewers", "maintainers"]);
    const listed = await octokit.rest.repos.getTeamsWithAccessToProtectedBranch({ ...repo, branch: "main" });
    expect(listed.data.map((t) => t.slug)).toEqual(["reviewers", "maintainers"]);
  });

  it("404s restriction lists when push restrictions are off, and answers the other sub-resources", async () => {
    await octokit.rest.repos.updateBranchProtection({ ...fullConfig, restrictions: null, required_status_checks: null });
    await expect(octokit.rest.repos.getUsersWithAccessToProtectedBranch({ ...repo, branch: "main" })).rejects.toMatchObject({ status: 404, response: { data: { message: "Push restrictions not enabled" } } });
    await expect(octokit.rest.repos.addUserAccessRestrictions({ ...repo, branch: "main", users: ["alice"] })).rejects.toMatchObject({ status: 404 });
    await expect(octokit.rest.repos.getStatusChecksProtection({ ...repo, branch: "main" })).rejects.toMatchObject({ status: 404, response: { data: { message: "Required status checks not enabled" } } });
    await expect(octokit.rest.repos.getAdminBranchProtection({ ...repo, branch: "main" })).resolves.toMatchObject({ data: { enabled: true } });
  });

  it("deletes protection with 204, then 404s it", async () => {
    fake.setBranchProtection("acme", "widgets", "main", { required_status_checks: null, enforce_admins: true, required_pull_request_reviews: null, restrictions: null });
    expect(fake.branchProtection("acme", "widgets", "main")?.enforce_admins).toBe(true);
    await expect(octokit.rest.repos.deleteBranchProtection({ ...repo, branch: "main" })).resolves.toMatchObject({ status: 204 });
    await expect(octokit.rest.repos.deleteBranchProtection({ ...repo, branch: "main" })).rejects.toMatchObject({ status: 404, response: { data: { message: "Branch not protected" } } });
    expect(fake.branchProtection("acme", "widgets", "main")).toBeUndefined();
  });

  it("refuses, in the seeding helper, people without write access instead of dropping them", () => {
    expect(() =>
      fake.setBranchProtection("acme", "widgets", "main", { required_status_checks: null, enforce_admins: null, required_pull_request_reviews: null, restrictions: { users: ["reader"], teams: [] } }),
    ).toThrow(/no write access/);
  });

  it("handles branch names with slashes, encoded or not", async () => {
    fake.putFile("acme", "widgets", "x.txt", "x", { branch: "release/v1" });
    await octokit.rest.repos.updateBranchProtection({ ...fullConfig, branch: "release/v1" });
    expect(fake.branchProtection("acme", "widgets", "release/v1")?.enforce_admins).toBe(true);
    const raw = await octokit.request("GET /repos/acme/widgets/branches/release/v1/protection");
    expect(raw.data.enforce_admins.enabled).toBe(true);
  });
});

describe("fake GitHub: repository rulesets", () => {
  let maintainersId: number;

  beforeEach(() => {
    maintainersId = fake.addTeam("acme", "maintainers", { members: ["bob"] }).id;
  });

  const stewards = () => ({
    ...repo,
    name: "stewards",
    target: "branch" as const,
    enforcement: "active" as const,
    bypass_actors: [{ actor_id: maintainersId, actor_type: "Team" as const, bypass_mode: "always" as const }],
    conditions: { ref_name: { include: ["~DEFAULT_BRANCH"], exclude: [] } },
    rules: [{ type: "pull_request" as const, parameters: { required_approving_review_count: 1, dismiss_stale_reviews_on_push: false, require_code_owner_review: true, require_last_push_approval: false, required_review_thread_resolution: false } }, { type: "non_fast_forward" as const }],
  });

  it("round-trips a ruleset: create, get, list (without rules, as GitHub lists), update, branch rules, delete", async () => {
    const created = await octokit.rest.repos.createRepoRuleset(stewards());
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ name: "stewards", source_type: "Repository", source: "acme/widgets", enforcement: "active", current_user_can_bypass: "never" });
    const id = created.data.id;

    const got = await octokit.rest.repos.getRepoRuleset({ ...repo, ruleset_id: id });
    expect(got.data.bypass_actors).toEqual([{ actor_id: maintainersId, actor_type: "Team", bypass_mode: "always" }]);
    expect(got.data.rules?.map((r) => r.type)).toEqual(["pull_request", "non_fast_forward"]);

    const listed = await octokit.rest.repos.getRepoRulesets(repo);
    expect(listed.data.map((r) => r.name)).toEqual(["stewards"]);
    expect(listed.data[0]?.rules).toBeUndefined();
    expect(listed.data[0]?.bypass_actors).toBeUndefined();

    const updated = await octokit.rest.repos.updateRepoRuleset({
      ...repo,
      ruleset_id: id,
      bypass_actors: [
        { actor_id: maintainersId, actor_type: "Team", bypass_mode: "always" },
        { actor_id: fake.state.app.id, actor_type: "Integration", bypass_mode: "always" },
        { actor_id: 5, actor_type: "RepositoryRole", bypass_mode: "pull_request" },
      ],
    });
    expect(updated.data.rules).toHaveLength(2); // omitted: kept
    expect(updated.data.current_user_can_bypass).toBe("always");
    expect(fake.rulesets("acme", "widgets")[0]?.bypass_actors.map((a) => a.actor_type)).toEqual(["Team", "Integration", "RepositoryRole"]);

    const rules = await octokit.rest.repos.getBranchRules({ ...repo, branch: "main" });
    expect(rules.data.map((r) => [r.type, r.ruleset_id, r.ruleset_source])).toEqual([
      ["pull_request", id, "acme/widgets"],
      ["non_fast_forward", id, "acme/widgets"],
    ]);
    const elsewhere = await octokit.rest.repos.getBranchRules({ ...repo, branch: "feature/x" });
    expect(elsewhere.data).toEqual([]);
    const branch = await octokit.rest.repos.getBranch({ ...repo, branch: "main" });
    expect(branch.data.protected).toBe(true);

    await expect(octokit.rest.repos.deleteRepoRuleset({ ...repo, ruleset_id: id })).resolves.toMatchObject({ status: 204 });
    await expect(octokit.rest.repos.getRepoRuleset({ ...repo, ruleset_id: id })).rejects.toMatchObject({ status: 404 });
    await expect(octokit.rest.repos.updateRepoRuleset({ ...repo, ruleset_id: id, name: "x" })).rejects.toMatchObject({ status: 404 });
  });

  it("matches branch patterns, excludes, and leaves out disabled rulesets", () => {
    fake.addRuleset("acme", "widgets", { name: "releases", enforcement: "active", conditions: { ref_name: { include: ["refs/heads/release/**"], exclude: ["refs/heads/release/old/*"] } }, rules: [{ type: "deletion" }] });
    fake.addRuleset("acme", "widgets", { name: "off", enforcement: "disabled", conditions: { ref_name: { include: ["~ALL"] } }, rules: [{ type: "creation" }] });
    return Promise.all([
      octokit.rest.repos.getBranchRules({ ...repo, branch: "release/v1/hotfix" }).then((r) => expect(r.data.map((x) => x.type)).toEqual(["deletion"])),
      octokit.rest.repos.getBranchRules({ ...repo, branch: "release/old/v0" }).then((r) => expect(r.data).toEqual([])),
      octokit.rest.repos.getBranchRules({ ...repo, branch: "main" }).then((r) => expect(r.data).toEqual([])),
    ]);
  });

  it("refuses an individual user as bypass actor (a violation: the description accepts it, GitHub does not), a duplicate name, and an unknown team", async () => {
    await expect(octokit.rest.repos.createRepoRuleset({ ...stewards(), bypass_actors: [{ actor_id: fake.state.account("bob").id, actor_type: "User" as never }] })).rejects.toMatchObject({ status: 422 });
    expect(fake.violations.map((v) => v.kind)).toEqual(["invalid-request"]);
    fake.violations.length = 0;
    await octokit.rest.repos.createRepoRuleset(stewards());
    await expect(octokit.rest.repos.createRepoRuleset(stewards())).rejects.toMatchObject({ status: 422 });
    await expect(octokit.rest.repos.createRepoRuleset({ ...stewards(), name: "other", bypass_actors: [{ actor_id: 999999, actor_type: "Team" }] })).rejects.toMatchObject({ status: 422 });
    await expect(octokit.rest.repos.createRepoRuleset({ ...stewards(), name: "bad-role", bypass_actors: [{ actor_id: 1, actor_type: "RepositoryRole" }] })).rejects.toMatchObject({ status: 422 });
    expect(fake.rulesets("acme", "widgets").map((r) => r.name)).toEqual(["stewards"]);
  });

  it("lets OpenAPI validation refuse a bypass actor type GitHub has never had", async () => {
    await expect(octokit.request("POST /repos/{owner}/{repo}/rulesets", { ...stewards(), bypass_actors: [{ actor_id: 1, actor_type: "Person" }] } as never)).rejects.toMatchObject({ status: 422 });
    expect(fake.violations.map((v) => v.kind)).toEqual(["invalid-request"]);
    fake.violations.length = 0;
  });
});

describe("fake GitHub: CODEOWNERS errors", () => {
  beforeEach(() => {
    fake.setCollaborator("acme", "widgets", "alice", "push");
    fake.setCollaborator("acme", "widgets", "reader", "pull");
    fake.addTeam("acme", "maintainers", { members: ["bob"] });
    fake.addTeam("acme", "hidden", { privacy: "secret" });
  });

  it("reports unknown and invalid owners and invalid patterns, with GitHub's message layout", async () => {
    fake.putFile(
      "acme",
      "widgets",
      ".github/CODEOWNERS",
      ["# owners", "", "*       @alice @acme/maintainers", "/docs/  @ghost", "*.md    @reader", "/src/", "***/*.rb @alice", "*.txt docs@", "/x/ @acme/hidden @other-org/team"].join("\n"),
    );
    const { data } = await octokit.rest.repos.codeownersErrors(repo);
    expect(data.errors.map((e) => [e.line, e.column, e.kind])).toEqual([
      [4, 9, "Unknown owner"],
      [5, 9, "Unknown owner"],
      [7, 1, "Invalid pattern"],
      [8, 7, "Invalid owner"],
      [9, 5, "Unknown owner"],
      [9, 18, "Unknown owner"],
    ]);
    expect(data.errors[0]).toEqual({
      line: 4,
      column: 9,
      kind: "Unknown owner",
      source: "/docs/  @ghost",
      suggestion: "make sure @ghost exists and has write access to the repository",
      message: "Unknown owner on line 4: make sure @ghost exists and has write access to the repository\n\n  /docs/  @ghost\n          ^",
      path: ".github/CODEOWNERS",
    });
    expect(data.errors[2]).toMatchObject({ suggestion: "Did you mean `**/*.rb`?", message: "Invalid pattern on line 7: Did you mean `**/*.rb`?\n\n  ***/*.rb @alice\n  ^" });
    expect(data.errors[3]).toMatchObject({ suggestion: null, message: "Invalid owner on line 8:\n\n  *.txt docs@\n        ^" });
  });

  it("uses the first file GitHub would (.github/, root, docs/) on the ref asked for, default branch otherwise", async () => {
    fake.putFile("acme", "widgets", "docs/CODEOWNERS", "* @ghost\n");
    expect((await octokit.rest.repos.codeownersErrors(repo)).data.errors.map((e) => e.path)).toEqual(["docs/CODEOWNERS"]);
    fake.putFile("acme", "widgets", "CODEOWNERS", "* @alice\n");
    expect((await octokit.rest.repos.codeownersErrors(repo)).data.errors).toEqual([]);
    fake.putFile("acme", "widgets", ".github/CODEOWNERS", "* @nobody-here\n", { branch: "topic" });
    expect((await octokit.rest.repos.codeownersErrors(repo)).data.errors).toEqual([]);
    const onTopic = await octokit.rest.repos.codeownersErrors({ ...repo, ref: "topic" });
    expect(onTopic.data.errors.map((e) => [e.path, e.kind])).toEqual([[".github/CODEOWNERS", "Unknown owner"]]);
  });

  it("404s when there is no CODEOWNERS file or no such ref", async () => {
    await expect(octokit.rest.repos.codeownersErrors(repo)).rejects.toMatchObject({ status: 404 });
    fake.putFile("acme", "widgets", "CODEOWNERS", "* @alice\n");
    await expect(octokit.rest.repos.codeownersErrors({ ...repo, ref: "no-such-branch" })).rejects.toMatchObject({ status: 404 });
  });
});

describe("fake GitHub: faults and the request log on access routes", () => {
  beforeEach(() => {
    fake.addTeam("acme", "maintainers");
    fake.setOrgRole("acme", "alice", "member");
  });

  it("injects 5xx and secondary rate limits on the new routes, then answers normally", async () => {
    fake.setFailure({ operationId: "teams/add-or-update-membership-for-user-in-org" }, { status: 502 });
    fake.setFailure({ operationId: "repos/update-branch-protection" }, { status: 403, headers: { "retry-after": "60" } });
    await expect(octokit.rest.teams.addOrUpdateMembershipForUserInOrg({ org: "acme", team_slug: "maintainers", username: "alice" })).rejects.toMatchObject({ status: 502 });
    expect(fake.teamMembers("acme", "maintainers")).toEqual([]);
    await expect(octokit.rest.teams.addOrUpdateMembershipForUserInOrg({ org: "acme", team_slug: "maintainers", username: "alice" })).resolves.toMatchObject({ status: 200 });
    const body = { ...repo, branch: "main", required_status_checks: null, enforce_admins: true, required_pull_request_reviews: null, restrictions: null };
    await expect(octokit.rest.repos.updateBranchProtection(body)).rejects.toMatchObject({
      status: 403,
      response: { headers: { "retry-after": "60" }, data: { message: expect.stringMatching(/secondary rate limit/) } },
    });
    expect(fake.branchProtection("acme", "widgets", "main")).toBeUndefined();
    await expect(octokit.rest.repos.updateBranchProtection(body)).resolves.toMatchObject({ status: 200 });
    expect(fake.requests.map((r) => `${r.operationId} ${r.status}${r.injected ? " injected" : ""}`)).toEqual([
      "teams/add-or-update-membership-for-user-in-org 502 injected",
      "teams/add-or-update-membership-for-user-in-org 200",
      "repos/update-branch-protection 403 injected",
      "repos/update-branch-protection 200",
    ]);
  });

  it("records every request, so a test can count calls and see that no write happened", async () => {
    await octokit.rest.teams.listMembersInOrg({ org: "acme", team_slug: "maintainers" });
    await expect(octokit.rest.repos.getBranchProtection({ ...repo, branch: "main" })).rejects.toMatchObject({ status: 404 });
    await octokit.rest.repos.getRepoRulesets(repo);
    expect(fake.requests).toHaveLength(3);
    expect(fake.requests.every(isReadRequest)).toBe(true);
    await octokit.rest.teams.removeMembershipForUserInOrg({ org: "acme", team_slug: "maintainers", username: "alice" });
    expect(fake.requests.filter((r) => !isReadRequest(r)).map((r) => r.route)).toEqual(["DELETE /orgs/{org}/teams/{team_slug}/memberships/{username}"]);
  });
});

describe("fake GitHub: response validation", () => {
  it("catches a response in the PUT's shape where GitHub answers in its read shape", async () => {
    const validator = await loadOpenApiValidator("api.github.com");
    const wrong = validator.validateResponse("repos/get-branch-protection", 200, { url: "https://x", enforce_admins: true });
    expect(wrong.join("\n")).toMatch(/enforce_admins/);
    expect(validator.validateResponse("repos/get-branch-protection", 200, { url: "https://x", enforce_admins: { url: "https://x/enforce_admins", enabled: true } })).toEqual([]);
    expect(validator.validateResponse("teams/remove-membership-for-user-in-org", 204, undefined)).toEqual([]);
  });
});
