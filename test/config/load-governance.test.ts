import { readFileSync } from "node:fs";
import nock from "nock";
import { loadGovernance } from "../../src/config/load-governance.js";
import type { ConfigSource, LoadResult } from "../../src/config/load-governance.js";
import { configSourceFromOctokit, loadGovernanceWithOctokit } from "../../src/config/probot-config-source.js";
import { probotTokenClient } from "../support/probot-client.js";

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/governance/${name}`, import.meta.url), "utf8");

const API = "https://api.github.com";
const PATH = ".github%2Fgovernance.yml";
const octokit = () => probotTokenClient();
const raw = { "content-type": "text/plain; charset=utf-8" };

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => nock.enableNetConnect());

const file = (repo: string, query?: Record<string, string>) => {
  const i = nock(API).get(`/repos/acme/${repo}/contents/${PATH}`);
  return query ? nock(API).get(`/repos/acme/${repo}/contents/${PATH}`).query(query) : i;
};

describe("loadGovernance through a Probot octokit", () => {
  it("absent: neither the repository nor the organisation has the file", async () => {
    file("widget").reply(404, { message: "Not Found" });
    file(".github").reply(404, { message: "Not Found" });
    expect(await loadGovernanceWithOctokit(await octokit(), { owner: "acme", repo: "widget" })).toEqual({ kind: "absent" });
  });

  it("ok: the repository's file (and the org file consulted for floors only)", async () => {
    file("widget").matchHeader("accept", /raw/).reply(200, fixture("spec-example.yml"), raw);
    file(".github").reply(404, { message: "Not Found" });
    const r = await loadGovernanceWithOctokit(await octokit(), { owner: "acme", repo: "widget" });
    expect(r.kind).toBe("ok");
    if (r.kind !== "ok") return;
    expect(r.governance.ladder.map((x) => x.role)).toEqual(["member", "reviewer", "maintainer"]);
    expect(r.files).toEqual([".github/governance.yml"]);
  });

  it("reads the repository's file at the ref asked for", async () => {
    file("widget", { ref: "abc123" }).reply(200, fixture("minimal.yml"), raw);
    file(".github").reply(404, { message: "Not Found" });
    const r = await loadGovernanceWithOctokit(await octokit(), { owner: "acme", repo: "widget", ref: "abc123" });
    expect(r.kind).toBe("ok");
  });

  it.each([
    [500, true],
    [502, true],
    [401, true],
    [400, false],
  ])("load-error on HTTP %d (retryable: %s), never invalid", async (status, retryable) => {
    file("widget").reply(status, { message: "boom" });
    const r = await loadGovernanceWithOctokit(await octokit(), { owner: "acme", repo: "widget" });
    expect(r).toMatchObject({ kind: "load-error", retryable });
    expect((r as Extract<LoadResult, { kind: "load-error" }>).error).toBeInstanceOf(Error);
  });

  it("load-error, retryable, on a 403 rate limit", async () => {
    file("widget").reply(403, { message: "API rate limit exceeded" }, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1" });
    expect(await loadGovernanceWithOctokit(await octokit(), { owner: "acme", repo: "widget" })).toMatchObject({ kind: "load-error", retryable: true });
  });

  it("load-error, not retryable, on a 403 that is not a rate limit", async () => {
    file("widget").reply(403, { message: "Resource not accessible by integration" }, { "x-ratelimit-remaining": "4000" });
    expect(await loadGovernanceWithOctokit(await octokit(), { owner: "acme", repo: "widget" })).toMatchObject({ kind: "load-error", retryable: false });
  });

  it("load-error when the org file cannot be read, even though the repo file was", async () => {
    file("widget").reply(200, fixture("minimal.yml"), raw);
    file(".github").reply(503, { message: "unavailable" });
    expect(await loadGovernanceWithOctokit(await octokit(), { owner: "acme", repo: "widget" })).toMatchObject({ kind: "load-error", retryable: true });
  });

  it("load-error on a network failure", async () => {
    file("widget").replyWithError("socket hang up");
    expect(await loadGovernanceWithOctokit(await octokit(), { owner: "acme", repo: "widget" })).toMatchObject({ kind: "load-error", retryable: true });
  });

  it("invalid: problems with lines", async () => {
    file("widget").reply(200, "version: 1\nladder:\n  - role: member\n    requires: { merged_pr: 5 }\n", raw);
    file(".github").reply(404, { message: "Not Found" });
    const r = await loadGovernanceWithOctokit(await octokit(), { owner: "acme", repo: "widget" });
    expect(r).toEqual({
      kind: "invalid",
      errors: [
        {
          path: "ladder[0].requires.merged_pr",
          line: 4,
          column: 17,
          message: "unknown key `merged_pr` in `ladder[0].requires`; did you mean `merged_prs`?",
          severity: "error",
          file: ".github/governance.yml",
        },
      ],
      warnings: [],
      files: [".github/governance.yml"],
    });
  });

  it("invalid: the path is a directory", async () => {
    file("widget").reply(200, [{ name: "x", type: "file" }], { "content-type": "application/json; charset=utf-8" });
    const r = await loadGovernanceWithOctokit(await octokit(), { owner: "acme", repo: "widget" });
    expect(r).toMatchObject({ kind: "invalid", errors: [{ message: expect.stringContaining("is a directory or a submodule") }] });
  });

  it("_extends: .github — org defaults merged and org floors enforced, in two requests", async () => {
    file("widget").reply(200, "_extends: .github\npromotion:\n  quorum: 1\n", raw);
    file(".github").reply(200, fixture("org-defaults.yml"), raw);
    const r = await loadGovernanceWithOctokit(await octokit(), { owner: "acme", repo: "widget" });
    expect(r).toMatchObject({
      kind: "invalid",
      files: [".github/governance.yml", "acme/.github:.github/governance.yml"],
      errors: [
        {
          path: "promotion.quorum",
          line: 3,
          file: ".github/governance.yml",
          message: "`promotion.quorum` is 1, below the organisation's floor of 2 (set in `acme/.github:.github/governance.yml`)",
        },
      ],
    });
  });

  it("_extends: .github — a valid override", async () => {
    file("widget").reply(200, "_extends: .github\npromotion:\n  quorum: 4\n", raw);
    file(".github").reply(200, fixture("org-defaults.yml"), raw);
    const r = await loadGovernanceWithOctokit(await octokit(), { owner: "acme", repo: "widget" });
    expect(r.kind).toBe("ok");
    if (r.kind !== "ok") return;
    expect(r.governance.promotion.quorum).toBe(4);
    expect(r.governance.ladder.map((x) => x.role)).toEqual(["member", "maintainer"]);
    expect(r.governance.floors).toEqual({ quorum: 2, appeals_quorum: 2, merged_prs: 30, reviews: 40 });
  });

  it("org floors bind a repository that does not extend the org file", async () => {
    file("widget").reply(200, "version: 1\nladder:\n  - role: maintainer\n    requires: { merged_prs: 30, reviews: 40 }\npromotion:\n  quorum: 1\n", raw);
    file(".github").reply(200, fixture("org-defaults.yml"), raw);
    const r = await loadGovernanceWithOctokit(await octokit(), { owner: "acme", repo: "widget" });
    expect(r).toMatchObject({ kind: "invalid", errors: [{ path: "promotion.quorum", line: 6 }] });
  });

  it("a repository without a file gets the organisation's", async () => {
    file("widget").reply(404, { message: "Not Found" });
    file(".github").reply(200, fixture("org-defaults.yml"), raw);
    const r = await loadGovernanceWithOctokit(await octokit(), { owner: "acme", repo: "widget" });
    expect(r).toMatchObject({ kind: "ok", files: ["acme/.github:.github/governance.yml"] });
  });

  it("_extends: other-org/repo:path — chains with defaults for owner and path", async () => {
    file("widget").reply(200, "_extends: shared\n", raw);
    file("shared").reply(200, "_extends: other/base:policies/ladder.yml\npromotion:\n  quorum: 3\n", raw);
    nock(API).get("/repos/other/base/contents/policies%2Fladder.yml").reply(200, fixture("spec-example.yml"), raw);
    file(".github").reply(404, { message: "Not Found" });
    const r = await loadGovernanceWithOctokit(await octokit(), { owner: "acme", repo: "widget" });
    expect(r).toMatchObject({
      kind: "ok",
      files: [".github/governance.yml", "acme/shared:.github/governance.yml", "other/base:policies/ladder.yml"],
      governance: { promotion: { quorum: 3 } },
    });
  });

  it("an _extends loop is invalid, with the line", async () => {
    file("widget").reply(200, "_extends: a\n", raw);
    file("a").reply(200, "_extends: b\n", raw);
    file("b").reply(200, "x: 1\n_extends: a\n", raw);
    file(".github").reply(404, { message: "Not Found" });
    const r = await loadGovernanceWithOctokit(await octokit(), { owner: "acme", repo: "widget" });
    expect(r).toMatchObject({ kind: "invalid", errors: expect.arrayContaining([expect.objectContaining({ path: "_extends", line: 2, file: "acme/b:.github/governance.yml" })]) });
  });

  it("a bad _extends value is invalid, with the line", async () => {
    file("widget").reply(200, "version: 1\n_extends: not a repo!\n", raw);
    file(".github").reply(404, { message: "Not Found" });
    const r = await loadGovernanceWithOctokit(await octokit(), { owner: "acme", repo: "widget" });
    expect(r).toMatchObject({ kind: "invalid", errors: expect.arrayContaining([expect.objectContaining({ path: "_extends", line: 2 })]) });
  });
});

describe("loadGovernance against a fake source", () => {
  const source = (files: Record<string, string | Error>): ConfigSource & { calls: string[] } => {
    const calls: string[] = [];
    return {
      calls,
      async getRawFile(owner, repo, path, ref) {
        const key = `${owner}/${repo}:${path}${ref ? `@${ref}` : ""}`;
        calls.push(key);
        const v = files[key];
        if (v instanceof Error) throw v;
        return v ?? null;
      },
    };
  };

  it("never throws, whatever the source does", async () => {
    const s = source({ "acme/widget:.github/governance.yml": new TypeError("fetch failed") });
    expect(await loadGovernance(s, { owner: "acme", repo: "widget" })).toMatchObject({ kind: "load-error", retryable: true });
  });

  it("in the org's .github repository, its own floors bind it and there is no fallback", async () => {
    const s = source({ "acme/.github:.github/governance.yml": fixture("org-defaults.yml").replace("quorum: 3", "quorum: 1") });
    const r = await loadGovernance(s, { owner: "acme", repo: ".github" });
    expect(r).toMatchObject({ kind: "invalid", errors: [{ path: "promotion.quorum", file: ".github/governance.yml" }] });
    expect(s.calls).toEqual(["acme/.github:.github/governance.yml"]);
  });

  it("the happy path with _extends: .github costs exactly the two reads Probot's loader makes", async () => {
    const s = source({
      "acme/widget:.github/governance.yml@main": "_extends: .github\n",
      "acme/.github:.github/governance.yml": fixture("org-defaults.yml"),
    });
    expect((await loadGovernance(s, { owner: "acme", repo: "widget", ref: "main" })).kind).toBe("ok");
    expect(s.calls).toEqual(["acme/widget:.github/governance.yml@main", "acme/.github:.github/governance.yml"]);
  });
});

describe("configSourceFromOctokit", () => {
  it("returns null on 404 and rethrows anything else untouched", async () => {
    const s = configSourceFromOctokit(await octokit());
    file("a").reply(404, { message: "Not Found" });
    expect(await s.getRawFile("acme", "a", ".github/governance.yml")).toBeNull();
    file("b").reply(500, { message: "boom" });
    await expect(s.getRawFile("acme", "b", ".github/governance.yml")).rejects.toMatchObject({ status: 500 });
  });
});
