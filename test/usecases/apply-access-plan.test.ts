/**
 * syncAccess through the real reader and executor over a Probot octokit,
 * against recorded GitHub answers (nock): what one sync costs when nothing
 * changed and when one person was promoted, facts read on demand, failures
 * that do not stop the rest, and CODEOWNERS written again on a moved branch.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import nock from "nock";
import { governanceSchema, type Roster } from "../../src/config/schema.js";
import { githubAccessReader, type AccessReadClient } from "../../src/github/access-reader.js";
import { executeActions } from "../../src/github/execute-actions.js";
import { desiredAccess, spliceCodeowners } from "../../src/plan/access-plan.js";
import { syncAccess, type SyncAccessDeps } from "../../src/usecases/apply-access-plan.js";
import { codeownersAnswer, restProtection } from "../support/access-answers.js";
import { nockCommitOnBranch } from "../support/nock-commit.js";
import { silent } from "../support/silent-logger.js";
import { probotTokenClient } from "../support/probot-client.js";

const API = "https://api.github.com";
const repo = { owner: "acme", repo: "widgets" };

const governance = governanceSchema.parse({
  version: 1,
  ladder: [
    { role: "member", requires: { merged_prs: 5 }, grants: { teams: ["contributors"] } },
    { role: "reviewer", requires: { merged_prs: 15 }, grants: { teams: ["reviewers"], codeowners: ["/docs/"] } },
    { role: "maintainer", requires: { merged_prs: 40 }, grants: { teams: ["maintainers"], codeowners: ["*"], branch_protection: { branches: ["main"], bypass: true } } },
  ],
  promotion: { approvers: ["maintainer"] },
});
const roster: Roster = {
  members: [
    { login: "alice", role: "maintainer", since: "2024-01-15" },
    { login: "bob", role: "reviewer", since: "2025-01-01" },
    { login: "carol", role: "member", since: "2025-02-01" },
  ],
  emeritus: [{ login: "dave", role: "maintainer", since: "2020-01-01" }],
};
const promoted: Roster = { ...roster, members: [...roster.members, { login: "erin", role: "maintainer", since: "2026-03-01" }] };
const block = (r: Roster) => desiredAccess(governance, r).codeownersBlock;
const codeownersText = (r: Roster) => spliceCodeowners("/src/ @acme/devs\n", block(r))!.text;

/** restProtection with alice already holding bypass. */
const protectionInStep = {
  ...restProtection,
  required_pull_request_reviews: { ...restProtection.required_pull_request_reviews, bypass_pull_request_allowances: { users: [{ login: "alice" }], teams: [], apps: [{ slug: "renovate" }] } },
  restrictions: { users: [{ login: "alice" }, { login: "release-bot" }], teams: [{ slug: "release" }], apps: [] },
};

function deps(opts: { dryRun?: boolean } = {}) {
  const octokit = probotTokenClient();
  const sent: string[] = [];
  const client: AccessReadClient = {
    request: (route, params) => {
      sent.push(route);
      return octokit.then((o) => o.request(route, params)) as Promise<{ data: unknown; status: number }>;
    },
    graphql: <T>(query: string, variables: Record<string, unknown>) => {
      sent.push(/^\s*mutation\b/.test(query) ? "POST /graphql (mutation)" : "POST /graphql");
      return octokit.then((o) => o.graphql<T>(query, variables));
    },
  };
  const d: SyncAccessDeps = {
    reader: githubAccessReader(client),
    execute: (actions, log) => executeActions(client, actions, { dryRun: opts.dryRun ?? false, log }),
    log: silent,
  };
  return { deps: d, sent, reads: () => sent.filter((s) => s.startsWith("GET") || s === "POST /graphql").length, writes: () => sent.filter((s) => !s.startsWith("GET") && s !== "POST /graphql") };
}

