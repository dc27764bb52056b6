/**
 * The one test suite every `LedgerStore` implementation passes: the embedded
 * store always, PostgreSQL when TEST_DATABASE_URL is set (store.test.ts).
 * Tests share one open store per implementation (opening PGlite costs about a
 * second), so each test works in its own repositories, owners and keys.
 */
import type { MergedPullRequest, SubmittedReview } from "../../src/ladder/contributions.js";
import type { LedgerStore, SyncState } from "../../src/store/store.js";

export interface StoreSubject {
  /** A store on a new, empty database. */
  open(): Promise<LedgerStore>;
  /** A new empty database that outlives its store: `open` may be called again after `close` and sees the same data. */
  persistent(): Promise<{ open(): Promise<LedgerStore>; dispose(): Promise<void> }>;
  /** True when several stores may be open on one database at once (PostgreSQL across replicas). */
  multiProcess: boolean;
}

export function pr(repo: string, number: number, over: Partial<MergedPullRequest> = {}): MergedPullRequest {
  return {
    repo,
    number,
    author: "alice",
    mergedAt: "2024-03-01T10:00:00Z",
    additions: 10,
    deletions: 2,
    labels: [],
    paths: null,
    url: `https://github.com/${repo}/pull/${number}`,
    ...over,
  };
}

export function review(id: number, repo: string, over: Partial<SubmittedReview> = {}): SubmittedReview {
  return {
    id,
    repo,
    prNumber: 1,
    prAuthor: "alice",
    reviewer: "bob",
    state: "APPROVED",
    submittedAt: "2024-03-01T11:00:00Z",
    url: `https://github.com/${repo}/pull/1#pullrequestreview-${id}`,
    ...over,
  };
}

/** Dates come back in `toISOString()` form; compare instants, not spellings. */
const iso = (s: string) => new Date(s).toISOString();
const keys = (prs: MergedPullRequest[]) => prs.map((p) => `${p.repo}#${p.number}`);

