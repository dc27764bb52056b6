/**
 * The periodic sweep (src/handlers/sweep.ts → syncAll → catchUpRepository)
 * against the stateful fake GitHub, with requests counted in the fake's log:
 * the first sweep backfills, a sweep with nothing new reads one page, and a
 * sweep after missed deliveries reads only the pages that changed — and
 * brings what changed (new merges, a relabelled old PR) into the ledger.
 */
import { readFileSync } from "node:fs";
import type { Probot } from "probot";
import { probotAgainst } from "../support/probot-client.js";
import { mergedPullRequestsQuery } from "../../src/github/graphql-pull-requests.js";
import { sweepNow } from "../../src/handlers/sweep.js";
import { Metrics } from "../../src/runtime/metrics.js";
import type { Services } from "../../src/runtime/services.js";
import { AllInstallationsOf, type AccessSyncCall } from "./harness.js";
import { readSettings } from "../../src/runtime/settings.js";
import { openStore } from "../../src/store/open-store.js";
import { isReadRequest } from "../fake-github/request-kinds.js";
import { startFakeGitHub, type FakeGitHub } from "../fake-github/server.js";

const OWNER = "acme";
const REPO = "widgets";
const HOUR = 3_600_000;
const T0 = Date.parse("2026-01-01T00:00:00Z");
const NOW = new Date("2026-11-21T00:00:00Z");

let fake: FakeGitHub;
let services: Services;
let probot: Probot;

function merge(number: number, at: number) {
  const iso = new Date(at).toISOString();
  fake.addMergedPullRequest(OWNER, REPO, {
    number,
    author: `dev${number % 5}`,
    mergedAt: iso,
    additions: 10,
    deletions: 1,
    reviews: [{ author: `dev${(number + 1) % 5}`, state: "APPROVED", submittedAt: iso }],
  });
}

const graphqlRequests = () => fake.requests.filter((r) => r.route === "POST /graphql");
const cursors = () => graphqlRequests().map((r) => (r.body as { variables: { cursor: string | null } }).variables.cursor);

beforeAll(async () => {
  fake = await startFakeGitHub({ now: () => NOW });
  fake.addRepo({ owner: OWNER, name: REPO, installationId: 7 });
  fake.putFile(OWNER, REPO, ".github/governance.yml", readFileSync("fixtures/governance/spec-example.yml", "utf8"));
  // Everyone already holds the top role, so the sweep has nobody to propose and this file can count history reads alone.
  fake.putFile(OWNER, REPO, ".github/roster.yml", `members:\n${[0, 1, 2, 3, 4].map((i) => `  - login: dev${i}\n    role: maintainer\n    since: 2024-01-01\n`).join("")}`);
  // 250 merges, an hour apart: three pages of history.
  for (let n = 1; n <= 250; n++) merge(n, T0 + n * HOUR);
  const store = await openStore({ databaseUrl: null, dataDir: "memory://" });
  services = {
    store,
    settings: readSettings({}),
    clock: () => NOW,
    background: new Set(),
    metrics: new Metrics({ defaultMetrics: false }),
    installationAccounts: new AllInstallationsOf({ id: 7, login: OWNER }),
    // This file counts history reads; the sweep's access part is recorded here and run in keep-access and access e2e tests.
    keepAccess: async (_octokit, _log, input) => void accessSyncs.push(input),
    // Governance health (its snapshot and report issue) is tested in test/handlers/health-*.test.ts and its e2e.
    healthSweep: async () => undefined,
  };
  probot = probotAgainst(fake);
});

afterAll(async () => {
  await services?.store.close();
  await fake?.close();
});

const accessSyncs: AccessSyncCall[] = [];
beforeEach(() => {
  fake.resetLog();
  accessSyncs.length = 0;
});
afterEach(() => fake.assertNoViolations());

