/**
 * Who holds authority today (github/authority-reader.ts), against the fake in
 * github.com and GHES modes with installation clients built through Probot:
 * CODEOWNERS owners with teams expanded, maintain and admin teams, repository
 * admins; what is skipped and why; and what each reading costs.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import type { AccessReadClient } from "../../src/github/access-reader.js";
import { readAuthorityHolders } from "../../src/github/authority-reader.js";
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from "../fake-github/server.js";
import { probotInstallationClient, unpacedPolicy } from "../support/probot-client.js";

const repo = { owner: "acme", repo: "widgets" };
const org = { ownerType: "Organization" as const, defaultBranch: "main" };

let running: FakeGitHub | undefined;

afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function started(mode: Pick<FakeGitHubOptions, "ghes">, installs: (fake: FakeGitHub) => void = (f) => f.addRepo({ owner: "acme", name: "widgets", installationId: 7 })) {
  const fake = await startFakeGitHub(mode);
  running = fake;
  installs(fake);
  return fake;
}

async function clientFor(fake: FakeGitHub, installationId = 7): Promise<AccessReadClient> {
  const octokit = await probotInstallationClient(fake, installationId, { policy: unpacedPolicy() });
  return {
    request: (route, params) => octokit.request(route, params) as Promise<{ data: unknown; status: number }>,
    graphql: <T>(query: string, variables: Record<string, unknown>) => octokit.graphql<T>(query, variables),
  };
}

/** Requests the fake answered, as "route status", sorted (the reads go out concurrently). */
const sent = (fake: FakeGitHub) => fake.requests.map((r) => `${r.route} ${r.status}`).sort();

const CODEOWNERS = [
  "# The project's owners",
  "* @Alice @acme/docs",
  "/docs/ docs@example.com @ghost-user @acme/ghosts",
  "/api/ @bob @other-org/api # the API team of a sister project",
  "/bots/ @robot",
  "# BEGIN stewards",
  "# Maintained by Stewards from the roster; edit the roster, not these lines.",
  "* @stale-steward",
  "# END stewards",
  "",
].join("\n");

describe.each([
  ["github.com", {}],
  ["GHES 3.19", { ghes: "3.19" as const }],
])("readAuthorityHolders (%s)", (_name, mode) => {
  it("reads CODEOWNERS owners (teams expanded), maintain and admin teams and admins, each person once, and says what it skipped", async () => {
    const fake = await started(mode);
    fake.putFile("acme", "widgets", ".github/CODEOWNERS", CODEOWNERS);
    fake.putFile("acme", "widgets", "CODEOWNERS", "* @not-the-file-in-use\n");
    fake.state.account("bob");
    fake.state.account("stale-steward");
    fake.state.account("robot", "Bot");
    fake.setOrgRole("acme", "olivia", "admin");
    fake.addTeam("acme", "docs", { members: ["carol"] }); // push: counted only because CODEOWNERS names it
    fake.addTeam("acme", "maintainers", { members: ["dave", "alice"] });
    fake.setTeamRepoPermission("acme", "maintainers", "acme", "widgets", "maintain");
    fake.addTeam("acme", "admins", { members: ["erin"], permission: "pull" });
    fake.setTeamRepoPermission("acme", "admins", "acme", "widgets", "admin");
    fake.addTeam("acme", "pushers", { members: ["frank"] });
    fake.setTeamRepoPermission("acme", "pushers", "acme", "widgets", "push");
    fake.setCollaborator("acme", "widgets", "renovate[bot]", "admin");
    fake.setCollaborator("acme", "widgets", "trent", "push"); // write access is no authority
    const client = await clientFor(fake);

    const read = await readAuthorityHolders(client, repo, org);

    const file = "CODEOWNERS (.github/CODEOWNERS)";
    expect(read.holders).toEqual([
      { login: "alice", sources: [file, "team acme/maintainers (maintain)"] },
      { login: "bob", sources: [file] },
      { login: "carol", sources: [`team acme/docs in ${file}`] },
      { login: "dave", sources: ["team acme/maintainers (maintain)"] },
      { login: "erin", sources: ["team acme/admins (admin)", "repository admin"] },
      { login: "olivia", sources: ["repository admin"] },
    ]);
    expect(read.skipped).toEqual([
      { what: "@other-org/api", why: "a team of another organisation: CODEOWNERS here takes only teams of acme" },
      { what: "@ghost-user", why: `no GitHub user by that name (named in ${file})` },
      { what: "@robot", why: `a bot account, not a person (${file})` },
      { what: "docs@example.com", why: expect.stringMatching(/^an e-mail address: .* \(named in CODEOWNERS \(\.github\/CODEOWNERS\)\)$/) },
      { what: "@acme/ghosts", why: `no such team in acme (team acme/ghosts in ${file})` },
      { what: "@renovate[bot]", why: "a bot account, not a person (repository admin)" },
    ]);
    expect(read.codeowners).toEqual({ path: ".github/CODEOWNERS", text: CODEOWNERS });
    // One GraphQL, the team list, each team to expand once, the admins, and a look-up only
    // for CODEOWNERS users met nowhere else (alice is a maintainer: not looked up).
    expect(sent(fake)).toEqual([
      "GET /orgs/{org}/teams/{team_slug}/members 200",
      "GET /orgs/{org}/teams/{team_slug}/members 200",
      "GET /orgs/{org}/teams/{team_slug}/members 200",
      "GET /orgs/{org}/teams/{team_slug}/members 404",
      "GET /repos/{owner}/{repo}/collaborators 200",
      "GET /repos/{owner}/{repo}/teams 200",
      "GET /users/{username} 200",
      "GET /users/{username} 200",
      "GET /users/{username} 404",
      "POST /graphql 200",
    ]);
    // Only admins are listed, never the whole collaborator list.
    expect(fake.requests.filter((r) => r.route === "GET /repos/{owner}/{repo}/collaborators").map((r) => r.query.permission)).toEqual(["admin"]);
    expect(fake.requests.filter((r) => r.route === "GET /users/{username}").map((r) => r.path.split("/").pop()).sort()).toEqual(["bob", "ghost-user", "robot"]);
    fake.assertNoViolations();
  });

  it("no CODEOWNERS file: the maintain and admin teams' members and the admins, a push team not counted", async () => {
    const fake = await started(mode);
    fake.addTeam("acme", "maintainers", { members: ["dave"] });
    fake.setTeamRepoPermission("acme", "maintainers", "acme", "widgets", "maintain");
    fake.addTeam("acme", "contributors", { members: ["frank", "gina"] }); // push on every repository
    fake.addTeam("acme", "release", { members: ["hana"], permission: "admin" });
    fake.setCollaborator("acme", "widgets", "ivan", "admin");
    const client = await clientFor(fake);

    const read = await readAuthorityHolders(client, repo, org);

    expect(read.holders).toEqual([
      { login: "dave", sources: ["team acme/maintainers (maintain)"] },
      { login: "hana", sources: ["team acme/release (admin)", "repository admin"] },
      { login: "ivan", sources: ["repository admin"] },
    ]);
    expect(read.skipped).toEqual([]);
    expect(read.codeowners).toEqual({ path: null, text: null });
    expect(sent(fake)).toEqual([
      "GET /orgs/{org}/teams/{team_slug}/members 200",
      "GET /orgs/{org}/teams/{team_slug}/members 200",
      "GET /repos/{owner}/{repo}/collaborators 200",
      "GET /repos/{owner}/{repo}/teams 200",
      "POST /graphql 200",
    ]);
    fake.assertNoViolations();
  });

  it("a personal account: no team request, its owner is the admin, a CODEOWNERS team is skipped", async () => {
    const fake = await started(mode, (f) => f.addRepo({ owner: "octocat", name: "hello", ownerType: "User", installationId: 8 }));
    fake.putFile("octocat", "hello", "docs/CODEOWNERS", "* @OctoCat @acme/docs\n");
    const client = await clientFor(fake, 8);

    const read = await readAuthorityHolders(client, { owner: "octocat", repo: "hello" }, { ownerType: "User", defaultBranch: "main" });

    expect(read.holders).toEqual([{ login: "octocat", sources: ["CODEOWNERS (docs/CODEOWNERS)", "repository admin"] }]);
    expect(read.skipped).toEqual([{ what: "@acme/docs", why: "a team, but octocat is a personal account, which has none" }]);
    expect(sent(fake)).toEqual(["GET /repos/{owner}/{repo}/collaborators 200", "POST /graphql 200"]);
    fake.assertNoViolations();
  });
});

