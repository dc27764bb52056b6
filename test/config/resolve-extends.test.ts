/**
 * Our `_extends` resolution must read the same files as Probot's config
 * loader (@probot/octokit-plugin-config, reached as `octokit.config.get`).
 * Each scenario is served by one fake GitHub and run through both.
 */
import nock from "nock";
import { configSourceFromOctokit } from "../../src/config/probot-config-source.js";
import { resolveChain } from "../../src/config/resolve-extends.js";
import { probotTokenClient } from "../support/probot-client.js";

const API = "https://api.github.com";

/** Serves `owner/repo:path` -> text; everything else 404. Records each request. */
function serve(files: Record<string, string>): string[] {
  const seen: string[] = [];
  nock(API)
    .persist()
    .get(/^\/repos\/[^/]+\/[^/]+\/contents\/.+/)
    .reply((uri: unknown) => {
      // nock 15 hands the reply callback a fetch Request rather than the path.
      const url = new URL(typeof uri === "string" ? uri : (uri as { url: string }).url, API);
      const m = /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/.exec(url.pathname)!;
      const ref = url.searchParams.get("ref");
      const key = `${m[1]}/${m[2]}:${decodeURIComponent(m[3]!)}`;
      seen.push(ref ? `${key}@${ref}` : key);
      const text = files[key];
      return text === undefined ? [404, { message: "Not Found" }] : [200, text, { "content-type": "text/plain; charset=utf-8" }];
    });
  return seen;
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const P = ".github/governance.yml";

const scenarios: Array<{ name: string; files: Record<string, string>; expected: string[] }> = [
  { name: "the repository's file alone", files: { [`acme/widget:${P}`]: "a: 1\n" }, expected: [`acme/widget:${P}`] },
  { name: "nothing anywhere", files: {}, expected: [] },
  { name: "org fallback", files: { [`acme/.github:${P}`]: "a: 1\n" }, expected: [`acme/.github:${P}`] },
  {
    name: "_extends: .github",
    files: { [`acme/widget:${P}`]: "_extends: .github\n", [`acme/.github:${P}`]: "a: 1\n" },
    expected: [`acme/widget:${P}`, `acme/.github:${P}`],
  },
  {
    name: "org fallback that itself extends",
    files: { [`acme/.github:${P}`]: "_extends: shared\n", [`acme/shared:${P}`]: "a: 1\n" },
    expected: [`acme/.github:${P}`, `acme/shared:${P}`],
  },
  {
    name: "owner/repo:path, then a repo relative to the REQUESTED owner and path",
    files: {
      [`acme/widget:${P}`]: "_extends: other/base:conf/ladder.yml\n",
      "other/base:conf/ladder.yml": "_extends: shared\n",
      [`acme/shared:${P}`]: "a: 1\n",
    },
    expected: [`acme/widget:${P}`, "other/base:conf/ladder.yml", `acme/shared:${P}`],
  },
  {
    name: "extending a file that does not exist",
    files: { [`acme/widget:${P}`]: "_extends: missing\n" },
    expected: [`acme/widget:${P}`],
  },
  {
    name: "an empty repository file does not fall back to the org",
    files: { [`acme/widget:${P}`]: "", [`acme/.github:${P}`]: "a: 1\n" },
    expected: [`acme/widget:${P}`],
  },
];

describe("resolveChain reads what Probot's loader reads", () => {
  it.each(scenarios)("$name", async ({ files, expected }) => {
    const octokit = await probotTokenClient();

    const pluginSeen = serve(files);
    const plugin = await octokit.config.get({ owner: "acme", repo: "widget", path: P, branch: "feature" });
    const pluginFiles = plugin.files.filter((f) => f.config !== null).map((f) => `${f.owner}/${f.repo}:${f.path}`);
    nock.cleanAll();

    const oursSeen = serve(files);
    const chain = await resolveChain(configSourceFromOctokit(octokit), { owner: "acme", repo: "widget", path: P, ref: "feature" });
    const ours = chain.files.map((f) => `${f.owner}/${f.repo}:${f.path}`);

    expect(ours).toEqual(expected);
    expect(pluginFiles).toEqual(expected);
    // Same requests, same refs: the repository's file at the ref, the rest on their default branch.
    expect(oursSeen).toEqual(pluginSeen);
    expect(chain.problems).toEqual([]);
  });

  it("names files as the loader reports them: own path plain, others owner/repo:path", async () => {
    serve({ [`acme/widget:${P}`]: "_extends: .github\n", [`acme/.github:${P}`]: "a: 1\n" });
    const chain = await resolveChain(configSourceFromOctokit(await probotTokenClient()), { owner: "acme", repo: "widget", path: P });
    expect(chain.files.map((f) => [f.name, f.isBase])).toEqual([
      [P, false],
      [`acme/.github:${P}`, true],
    ]);
  });
});