export function storeContract(subject: StoreSubject): void {
  let store: LedgerStore;

  beforeAll(async () => {
    store = await subject.open();
  });
  afterAll(async () => {
    await store?.close();
  });

  describe("claimDelivery", () => {
    it("gives true to exactly one of 20 concurrent claims of one id", async () => {
      const results = await Promise.all(Array.from({ length: 20 }, () => store.claimDelivery("delivery-race")));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.claimDelivery("delivery-race")).toBe(false);
    });

    it("gives true to each distinct id", async () => {
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.claimDelivery(`delivery-distinct-${i}`)));
      expect(results.every(Boolean)).toBe(true);
    });

    it("forgets pruned deliveries, keeps recent ones", async () => {
      expect(await store.claimDelivery("delivery-pruned")).toBe(true);
      await store.pruneDeliveries("2000-01-01T00:00:00Z");
      expect(await store.claimDelivery("delivery-pruned")).toBe(false);
      await store.pruneDeliveries(new Date(Date.now() + 60_000).toISOString());
      expect(await store.claimDelivery("delivery-pruned")).toBe(true);
    });
  });

  describe("pull requests", () => {
    it("upserts idempotently and replaces fields", async () => {
      const repo = "upsert-org/one";
      await store.upsertPullRequests([pr(repo, 1), pr(repo, 2, { labels: ["bug"] })]);
      await store.upsertPullRequests([pr(repo, 1), pr(repo, 2, { labels: ["bug"] })]);
      let got = await store.listPullRequests({ repos: [repo] });
      expect(keys(got)).toEqual([`${repo}#1`, `${repo}#2`]);

      await store.upsertPullRequests([pr(repo, 1, { additions: 99, labels: ["trivial"], author: "Alice2" })]);
      got = await store.listPullRequests({ repos: [repo] });
      expect(got).toHaveLength(2);
      expect(got.find((p) => p.number === 1)).toMatchObject({ additions: 99, labels: ["trivial"], author: "Alice2" });
    });

    it("round-trips every field; dates come back as the same instant", async () => {
      const repo = "roundtrip-org/one";
      const record = pr(repo, 7, { mergedAt: "2024-05-06T07:08:09Z", labels: ["a", "b"], paths: ["src/x.ts", "docs/y.md"], deletions: 0 });
      await store.upsertPullRequests([record]);
      const [got] = await store.listPullRequests({ repos: [repo] });
      expect(got).toEqual({ ...record, mergedAt: iso(record.mergedAt) });
    });

    it("lets the last record of a key win within one call", async () => {
      const repo = "dup-org/one";
      await store.upsertPullRequests([pr(repo, 1, { additions: 1 }), pr(repo, 1, { additions: 2 })]);
      const got = await store.listPullRequests({ repos: [repo] });
      expect(got.map((p) => p.additions)).toEqual([2]);
    });

    it("never erases known paths with unknown (null) ones", async () => {
      const repo = "paths-org/one";
      await store.upsertPullRequests([pr(repo, 1, { paths: ["a.ts"] })]);
      await store.upsertPullRequests([pr(repo, 1, { paths: null, labels: ["late"] })]);
      const [got] = await store.listPullRequests({ repos: [repo] });
      expect(got).toMatchObject({ paths: ["a.ts"], labels: ["late"] });
    });

    it("stores unknown labels as null, and never erases known labels with unknown ones", async () => {
      const repo = "labels-org/one";
      await store.upsertPullRequests([pr(repo, 1, { labels: null }), pr(repo, 2, { labels: ["docs"] }), pr(repo, 3, { labels: [] })]);
      await store.upsertPullRequests([pr(repo, 2, { labels: null, additions: 7 })]);
      const got = await store.listPullRequests({ repos: [repo] });
      expect(got.map((p) => [p.number, p.labels, p.additions])).toEqual([
        [1, null, 10],
        [2, ["docs"], 7],
        [3, [], 10],
      ]);
    });

    it("keeps stored labels and paths for fields a batch does not carry", async () => {
      const repo = "fields-org/one";
      await store.upsertPullRequests([pr(repo, 1, { labels: ["trivial"], paths: ["a.ts"] })]);
      await store.upsertContributions({
        pullRequests: [pr(repo, 1, { additions: 5, labels: [], paths: null }), pr(repo, 2, { labels: ["ignored"], paths: ["ignored"] })],
        reviews: [review(9001, repo)],
        fields: { labels: false, paths: false },
      });
      const got = await store.listPullRequests({ repos: [repo] });
      // A new PR's labels not carried are unknown (null), never [] ("no labels").
      expect(got.map((p) => [p.number, p.additions, p.labels, p.paths])).toEqual([
        [1, 5, ["trivial"], ["a.ts"]],
        [2, 10, null, null],
      ]);
      expect((await store.listReviews({ repos: [repo] })).map((r) => r.id)).toEqual([9001]);
    });

    it("deletes a PR", async () => {
      const repo = "delete-org/one";
      await store.upsertPullRequests([pr(repo, 1), pr(repo, 2)]);
      await store.deletePullRequest("DELETE-org/One", 1);
      expect(keys(await store.listPullRequests({ repos: [repo] }))).toEqual([`${repo}#2`]);
    });
  });

  describe("queries", () => {
    const prs = [
      pr("Query-Org/Alpha", 1, { author: "Alice", mergedAt: "2024-01-01T00:00:00Z" }),
      pr("query-org/beta", 2, { author: "bob", mergedAt: "2024-02-01T00:00:00Z" }),
      pr("query-org/alpha", 3, { author: "ALICE", mergedAt: "2024-03-01T00:00:00Z" }),
      pr("query-orgx/alpha", 4, { author: "alice", mergedAt: "2024-04-01T00:00:00Z" }),
      pr("other/query-org", 5, { author: "carol", mergedAt: "2024-05-01T00:00:00Z" }),
    ];
    const reviews = [
      review(101, "Query-Org/Alpha", { reviewer: "Bob", submittedAt: "2024-01-02T00:00:00Z" }),
      review(102, "query-org/beta", { reviewer: "alice", submittedAt: "2024-02-02T00:00:00Z" }),
      review(103, "query-orgx/alpha", { reviewer: "BOB", submittedAt: "2024-04-02T00:00:00Z" }),
      review(2_500_000_000, "query-org/beta", { reviewer: "bob", submittedAt: "2024-06-02T00:00:00Z" }),
    ];

    beforeAll(async () => {
      await store.upsertContributions({ pullRequests: prs, reviews });
    });

    const allOfTheseRepos = ["query-org/alpha", "query-org/beta", "query-orgx/alpha", "other/query-org", "Query-Org/Alpha"];

    it.each([
      ["repos, case-insensitive", { repos: ["QUERY-ORG/ALPHA"] }, ["Query-Org/Alpha#1", "query-org/alpha#3"]],
      ["owner, case-insensitive, not a prefix of another owner", { owner: "QUERY-org" }, ["Query-Org/Alpha#1", "query-org/beta#2", "query-org/alpha#3"]],
      ["since, inclusive", { repos: allOfTheseRepos, since: "2024-03-01T00:00:00Z" }, ["query-org/alpha#3", "query-orgx/alpha#4", "other/query-org#5"]],
      ["logins, case-insensitive", { repos: allOfTheseRepos, logins: ["alice"] }, ["Query-Org/Alpha#1", "query-org/alpha#3", "query-orgx/alpha#4"]],
      ["everything combined", { owner: "query-org", since: "2024-02-01T00:00:00Z", logins: ["Alice", "BOB"] }, ["query-org/beta#2", "query-org/alpha#3"]],
      ["no repos", { repos: [] }, []],
      ["no logins", { owner: "query-org", logins: [] }, []],
    ])("lists PRs by %s, oldest merge first", async (_name, query, expected) => {
      expect(keys(await store.listPullRequests(query))).toEqual(expected);
    });

    it.each([
      ["owner", { owner: "query-org" }, [101, 102, 2_500_000_000]],
      ["logins match the reviewer, case-insensitive", { repos: allOfTheseRepos, logins: ["bob"] }, [101, 103, 2_500_000_000]],
      ["since", { owner: "Query-Org", since: "2024-02-02T00:00:00Z" }, [102, 2_500_000_000]],
      ["repos", { repos: ["QUERY-ORGX/alpha"] }, [103]],
    ])("lists reviews by %s, oldest first", async (_name, query, expected) => {
      expect((await store.listReviews(query)).map((r) => r.id)).toEqual(expected);
    });

    it("returns review records whole, with ids beyond 32 bits intact", async () => {
      const [got] = await store.listReviews({ repos: ["query-org/beta"], since: "2024-06-01T00:00:00Z" });
      const expected = reviews[3]!;
      expect(got).toEqual({ ...expected, submittedAt: iso(expected.submittedAt) });
    });
  });

  describe("sync state", () => {
    it("is null before the first sync", async () => {
      expect(await store.getSyncState("never/synced")).toBeNull();
    });

    it("round-trips, keyed case-insensitively, and is replaced by a later set", async () => {
      const state: SyncState = {
        repo: "Sync-Org/Repo",
        backfilled: false,
        updatedThrough: null,
        lastSyncAt: null,
        fields: { labels: true, paths: false },
      };
      await store.setSyncState(state);
      expect(await store.getSyncState("sync-org/repo")).toEqual(state);

      const later: SyncState = {
        ...state,
        backfilled: true,
        updatedThrough: "2024-05-01T12:00:00Z",
        lastSyncAt: "2024-05-01T12:05:00Z",
        fields: { labels: false, paths: true },
      };
      await store.setSyncState(later);
      expect(await store.getSyncState("SYNC-ORG/REPO")).toEqual({
        ...later,
        updatedThrough: iso(later.updatedThrough!),
        lastSyncAt: iso(later.lastSyncAt!),
      });
    });
  });

  describe("kv", () => {
    it.each([
      ["an object", { ladder: { roles: ["member"] }, n: 1 }],
      ["an array", [1, "two", null]],
      ["a string", "plain"],
      ["a number", 42],
      ["false", false],
    ])("round-trips %s", async (name, value) => {
      await store.setValue(`kv:${name}`, value);
      expect(await store.getValue(`kv:${name}`)).toEqual(value);
    });

    it("is null when absent and replaced by a later set", async () => {
      expect(await store.getValue("kv:absent")).toBeNull();
      await store.setValue("kv:replace", { v: 1 });
      await store.setValue("kv:replace", { v: 2 });
      expect(await store.getValue("kv:replace")).toEqual({ v: 2 });
    });
  });

  describe("leases", () => {
    it("gives a free lease to exactly one of 10 concurrent holders", async () => {
      const wins = await Promise.all(Array.from({ length: 10 }, (_, i) => store.acquireLease("lease:one", `h${i}`, 60_000)));
      expect(wins.filter(Boolean)).toHaveLength(1);
    });

    it("renews for its holder, refuses others, and is free again once released or expired", async () => {
      expect(await store.acquireLease("lease:two", "a", 60_000)).toBe(true);
      expect(await store.acquireLease("lease:two", "a", 60_000)).toBe(true);
      expect(await store.acquireLease("lease:two", "b", 60_000)).toBe(false);
      await store.releaseLease("lease:two", "b");
      expect(await store.acquireLease("lease:two", "b", 60_000)).toBe(false);
      await store.releaseLease("lease:two", "a");
      expect(await store.acquireLease("lease:two", "b", 30)).toBe(true);
      await new Promise((r) => setTimeout(r, 80));
      expect(await store.acquireLease("lease:two", "c", 60_000)).toBe(true);
    });

    it("refuses keys outside the lease namespace", async () => {
      await expect(store.acquireLease("proposal:x", "a", 1000)).rejects.toThrow(/lease:/);
    });
  });

  describe("content grants (the shared content budget)", () => {
    const threePerSecond = [{ max: 3, windowMs: 1000 }];

    it("grants up to the window's limit, then says how long until a slot frees, and grants again after that", async () => {
      const first = Date.now();
      expect(await store.grantContentRequest("grant:a", threePerSecond)).toBe(0);
      expect(await store.grantContentRequest("grant:a", threePerSecond)).toBe(0);
      expect(await store.grantContentRequest("grant:a", threePerSecond)).toBe(0);
      const wait = await store.grantContentRequest("grant:a", threePerSecond);
      expect(wait).toBeGreaterThan(0);
      // The slot frees when the oldest of the three leaves the window: about a second after the first grant.
      expect(wait).toBeLessThanOrEqual(1000 - (Date.now() - first) + 50);
      // Refusing recorded nothing: asking again still waits.
      expect(await store.grantContentRequest("grant:a", threePerSecond)).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, wait + 20));
      expect(await store.grantContentRequest("grant:a", threePerSecond)).toBe(0);
    });

    it("keeps keys apart and holds every window at once", async () => {
      const windows = [{ max: 5, windowMs: 1000 }, { max: 2, windowMs: 60_000 }];
      expect(await store.grantContentRequest("grant:b", windows)).toBe(0);
      expect(await store.grantContentRequest("grant:b", windows)).toBe(0);
      // The minute's window is full although the second's is not: the wait is the minute's.
      expect(await store.grantContentRequest("grant:b", windows)).toBeGreaterThan(55_000);
      expect(await store.grantContentRequest("grant:c", windows)).toBe(0);
    });

    it("grants exactly the limit to 12 concurrent requests of one key", async () => {
      const waits = await Promise.all(Array.from({ length: 12 }, () => store.grantContentRequest("grant:d", [{ max: 4, windowMs: 60_000 }])));
      expect(waits.filter((w) => w === 0)).toHaveLength(4);
    });
  });

  describe("persistence", () => {
    it("keeps everything when the store is closed and opened again", async () => {
      const db = await subject.persistent();
      try {
        const first = await db.open();
        await first.upsertContributions({ pullRequests: [pr("persist/one", 1)], reviews: [review(77, "persist/one")] });
        await first.setSyncState({ repo: "persist/one", backfilled: true, updatedThrough: "2024-01-01T00:00:00.000Z", lastSyncAt: null, fields: { labels: true, paths: true } });
        await first.setValue("persist", { kept: true });
        expect(await first.claimDelivery("persist-delivery")).toBe(true);
        await first.close();

        const second = await db.open();
        try {
          expect(keys(await second.listPullRequests({ owner: "persist" }))).toEqual(["persist/one#1"]);
          expect((await second.listReviews({ owner: "persist" })).map((r) => r.id)).toEqual([77]);
          expect(await second.getSyncState("persist/one")).toMatchObject({ backfilled: true, fields: { labels: true, paths: true } });
          expect(await second.getValue("persist")).toEqual({ kept: true });
          expect(await second.claimDelivery("persist-delivery")).toBe(false);
        } finally {
          await second.close();
        }
      } finally {
        await db.dispose();
      }
    });
  });

  if (subject.multiProcess) {
    describe("several replicas", () => {
      it("migrates once when five stores open one new database together, and they share claims", async () => {
        const db = await subject.persistent();
        try {
          const stores = await Promise.all(Array.from({ length: 5 }, () => db.open()));
          try {
            const claims = await Promise.all(stores.map((s) => s.claimDelivery("replica-race")));
            expect(claims.filter(Boolean)).toHaveLength(1);
            // One content budget between them: 5 stores asking 4 times each, 6 granted in all.
            const waits = await Promise.all(stores.flatMap((s) => Array.from({ length: 4 }, () => s.grantContentRequest("grant:replicas", [{ max: 6, windowMs: 60_000 }]))));
            expect(waits.filter((w) => w === 0)).toHaveLength(6);
          } finally {
            await Promise.all(stores.map((s) => s.close()));
          }
        } finally {
          await db.dispose();
        }
      });
    });
  }
}
