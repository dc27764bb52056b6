/**
 * History reads through a real Probot octokit against a nock'd GraphQL
 * endpoint that pages over a generated repository, into a real (in-memory)
 * embedded store.
 */
import { validate } from "@octokit/graphql-schema";
import nock from "nock";
import {
  backfillRepository,
  catchUpRepository,
  RateLimitLowError,
  RepositoryNotFoundError,
  type GraphqlClient,
  type HistoryProgress,
} from "../../src/github/history.js";
import { mergedPullRequestsQuery, type PullRequestNode } from "../../src/github/graphql-pull-requests.js";
import { MEMORY, openEmbeddedStore } from "../../src/store/embedded-store.js";
import { syncRepository } from "../../src/usecases/sync-history.js";
import type { LedgerStore } from "../../src/store/store.js";
import { probotTokenClient } from "../support/probot-client.js";


function client(): GraphqlClient {
  const octokit = probotTokenClient({ token: "t" });
  return { graphql: <T>(q: string, v: Record<string, unknown>) => octokit.then((o) => o.graphql<T>(q, v)) };
}

interface SeenRequest {
  query: string;
  variables: { owner: string; name: string; first: number; cursor: string | null };
}

/**
 * A repository of merged PRs on GitHub's GraphQL endpoint: answers the
 * history query newest update first, `first` per page, cursor = offset.
 * Costs 1 point per page plus 1 per nested optional connection, like GitHub.
 */
class FakeRepo {
  readonly seen: SeenRequest[] = [];
  remaining = 5000;

  constructor(
    readonly nameWithOwner: string,
    public prs: PullRequestNode[],
  ) {}

  /** Serves the next `pages` requests (and no more: an extra request fails the test with nock's "no match"). */
  serve(pages: number): nock.Scope {
    return nock("https://api.github.com")
      .post("/graphql")
      .times(pages)
      .reply(200, async (request) => {
        // nock 15 hands reply functions the fetch Request.
        const req = (await request.json()) as SeenRequest;
        this.seen.push(req);
        const sorted = [...this.prs].sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt));
        const start = req.variables.cursor ? Number(req.variables.cursor) : 0;
        const end = start + req.variables.first;
        const withLabels = req.query.includes("labels(");
        const withFiles = req.query.includes("files(");
        const cost = 1 + (withLabels ? 1 : 0) + (withFiles ? 1 : 0);
        this.remaining -= cost;
        const nodes = sorted.slice(start, end).map((pr) => {
          const { labels, files, ...rest } = pr;
          return { ...rest, ...(withLabels ? { labels } : {}), ...(withFiles ? { files } : {}) };
        });
        return {
          data: {
            repository: {
              nameWithOwner: this.nameWithOwner,
              pullRequests: {
                totalCount: sorted.length,
                pageInfo: { hasNextPage: end < sorted.length, endCursor: nodes.length ? String(end) : null },
                nodes,
              },
            },
            rateLimit: { cost, remaining: this.remaining, resetAt: "2030-01-01T00:00:00Z" },
          },
        };
      });
  }
}

