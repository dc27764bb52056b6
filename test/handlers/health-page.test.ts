/**
 * The health page and health.json as served by the handler, over a real
 * HTTP server, from an in-memory store: what is answered, with which
 * headers, and that nothing but the store is read.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { rosterSchema } from "../../src/config/schema.js";
import { healthPageHandler } from "../../src/handlers/health-page.js";
import type { MergedPullRequest, SubmittedReview } from "../../src/ladder/contributions.js";
import type { SyncState } from "../../src/store/store.js";
import { cacheKey } from "../../src/usecases/current-governance.js";
import type { ValueStore } from "../../src/usecases/current-governance.js";
import { healthSnapshotKey, refreshHealthSnapshot, type LedgerReads } from "../../src/usecases/health-snapshot.js";
import { proposalIssueKey } from "../../src/usecases/proposal-records.js";
import { smallLadder } from "../ladder/builders.js";
import { silent } from "../support/silent-logger.js";

const NOW = new Date("2025-06-15T12:00:00.000Z");

function memoryStore(prs: MergedPullRequest[] = [], reviews: SubmittedReview[] = []) {
  const values = new Map<string, unknown>();
  const calls: string[] = [];
  let sync: SyncState | null = null;
  const store: ValueStore & LedgerReads = {
    async getValue<T>(key: string) {
      calls.push(`get ${key}`);
      return (values.has(key) ? structuredClone(values.get(key)) : null) as T | null;
    },
    async setValue<T>(key: string, value: T) {
      values.set(key, structuredClone(value));
    },
    async listPullRequests() {
      calls.push("listPullRequests");
      return prs;
    },
    async listReviews() {
      calls.push("listReviews");
      return reviews;
    },
    async getSyncState() {
      return sync;
    },
  };
  return { store, values, calls, setSync: (s: SyncState) => void (sync = s) };
}

function pr(author: string, day: string, n: number): MergedPullRequest {
  return { repo: "acme/widgets", number: n, author, mergedAt: `${day}T00:00:00.000Z`, additions: 3, deletions: 1, labels: [], paths: null, url: `https://github.com/acme/widgets/pull/${n}` };
}

const EVIL = `<img src=x onerror="alert(1)">`;

const LOG = [
  "# Governance log",
  "",
  `## D-0001 — promotion: ${EVIL}`,
  "",
  "- **Date:** 2025-06-02",
  "- **Role:** — → member",
  "- **Discussion:** [acme/widgets#3](https://github.com/acme/widgets/issues/3)",
  "",
  "## D-0002 — manual roster change: bob",
  "",
  "- **Date:** 2025-06-03",
  "- **Discussion:** [x](javascript:alert(1))",
  "",
].join("\n");

function seedLadder(values: Map<string, unknown>, repo = "acme/widgets") {
  const [owner = "", name = ""] = repo.split("/");
  values.set(cacheKey({ owner, repo: name }), {
    governance: smallLadder(),
    roster: rosterSchema.parse({ members: [{ login: "carol", role: "maintainer", since: "2025-01-01" }] }),
    rosterValid: true,
    currentlyInvalid: false,
    loadedAt: NOW.toISOString(),
  });
  values.set(proposalIssueKey(repo, 9), { repo, login: "ann", role: "member", kind: "promotion", issue: 9, state: "open", openedAt: "2025-06-01T00:00:00.000Z" });
}

/** What the sweep does: the ladder cached, then the snapshot refreshed from the log, the proposals and the ledger. */
async function seed(mem: ReturnType<typeof memoryStore>, opts: { private?: boolean; repo?: string } = {}) {
  const repo = opts.repo ?? "acme/widgets";
  const [owner = "", name = ""] = repo.split("/");
  seedLadder(mem.values, repo);
  const sources = { readFile: async () => LOG, findOpenProposals: async () => [9] };
  await refreshHealthSnapshot({ kv: mem.store, ledger: mem.store, sources, now: NOW, log: silent }, { owner, repo: name, private: opts.private ?? false });
  mem.calls.length = 0;
}

