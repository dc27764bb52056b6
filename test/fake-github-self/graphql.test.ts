import { parse } from "graphql";
import { ProbotOctokit } from "probot";
import { graphqlCost } from "../fake-github/graphql-cost.js";
import { loadGithubGraphqlSchema } from "../fake-github/graphql-schema.js";
import { startFakeGitHub } from "../fake-github/server.js";
import type { FakeGitHub } from "../fake-github/server.js";

const Octokit = ProbotOctokit.defaults({ throttle: { enabled: false }, retry: { enabled: false } });

const HISTORY = /* GraphQL */ `
  query History($owner: String!, $name: String!, $after: String) {
    repository(owner: $owner, name: $name) {
      pullRequests(states: [MERGED], first: 100, after: $after, orderBy: { field: UPDATED_AT, direction: ASC }) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes {
          number url title mergedAt updatedAt additions deletions
          author { __typename login }
          reviews(first: 100) { nodes { databaseId author { login } state submittedAt url } }
        }
      }
    }
    rateLimit { cost remaining resetAt limit used }
  }
`;

interface HistoryPage {
  repository: {
    pullRequests: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      nodes: { number: number; author: { __typename: string; login: string }; reviews: { nodes: { databaseId: number; author: { login: string }; state: string }[] } }[];
    };
  };
  rateLimit: { cost: number; remaining: number; limit: number; used: number };
}

let fake: FakeGitHub;
let octokit: InstanceType<typeof Octokit>;

beforeEach(async () => {
  fake = await startFakeGitHub();
  fake.addRepo({ owner: "acme", name: "widgets", installationId: 7 });
  octokit = new Octokit({ auth: { token: fake.issueToken(7) }, baseUrl: fake.apiUrl });
});

afterEach(async () => {
  await fake.close();
});

function seed(count: number): void {
  for (let n = 1; n <= count; n++) {
    const day = String(1 + (n % 28)).padStart(2, "0");
    fake.addMergedPullRequest("acme", "widgets", {
      number: n,
      author: n % 10 === 0 ? "dependabot[bot]" : `dev${n % 7}`,
      mergedAt: `2025-01-${day}T10:00:00Z`,
      updatedAt: `2025-01-${day}T10:00:00Z`,
      additions: 10,
      deletions: 2,
      labels: n % 5 === 0 ? ["trivial"] : [],
      paths: ["src/a.ts", "docs/b.md"],
      reviews: [{ id: 10_000 + n, author: "rev", state: "APPROVED", submittedAt: `2025-01-${day}T09:00:00Z` }],
    });
  }
}

describe("fake GitHub GraphQL", () => {
  it("pages through merged pull requests at 1 point per 100 with reviews, tracking the budget", async () => {
    seed(250);
    const numbers: number[] = [];
    const costs: number[] = [];
    let after: string | null = null;
    let last: HistoryPage | undefined;
    do {
      last = await octokit.graphql<HistoryPage>(HISTORY, { owner: "acme", name: "widgets", after });
      numbers.push(...last.repository.pullRequests.nodes.map((p) => p.number));
      costs.push(last.rateLimit.cost);
      after = last.repository.pullRequests.pageInfo.hasNextPage ? last.repository.pullRequests.pageInfo.endCursor : null;
    } while (after);

    expect(numbers).toHaveLength(250);
    expect(new Set(numbers).size).toBe(250);
    expect(costs).toEqual([1, 1, 1]);
    expect(last.rateLimit).toMatchObject({ limit: 5000, remaining: 4997, used: 3 });
    expect(fake.graphqlPointsSpent).toBe(3);
    expect(fake.requests.map((r) => r.path)).toEqual(["/api/graphql", "/api/graphql", "/api/graphql"]);
    fake.assertNoViolations();
  });

  it("resolves the Actor interface to Bot or User, naming bots without [bot] as GitHub's GraphQL does", async () => {
    seed(10);
    const page = await octokit.graphql<HistoryPage>(HISTORY, { owner: "acme", name: "widgets" });
    const authors = new Map(page.repository.pullRequests.nodes.map((p) => [p.number, p.author]));
    expect(authors.get(10)).toEqual({ __typename: "Bot", login: "dependabot" });
    expect(authors.get(3)).toEqual({ __typename: "User", login: "dev3" });
    expect(page.repository.pullRequests.nodes[0]?.reviews.nodes[0]).toMatchObject({ author: { login: "rev" }, state: "APPROVED" });
  });

  it.each([
    ["a field GitHub does not have", `query { repository(owner: "acme", name: "widgets") { nam } }`, "graphql-invalid"],
    ["a missing required argument", `query { repository(owner: "acme") { name } }`, "graphql-invalid"],
    ["a field the fake does not model", `query { repository(owner: "acme", name: "widgets") { stargazerCount } }`, "graphql-unmodelled"],
  ])("rejects %s and records a violation", async (_name, query, kind) => {
    await expect(octokit.graphql(query)).rejects.toThrow();
    expect(fake.violations.map((v) => v.kind)).toEqual([kind]);
    expect(() => fake.assertNoViolations()).toThrow(kind);
  });

  it("answers GitHub's own errors (not found, pagination limits) without recording violations", async () => {
    await expect(octokit.graphql(`query { repository(owner: "acme", name: "nope") { name } }`)).rejects.toMatchObject({
      errors: [{ type: "NOT_FOUND", message: "Could not resolve to a Repository with the name 'acme/nope'." }],
    });
    await expect(octokit.graphql(`query { repository(owner: "acme", name: "widgets") { pullRequests(first: 101) { totalCount } } }`)).rejects.toMatchObject({
      errors: [{ type: "EXCESSIVE_PAGINATION" }],
    });
    await expect(octokit.graphql(`query { repository(owner: "acme", name: "widgets") { pullRequests { totalCount } } }`)).rejects.toMatchObject({
      errors: [{ type: "MISSING_PAGINATION_BOUNDARIES" }],
    });
    fake.assertNoViolations();
  });

  it("answers viewer with the app's bot for an installation token", async () => {
    const result = await octokit.graphql<{ viewer: { login: string } }>(`query { viewer { login } }`);
    expect(result.viewer.login).toBe("stewards[bot]");
  });
});

