/**
 * One place decides dry run for a repository: `executorFor` of the GitHub
 * ports — the ladder's `dry_run` or STEWARDS_DRY_RUN — and plain `execute`
 * honours only STEWARDS_DRY_RUN.
 */
import { describe, expect, it } from "@jest/globals";
import type { Action } from "../../src/plan/actions.js";
import { githubFor, type Octokit } from "../../src/runtime/services.js";
import { readSettings } from "../../src/runtime/settings.js";
import { silent } from "../support/silent-logger.js";

const comment: Action = { kind: "comment.create", repo: { owner: "acme", repo: "widgets" }, issueNumber: 1, body: "hello" };

function ports(env: Record<string, string>) {
  const requests: string[] = [];
  const octokit = {
    request: async (route: string) => (requests.push(route), { data: { id: 7, number: 7 }, status: 201 }),
    graphql: async () => ({}),
  } as unknown as Octokit;
  return { requests, gh: githubFor(octokit, { settings: readSettings(env) }) };
}

describe("the executor of a repository", () => {
  it.each([
    ["a ladder in dry run", {}, { dry_run: true }, 0],
    ["a ladder not in dry run", {}, { dry_run: false }, 1],
    ["no ladder", {}, null, 1],
    ["STEWARDS_DRY_RUN, whatever the ladder says", { STEWARDS_DRY_RUN: "true" }, { dry_run: false }, 0],
  ])("%s: %#", async (_name, env, governance, writes) => {
    const { requests, gh } = ports(env);
    const [result] = await gh.executorFor(governance)([comment], silent);
    expect(requests).toHaveLength(writes);
    expect(result?.dryRun).toBe(writes === 0);
  });

  it("plain execute honours STEWARDS_DRY_RUN only", async () => {
    const live = ports({});
    await live.gh.execute([comment], silent);
    expect(live.requests).toHaveLength(1);
    const dry = ports({ STEWARDS_DRY_RUN: "1" });
    await dry.gh.execute([comment], silent);
    expect(dry.requests).toHaveLength(0);
  });
});
