/**
 * Reading histories (usecases/sync-history.ts) and the readiness gate in
 * front of every measurement (usecases/history-readiness.ts): one failing
 * repository does not stop the others; a history never read, or read
 * without a field the ladder counts by, is not measured — the gate asks for
 * it and says "pending".
 */
import type { GraphqlClient } from "../../src/github/history.js";
import type { MergedPullRequestsResponse } from "../../src/github/graphql-pull-requests.js";
import { MEMORY, openEmbeddedStore } from "../../src/store/embedded-store.js";
import type { LedgerStore, SyncState } from "../../src/store/store.js";
import {
  backfillJobKey,
  HistoryPendingError,
  historyGate,
  historyReady,
  waitDelaySeconds,
} from "../../src/usecases/history-readiness.js";
import { syncRepositories } from "../../src/usecases/sync-history.js";

let store: LedgerStore;
beforeAll(async () => {
  store = await openEmbeddedStore({ dataDir: MEMORY });
});
afterAll(async () => {
  await store?.close();
});

/** GitHub's GraphQL for a few repositories: one merged PR each; `broken` answers 502. */
function graphql(broken: ReadonlySet<string>): GraphqlClient & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async graphql<T>(_query: string, variables: Record<string, unknown>): Promise<T> {
      const name = `${String(variables.owner)}/${String(variables.name)}`;
      asked.push(name);
      if (broken.has(name)) throw Object.assign(new Error("Bad Gateway"), { status: 502 });
      const data: MergedPullRequestsResponse = {
        repository: {
          nameWithOwner: name,
          pullRequests: {
            totalCount: 1,
            pageInfo: { hasNextPage: false, endCursor: null },
            nodes: [
              { number: 1, url: `https://github.com/${name}/pull/1`, author: { login: "ana" }, mergedAt: "2026-10-01T00:00:00Z", updatedAt: "2026-10-01T00:00:00Z", additions: 3, deletions: 1, reviews: { totalCount: 0, nodes: [] } },
            ],
          },
        },
        rateLimit: { cost: 1, remaining: 4999, resetAt: "2026-10-01T01:00:00Z" },
      };
      return data as T;
    },
  };
}

function recordingLog() {
  const errors: Array<{ obj: object; msg?: string }> = [];
  const log = {
    info: () => undefined,
    warn: () => undefined,
    error: (obj: object, msg?: string) => void errors.push({ obj, msg }),
    child: () => log,
  };
  return { log, errors };
}

describe("syncRepositories", () => {
  it("isolates each repository: one that fails is logged with its name and error, the others are still read", async () => {
    const gh = graphql(new Set(["iso/broken"]));
    const { log, errors } = recordingLog();
    const fields = { labels: false, paths: false };
    const result = await syncRepositories({ graphql: gh, store, log, fieldsFor: async () => fields }, ["iso/first", "iso/broken", "iso/last"]);

    expect(gh.asked).toEqual(["iso/first", "iso/broken", "iso/last"]);
    expect(result.synced.map((r) => r.repo)).toEqual(["iso/first", "iso/last"]);
    expect(result.failed.map((f) => [f.repo, (f.error as Error).message])).toEqual([["iso/broken", "Bad Gateway"]]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.obj).toMatchObject({ repo: "iso/broken", err: expect.objectContaining({ message: "Bad Gateway" }) });
    expect(errors[0]!.msg).toContain("iso/broken");
    expect(await store.getSyncState("iso/last")).toMatchObject({ backfilled: true });
    expect(await store.getSyncState("iso/broken")).toBeNull();
  });

  it("isolates a repository whose ladder cannot be read too", async () => {
    const { log, errors } = recordingLog();
    const result = await syncRepositories(
      {
        graphql: graphql(new Set()),
        store,
        log,
        fieldsFor: async (r) => {
          if (r.repo === "noladder") throw new Error("contents API 500");
          return { labels: false, paths: false };
        },
      },
      ["iso2/noladder", "iso2/fine"],
    );
    expect(result.failed.map((f) => f.repo)).toEqual(["iso2/noladder"]);
    expect(result.synced.map((r) => r.repo)).toEqual(["iso2/fine"]);
    expect(errors.map((e) => (e.obj as { repo: string }).repo)).toEqual(["iso2/noladder"]);
  });
});

