/**
 * The access reader against recorded GitHub answers (nock): which requests a
 * snapshot costs, and how each answer (404, 403, pages) becomes a fact.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import nock from "nock";
import { githubAccessReader, normalizeProtection, readAccessSnapshot, readNeeds, type AccessReadClient } from "../../src/github/access-reader.js";
import { codeownersAnswer, restProtection } from "../support/access-answers.js";
import { probotTokenClient } from "../support/probot-client.js";

const API = "https://api.github.com";
const repo = { owner: "acme", repo: "widgets" };

/** A client over a real Probot octokit that counts what it sends. */
function counted() {
  const octokit = probotTokenClient();
  const sent: string[] = [];
  const client: AccessReadClient = {
    request: (route, params) => {
      sent.push(route);
      return octokit.then((o) => o.request(route, params)) as Promise<{ data: unknown; status: number }>;
    },
    graphql: <T>(query: string, variables: Record<string, unknown>) => {
      sent.push("graphql");
      return octokit.then((o) => o.graphql<T>(query, variables));
    },
  };
  return { client, sent, reader: githubAccessReader(client) };
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => nock.enableNetConnect());

describe("readAccessSnapshot", () => {
  it("a typical repository (3 teams, 1 protected branch) costs 6 requests: 1 GraphQL, 3 team pages, the ruleset list, the protection", async () => {
    const { reader, sent } = counted();
    nock(API).post("/graphql").reply(200, codeownersAnswer({ CODEOWNERS: "* @alice\n", "docs/CODEOWNERS": "ignored\n" }));
    for (const [slug, members] of Object.entries({ contributors: ["alice", "bob", "carol"], reviewers: ["alice", "bob"], maintainers: ["alice"] })) {
      nock(API).get(`/orgs/acme/teams/${slug}/members`).query({ per_page: 100, page: 1 }).reply(200, members.map((login) => ({ login })));
    }
    nock(API).get("/repos/acme/widgets/rulesets").query({ includes_parents: true, per_page: 100, page: 1 }).reply(200, []);
    nock(API).get("/repos/acme/widgets/branches/main/protection").reply(200, restProtection);
    const snap = await readAccessSnapshot(reader, { repo, ownerType: "Organization", defaultBranch: "main", teams: ["contributors", "reviewers", "maintainers"], branches: ["main"], bypass: true });
    expect(sent).toHaveLength(6);
    expect(snap.codeowners).toEqual({ branch: "main", headSha: "head1", treeSha: "tree1", path: "CODEOWNERS", text: "* @alice\n" });
    expect(snap.teams.reviewers).toEqual({ state: "ok", id: null, members: ["alice", "bob"], pending: null });
    expect(snap.orgOwners).toEqual({ state: "unread" });
    expect(snap.repoAdmins).toEqual({ state: "unread" });
    expect(snap.rulesets).toEqual({ state: "ok", list: [], owned: {} });
    expect(snap.branches.main).toEqual({ state: "protected", protection: normalizeProtection(restProtection) });
  });

  it("normalizes the REST protection into the settings the planner checks", () => {
    expect(normalizeProtection(restProtection)).toEqual({
      requiredStatusChecks: { strict: true, contexts: ["ci/test"], checks: [{ context: "ci/test", appId: 15368 }] },
      enforceAdmins: true,
      requiredPullRequestReviews: {
        requiredApprovingReviewCount: 2,
        dismissStaleReviews: true,
        requireCodeOwnerReviews: true,
        requireLastPushApproval: false,
        dismissalRestrictions: { users: ["alice"], teams: ["maintainers"], apps: [] },
        bypassPullRequestAllowances: { users: ["alice"], teams: [], apps: ["renovate"] },
      },
      restrictions: { users: ["alice", "release-bot"], teams: ["release"], apps: [] },
      flags: {
        required_linear_history: true,
        allow_force_pushes: false,
        allow_deletions: false,
        block_creations: false,
        required_conversation_resolution: true,
        lock_branch: false,
        allow_fork_syncing: false,
        required_signatures: false,
      },
    });
  });

  it("no CODEOWNERS anywhere; no bypass granted: rulesets and protection are not read", async () => {
    const { reader, sent } = counted();
    nock(API).post("/graphql").reply(200, codeownersAnswer({}));
    const snap = await readAccessSnapshot(reader, { repo, ownerType: "Organization", defaultBranch: "main", teams: [], branches: [], bypass: false });
    expect(sent).toEqual(["graphql"]);
    expect(snap.codeowners.path).toBeNull();
  });

  it("a personal account: no team read, the account itself is the owner the floor protects", async () => {
    const { reader, sent } = counted();
    nock(API).post("/graphql").reply(200, codeownersAnswer({ ".github/CODEOWNERS": "x\n" }));
    nock(API).get("/repos/acme/widgets/rulesets").query(true).reply(200, []);
    nock(API).get("/repos/acme/widgets/branches/main/protection").reply(404, { message: "Branch not protected" });
    const snap = await readAccessSnapshot(reader, { repo, ownerType: "User", defaultBranch: "main", teams: ["maintainers"], branches: ["main"], bypass: true });
    expect(sent).toHaveLength(3);
    expect(snap.teams).toEqual({});
    expect(snap.orgOwners).toEqual({ state: "ok", logins: ["acme"] });
    expect(snap.branches.main).toEqual({ state: "unprotected" });
  });

  it("reads the app's own rulesets in full, and only those", async () => {
    const { reader, sent } = counted();
    nock(API).post("/graphql").reply(200, codeownersAnswer({}));
    nock(API)
      .get("/repos/acme/widgets/rulesets")
      .query(true)
      .reply(200, [
        { id: 1, name: "main-rules", target: "branch", source_type: "Repository", source: "acme/widgets", enforcement: "active" },
        { id: 2, name: "stewards", target: "branch", source_type: "Repository", source: "acme/widgets", enforcement: "active" },
        { id: 3, name: "stewards", target: "branch", source_type: "Organization", source: "acme", enforcement: "active" },
      ]);
    nock(API)
      .get("/repos/acme/widgets/rulesets/2")
      .reply(200, {
        id: 2,
        name: "stewards",
        target: "branch",
        source_type: "Repository",
        enforcement: "active",
        bypass_actors: [{ actor_id: 13, actor_type: "Team", bypass_mode: "always" }],
        conditions: { ref_name: { include: ["refs/heads/main"], exclude: [] } },
        rules: [{ type: "deletion" }],
      });
    nock(API).get("/repos/acme/widgets/branches/main/protection").reply(404, { message: "Branch not protected" });
    const snap = await readAccessSnapshot(reader, { repo, ownerType: "Organization", defaultBranch: "main", teams: [], branches: ["main"], bypass: true });
    expect(sent).toHaveLength(4);
    expect(snap.rulesets).toEqual({
      state: "ok",
      list: [
        { id: 1, name: "main-rules", target: "branch", sourceType: "Repository", enforcement: "active" },
        { id: 2, name: "stewards", target: "branch", sourceType: "Repository", enforcement: "active" },
        { id: 3, name: "stewards", target: "branch", sourceType: "Organization", enforcement: "active" },
      ],
      owned: {
        stewards: { id: 2, name: "stewards", target: "branch", enforcement: "active", bypassActors: [{ actorId: 13, actorType: "Team", bypassMode: "always" }], conditions: { refName: { include: ["refs/heads/main"], exclude: [] } }, rules: [{ type: "deletion" }] },
      },
    });
  });
});