const COMMIT = /* GraphQL */ `
  mutation Commit($input: CreateCommitOnBranchInput!) {
    createCommitOnBranch(input: $input) { commit { oid url } }
  }
`;

describe("fake GitHub GraphQL: createCommitOnBranch", () => {
  const b64 = (text: string) => Buffer.from(text).toString("base64");
  const head = () => fake.state.requireRepo("acme", "widgets").refs.get("heads/main")!;

  it("commits additions and deletions as the app's bot when the branch is where the caller expects", async () => {
    fake.putFile("acme", "widgets", "old.txt", "bye\n");
    const before = head();
    const result = await octokit.graphql<{ createCommitOnBranch: { commit: { oid: string; url: string } } }>(COMMIT, {
      input: {
        branch: { repositoryNameWithOwner: "acme/widgets", branchName: "main" },
        expectedHeadOid: before,
        message: { headline: "D-0001: promote ana", body: "why" },
        fileChanges: { additions: [{ path: "a/b.yml", contents: b64("x: 1\n") }], deletions: [{ path: "old.txt" }] },
      },
    });
    const sha = result.createCommitOnBranch.commit.oid;
    expect(head()).toBe(sha);
    expect(fake.file("acme", "widgets", "a/b.yml")).toBe("x: 1\n");
    expect(fake.file("acme", "widgets", "old.txt")).toBeUndefined();
    const commit = fake.state.requireRepo("acme", "widgets").commits.get(sha)!;
    expect(commit).toMatchObject({ parents: [before], message: "D-0001: promote ana\n\nwhy" });
    expect(result.createCommitOnBranch.commit.url).toBe(`${fake.url}/acme/widgets/commit/${sha}`);
    fake.assertNoViolations();
  });

  it("writes nothing and answers STALE_DATA when the branch moved", async () => {
    const stale = head();
    fake.putFile("acme", "widgets", "someone-else.txt", "pushed\n");
    const moved = head();
    await expect(
      octokit.graphql(COMMIT, { input: { branch: { repositoryNameWithOwner: "acme/widgets", branchName: "main" }, expectedHeadOid: stale, message: { headline: "late" }, fileChanges: { additions: [{ path: "x", contents: b64("x") }] } } }),
    ).rejects.toMatchObject({ errors: [{ type: "STALE_DATA", message: `Expected branch to point to "${stale}" but it did not. Pull and try again.` }] });
    expect(head()).toBe(moved);
    expect(fake.file("acme", "widgets", "x")).toBeUndefined();
    // A race GitHub reports, not a mistake of the caller's.
    fake.assertNoViolations();
  });
});

describe("GraphQL rate-limit cost (GitHub's documented formula)", () => {
  const { schema } = loadGithubGraphqlSchema();
  it.each([
    ["no connection", `query { viewer { login } }`, {}, 0, 1],
    ["100 PRs", `query { repository(owner:"o", name:"r") { pullRequests(first: 100) { nodes { number } } } }`, {}, 1, 1],
    ["100 PRs with reviews", HISTORY, { owner: "o", name: "r" }, 101, 1],
    ["100 PRs with reviews, labels and files", `query { repository(owner:"o", name:"r") { pullRequests(first: 100) { nodes { reviews(first: 100) { totalCount } labels(first: 10) { totalCount } files(first: 100) { totalCount } } } } }`, {}, 301, 3],
    ["GitHub's docs example", `query { viewer { repositories(first: 100) { edges { node { issues(first: 50) { edges { node { labels(first: 60) { edges { node { name } } } } } } } } } } }`, {}, 5101, 51],
    ["page size from a variable, through a fragment", `query($n: Int) { repository(owner:"o", name:"r") { ...F } } fragment F on Repository { pullRequests(first: $n) { nodes { reviews(last: 50) { totalCount } } } }`, { n: 40 }, 41, 1],
  ])("%s", (_name, query, variables, requests, cost) => {
    expect(graphqlCost(schema, parse(query), undefined, variables)).toEqual({ requests, cost });
  });
});
