/**
 * The fake in GitHub Enterprise Server mode (`ghes: "3.19"`): every answer names the
 * release, routes only github.com has are 404 (and a violation), and a team
 * membership PUT adds at once, as GHES has no organisation invitations.
 */
import { ProbotOctokit } from "probot";
import { startFakeGitHub } from "../fake-github/server.js";
import type { FakeGitHub } from "../fake-github/server.js";

const Octokit = ProbotOctokit.defaults({ throttle: { enabled: false }, retry: { enabled: false } });

let fake: FakeGitHub;

beforeEach(async () => {
  fake = await startFakeGitHub({ ghes: "3.19", now: () => new Date("2025-03-01T12:00:00Z") });
  fake.addRepo({ owner: "acme", name: "widgets", installationId: 7 });
});

afterEach(async () => {
  await fake.close();
});

const version = (headers: Headers) => headers.get("x-github-enterprise-version");

describe("fake GitHub in GHES mode", () => {
  it("names its release on every answer: REST, errors, GraphQL, the token endpoint", async () => {
    expect(fake.enterpriseVersion).toBe("3.19.0");
    const token = fake.issueToken(7);
    const auth = { authorization: `token ${token}` };
    const ok = await fetch(`${fake.apiUrl}/repos/acme/widgets`, { headers: auth });
    expect(ok.status).toBe(200);
    expect(version(ok.headers)).toBe("3.19.0");
    const missing = await fetch(`${fake.apiUrl}/repos/acme/nothing`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(version(missing.headers)).toBe("3.19.0");
    const anonymous = await fetch(`${fake.apiUrl}/repos/acme/widgets`);
    expect(anonymous.status).toBe(401);
    expect(version(anonymous.headers)).toBe("3.19.0");
    const graphql = await fetch(fake.graphqlUrl, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ query: "{ viewer { login } }" }) });
    expect(graphql.status).toBe(200);
    expect(version(graphql.headers)).toBe("3.19.0");
    // The app's JWT exchange: a 401 without a JWT, and the header either way.
    const tokenAnswer = await fetch(`${fake.apiUrl}/app/installations/7/access_tokens`, { method: "POST", headers: auth });
    expect(tokenAnswer.status).toBe(401);
    expect(version(tokenAnswer.headers)).toBe("3.19.0");
    fake.setFailure({ path: "/repos/acme/widgets" }, { status: 502 });
    const injected = await fetch(`${fake.apiUrl}/repos/acme/widgets`, { headers: auth });
    expect(injected.status).toBe(502);
    expect(version(injected.headers)).toBe("3.19.0");
    const meta = await fetch(`${fake.apiUrl}/meta`, { headers: auth });
    expect(await meta.json()).toMatchObject({ installed_version: "3.19.0" });
    expect(fake.violations.map((v) => v.kind)).toEqual(["unauthenticated"]);
  });

  it("answers 404 Not Found for a route only github.com has, and records it as a violation", async () => {
    fake.addTeam("acme", "reviewers");
    const res = await fetch(`${fake.apiUrl}/orgs/acme/teams/reviewers/invitations`, { headers: { authorization: `token ${fake.issueToken(7)}` } });
    expect(res.status).toBe(404);
    expect(version(res.headers)).toBe("3.19.0");
    expect(await res.json()).toMatchObject({ message: "Not Found", documentation_url: "https://docs.github.com/enterprise-server@3.19/rest" });
    expect(fake.violations).toEqual([expect.objectContaining({ kind: "no-route", method: "GET", path: "/api/v3/orgs/acme/teams/reviewers/invitations" })]);
    expect(fake.violations[0]!.messages.join("\n")).toContain("(ghes-3.19)");
    expect(() => fake.assertNoViolations()).toThrow(/no-route/);
  });

  it("is what octokit's enterprise-compatibility plugin recognises as GHES", async () => {
    fake.addTeam("acme", "reviewers");
    const octokit = new Octokit({ auth: { token: fake.issueToken(7) }, baseUrl: fake.apiUrl });
    await expect(octokit.request("GET /orgs/{org}/teams/{team_slug}/invitations", { org: "acme", team_slug: "reviewers" })).rejects.toThrow(
      /is not supported in your GitHub Enterprise Server version/,
    );
  });

  it("adds someone who is not in the organisation to a team at once: no invitation, an active membership", async () => {
    fake.addTeam("acme", "reviewers");
    fake.state.account("dave");
    const octokit = new Octokit({ auth: { token: fake.issueToken(7) }, baseUrl: fake.apiUrl });
    const put = await octokit.request("PUT /orgs/{org}/teams/{team_slug}/memberships/{username}", { org: "acme", team_slug: "reviewers", username: "dave" });
    expect(put.data).toMatchObject({ state: "active", role: "member" });
    expect(fake.teamMembers("acme", "reviewers")).toEqual(["dave"]);
    const membership = await octokit.request("GET /orgs/{org}/memberships/{username}", { org: "acme", username: "dave" });
    expect(membership.data).toMatchObject({ state: "active", role: "member" });
    const members = await octokit.request("GET /orgs/{org}/teams/{team_slug}/members", { org: "acme", team_slug: "reviewers" });
    expect((members.data as { login: string }[]).map((m) => m.login)).toEqual(["dave"]);
    fake.assertNoViolations();
  });

  it("refuses a ghes option that contradicts the spec option", async () => {
    await expect(startFakeGitHub({ ghes: "3.19", spec: "api.github.com" })).rejects.toThrow(/another description/);
  });

  it("lists a repository's teams in GHES's shape (checked against the ghes-3.19 description)", async () => {
    fake.addTeam("acme", "maintainers", { members: ["alice"] });
    fake.setTeamRepoPermission("acme", "maintainers", "acme", "widgets", "maintain");
    const octokit = new Octokit({ auth: { token: fake.issueToken(7) }, baseUrl: fake.apiUrl });
    const teams = await octokit.rest.repos.listTeams({ owner: "acme", repo: "widgets" });
    expect(teams.data.map((t) => [t.slug, t.permission, t.permissions?.maintain])).toEqual([["maintainers", "maintain", true]]);
    await expect(octokit.rest.users.getByUsername({ username: "nobody-at-all" })).rejects.toMatchObject({ status: 404 });
    fake.assertNoViolations();
  });
});