const T0 = Date.parse("2024-06-01T00:00:00Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString().replace(".000Z", "Z");

/** PR `n`, merged and last updated `n` minutes after T0; two reviews each. */
function makePr(repo: string, n: number, over: Partial<PullRequestNode> = {}): PullRequestNode {
  return {
    number: n,
    url: `https://github.com/${repo}/pull/${n}`,
    author: { login: `author${n % 7}` },
    mergedAt: at(n),
    updatedAt: at(n),
    additions: n,
    deletions: 1,
    reviews: {
      totalCount: 2,
      nodes: [
        { databaseId: n * 10 + 1, author: { login: "Reviewer1" }, state: "APPROVED", submittedAt: at(n), url: `r${n}a` },
        { databaseId: n * 10 + 2, author: { login: "reviewer2" }, state: "COMMENTED", submittedAt: at(n), url: `r${n}b` },
      ],
    },
    labels: { totalCount: 1, nodes: [{ name: n % 2 ? "odd" : "even" }] },
    files: { totalCount: 1, nodes: [{ path: `src/f${n}.ts` }] },
    ...over,
  };
}

function makeRepo(nameWithOwner: string, count: number): FakeRepo {
  return new FakeRepo(nameWithOwner, Array.from({ length: count }, (_, i) => makePr(nameWithOwner, i + 1)));
}

let store: LedgerStore;
const NOW = () => new Date("2024-07-01T00:00:00Z");

beforeAll(async () => {
  nock.disableNetConnect();
  store = await openEmbeddedStore({ dataDir: MEMORY });
});
afterAll(async () => {
  await store.close();
  nock.enableNetConnect();
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

describe("the history query", () => {
  it.each([
    [{ labels: false, paths: false }, false, false],
    [{ labels: true, paths: false }, true, false],
    [{ labels: false, paths: true }, false, true],
    [{ labels: true, paths: true }, true, true],
  ])("with fields %j asks for labels: %s, files: %s, and is valid against GitHub's schema", async (fields, labels, files) => {
    const query = mergedPullRequestsQuery(fields);
    expect(validate(query).map((e) => e.message)).toEqual([]);

    const repo = makeRepo("query-o/r", 1);
    repo.serve(1);
    await backfillRepository(client(), store, { owner: "query-o", repo: "r", fields });
    expect(repo.seen).toHaveLength(1);
    expect(repo.seen[0]!.query.includes("labels(")).toBe(labels);
    expect(repo.seen[0]!.query.includes("files(")).toBe(files);
    expect(repo.seen[0]!.variables).toEqual({ owner: "query-o", name: "r", first: 100, cursor: null });
  });
});

describe("backfillRepository", () => {
  it("pages through 3 pages and stores every PR and review, with GitHub's spelling of the repo", async () => {
    const repo = makeRepo("Pages-Owner/Repo", 250);
    repo.serve(3);
    const progress: HistoryProgress[] = [];
    const result = await backfillRepository(client(), store, {
      owner: "pages-owner",
      repo: "repo",
      fields: { labels: true, paths: false },
      onProgress: (p) => progress.push(p),
      now: NOW,
    });

    expect(repo.seen.map((r) => r.variables.cursor)).toEqual([null, "100", "200"]);
    expect(progress.map((p) => [p.pages, p.prs, p.reviews, p.cost, p.total])).toEqual([
      [1, 100, 200, 2, 250],
      [2, 200, 400, 4, 250],
      [3, 250, 500, 6, 250],
    ]);
    expect(result).toMatchObject({ mode: "backfill", repo: "Pages-Owner/Repo", prs: 250, reviews: 500, cost: 6, remaining: 4994 });

    const prs = await store.listPullRequests({ repos: ["pages-owner/repo"] });
    expect(prs).toHaveLength(250);
    expect(prs[0]).toEqual({
      repo: "Pages-Owner/Repo",
      number: 1,
      author: "author1",
      mergedAt: "2024-06-01T00:01:00.000Z",
      additions: 1,
      deletions: 1,
      labels: ["odd"],
      paths: null,
      url: "https://github.com/Pages-Owner/Repo/pull/1",
    });
    const reviews = await store.listReviews({ owner: "Pages-Owner", logins: ["reviewer1"] });
    expect(reviews).toHaveLength(250);
    expect(reviews[0]).toMatchObject({ id: 11, prNumber: 1, prAuthor: "author1", reviewer: "Reviewer1", state: "APPROVED" });

    expect(await store.getSyncState("pages-owner/repo")).toEqual({
      repo: "Pages-Owner/Repo",
      backfilled: true,
      updatedThrough: "2024-06-01T04:10:00.000Z", // PR 250, the newest update
      lastSyncAt: "2024-07-01T00:00:00.000Z",
      fields: { labels: true, paths: false },
    });
  });

  it("skips ghost PRs, keeps reviews of them, and drops pending or authorless reviews", async () => {
    const repo = new FakeRepo("ghost-o/r", [
      makePr("ghost-o/r", 1, { author: null }),
      makePr("ghost-o/r", 2, {
        reviews: {
          totalCount: 3,
          nodes: [
            { databaseId: 21, author: null, state: "APPROVED", submittedAt: at(2), url: "x" },
            { databaseId: 22, author: { login: "r" }, state: "PENDING", submittedAt: null, url: "y" },
            { databaseId: 23, author: { login: "r" }, state: "CHANGES_REQUESTED", submittedAt: at(2), url: "z" },
          ],
        },
      }),
    ]);
    repo.serve(1);
    await backfillRepository(client(), store, { owner: "ghost-o", repo: "r", fields: { labels: false, paths: true } });
    expect((await store.listPullRequests({ owner: "ghost-o" })).map((p) => [p.number, p.paths])).toEqual([[2, ["src/f2.ts"]]]);
    expect((await store.listReviews({ owner: "ghost-o" })).map((r) => [r.id, r.prAuthor, r.state])).toEqual([
      [11, "ghost", "APPROVED"],
      [12, "ghost", "COMMENTED"],
      [23, "author2", "CHANGES_REQUESTED"],
    ]);
  });

  it("spells bots as REST does (dependabot[bot]), so exclude_authors and the roster match them", async () => {
    const repo = new FakeRepo("bots-o/r", [
      makePr("bots-o/r", 1, { author: { __typename: "Bot", login: "dependabot" }, reviews: { totalCount: 0, nodes: [] } }),
      makePr("bots-o/r", 2, {
        author: { __typename: "User", login: "ana" },
        reviews: { totalCount: 1, nodes: [{ databaseId: 31, author: { __typename: "Bot", login: "copilot-pull-request-reviewer" }, state: "COMMENTED", submittedAt: at(2), url: "r" }] },
      }),
    ]);
    repo.serve(1);
    await backfillRepository(client(), store, { owner: "bots-o", repo: "r", fields: { labels: false, paths: false } });
    expect((await store.listPullRequests({ owner: "bots-o" })).map((p) => p.author).sort()).toEqual(["ana", "dependabot[bot]"]);
    expect((await store.listReviews({ owner: "bots-o" })).map((r) => r.reviewer)).toEqual(["copilot-pull-request-reviewer[bot]"]);
    expect(repo.seen[0]!.query).toContain("author { __typename login }");
  });

  it("rejects with RepositoryNotFoundError when GitHub has no such repository", async () => {
    nock("https://api.github.com").post("/graphql").reply(200, { data: { repository: null, rateLimit: { cost: 1, remaining: 10, resetAt: "x" } } });
    await expect(backfillRepository(client(), store, { owner: "no", repo: "such", fields: { labels: false, paths: false } })).rejects.toBeInstanceOf(
      RepositoryNotFoundError,
    );
  });

  it("stops when the budget runs low, without marking the repository backfilled", async () => {
    const repo = makeRepo("budget-o/r", 250);
    repo.remaining = 51; // 50 left after page 1 (enough), 49 after page 2 (below the default floor of 50)
    repo.serve(2);
    await expect(
      backfillRepository(client(), store, { owner: "budget-o", repo: "r", fields: { labels: false, paths: false } }),
    ).rejects.toBeInstanceOf(RateLimitLowError);
    expect(repo.seen).toHaveLength(2);
    expect(await store.getSyncState("budget-o/r")).toBeNull();
    expect(await store.listPullRequests({ owner: "budget-o" })).toHaveLength(200);
  });
});

describe("catchUpRepository", () => {
  const fields = { labels: false, paths: false };

  async function backfilled(name: string, count: number): Promise<FakeRepo> {
    const repo = makeRepo(name, count);
    repo.serve(Math.ceil(count / 100));
    await backfillRepository(client(), store, { owner: name.split("/")[0]!, repo: name.split("/")[1]!, fields });
    repo.seen.length = 0;
    return repo;
  }

  it("costs one request when nothing changed", async () => {
    const repo = await backfilled("quiet-o/r", 250);
    repo.serve(1);
    const result = await catchUpRepository(client(), store, { owner: "quiet-o", repo: "r", fields, now: NOW });
    expect(result).toMatchObject({ mode: "catch-up", pages: 1, cost: 1, updatedThrough: "2024-06-01T04:10:00.000Z" });
    expect(await store.getSyncState("quiet-o/r")).toMatchObject({ lastSyncAt: "2024-07-01T00:00:00.000Z", backfilled: true });
  });

  it("stops at the first page that reaches PRs older than the last sync, and stores what changed", async () => {
    const repo = await backfilled("busy-o/r", 250);
    // 150 new merges after the backfill, and an old PR relabelled (updated) since.
    for (let n = 251; n <= 400; n++) repo.prs.push(makePr("busy-o/r", n, { updatedAt: at(1000 + n) }));
    repo.prs[4] = makePr("busy-o/r", 5, { updatedAt: at(2000), additions: 555 });
    repo.serve(2); // 151 changed PRs fit in 2 pages; the 2nd page reaches older PRs, so a 3rd is never asked for

    const result = await catchUpRepository(client(), store, { owner: "busy-o", repo: "r", fields });
    expect(repo.seen.map((r) => r.variables.cursor)).toEqual([null, "100"]);
    expect(result).toMatchObject({ mode: "catch-up", pages: 2, updatedThrough: at(2000).replace("Z", ".000Z") });
    const prs = await store.listPullRequests({ owner: "busy-o" });
    expect(prs).toHaveLength(400);
    expect(prs.find((p) => p.number === 5)?.additions).toBe(555);
  });

  it("reads PRs updated a little before the mark (clock skew overlap)", async () => {
    const repo = await backfilled("skew-o/r", 10);
    // Updated 2 minutes before the newest update seen, but not stored before (e.g. its webhook was missed).
    repo.prs.push(makePr("skew-o/r", 11, { updatedAt: at(8) }));
    repo.serve(1);
    await catchUpRepository(client(), store, { owner: "skew-o", repo: "r", fields });
    expect((await store.listPullRequests({ owner: "skew-o" })).map((p) => p.number)).toContain(11);
  });

  it("backfills a repository that was never backfilled", async () => {
    const repo = makeRepo("fresh-o/r", 150);
    repo.serve(2);
    const result = await catchUpRepository(client(), store, { owner: "fresh-o", repo: "r", fields });
    expect(result).toMatchObject({ mode: "backfill", pages: 2, prs: 150 });
  });

  it("reads the whole history again, with labels, when the ladder starts needing them", async () => {
    const repo = await backfilled("relabel-o/r", 150);
    repo.serve(2);
    const result = await catchUpRepository(client(), store, { owner: "relabel-o", repo: "r", fields: { labels: true, paths: false } });
    expect(result).toMatchObject({ mode: "backfill", pages: 2 });
    expect(repo.seen.every((r) => r.query.includes("labels("))).toBe(true);
    expect(await store.getSyncState("relabel-o/r")).toMatchObject({ fields: { labels: true, paths: false } });
    expect((await store.listPullRequests({ owner: "relabel-o" }))[0]?.labels).toEqual(["odd"]);

    // Dropping the need: catch-up without labels, and the ledger no longer claims to hold them current.
    repo.serve(1);
    await catchUpRepository(client(), store, { owner: "relabel-o", repo: "r", fields });
    expect(repo.seen.at(-1)!.query.includes("labels(")).toBe(false);
    expect(await store.getSyncState("relabel-o/r")).toMatchObject({ fields: { labels: false, paths: false } });
    expect((await store.listPullRequests({ owner: "relabel-o" }))[0]?.labels).toEqual(["odd"]);
  });

  it("stores the labels of a history read without them as unknown (null), never as []", async () => {
    const repo = makeRepo("nolabels-o/r", 3);
    repo.serve(1);
    await backfillRepository(client(), store, { owner: "nolabels-o", repo: "r", fields: { labels: false, paths: false } });
    expect((await store.listPullRequests({ owner: "nolabels-o" })).map((p) => p.labels)).toEqual([null, null, null]);
  });
});

describe("syncRepository", () => {
  function recordingLog() {
    const lines: Array<{ level: string; obj: Record<string, unknown>; msg?: string }> = [];
    const at = (level: string) => (obj: object, msg?: string) => lines.push({ level, obj: obj as Record<string, unknown>, msg });
    return { lines, log: { info: at("info"), warn: at("warn") } };
  }

  it("backfills first, catches up after, and backfills again when labels become needed, logging progress", async () => {
    const repo = makeRepo("sync-o/r", 1150);
    const { lines, log } = recordingLog();
    const deps = { graphql: client(), store, log, now: NOW };
    const fields = { labels: false, paths: false };

    repo.serve(12);
    const first = await syncRepository(deps, { owner: "sync-o", repo: "r", fields });
    expect(first).toMatchObject({ mode: "backfill", pages: 12, prs: 1150, cost: 12 });
    expect(lines.map((l) => l.msg)).toEqual([
      "reading history: backfill",
      "backfill: 100/1150 PRs, 1 points",
      "backfill: 1000/1150 PRs, 10 points",
      "history backfilled",
    ]);
    expect(lines.at(-1)!.obj).toMatchObject({ repo: "sync-o/r", pages: 12, prs: 1150, reviews: 2300, cost: 12, remaining: 5000 - 12 });

    lines.length = 0;
    repo.serve(1);
    const second = await syncRepository(deps, { owner: "sync-o", repo: "r", fields });
    expect(second).toMatchObject({ mode: "catch-up", pages: 1, cost: 1 });
    expect(lines.map((l) => l.msg)).toEqual(["history caught up"]);

    lines.length = 0;
    repo.serve(12);
    const third = await syncRepository(deps, { owner: "sync-o", repo: "r", fields: { labels: true, paths: false } });
    expect(third).toMatchObject({ mode: "backfill", cost: 24 });
    expect(lines[0]).toMatchObject({ msg: "reading history: backfill", obj: { reason: "the ladder needs fields the ledger lacks" } });
  });
});