const state = (s: Partial<SyncState>): SyncState => ({ repo: "o/r", backfilled: true, updatedThrough: null, lastSyncAt: "2026-10-01T00:00:00.000Z", fields: { labels: false, paths: false }, ...s });

describe("the history readiness gate", () => {
  it.each([
    ["never read", null, { labels: false, paths: false }, false],
    ["read, no fields needed", state({}), { labels: false, paths: false }, true],
    ["a backfill that never finished", state({ backfilled: false }), { labels: false, paths: false }, false],
    ["read without labels, the ladder now excludes labels", state({}), { labels: true, paths: false }, false],
    ["read with labels", state({ fields: { labels: true, paths: false } }), { labels: true, paths: false }, true],
    ["read without paths, the ladder counts paths", state({ fields: { labels: true, paths: false } }), { labels: false, paths: true }, false],
  ])("%s → ready: %s", (_name, s, wanted, ready) => {
    expect(historyReady(s, wanted)).toBe(ready);
  });

  it("asks for the history and rejects with HistoryPendingError when it is not read; passes when it is", async () => {
    const asked: Array<[string, SyncState | null]> = [];
    const states = new Map<string, SyncState | null>([["o/read", state({ fields: { labels: true, paths: false } })], ["o/old", state({})]]);
    const gate = historyGate({
      getSyncState: async (r) => states.get(r) ?? null,
      requestBackfill: async (r, s) => {
        asked.push([`${r.owner}/${r.repo}`, s]);
        return "queued";
      },
    });
    const labels = { labels: true, paths: false };
    await expect(gate.require({ owner: "o", repo: "read" }, labels)).resolves.toBeUndefined();
    await expect(gate.require({ owner: "o", repo: "new" }, labels)).rejects.toMatchObject({ name: "HistoryPendingError", repo: "o/new", reason: "never read" });
    await expect(gate.require({ owner: "o", repo: "old" }, labels)).rejects.toBeInstanceOf(HistoryPendingError);
    await expect(gate.require({ owner: "o", repo: "old" }, labels)).rejects.toMatchObject({ reason: "read without fields the ladder needs" });
    expect(asked.map(([r]) => r)).toEqual(["o/new", "o/old", "o/old"]);
  });

  it("passes once a port that reads inline has read the history", async () => {
    let s: SyncState | null = null;
    const gate = historyGate({
      getSyncState: async () => s,
      requestBackfill: async () => {
        s = state({});
        return "read";
      },
    });
    await expect(gate.require({ owner: "o", repo: "r" }, { labels: false, paths: false })).resolves.toBeUndefined();
  });

  it("keys one backfill job per repository and sync state (case-insensitive), within an hour", () => {
    const at = new Date("2026-12-04T19:10:00Z");
    expect(backfillJobKey("Acme/Widgets", null, at)).toBe(backfillJobKey("acme/widgets", null, new Date("2026-12-04T19:59:59Z")));
    expect(backfillJobKey("acme/widgets", null, at)).not.toBe(backfillJobKey("acme/widgets", state({}), at));
    expect(backfillJobKey("acme/widgets", null, at)).not.toBe(backfillJobKey("acme/widgets", null, new Date("2026-12-04T20:00:00Z")));
  });

  it("waits 2, 4, 8, 16 s, then every 30 s", () => {
    expect([1, 2, 3, 4, 5, 6, 100].map(waitDelaySeconds)).toEqual([2, 4, 8, 16, 30, 30, 30]);
  });
});
