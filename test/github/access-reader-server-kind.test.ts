/**
 * github.com or GitHub Enterprise Server, at the adapter level, against the
 * fake in each mode with clients built as the server builds them (Probot,
 * the app's octokit class with the server-kind probe, an installation token
 * from the JWT exchange):
 *
 * - github.com: the one route only github.com has that the app uses, a
 *   team's pending invitations, is read when someone would be added, and a
 *   person invited by a team PUT is not invited again;
 * - GHES: the probe learns the release from the answers, the invitations
 *   route is never called, and the PUT adds the person at once;
 * - the probe itself: GHE_HOST as the hint, one GET /meta when nothing was
 *   seen yet.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import { Probot } from "probot";
import { governanceSchema, type Roster } from "../../src/config/schema.js";
import { githubAccessReader, readAccessSnapshot, readNeeds, type AccessReadClient } from "../../src/github/access-reader.js";
import { executeActions } from "../../src/github/execute-actions.js";
import { appOctokit } from "../../src/github/octokit-options.js";
import { ServerKindProbe, withServerKind } from "../../src/github/server-kind.js";
import { syncAccess } from "../../src/usecases/apply-access-plan.js";
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from "../fake-github/server.js";
import { testPrivateKey } from "../support/keys.js";
import { silent } from "../support/silent-logger.js";

const INSTALLATION = 7;
const repo = { owner: "acme", repo: "widgets" };
const governance = governanceSchema.parse({
  version: 1,
  ladder: [
    { role: "member", requires: { merged_prs: 5 }, grants: { teams: ["contributors"] } },
    { role: "maintainer", requires: { merged_prs: 40 }, grants: { teams: ["maintainers"], codeowners: ["*"] } },
  ],
  promotion: { approvers: ["maintainer"] },
});
const roster: Roster = {
  members: [
    { login: "alice", role: "maintainer", since: "2024-01-15" },
    // Not in the organisation: github.com invites her, GHES adds her at once.
    { login: "dana", role: "member", since: "2025-02-01" },
  ],
  emeritus: [],
};

let running: FakeGitHub | undefined;

afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** The fake seeded with an org, two teams and alice; an installation client built through Probot with the app's octokit class and `probe`. */
async function world(mode: Pick<FakeGitHubOptions, "ghes">, probe: ServerKindProbe) {
  const fake = await started(mode);
  fake.addRepo({ owner: repo.owner, name: repo.repo, installationId: INSTALLATION });
  fake.setOrgRole(repo.owner, "alice", "member");
  fake.state.account("dana");
  fake.addTeam(repo.owner, "contributors");
  fake.addTeam(repo.owner, "maintainers");
  const Octokit = withServerKind(appOctokit({ throttle: false, serverErrorRetries: 0 }), probe);
  const probot = new Probot({ appId: 1, privateKey: testPrivateKey(), Octokit, baseUrl: fake.apiUrl, log: silent as never });
  const octokit = await probot.auth(INSTALLATION);
  const client: AccessReadClient = {
    request: (route, params) => octokit.request(route, params) as Promise<{ data: unknown; status: number }>,
    graphql: <T>(query: string, variables: Record<string, unknown>) => octokit.graphql<T>(query, variables),
  };
  const reader = githubAccessReader(client, { serverKind: () => probe.kind(client) });
  const sync = () =>
    syncAccess(
      { reader, execute: (actions, log) => executeActions(client, actions, { dryRun: false, log }), log: silent },
      { repo, ownerType: "Organization", defaultBranch: "main", governance, roster },
    );
  return { fake, reader, sync };
}

async function started(mode: Pick<FakeGitHubOptions, "ghes">): Promise<FakeGitHub> {
  running = await startFakeGitHub(mode);
  return running;
}

const invitationReads = (fake: FakeGitHub) => fake.requests.filter((r) => r.route === "GET /orgs/{org}/teams/{team_slug}/invitations" || r.path.endsWith("/invitations"));

describe("the access reader on github.com", () => {
  it("reads a team's pending invitations when someone would be added, and does not invite an invited person again", async () => {
    const probe = new ServerKindProbe(true);
    const { fake, sync } = await world({}, probe);
    const first = await sync();
    expect(probe.known()).toEqual({ kind: "github.com" });
    expect(first.results.filter((r) => r.action.kind === "team.add-member").map((r) => [r.action.kind === "team.add-member" && r.action.login, r.ok && r.result.membership])).toEqual([
      ["alice", "active"],
      ["dana", "pending"],
      ["alice", "active"],
    ]);
    expect(invitationReads(fake).length).toBeGreaterThan(0);
    expect(fake.teamMembers(repo.owner, "contributors")).toEqual(["alice"]);

    fake.resetLog();
    const second = await sync();
    expect(second.plan.notes.filter((n) => n.code === "invitation-pending").map((n) => n.logins)).toEqual([["dana"]]);
    expect(second.plan.actions.filter((a) => a.kind === "team.add-member")).toEqual([]);
    expect(invitationReads(fake).map((r) => `${r.route} ${r.status}`)).toEqual(["GET /orgs/{org}/teams/{team_slug}/invitations 200"]);
    fake.acceptOrgInvitation(repo.owner, "dana");
    expect(fake.teamMembers(repo.owner, "contributors")).toEqual(["alice", "dana"]);
    fake.assertNoViolations();
  });
});

