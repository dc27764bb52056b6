/**
 * The promotion pull request's actions through a real octokit against the
 * stateful fake GitHub (every request checked against GitHub's OpenAPI
 * description): creating the branch, opening, closing, deleting, bringing a
 * branch up to date with a merge commit — and the retries each survives.
 */
import { executeActions } from "../../src/github/execute-actions.js";
import { describeAction, type Action } from "../../src/plan/actions.js";
import { startFakeGitHub, type FakeGitHub } from "../fake-github/server.js";
import { silent } from "../support/silent-logger.js";
import { probotInstallationClient, unpacedPolicy } from "../support/probot-client.js";

const repo = { owner: "acme", repo: "widgets" };
const BRANCH = "stewards/promote/ana/member";

let fake: FakeGitHub;
let client: { request(route: string, params: Record<string, unknown>): Promise<{ data: unknown; status: number }> };

beforeEach(async () => {
  fake = await startFakeGitHub();
  fake.addRepo({ owner: "acme", name: "widgets", installationId: 7 });
  fake.putFile("acme", "widgets", ".github/roster.yml", "members: []\n");
  const octokit = await probotInstallationClient(fake, 7, { policy: unpacedPolicy() });
  client = { request: (route, params) => octokit.request(route, params) as Promise<{ data: unknown; status: number }> };
});
afterEach(async () => {
  fake.assertNoViolations();
  await fake.close();
});

function head(branch = "main") {
  const r = fake.state.requireRepo("acme", "widgets");
  const sha = r.refs.get(`heads/${branch}`)!;
  return { sha, tree: r.commits.get(sha)!.treeSha };
}

const run = (actions: Action[]) => executeActions(client, actions, { dryRun: false, log: silent });

function createBranch(content = "members:\n  - login: ana\n"): Action {
  const main = head();
  return { kind: "branch.create", repo, branch: BRANCH, parentSha: main.sha, baseTreeSha: main.tree, files: { ".github/roster.yml": content }, message: "Promote ana" };
}

const openPull: Action = { kind: "pull.create", repo, title: "Roster: promote ana to member", body: "body", head: BRANCH, base: "main" };

describe("promotion pull request actions", () => {
  it("creates the branch with one commit and opens the pull request; a retry moves the branch and reuses the pull request", async () => {
    const [made, opened] = await run([createBranch(), openPull]);
    expect(fake.file("acme", "widgets", ".github/roster.yml", BRANCH)).toBe("members:\n  - login: ana\n");
    expect(made!.commit!.sha).toBe(head(BRANCH).sha);
    expect(opened!.created).toMatchObject({ number: expect.any(Number), url: `${fake.url}/acme/widgets/pull/${opened!.created!.number}` });
    expect(fake.requests.map((r) => r.route)).toEqual([
      "POST /repos/{owner}/{repo}/git/trees",
      "POST /repos/{owner}/{repo}/git/commits",
      "POST /repos/{owner}/{repo}/git/refs",
      "POST /repos/{owner}/{repo}/pulls",
    ]);
    // The same actions again (a retried job): the branch exists and is moved, the open pull request is found.
    fake.resetLog();
    const [again, reused] = await run([createBranch("members:\n  - login: ana\n  - login: x\n"), openPull]);
    expect(head(BRANCH).sha).toBe(again!.commit!.sha);
    expect(reused!.created!.number).toBe(opened!.created!.number);
    expect(fake.pulls("acme", "widgets")).toHaveLength(1);
    expect(fake.requests.map((r) => `${r.route} ${r.status}`)).toEqual([
      "POST /repos/{owner}/{repo}/git/trees 201",
      "POST /repos/{owner}/{repo}/git/commits 201",
      "POST /repos/{owner}/{repo}/git/refs 422",
      "PATCH /repos/{owner}/{repo}/git/refs/{ref} 200",
      "POST /repos/{owner}/{repo}/pulls 422",
      "GET /repos/{owner}/{repo}/pulls 200",
    ]);
  });

  it("brings the branch up to date with a merge commit moved as a fast-forward, and refuses when someone pushed", async () => {
    const [made, opened] = await run([createBranch(), openPull]);
    fake.putFile("acme", "widgets", ".github/roster.yml", "members:\n  - login: dee\n");
    const number = opened!.created!.number!;
    expect(fake.pulls("acme", "widgets")[0]!.pull).toBeDefined();
    const main = head();
    const refresh: Action = {
      kind: "commit.files",
      repo,
      branch: BRANCH,
      parentSha: made!.commit!.sha,
      mergeSha: main.sha,
      baseTreeSha: main.tree,
      files: { ".github/roster.yml": "members:\n  - login: dee\n  - login: ana\n" },
      message: "Merge main",
    };
    const [refreshed] = await run([refresh]);
    const commit = fake.state.requireRepo("acme", "widgets").commits.get(refreshed!.commit!.sha)!;
    expect(commit.parents).toEqual([made!.commit!.sha, main.sha]);
    fake.mergePullRequest("acme", "widgets", number, { by: "alice" });
    expect(fake.file("acme", "widgets", ".github/roster.yml")).toBe("members:\n  - login: dee\n  - login: ana\n");
    // From a head that is no longer the branch's: BranchMovedError.
    await expect(run([{ ...refresh, parentSha: main.sha }])).rejects.toMatchObject({ name: "BranchMovedError" });
  });

  it("closes the pull request, deletes the branch, and takes a branch already gone as done", async () => {
    const [, opened] = await run([createBranch(), openPull]);
    await run([{ kind: "pull.close", repo, number: opened!.created!.number! }, { kind: "branch.delete", repo, branch: BRANCH }]);
    expect(fake.pulls("acme", "widgets")[0]).toMatchObject({ state: "closed" });
    expect(fake.state.requireRepo("acme", "widgets").refs.has(`heads/${BRANCH}`)).toBe(false);
    await expect(run([{ kind: "branch.delete", repo, branch: BRANCH }])).resolves.toHaveLength(1);
  });

  it("describes each action as a dry-run line and sends nothing", async () => {
    const actions: Action[] = [createBranch(), openPull, { kind: "pull.close", repo, number: 12 }, { kind: "branch.delete", repo, branch: BRANCH }];
    const results = await executeActions(client, actions, { dryRun: true, log: silent });
    expect(results.every((r) => r.dryRun)).toBe(true);
    expect(fake.requests).toEqual([]);
    expect(actions.slice(1).map(describeAction)).toEqual([
      `open pull request on acme/widgets from ${BRANCH} into main: "Roster: promote ana to member"`,
      "close pull request acme/widgets#12 without merging",
      `delete branch ${BRANCH} on acme/widgets`,
    ]);
    expect(describeAction(actions[0]!)).toMatch(new RegExp(`^create branch ${BRANCH} on acme/widgets from [0-9a-f]{7}, committing .github/roster.yml: "Promote ana"$`));
  });
});