describe("githubAccessReader: answers become facts", () => {
  it("a team that does not exist (404) is missing; one the app may not read (403) names the permission", async () => {
    const { reader } = counted();
    nock(API).get("/orgs/acme/teams/ghosts/members").query(true).reply(404, { message: "Not Found" });
    nock(API).get("/orgs/acme/teams/secret/members").query(true).reply(403, { message: "Resource not accessible by integration" });
    expect(await reader.readTeam("acme", "ghosts")).toEqual({ state: "missing" });
    expect(await reader.readTeam("acme", "secret")).toEqual({ state: "unreadable", permission: "members: read", message: "403 Resource not accessible by integration" });
  });

  it("reads every page of a large team, 100 at a time", async () => {
    const { reader, sent } = counted();
    const page1 = Array.from({ length: 100 }, (_, i) => ({ login: `u${i}` }));
    nock(API).get("/orgs/acme/teams/big/members").query({ per_page: 100, page: 1 }).reply(200, page1);
    nock(API).get("/orgs/acme/teams/big/members").query({ per_page: 100, page: 2 }).reply(200, [{ login: "last" }]);
    const t = await reader.readTeam("acme", "big");
    expect(t.state === "ok" && t.members.length).toBe(101);
    expect(sent).toHaveLength(2);
  });

  it.each([
    [404, "Branch not protected", { state: "unprotected" }],
    [404, "Branch not found", { state: "no-branch" }],
    [403, "Upgrade to GitHub Pro or make this repository public to enable this feature.", { state: "unprotected" }],
    [403, "Resource not accessible by integration", { state: "unreadable", permission: "administration: read", message: "403 Resource not accessible by integration" }],
  ])("branch protection answering %i %s", async (status, message, expected) => {
    const { reader } = counted();
    nock(API).get("/repos/acme/widgets/branches/main/protection").reply(status, { message });
    expect(await reader.readBranchProtection(repo, "main")).toEqual(expected);
  });

  it("a server error is never taken for 'no protection'", async () => {
    const { reader } = counted();
    nock(API).get("/repos/acme/widgets/branches/main/protection").reply(500, { message: "boom" });
    await expect(reader.readBranchProtection(repo, "main")).rejects.toMatchObject({ status: 500 });
  });

  it("reads owners, admins, invitations and team ids only when a plan needs them", async () => {
    const { reader, sent } = counted();
    nock(API).get("/orgs/acme/members").query({ role: "admin", per_page: 100, page: 1 }).reply(200, [{ login: "octo-owner" }]);
    nock(API).get("/repos/acme/widgets/collaborators").query({ permission: "admin", per_page: 100, page: 1 }).reply(200, [{ login: "octo-owner" }, { login: "ann" }]);
    nock(API).get("/orgs/acme/teams/maintainers/invitations").query({ per_page: 100, page: 1 }).reply(200, [{ login: "erin" }, { login: null, email: "x@example.com" }]);
    nock(API).get("/orgs/acme/teams/maintainers").reply(200, { id: 13, slug: "maintainers" });
    const base = {
      repo,
      ownerType: "Organization" as const,
      codeowners: { branch: "main", headSha: "h", treeSha: "t", path: null, text: null },
      teams: { maintainers: { state: "ok" as const, id: null, members: ["alice"], pending: null } },
      orgOwners: { state: "unread" as const },
      repoAdmins: { state: "unread" as const },
      branches: {},
      rulesets: { state: "ok" as const, list: [], owned: {} },
    };
    const snap = await readNeeds(reader, base, [{ kind: "org-owners" }, { kind: "repo-admins" }, { kind: "team-invitations", team: "maintainers" }, { kind: "team-ids", teams: ["maintainers"] }]);
    expect(sent).toHaveLength(4);
    expect(snap.orgOwners).toEqual({ state: "ok", logins: ["octo-owner"] });
    expect(snap.repoAdmins).toEqual({ state: "ok", logins: ["octo-owner", "ann"] });
    expect(snap.teams.maintainers).toEqual({ state: "ok", id: 13, members: ["alice"], pending: ["erin"] });
  });
});
