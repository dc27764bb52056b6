import { Probot, ProbotOctokit } from "probot";
import { startFakeGitHub } from "../fake-github/server.js";
import type { FakeGitHub } from "../fake-github/server.js";
import { testPrivateKey } from "../support/keys.js";

const Octokit = ProbotOctokit.defaults({ throttle: { enabled: false }, retry: { enabled: false } });
type Client = InstanceType<typeof Octokit>;

let fake: FakeGitHub;
let octokit: Client;

beforeEach(async () => {
  fake = await startFakeGitHub({ now: () => new Date("2025-03-01T12:00:00Z") });
  fake.addRepo({ owner: "acme", name: "widgets", installationId: 7 });
  octokit = new Octokit({ auth: { token: fake.issueToken(7) }, baseUrl: fake.apiUrl });
});

afterEach(async () => {
  await fake.close();
});

describe("fake GitHub REST", () => {
  it("creates an issue and a comment that octokit parses and the readers return", async () => {
    const issue = await octokit.rest.issues.create({ owner: "acme", repo: "widgets", title: "Hello", body: "first", labels: ["stewards:promotion"] });
    expect(issue.status).toBe(201);
    expect(issue.data).toMatchObject({ number: 1, title: "Hello", state: "open", user: { login: "stewards[bot]", type: "Bot" }, labels: [{ name: "stewards:promotion" }] });
    expect(issue.data.html_url).toBe(`${fake.url}/acme/widgets/issues/1`);

    const comment = await octokit.rest.issues.createComment({ owner: "acme", repo: "widgets", issue_number: 1, body: "hi" });
    expect(comment.status).toBe(201);
    await octokit.rest.issues.updateComment({ owner: "acme", repo: "widgets", comment_id: comment.data.id, body: "edited" });

    expect(fake.issues("acme", "widgets").map((i) => i.title)).toEqual(["Hello"]);
    expect(fake.comments("acme", "widgets", 1).map((c) => c.body)).toEqual(["edited"]);
    expect(fake.requests.map((r) => `${r.route} ${r.status}`)).toEqual([
      "POST /repos/{owner}/{repo}/issues 201",
      "POST /repos/{owner}/{repo}/issues/{issue_number}/comments 201",
      "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id} 200",
    ]);
    fake.assertNoViolations();
  });

  it("filters issues by label and state and paginates them with Link headers", async () => {
    for (let i = 0; i < 35; i++) fake.addIssue("acme", "widgets", { title: `t${i}`, labels: i % 2 ? ["odd"] : [], state: i === 3 ? "closed" : "open" });
    const odd = await octokit.paginate(octokit.rest.issues.listForRepo, { owner: "acme", repo: "widgets", labels: "odd", per_page: 5 });
    expect(odd).toHaveLength(16); // 17 odd, #4 (i=3) closed
    const firstPage = await octokit.rest.issues.listForRepo({ owner: "acme", repo: "widgets", per_page: 10 });
    expect(firstPage.headers.link).toContain('rel="next"');
    const all = await octokit.paginate(octokit.rest.issues.listForRepo, { owner: "acme", repo: "widgets", state: "all", per_page: 100 });
    expect(all).toHaveLength(35);
    fake.assertNoViolations();
  });

  it("serves files as JSON with base64 content and raw as text/plain, per ref, and 404s missing ones", async () => {
    fake.putFile("acme", "widgets", ".github/governance.yml", "version: 1\n");
    const oldSha = fake.putFile("acme", "widgets", "README.md", "old");
    fake.putFile("acme", "widgets", "README.md", "new");

    const json = await octokit.rest.repos.getContent({ owner: "acme", repo: "widgets", path: ".github/governance.yml" });
    expect(json.data).toMatchObject({ type: "file", encoding: "base64", path: ".github/governance.yml" });
    const content = (json.data as { content: string }).content;
    expect(Buffer.from(content, "base64").toString("utf8")).toBe("version: 1\n");

    const raw = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", { owner: "acme", repo: "widgets", path: ".github/governance.yml", mediaType: { format: "raw" } });
    expect(raw.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(raw.data).toBe("version: 1\n");

    const atOld = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", { owner: "acme", repo: "widgets", path: "README.md", ref: oldSha, mediaType: { format: "raw" } });
    expect(atOld.data).toBe("old");
    expect(fake.file("acme", "widgets", "README.md")).toBe("new");

    await expect(octokit.rest.repos.getContent({ owner: "acme", repo: "widgets", path: "nope.yml" })).rejects.toMatchObject({ status: 404, response: { data: { message: "Not Found" } } });
    fake.assertNoViolations();
  });

  it("serves Probot's config loader, following _extends to the organisation's .github repository", async () => {
    fake.addRepo({ owner: "acme", name: ".github", installationId: 7 });
    fake.putFile("acme", ".github", ".github/governance.yml", "version: 1\nlog:\n  path: ORG-LOG.md\n");
    fake.putFile("acme", "widgets", ".github/governance.yml", "_extends: .github\ndry_run: true\n");
    const { config } = await octokit.config.get({ owner: "acme", repo: "widgets", path: ".github/governance.yml" });
    expect(config).toEqual({ version: 1, log: { path: "ORG-LOG.md" }, dry_run: true });
    fake.assertNoViolations();
  });

  it("creates and updates files with the contents API, refusing a stale sha with 409", async () => {
    const created = await octokit.rest.repos.createOrUpdateFileContents({ owner: "acme", repo: "widgets", path: "GOVERNANCE-LOG.md", message: "log", content: Buffer.from("# Log\n").toString("base64") });
    expect(created.status).toBe(201);
    const sha = created.data.content?.sha ?? "";
    await expect(
      octokit.rest.repos.createOrUpdateFileContents({ owner: "acme", repo: "widgets", path: "GOVERNANCE-LOG.md", message: "x", content: "eA==", sha: "0".repeat(40) }),
    ).rejects.toMatchObject({ status: 409 });
    const updated = await octokit.rest.repos.createOrUpdateFileContents({ owner: "acme", repo: "widgets", path: "GOVERNANCE-LOG.md", message: "log 2", content: Buffer.from("# Log\n\n## D-0001\n").toString("base64"), sha });
    expect(updated.status).toBe(200);
    expect(fake.file("acme", "widgets", "GOVERNANCE-LOG.md")).toBe("# Log\n\n## D-0001\n");
    fake.assertNoViolations();
  });

  it("keeps git data and contents in agreement and refuses a non-fast-forward ref update", async () => {
    fake.putFile("acme", "widgets", ".github/roster.yml", "members: []\n");
    const ref = await octokit.rest.git.getRef({ owner: "acme", repo: "widgets", ref: "heads/main" });
    const head = ref.data.object.sha;
    const commit = await octokit.rest.git.getCommit({ owner: "acme", repo: "widgets", commit_sha: head });
    const blob = await octokit.rest.git.createBlob({ owner: "acme", repo: "widgets", content: "members:\n  - login: alice\n", encoding: "utf-8" });
    const tree = await octokit.rest.git.createTree({ owner: "acme", repo: "widgets", base_tree: commit.data.tree.sha, tree: [{ path: ".github/roster.yml", mode: "100644", type: "blob", sha: blob.data.sha }] });
    const next = await octokit.rest.git.createCommit({ owner: "acme", repo: "widgets", message: "promote alice", tree: tree.data.sha, parents: [head] });
    const sibling = await octokit.rest.git.createCommit({ owner: "acme", repo: "widgets", message: "racing", tree: tree.data.sha, parents: [head] });
    await octokit.rest.git.updateRef({ owner: "acme", repo: "widgets", ref: "heads/main", sha: next.data.sha, force: false });
    await expect(octokit.rest.git.updateRef({ owner: "acme", repo: "widgets", ref: "heads/main", sha: sibling.data.sha, force: false })).rejects.toMatchObject({
      status: 422,
      response: { data: { message: "Update is not a fast forward" } },
    });
    expect(fake.file("acme", "widgets", ".github/roster.yml")).toBe("members:\n  - login: alice\n");
    const empty = await octokit.rest.git.createBlob({ owner: "acme", repo: "widgets", content: "" });
    expect(empty.data.sha).toBe("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"); // git's id for the empty blob
    fake.assertNoViolations();
  });

  it("creates, updates and lists check runs by ref, keeping annotations", async () => {
    const sha = fake.putFile("acme", "widgets", ".github/governance.yml", "version: 2\n");
    const run = await octokit.rest.checks.create({ owner: "acme", repo: "widgets", name: "Stewards / governance.yml", head_sha: sha, status: "in_progress" });
    expect(run.status).toBe(201);
    await octokit.rest.checks.update({
      owner: "acme",
      repo: "widgets",
      check_run_id: run.data.id,
      conclusion: "failure",
      output: { title: "1 error", summary: "bad", annotations: [{ path: ".github/governance.yml", start_line: 1, end_line: 1, annotation_level: "failure", message: "unsupported version" }] },
    });
    const listed = await octokit.rest.checks.listForRef({ owner: "acme", repo: "widgets", ref: "main" });
    expect(listed.data.total_count).toBe(1);
    expect(listed.data.check_runs[0]).toMatchObject({ name: "Stewards / governance.yml", status: "completed", conclusion: "failure", output: { annotations_count: 1 } });
    expect(fake.checkRuns("acme", "widgets")[0]?.annotations[0]?.message).toBe("unsupported version");
    fake.assertNoViolations();
  });

  it("records reactions seeded by tests and lists them for the app", async () => {
    const issue = fake.addIssue("acme", "widgets", { title: "Promote alice" });
    fake.addReaction("acme", "widgets", { issue: issue.number }, { user: "bob", content: "+1" });
    fake.addReaction("acme", "widgets", { issue: issue.number }, { user: "carol", content: "-1" });
    const plus = await octokit.rest.reactions.listForIssue({ owner: "acme", repo: "widgets", issue_number: issue.number, content: "+1" });
    expect(plus.data.map((r) => r.user?.login)).toEqual(["bob"]);
    fake.assertNoViolations();
  });

  it.each([
    ["a check run without a name", () => octokit.request("POST /repos/{owner}/{repo}/check-runs", { owner: "acme", repo: "widgets", head_sha: "abc" } as never), 422, "invalid-request"],
    ["an issue whose title is an object", () => octokit.request("POST /repos/{owner}/{repo}/issues", { owner: "acme", repo: "widgets", title: { no: 1 } } as never), 422, "invalid-request"],
    ["a method GitHub does not have", () => octokit.request("PUT /repos/{owner}/{repo}/issues", { owner: "acme", repo: "widgets" }), 404, "no-route"],
    ["a valid route the fake does not implement", () => octokit.request("GET /repos/{owner}/{repo}/branches", { owner: "acme", repo: "widgets" }), 501, "not-implemented"],
  ])("answers %s with an error and records a violation", async (_name, call, status, kind) => {
    await expect(call()).rejects.toMatchObject({ status });
    expect(fake.violations.map((v) => v.kind)).toEqual([kind]);
    expect(() => fake.assertNoViolations()).toThrow(/violation/);
  });

  it("injects faults for a number of requests, then answers normally", async () => {
    fake.setFailure({ operationId: "issues/create" }, { status: 403, times: 1, headers: { "retry-after": "1" } });
    await expect(octokit.rest.issues.create({ owner: "acme", repo: "widgets", title: "x" })).rejects.toMatchObject({ status: 403, response: { headers: { "retry-after": "1" } } });
    await expect(octokit.rest.issues.create({ owner: "acme", repo: "widgets", title: "x" })).resolves.toMatchObject({ status: 201 });
    expect(fake.requests.map((r) => r.injected ?? false)).toEqual([true, false]);
    fake.assertNoViolations();
  });

  it("exchanges an app JWT for an installation token, as Probot does against GHE_HOST", async () => {
    const probot = new Probot({ appId: 4242, privateKey: testPrivateKey(), baseUrl: fake.apiUrl, Octokit });
    const installation = await probot.auth(7);
    const repo = await installation.rest.repos.get({ owner: "acme", repo: "widgets" });
    expect(repo.data.full_name).toBe("acme/widgets");
    expect(fake.requests.map((r) => `${r.route} ${r.status}`)).toEqual(["POST /app/installations/{installation_id}/access_tokens 201", "GET /repos/{owner}/{repo} 200"]);
    expect(fake.requests[1]?.installationId).toBe(7);
    fake.assertNoViolations();
  });

  it("refuses requests without credentials", async () => {
    const anonymous = new Octokit({ baseUrl: fake.apiUrl });
    await expect(anonymous.rest.repos.get({ owner: "acme", repo: "widgets" })).rejects.toMatchObject({ status: 401 });
    expect(fake.violations.map((v) => v.kind)).toEqual(["unauthenticated"]);
  });
});

describe("fake GitHub REST: pull requests opened through the API", () => {
  async function branchWith(path: string, content: string, branch: string) {
    const head = (await octokit.rest.git.getRef({ owner: "acme", repo: "widgets", ref: "heads/main" })).data.object.sha;
    const base = (await octokit.rest.git.getCommit({ owner: "acme", repo: "widgets", commit_sha: head })).data.tree.sha;
    const tree = await octokit.rest.git.createTree({ owner: "acme", repo: "widgets", base_tree: base, tree: [{ path, mode: "100644", type: "blob", content }] });
    const commit = await octokit.rest.git.createCommit({ owner: "acme", repo: "widgets", message: `change ${path}`, tree: tree.data.sha, parents: [head] });
    await octokit.rest.git.createRef({ owner: "acme", repo: "widgets", ref: `refs/heads/${branch}`, sha: commit.data.sha });
    return commit.data.sha;
  }

  it("opens, lists, edits, closes and reopens a pull request whose head follows its branch", async () => {
    fake.putFile("acme", "widgets", ".github/roster.yml", "members: []\n");
    const sha = await branchWith(".github/roster.yml", "members:\n  - login: ana\n", "stewards/promote/ana/member");
    const created = await octokit.rest.pulls.create({ owner: "acme", repo: "widgets", title: "Roster: promote ana", head: "stewards/promote/ana/member", base: "main", body: "see #1" });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ state: "open", merged: false, mergeable: true, user: { login: "stewards[bot]", type: "Bot" }, head: { ref: "stewards/promote/ana/member", sha }, base: { ref: "main" } });
    expect(created.data.html_url).toBe(`${fake.url}/acme/widgets/pull/${created.data.number}`);
    await expect(octokit.rest.pulls.create({ owner: "acme", repo: "widgets", title: "again", head: "stewards/promote/ana/member", base: "main" })).rejects.toMatchObject({
      status: 422,
      response: { data: { errors: [{ message: "A pull request already exists for acme:stewards/promote/ana/member." }] } },
    });
    await expect(octokit.rest.pulls.create({ owner: "acme", repo: "widgets", title: "nothing", head: "main", base: "main" })).rejects.toMatchObject({ status: 422 });
    const listed = await octokit.rest.pulls.list({ owner: "acme", repo: "widgets", head: "acme:stewards/promote/ana/member", state: "open" });
    expect(listed.data.map((p) => p.number)).toEqual([created.data.number]);
    expect((await octokit.rest.pulls.list({ owner: "acme", repo: "widgets", head: "acme:other" })).data).toEqual([]);
    const files = await octokit.rest.pulls.listFiles({ owner: "acme", repo: "widgets", pull_number: created.data.number });
    expect(files.data.map((f) => [f.filename, f.status])).toEqual([[".github/roster.yml", "modified"]]);

    await octokit.rest.pulls.update({ owner: "acme", repo: "widgets", pull_number: created.data.number, state: "closed" });
    expect(fake.pulls("acme", "widgets")[0]).toMatchObject({ state: "closed" });
    await octokit.rest.pulls.update({ owner: "acme", repo: "widgets", pull_number: created.data.number, state: "open", body: "edited" });
    expect((await octokit.rest.pulls.get({ owner: "acme", repo: "widgets", pull_number: created.data.number })).data).toMatchObject({ state: "open", body: "edited" });
    // Deleting the branch of an open pull request and closing it: it cannot be reopened.
    await octokit.rest.pulls.update({ owner: "acme", repo: "widgets", pull_number: created.data.number, state: "closed" });
    await octokit.rest.git.deleteRef({ owner: "acme", repo: "widgets", ref: "heads/stewards/promote/ana/member" });
    await expect(octokit.rest.pulls.update({ owner: "acme", repo: "widgets", pull_number: created.data.number, state: "open" })).rejects.toMatchObject({ status: 422 });
    fake.assertNoViolations();
  });

  it("merges with a merge commit or a squash, refusing conflicts (405) and a stale head (409)", async () => {
    fake.putFile("acme", "widgets", ".github/roster.yml", "members: []\n");
    await branchWith(".github/roster.yml", "members:\n  - login: ana\n", "a");
    const a = (await octokit.rest.pulls.create({ owner: "acme", repo: "widgets", title: "a", head: "a", base: "main" })).data.number;
    await branchWith(".github/roster.yml", "members:\n  - login: ben\n", "b");
    const b = (await octokit.rest.pulls.create({ owner: "acme", repo: "widgets", title: "b", head: "b", base: "main" })).data.number;
    await branchWith("README.md", "hello\n", "c");
    const c = (await octokit.rest.pulls.create({ owner: "acme", repo: "widgets", title: "c", head: "c", base: "main" })).data.number;

    await expect(octokit.rest.pulls.merge({ owner: "acme", repo: "widgets", pull_number: a, sha: "0".repeat(40) })).rejects.toMatchObject({ status: 409 });
    const merged = fake.mergePullRequest("acme", "widgets", a, { by: "alice" });
    expect(fake.file("acme", "widgets", ".github/roster.yml")).toBe("members:\n  - login: ana\n");
    const head = fake.state.requireRepo("acme", "widgets").commits.get(merged)!;
    expect(head.parents).toHaveLength(2);
    const got = (await octokit.rest.pulls.get({ owner: "acme", repo: "widgets", pull_number: a })).data;
    expect(got).toMatchObject({ state: "closed", merged: true, merged_by: { login: "alice" }, merge_commit_sha: merged, mergeable: null });

    // b changed the same file: now a conflict.
    expect((await octokit.rest.pulls.get({ owner: "acme", repo: "widgets", pull_number: b })).data).toMatchObject({ mergeable: false, mergeable_state: "dirty" });
    await expect(octokit.rest.pulls.merge({ owner: "acme", repo: "widgets", pull_number: b })).rejects.toMatchObject({ status: 405, response: { data: { message: "Pull Request is not mergeable" } } });
    // c did not: squashed on top, both changes kept.
    const squash = await octokit.rest.pulls.merge({ owner: "acme", repo: "widgets", pull_number: c, merge_method: "squash" });
    expect(squash.data).toMatchObject({ merged: true, message: "Pull Request successfully merged" });
    expect(fake.state.requireRepo("acme", "widgets").commits.get(squash.data.sha)!.parents).toEqual([merged]);
    expect(fake.file("acme", "widgets", "README.md")).toBe("hello\n");
    expect(fake.file("acme", "widgets", ".github/roster.yml")).toBe("members:\n  - login: ana\n");
    expect((await octokit.rest.pulls.get({ owner: "acme", repo: "widgets", pull_number: c })).data.merged_by?.login).toBe("stewards[bot]");
    await expect(octokit.rest.pulls.merge({ owner: "acme", repo: "widgets", pull_number: c })).rejects.toMatchObject({ status: 405 });

    fake.addPullReview("acme", "widgets", b, { author: "bob", state: "APPROVED" });
    const reviews = await octokit.rest.pulls.listReviews({ owner: "acme", repo: "widgets", pull_number: b });
    expect(reviews.data.map((r) => [r.user?.login, r.state])).toEqual([["bob", "APPROVED"]]);
    fake.assertNoViolations();
  });
});