describe("the periodic sweep", () => {
  it("backfills a repository it has never read (3 pages for 250 PRs)", async () => {
    expect(await sweepNow(probot, services)).toEqual({ installations: 1, repositories: 1, failed: 0 });
    expect(cursors()).toHaveLength(3);
    expect((await services.store.listPullRequests({ repos: [`${OWNER}/${REPO}`] })).length).toBe(250);
    expect(await services.store.getSyncState(`${OWNER}/${REPO}`)).toMatchObject({ backfilled: true, updatedThrough: new Date(T0 + 250 * HOUR).toISOString() });
  });

  it("with nothing new reads one page of history (1 GraphQL request, no writes)", async () => {
    await sweepNow(probot, services);
    expect(cursors()).toEqual([null]);
    // The ladder is cached and the installation token too: listing installations and repositories, one page of
    // history, then the open promotion issues (whose reactions the sweep re-reads; there are none), then the open
    // demotion notices (one list: the store's records are checked against GitHub's, for a crash between the two).
    expect(fake.requests.map((r) => r.route)).toEqual(["GET /app/installations", "GET /installation/repositories", "POST /graphql", "GET /repos/{owner}/{repo}/issues", "GET /repos/{owner}/{repo}/issues"]);
    expect(fake.requests.filter((r) => r.route === "GET /repos/{owner}/{repo}/issues").map((r) => r.query.labels)).toEqual(["stewards:promotion", "stewards:demotion"]);
    // Then access, once per repository, with the owner's kind from the repository list (no request for it).
    expect(accessSyncs.map((c) => [c.repo.repo, c.defaultBranch, c.ownerType, c.report])).toEqual([[REPO, "main", "Organization", true]]);
    expect(fake.requests.every(isReadRequest)).toBe(true);
    expect(graphqlRequests()[0]!.body).toMatchObject({ query: mergedPullRequestsQuery({ labels: true, paths: false }) });
  });

  it("after missed deliveries reads only the pages that changed, and brings the changes into the ledger", async () => {
    // 150 merges whose webhooks never arrived, and an old PR relabelled since the last sync.
    for (let n = 251; n <= 400; n++) merge(n, T0 + n * HOUR);
    const old = fake.state.requireRepo(OWNER, REPO).issues.get(5)!;
    old.labels = ["trivial"];
    old.updatedAt = new Date(T0 + 500 * HOUR).toISOString();

    await sweepNow(probot, services);

    // 151 changed PRs: the first page is all new, the second reaches PRs older than the
    // last sync and ends the walk; pages 3 and 4 (the 249 unchanged PRs) are never asked for.
    expect(cursors()).toHaveLength(2);
    expect(cursors()[0]).toBeNull();
    expect(fake.requests.every(isReadRequest)).toBe(true);
    const prs = await services.store.listPullRequests({ repos: [`${OWNER}/${REPO}`] });
    expect(prs).toHaveLength(400);
    expect(prs.find((p) => p.number === 5)?.labels).toEqual(["trivial"]);
    expect(prs.find((p) => p.number === 400)).toMatchObject({ author: "dev0", mergedAt: new Date(T0 + 400 * HOUR).toISOString() });
    expect(await services.store.getSyncState(`${OWNER}/${REPO}`)).toMatchObject({ updatedThrough: new Date(T0 + 500 * HOUR).toISOString() });

    // And the next sweep is back to one page.
    fake.resetLog();
    await sweepNow(probot, services);
    expect(cursors()).toEqual([null]);
  });

  it("isolates each repository: one whose history cannot be read is counted as failed, the others are still swept", async () => {
    fake.addRepo({ owner: OWNER, name: "broken", installationId: 7 });
    // The broken repository's sync fails at its first step (its sync state cannot be read).
    const store = new Proxy(services.store, {
      get(target, prop, receiver) {
        if (prop === "getSyncState") {
          return async (repo: string) => {
            if (repo.toLowerCase() === `${OWNER}/broken`) throw new Error("sync state unreadable");
            return target.getSyncState(repo);
          };
        }
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const result = await sweepNow(probot, { ...services, store });
    expect(result).toEqual({ installations: 1, repositories: 2, failed: 1 });
    // widgets was caught up and its proposals and access swept (broken has no ladder: no access to keep).
    expect(cursors()).toEqual([null]);
    expect(accessSyncs.map((c) => c.repo.repo)).toEqual([REPO]);
    expect(await services.store.getValue("sweep:last")).toMatchObject({ repositories: 2, failed: 1 });
  });
});
