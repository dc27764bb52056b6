/**
 * The executor's access actions against recorded GitHub answers (nock): the
 * exact requests and bodies, the CODEOWNERS check after a write, and dry run
 * making no request at all.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import nock from "nock";
import { CodeownersErrorsError, executeActions, type WriteClient } from "../../src/github/execute-actions.js";
import type { Logger } from "../../src/github/logger.js";
import type { AccessAction } from "../../src/plan/actions.js";
import type { ClassicProtection } from "../../src/plan/classic-protection.js";
import { probotTokenClient } from "../support/probot-client.js";

const API = "https://api.github.com";
const octokit = probotTokenClient();
const client: WriteClient = { request: async (route, params) => (await octokit).request(route, params) as Promise<{ data: unknown; status: number }> };
const repo = { owner: "acme", repo: "widgets" };
const lines: string[] = [];
const log: Logger = { info: (o) => lines.push(JSON.stringify(o)), warn: () => undefined, error: () => undefined, debug: () => undefined, child: () => log };
const run = (actions: AccessAction[], dryRun = false) => executeActions(client, actions, { dryRun, log });

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => nock.enableNetConnect());

const before: ClassicProtection = {
  requiredStatusChecks: { strict: true, contexts: ["ci"], checks: [{ context: "ci", appId: null }] },
  enforceAdmins: true,
  requiredPullRequestReviews: {
    requiredApprovingReviewCount: 2,
    dismissStaleReviews: true,
    requireCodeOwnerReviews: false,
    requireLastPushApproval: true,
    dismissalRestrictions: { users: ["alice"], teams: ["maintainers"], apps: [] },
    bypassPullRequestAllowances: { users: ["dave"], teams: ["release"], apps: ["renovate"] },
  },
  restrictions: { users: ["dave", "release-bot"], teams: ["release"], apps: [] },
  flags: { allow_force_pushes: false },
};
const after: ClassicProtection = {
  ...before,
  requiredPullRequestReviews: { ...before.requiredPullRequestReviews!, bypassPullRequestAllowances: { users: ["alice"], teams: ["release"], apps: ["renovate"] } },
  restrictions: { users: ["release-bot", "alice"], teams: ["release"], apps: [] },
};

describe("executeActions: teams", () => {
  it("adds a member with PUT membership as a plain member, and says when GitHub only invited them", async () => {
    nock(API).put("/orgs/acme/teams/maintainers/memberships/alice", { role: "member" }).reply(200, { state: "pending", role: "member" });
    const [r] = await run([{ kind: "team.add-member", repo, org: "acme", team: "maintainers", login: "alice" }]);
    expect(r).toMatchObject({ dryRun: false, membership: "pending" });
  });

  it("removes a member with DELETE membership; already gone (404) counts as done", async () => {
    nock(API).delete("/orgs/acme/teams/maintainers/memberships/dave").reply(204);
    nock(API).delete("/orgs/acme/teams/maintainers/memberships/erin").reply(404, { message: "Not Found" });
    const results = await run([
      { kind: "team.remove-member", repo, org: "acme", team: "maintainers", login: "dave" },
      { kind: "team.remove-member", repo, org: "acme", team: "maintainers", login: "erin" },
    ]);
    expect(results).toHaveLength(2);
  });

  it("a 403 is not swallowed", async () => {
    nock(API).put("/orgs/acme/teams/maintainers/memberships/alice").reply(403, { message: "Resource not accessible by integration" });
    await expect(run([{ kind: "team.add-member", repo, org: "acme", team: "maintainers", login: "alice" }])).rejects.toMatchObject({ status: 403 });
  });
});

describe("executeActions: classic branch protection", () => {
  it("uses the granular endpoints: push restriction users added and removed, the review section re-sent as read with the bypass users changed", async () => {
    nock(API).post("/repos/acme/widgets/branches/main/protection/restrictions/users", { users: ["alice"] }).reply(200, []);
    nock(API).delete("/repos/acme/widgets/branches/main/protection/restrictions/users", { users: ["dave"] }).reply(200, []);
    nock(API)
      .patch("/repos/acme/widgets/branches/main/protection/required_pull_request_reviews", {
        dismiss_stale_reviews: true,
        require_code_owner_reviews: false,
        required_approving_review_count: 2,
        require_last_push_approval: true,
        dismissal_restrictions: { users: ["alice"], teams: ["maintainers"], apps: [] },
        bypass_pull_request_allowances: { users: ["alice"], teams: ["release"], apps: ["renovate"] },
      })
      .reply(200, {});
    await run([
      {
        kind: "branch-protection.update",
        repo,
        branch: "main",
        restrictionUsers: { add: ["alice"], remove: ["dave"] },
        pullRequestBypass: { users: ["alice"], teams: ["release"], apps: ["renovate"], add: ["alice"], remove: ["dave"] },
        before,
        after,
      },
    ]);
  });

  it("touches only the lists the action changes (no PATCH without a bypass change; no dismissal restrictions where there are none)", async () => {
    nock(API).post("/repos/acme/widgets/branches/release%2F1.x/protection/restrictions/users", { users: ["alice"] }).reply(200, []);
    await run([{ kind: "branch-protection.update", repo, branch: "release/1.x", restrictionUsers: { add: ["alice"], remove: [] }, before, after: { ...before, restrictions: after.restrictions } }]);
    const noDismissal = { ...after.requiredPullRequestReviews!, dismissalRestrictions: null };
    nock(API)
      .patch("/repos/acme/widgets/branches/main/protection/required_pull_request_reviews", {
        dismiss_stale_reviews: true,
        require_code_owner_reviews: false,
        required_approving_review_count: 2,
        require_last_push_approval: true,
        bypass_pull_request_allowances: { users: ["alice"], teams: ["release"], apps: ["renovate"] },
      })
      .reply(200, {});
    await run([
      {
        kind: "branch-protection.update",
        repo,
        branch: "main",
        pullRequestBypass: { users: ["alice"], teams: ["release"], apps: ["renovate"], add: ["alice"], remove: ["dave"] },
        before: { ...before, requiredPullRequestReviews: { ...before.requiredPullRequestReviews!, dismissalRestrictions: null } },
        after: { ...after, requiredPullRequestReviews: noDismissal },
      },
    ]);
  });
});

describe("executeActions: rulesets", () => {
  const ruleset = {
    name: "stewards",
    target: "branch" as const,
    enforcement: "active" as const,
    bypassActors: [{ actorId: 13, actorType: "Team" as const, bypassMode: "always" as const }, { actorId: 1, actorType: "OrganizationAdmin" as const, bypassMode: "always" as const }],
    conditions: { refName: { include: ["refs/heads/main"], exclude: [] } },
    rules: [{ type: "deletion" }],
  };
  const body = {
    name: "stewards",
    target: "branch",
    enforcement: "active",
    bypass_actors: [
      { actor_id: 13, actor_type: "Team", bypass_mode: "always" },
      { actor_id: 1, actor_type: "OrganizationAdmin", bypass_mode: "always" },
    ],
    conditions: { ref_name: { include: ["refs/heads/main"], exclude: [] } },
    rules: [{ type: "deletion" }],
  };

  it("creates the app's ruleset with POST and returns its id", async () => {
    nock(API).post("/repos/acme/widgets/rulesets", body).reply(201, { id: 91, _links: { html: { href: "https://github.com/acme/widgets/rules/91" } } });
    const [r] = await run([{ kind: "ruleset.create", repo, ruleset, teamSlugs: ["maintainers"] }]);
    expect(r!.created).toEqual({ id: 91, url: "https://github.com/acme/widgets/rules/91" });
  });

  it("updates it with PUT, every setting sent (rules verbatim)", async () => {
    nock(API).put("/repos/acme/widgets/rulesets/91", body).reply(200, { id: 91 });
    await run([{ kind: "ruleset.update", repo, id: 91, ruleset, teamSlugs: ["maintainers"], change: "bypass +team maintainers" }]);
  });
});

describe("executeActions: CODEOWNERS", () => {
  const write: AccessAction = {
    kind: "codeowners.write",
    repo,
    branch: "main",
    parentSha: "head1",
    baseTreeSha: "tree1",
    path: ".github/CODEOWNERS",
    text: "/src/ @nobody-here\n\n# BEGIN stewards\n* @alice\n# END stewards\n",
    message: "Stewards: update the stewards block",
    blockLines: { start: 3, end: 5 },
  };
  const commit = () => {
    nock(API)
      .post("/repos/acme/widgets/git/trees", { base_tree: "tree1", tree: [{ path: ".github/CODEOWNERS", mode: "100644", type: "blob", content: write.kind === "codeowners.write" ? write.text : "" }] })
      .reply(201, { sha: "tree2" });
    nock(API).post("/repos/acme/widgets/git/commits", { message: "Stewards: update the stewards block", tree: "tree2", parents: ["head1"] }).reply(201, { sha: "commit2", html_url: "https://github.com/acme/widgets/commit/commit2" });
    nock(API).patch("/repos/acme/widgets/git/refs/heads%2Fmain", { sha: "commit2", force: false }).reply(200, {});
  };

  it("commits fast-forward only, then asks GitHub for CODEOWNERS errors at that commit", async () => {
    commit();
    nock(API).get("/repos/acme/widgets/codeowners/errors").query({ ref: "commit2" }).reply(200, { errors: [] });
    const [r] = await run([write]);
    expect(r!.commit).toEqual({ sha: "commit2", url: "https://github.com/acme/widgets/commit/commit2" });
  });

  it("fails the write when GitHub reports errors, listing them and telling the block's from people's lines", async () => {
    commit();
    nock(API)
      .get("/repos/acme/widgets/codeowners/errors")
      .query({ ref: "commit2" })
      .reply(200, {
        errors: [
          { line: 1, column: 7, kind: "Unknown owner", message: "Unknown owner on line 1: make sure @nobody-here exists and has write access", path: ".github/CODEOWNERS", source: "/src/ @nobody-here" },
          { line: 4, column: 3, kind: "Unknown owner", message: "Unknown owner on line 4", path: ".github/CODEOWNERS", source: "* @alice" },
        ],
      });
    const err = await run([write]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CodeownersErrorsError);
    const e = err as CodeownersErrorsError;
    expect(e.commitSha).toBe("commit2");
    expect(e.errors.map((x) => [x.line, x.inBlock])).toEqual([
      [1, false],
      [4, true],
    ]);
    expect(e.message).toBe(
      "GitHub reports 2 CODEOWNERS errors in .github/CODEOWNERS after commit commit2: line 1 (outside the stewards block): Unknown owner; line 4 (stewards block): Unknown owner",
    );
  });

  it("a branch that moved fails with BranchMovedError before any check", async () => {
    nock(API).post("/repos/acme/widgets/git/trees").reply(201, { sha: "tree2" });
    nock(API).post("/repos/acme/widgets/git/commits").reply(201, { sha: "commit2" });
    nock(API).patch("/repos/acme/widgets/git/refs/heads%2Fmain").reply(422, { message: "Update is not a fast forward" });
    await expect(run([write])).rejects.toMatchObject({ name: "BranchMovedError" });
  });
});

describe("executeActions: dry run", () => {
  it("makes no request for any access action, and logs each as a plan line", async () => {
    lines.length = 0;
    // No interceptor is set up and the network is off: any request would fail the test.
    const results = await run(
      [
        { kind: "team.add-member", repo, org: "acme", team: "maintainers", login: "alice" },
        { kind: "team.remove-member", repo, org: "acme", team: "maintainers", login: "dave" },
        { kind: "branch-protection.update", repo, branch: "main", restrictionUsers: { add: ["alice"], remove: [] }, before, after },
        { kind: "ruleset.create", repo, ruleset: { name: "stewards", target: "branch", enforcement: "active", bypassActors: [], conditions: { refName: { include: ["refs/heads/main"], exclude: [] } }, rules: [] }, teamSlugs: [] },
        { kind: "codeowners.write", repo, branch: "main", parentSha: "a", baseTreeSha: "b", path: "CODEOWNERS", text: "x\n", message: "m", blockLines: { start: 1, end: 1 } },
      ],
      true,
    );
    expect(results.every((r) => r.dryRun)).toBe(true);
    expect(lines.map((l) => (JSON.parse(l) as { plan: string }).plan)).toEqual([
      "add @alice to team acme/maintainers",
      "remove @dave from team acme/maintainers",
      "update classic protection of acme/widgets@main: push restrictions +@alice",
      'create ruleset "stewards" on acme/widgets for refs/heads/main with bypass for nobody',
      "write the stewards block of CODEOWNERS to acme/widgets@main",
    ]);
  });
});