let server: Server | undefined;
async function serve(store: ValueStore): Promise<string> {
  const handle = healthPageHandler({ store, settings: { webUrl: "https://github.com" } });
  server = createServer((req, res) => {
    void handle(req, res).then((handled) => {
      if (!handled) {
        res.writeHead(418);
        res.end("not mine");
      }
    });
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
afterEach(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

describe("health page handler", () => {
  it("answers the same 404 for a repository never swept, a private one and one without a ladder", async () => {
    const mem = memoryStore();
    const { store, values } = mem;
    await seed(mem, { private: true, repo: "acme/secret" });
    await seed(mem, { repo: "acme/noladder" });
    values.set(cacheKey({ owner: "acme", repo: "noladder" }), { governance: null, roster: { members: [], emeritus: [] }, rosterValid: true, currentlyInvalid: false, loadedAt: NOW.toISOString() });
    const base = await serve(store);
    const answers = await Promise.all(
      ["/stewards/acme/unknown", "/stewards/acme/secret", "/stewards/acme/secret/health.json", "/stewards/acme/noladder"].map(async (p) => {
        const res = await fetch(base + p);
        return [res.status, await res.text(), res.headers.get("content-type")];
      }),
    );
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]?.[0]).toBe(404);
  });

  it("leaves other paths to other handlers", async () => {
    const base = await serve(memoryStore().store);
    expect((await fetch(`${base}/stewards`)).status).toBe(418);
    expect((await fetch(`${base}/stewards/a/b/c`)).status).toBe(418);
    expect((await fetch(`${base}/healthz`)).status).toBe(418);
  });

  it("serves health.json with SPEC's keys, from the store alone, with an ETag that gives 304", async () => {
    const mem = memoryStore([pr("ann", "2025-06-01", 1), pr("ann", "2025-06-02", 2), pr("bob", "2025-06-03", 3)]);
    const { store, calls } = mem;
    await seed(mem);
    const base = await serve(store);
    const res = await fetch(`${base}/stewards/acme/widgets/health.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("public, max-age=300");
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual([
      "repository", "period", "promotions", "demotions", "contested_share", "appeals", "manual_changes", "mergers_90d",
      "top1_merge_share", "top3_merge_share", "absence_factor", "near_next_rung", "stale_proposals", "funnel", "history",
    ]);
    // ann 2 of 3 merges; bob has 1 PR of member's 2; D-0001 promotion and D-0002 manual change in June; #9 opened 14 days ago.
    expect(body).toMatchObject({
      repository: "acme/widgets",
      period: { start: "2025-06-01T00:00:00.000Z", end: "2025-07-01T00:00:00.000Z" },
      promotions: 1,
      manual_changes: 1,
      contested_share: 0,
      mergers_90d: 2,
      top1_merge_share: 0.6667,
      top3_merge_share: 1,
      absence_factor: 1,
      near_next_rung: ["bob"],
      stale_proposals: [9],
      funnel: { member: 0, reviewer: 0, maintainer: 1 },
    });
    // A page view reads two values and measures nobody: no ledger read.
    expect(calls.sort()).toEqual(["get governance:acme/widgets", "get health:acme/widgets"]);

    const etag = res.headers.get("etag");
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await fetch(`${base}/stewards/acme/widgets/health.json`, { headers: { "if-none-match": etag! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
  });

  it("serves the page: HTML, inline SVG charts, no script, user text escaped, only http(s) links", async () => {
    const mem = memoryStore([pr("ann", "2025-06-01", 1), pr("evil\"><script>x</script>", "2025-06-02", 2)]);
    const { store } = mem;
    await seed(mem);
    const base = await serve(store);
    const res = await fetch(`${base}/stewards/acme/widgets`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    const page = await res.text();
    expect(page).toContain("<svg");
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toContain(EVIL);
    expect(page).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(page).not.toContain("javascript:");
    // Every src/href is a page-local link or a link to GitHub (no resource from another origin).
    expect(page).not.toMatch(/<[a-z][^>]*\s(src|srcset|xlink:href)=/i);
    for (const [, href] of page.matchAll(/href="([^"]*)"/g)) expect(href).toMatch(/^(https:\/\/github\.com\/|\/stewards\/|#)/);
    // The ETag is stable: the same data gives the same bytes (chart class names included).
    const second = await fetch(`${base}/stewards/acme/widgets`);
    expect(second.headers.get("etag")).toBe(res.headers.get("etag"));
    expect(await second.text()).toBe(page);
  });
});

describe("refreshHealthSnapshot", () => {
  const text = "# Log\n\n## D-0001 — promotion: alice\n\n- **Date:** 2025-06-02\n\n| criterion | threshold | measured | met | links |\n| --- | --- | --- | --- | --- |\n| merged PRs | 5 | 6 | ✅ | |\n";

  it("keeps the parsed log without evidence, the app's open proposals and the visibility", async () => {
    const { store, values } = memoryStore([pr("ann", "2025-06-01", 1)]);
    seedLadder(values);
    values.set(proposalIssueKey("acme/widgets", 4), { repo: "acme/widgets", login: "ann", role: "member", kind: "promotion", issue: 4, state: "open", openedAt: "2025-06-10T00:00:00.000Z" });
    const reads: string[] = [];
    const snapshot = await refreshHealthSnapshot(
      {
        kv: store,
        ledger: store,
        sources: {
          readFile: async (_r, path) => (reads.push(path), text),
          findOpenProposals: async () => [4, 5], // #5: no record in the store (not ours to count)
        },
        now: NOW,
        log: silent,
      },
      { owner: "acme", repo: "widgets", private: false },
    );
    expect(reads).toEqual(["GOVERNANCE-LOG.md"]);
    expect(snapshot).toMatchObject({
      repo: "acme/widgets",
      private: false,
      log: [{ id: "D-0001", kind: "promotion", kindText: "promotion", date: "2025-06-02", subject: "alice", role: null, reason: null, decidedBy: "", link: null }],
      openProposals: [{ issue: 4, login: "ann", role: "member", openedAt: "2025-06-10T00:00:00.000Z" }],
      refreshedAt: NOW.toISOString(),
      figures: {
        computedAt: NOW.toISOString(),
        // #4 was opened 5 days before: not stale yet.
        json: { promotions: 1, mergers_90d: 1, near_next_rung: ["ann"], stale_proposals: [] },
        progress: [
          { login: "ann", role: null, next: "member", standing: "1 requirement to go", requirements: [{ text: "merged PRs in the last 30 days: 1 of 2", met: false }] },
          { login: "carol", role: "maintainer", next: null, standing: "top rung", requirements: [] },
        ],
        progressTotal: 2,
      },
    });
    expect(values.get(healthSnapshotKey("ACME/Widgets"))).toEqual(snapshot);
  });

  it("reads nothing while the snapshot is younger than ten minutes, unless the visibility or the ledger changed", async () => {
    const mem = memoryStore();
    const { store } = mem;
    await seed(mem);
    const reads: string[] = [];
    const sources = { readFile: async (_r: unknown, path: string) => (reads.push(path), text), findOpenProposals: async () => (reads.push("issues"), []) };
    const later = new Date(NOW.getTime() + 9 * 60_000);
    const young = await refreshHealthSnapshot({ kv: store, ledger: store, sources, now: later, log: silent }, { owner: "acme", repo: "widgets", private: false });
    expect(reads).toEqual([]);
    expect(young?.log.map((e) => e.id)).toEqual(["D-0001", "D-0002"]);
    const hidden = await refreshHealthSnapshot({ kv: store, ledger: store, sources, now: later, log: silent }, { owner: "acme", repo: "widgets", private: true });
    expect(reads).toEqual(["GOVERNANCE-LOG.md", "issues"]);
    expect(hidden?.private).toBe(true);
    // New contributions read into the ledger (a backfill, a catch-up) refresh the figures at once too.
    mem.setSync({ repo: "acme/widgets", backfilled: true, updatedThrough: NOW.toISOString(), lastSyncAt: NOW.toISOString(), fields: { labels: true, paths: false } });
    await refreshHealthSnapshot({ kv: store, ledger: store, sources, now: later, log: silent }, { owner: "acme", repo: "widgets", private: true });
    expect(reads).toEqual(["GOVERNANCE-LOG.md", "issues", "GOVERNANCE-LOG.md", "issues"]);
  });

  it("forgets a repository whose ladder is gone", async () => {
    const mem = memoryStore();
    const { store, values } = mem;
    await seed(mem);
    values.set(cacheKey({ owner: "acme", repo: "widgets" }), { governance: null, roster: { members: [], emeritus: [] }, rosterValid: true, currentlyInvalid: false, loadedAt: NOW.toISOString() });
    const sources = { readFile: async () => text, findOpenProposals: async () => [] };
    expect(await refreshHealthSnapshot({ kv: store, ledger: store, sources, now: NOW, log: silent }, { owner: "acme", repo: "widgets", private: false })).toBeNull();
    expect(values.get(healthSnapshotKey("acme/widgets"))).toBeNull();
  });
});