/** GitHub holding the state `roster` leads to, for the six reads of a sync. */
function githubInStep(teams: Record<string, string[]> = { contributors: ["alice", "bob", "carol"], reviewers: ["alice", "bob"], maintainers: ["alice"] }, codeowners = codeownersText(roster)) {
  nock(API).post("/graphql").reply(200, codeownersAnswer({ ".github/CODEOWNERS": codeowners }));
  for (const [slug, members] of Object.entries(teams)) {
    nock(API).get(`/orgs/acme/teams/${slug}/members`).query({ per_page: 100, page: 1 }).reply(200, members.map((login) => ({ login })));
  }
  nock(API).get("/repos/acme/widgets/rulesets").query(true).reply(200, []);
  nock(API).get("/repos/acme/widgets/branches/main/protection").reply(200, protectionInStep);
}

const input = (r: Roster) => ({ repo, ownerType: "Organization" as const, defaultBranch: "main", governance, roster: r });

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => nock.enableNetConnect());

describe("syncAccess", () => {
  it("nothing changed: 6 reads, no write, an empty plan", async () => {
    const { deps: d, sent, writes } = deps();
    githubInStep();
    const result = await syncAccess(d, input(roster));
    expect(result.plan.actions).toEqual([]);
    expect(result.results).toEqual([]);
    expect(sent).toEqual([
      "POST /graphql",
      "GET /orgs/{org}/teams/{team_slug}/members",
      "GET /orgs/{org}/teams/{team_slug}/members",
      "GET /orgs/{org}/teams/{team_slug}/members",
      "GET /repos/{owner}/{repo}/branches/{branch}/protection",
      "GET /repos/{owner}/{repo}/rulesets",
    ]);
    expect(writes()).toEqual([]);
    // release-bot is on main's push list by hand: reported, not touched.
    expect(result.plan.notes.map((n) => n.code)).toEqual(["drift"]);
  });

  it("one person promoted to the top role: 9 reads (the 6, and each team's pending invitations), 6 writes (one of them the commit) and the CODEOWNERS check", async () => {
    const { deps: d, reads, writes } = deps();
    githubInStep();
    for (const slug of ["contributors", "reviewers", "maintainers"]) {
      nock(API).get(`/orgs/acme/teams/${slug}/invitations`).query(true).reply(200, []);
      nock(API).put(`/orgs/acme/teams/${slug}/memberships/erin`, { role: "member" }).reply(200, { state: "active" });
    }
    nock(API).post("/repos/acme/widgets/branches/main/protection/restrictions/users", { users: ["erin"] }).reply(200, []);
    nock(API)
      .patch("/repos/acme/widgets/branches/main/protection/required_pull_request_reviews", {
        dismiss_stale_reviews: true,
        require_code_owner_reviews: true,
        required_approving_review_count: 2,
        require_last_push_approval: false,
        dismissal_restrictions: { users: ["alice"], teams: ["maintainers"], apps: [] },
        bypass_pull_request_allowances: { users: ["alice", "erin"], teams: [], apps: ["renovate"] },
      })
      .reply(200, {});
    nockCommitOnBranch(API, { expectedHeadOid: "head1", files: { ".github/CODEOWNERS": codeownersText(promoted) } }, { oid: "commit2" });
    nock(API).get("/repos/acme/widgets/codeowners/errors").query({ ref: "commit2" }).reply(200, { errors: [] });

    const result = await syncAccess(d, input(promoted));
    expect(result.results.every((r) => r.ok)).toBe(true);
    expect(result.results.map((r) => r.action.kind)).toEqual(["team.add-member", "team.add-member", "team.add-member", "branch-protection.update", "codeowners.write"]);
    expect(reads()).toBe(10); // 9 reads + the CODEOWNERS errors check after the write
    expect(writes()).toHaveLength(6); // 3 team PUTs, push restrictions, review bypass, one commit
    expect(result.added).toEqual({ "team:contributors": ["erin"], "team:reviewers": ["erin"], "team:maintainers": ["erin"], "branch:main": ["erin"] });
  });

  it("a removal first reads the owners and admins (the floor), then removes", async () => {
    const { deps: d, sent } = deps();
    githubInStep({ contributors: ["alice", "bob", "carol"], reviewers: ["alice", "bob"], maintainers: ["alice", "dave"] });
    nock(API).get("/orgs/acme/members").query({ role: "admin", per_page: 100, page: 1 }).reply(200, [{ login: "octo-owner" }]);
    nock(API).get("/repos/acme/widgets/collaborators").query({ permission: "admin", per_page: 100, page: 1 }).reply(200, [{ login: "octo-owner" }]);
    nock(API).delete("/orgs/acme/teams/maintainers/memberships/dave").reply(204);
    const result = await syncAccess(d, input(roster));
    expect(result.results.map((r) => r.ok && r.action.kind)).toEqual(["team.remove-member"]);
    expect(result.removed).toEqual({ "team:maintainers": ["dave"] });
    expect(sent.filter((s) => s.startsWith("GET /orgs/{org}/members") || s.startsWith("GET /repos/{owner}/{repo}/collaborators"))).toHaveLength(2);
  });

  it("dry run: reads, but no write request at all; the plan is returned", async () => {
    const { deps: d, writes } = deps({ dryRun: true });
    githubInStep();
    for (const slug of ["contributors", "reviewers", "maintainers"]) nock(API).get(`/orgs/acme/teams/${slug}/invitations`).query(true).reply(200, []);
    const result = await syncAccess(d, input(promoted));
    expect(writes()).toEqual([]);
    expect(result.results.every((r) => r.ok && r.result.dryRun)).toBe(true);
    expect(result.results).toHaveLength(5);
    expect(result.added).toEqual({});
  });

  it("one failing action (GitHub refuses to add someone) does not stop the rest", async () => {
    const { deps: d } = deps();
    githubInStep({ contributors: ["alice", "bob"], reviewers: ["alice", "bob"], maintainers: [] });
    nock(API).get("/orgs/acme/teams/contributors/invitations").query(true).reply(200, []);
    nock(API).get("/orgs/acme/teams/maintainers/invitations").query(true).reply(200, []);
    nock(API).put("/orgs/acme/teams/contributors/memberships/carol").reply(422, { message: "Validation Failed" });
    nock(API).put("/orgs/acme/teams/maintainers/memberships/alice").reply(200, { state: "active" });
    const result = await syncAccess(d, input(roster));
    expect(result.results.map((r) => [r.action.kind, r.ok])).toEqual([
      ["team.add-member", false],
      ["team.add-member", true],
    ]);
    expect(result.added).toEqual({ "team:maintainers": ["alice"] });
  });

  it("a CODEOWNERS write on a branch that moved is planned again on the new head", async () => {
    const { deps: d } = deps();
    githubInStep(undefined, "/src/ @acme/devs\n");
    nockCommitOnBranch(API, { expectedHeadOid: "head1" }, "stale");
    // Someone pushed a new rule meanwhile: the second write keeps it.
    nock(API)
      .post("/graphql")
      .reply(200, { data: { repository: { ref: { target: { __typename: "Commit", oid: "head2", tree: { oid: "tree3" }, f0: { object: { oid: "b", isBinary: false, isTruncated: false, text: "/src/ @acme/devs\n/lib/ @acme/devs\n" } }, f1: null, f2: null } } } } });
    const second = spliceCodeowners("/src/ @acme/devs\n/lib/ @acme/devs\n", block(roster))!.text;
    nockCommitOnBranch(API, { expectedHeadOid: "head2", files: { ".github/CODEOWNERS": second } }, { oid: "c3" });
    nock(API).get("/repos/acme/widgets/codeowners/errors").query({ ref: "c3" }).reply(200, { errors: [] });
    const result = await syncAccess(d, input(roster));
    expect(result.results).toHaveLength(1);
    expect(result.results[0]).toMatchObject({ ok: true, result: { commit: { sha: "c3" } } });
  });

  it("CODEOWNERS errors after the write are a failed result, in words", async () => {
    const { deps: d } = deps();
    githubInStep(undefined, "/src/ @acme/devs\n");
    nockCommitOnBranch(API, {}, { oid: "c2" });
    nock(API).get("/repos/acme/widgets/codeowners/errors").query({ ref: "c2" }).reply(200, { errors: [{ line: 5, column: 3, kind: "Unknown owner", message: "Unknown owner on line 5", path: ".github/CODEOWNERS" }] });
    const result = await syncAccess(d, input(roster));
    const r = result.results[0]!;
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toBe("GitHub reports 1 CODEOWNERS error in .github/CODEOWNERS after commit c2: line 5 (stewards block): Unknown owner");
  });
});