describe("the access reader on GitHub Enterprise Server", () => {
  it("learns the release from the answers, never calls the invitations route, and the PUT adds at once", async () => {
    const probe = new ServerKindProbe(true);
    const { fake, reader, sync } = await world({ ghes: "3.19" }, probe);
    const result = await sync();
    expect(probe.known()).toEqual({ kind: "ghes", version: "3.19.0" });
    expect(result.results.every((r) => r.ok)).toBe(true);
    expect(fake.teamMembers(repo.owner, "contributors")).toEqual(["alice", "dana"]);
    expect(fake.teamMembers(repo.owner, "maintainers")).toEqual(["alice"]);
    expect(fake.file(repo.owner, repo.repo, ".github/CODEOWNERS")).toContain("* @alice");
    expect(invitationReads(fake)).toEqual([]);
    expect(fake.requests.some((r) => r.route === "GET /meta")).toBe(false);

    // Asked directly, the reader answers "none" without a request.
    const before = fake.requests.length;
    const snapshot = await readAccessSnapshot(reader, { repo, ownerType: "Organization", defaultBranch: "main", teams: ["maintainers"], branches: [], bypass: false });
    const read = await readNeeds(reader, snapshot, [{ kind: "team-invitations", team: "maintainers" }]);
    expect(read.teams.maintainers).toMatchObject({ state: "ok", pending: [] });
    expect(fake.requests.slice(before).map((r) => r.route).sort()).toEqual(["GET /orgs/{org}/teams/{team_slug}/members", "POST /graphql"]);
    expect(await reader.listTeamInvitations(repo.owner, "maintainers")).toEqual([]);
    fake.assertNoViolations();
  });
});

describe("ServerKindProbe", () => {
  const answering = (answer: { status: number; headers?: Record<string, string>; data: unknown }) => {
    const sent: string[] = [];
    return { sent, client: { request: async (route: string) => (sent.push(route), answer) } };
  };

  it("without GHE_HOST is github.com, without a request", async () => {
    const probe = new ServerKindProbe(false);
    probe.observe(200, { "x-github-enterprise-version": "3.19.0" });
    const { sent, client } = answering({ status: 200, data: {} });
    await expect(probe.kind(client)).resolves.toEqual({ kind: "github.com" });
    expect(sent).toEqual([]);
  });

  it("with GHE_HOST goes by the header: any answer carrying it is GHES, a success without it github.com, an error without it says nothing", () => {
    const probe = new ServerKindProbe(true);
    expect(probe.known()).toBeUndefined();
    probe.observe(502, {});
    expect(probe.known()).toBeUndefined();
    probe.observe(404, { "x-github-enterprise-version": "3.18.2" });
    expect(probe.known()).toEqual({ kind: "ghes", version: "3.18.2" });
    probe.observe(200, {});
    expect(probe.known()).toEqual({ kind: "github.com" });
  });

  it("asks GET /meta once when nothing was seen yet (callers at the same time share it), and again after a failure", async () => {
    const probe = new ServerKindProbe(true);
    const ghes = answering({ status: 200, data: { verifiable_password_authentication: true, installed_version: "3.19.1" } });
    const [a, b] = await Promise.all([probe.kind(ghes.client), probe.kind(ghes.client)]);
    expect(a).toEqual({ kind: "ghes", version: "3.19.1" });
    expect(b).toEqual(a);
    expect(ghes.sent).toEqual(["GET /meta"]);
    await probe.kind(ghes.client);
    expect(ghes.sent).toHaveLength(1);

    const other = new ServerKindProbe(true);
    let calls = 0;
    const flaky = {
      request: async () => {
        if (++calls === 1) throw Object.assign(new Error("Server Error"), { status: 502 });
        return { status: 200, headers: {}, data: { verifiable_password_authentication: false } };
      },
    };
    await expect(other.kind(flaky)).rejects.toThrow("Server Error");
    await expect(other.kind(flaky)).resolves.toEqual({ kind: "github.com" });
  });
});