describe("readAuthorityHolders: bad input", () => {
  it("an empty repository (no default branch yet): no CODEOWNERS, said in skipped, the admins still read", async () => {
    const fake = await started({});
    fake.setOrgRole("acme", "olivia", "admin");
    fake.state.requireRepo("acme", "widgets").refs.delete("heads/main");
    const client = await clientFor(fake);

    const read = await readAuthorityHolders(client, repo, org);

    expect(read.holders).toEqual([{ login: "olivia", sources: ["repository admin"] }]);
    expect(read.skipped).toEqual([{ what: "CODEOWNERS", why: expect.stringContaining("the default branch main does not exist yet") }]);
    expect(read.codeowners).toEqual({ path: null, text: null });
    fake.assertNoViolations();
  });

  it("a list the app may not read (403) is skipped naming the permission; the rest is read", async () => {
    const fake = await started({});
    fake.putFile("acme", "widgets", ".github/CODEOWNERS", "* @acme/docs\n");
    fake.addTeam("acme", "docs", { members: ["carol"] });
    fake.setOrgRole("acme", "olivia", "admin");
    fake.setFailure({ operationId: "repos/list-teams" }, { status: 403, body: { message: "Resource not accessible by integration" } });
    fake.setFailure({ operationId: "teams/list-members-in-org" }, { status: 403, body: { message: "Resource not accessible by integration" } });
    const client = await clientFor(fake);

    const read = await readAuthorityHolders(client, repo, org);

    expect(read.holders).toEqual([{ login: "olivia", sources: ["repository admin"] }]);
    expect(read.skipped).toEqual([
      { what: "teams with access to acme/widgets", why: "403 Resource not accessible by integration: the app needs administration: read" },
      { what: "@acme/docs", why: "403 Resource not accessible by integration: the app needs members: read" },
    ]);
  });

  it("any other failure rejects: a holder is never left out because a read failed", async () => {
    const fake = await started({});
    fake.setFailure({ operationId: "repos/list-collaborators" }, { status: 500 });
    const client = await clientFor(fake);
    await expect(readAuthorityHolders(client, repo, org)).rejects.toMatchObject({ status: 500 });
  });

  it("thousands of collaborators: only the admins are listed, one page per 100", async () => {
    const fake = await started({});
    for (let i = 0; i < 1200; i++) fake.setCollaborator("acme", "widgets", `writer-${i}`, "push");
    for (let i = 0; i < 120; i++) fake.setCollaborator("acme", "widgets", `admin-${i}`, "admin");
    const client = await clientFor(fake);

    const read = await readAuthorityHolders(client, repo, org);

    expect(read.holders).toHaveLength(120);
    expect(fake.requests.filter((r) => r.route === "GET /repos/{owner}/{repo}/collaborators").map((r) => [r.query.permission, r.query.page])).toEqual([
      ["admin", "1"],
      ["admin", "2"],
    ]);
  });
});
