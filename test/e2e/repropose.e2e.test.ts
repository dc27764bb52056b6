/**
 * Issue 10, finding 4, end to end: after an approval lands, nothing proposes
 * the person just promoted again — not the sweeps that follow, not the app's
 * own push webhook for the decision commit (delivered late, and twice), on
 * one replica and on two replicas sharing one PostgreSQL with deliveries
 * alternated between them and both sweeping. The real server (`npm start`),
 * signed webhooks, the stateful fake GitHub.
 *
 * Two scenarios, one per cause found: (1) ana's promotion, with the sweeps
 * running as they do (the sweep that applied an approval measured everyone
 * with the roster it read before); (2) ben's, while a reload of the cached
 * roster is slow: it read the roster before ben's commit and answers after
 * the commit refreshed the cache (a proxy in front of GitHub holds that one
 * response), and must not write its read back over the refresh.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import pg from "pg";
import type { FakeGitHub } from "../fake-github/server.js";
import { startGhesFake } from "../support/ghes-fake.js";
import { eventually, freePort, installedAppEnv, startApp, type AppProcess } from "../support/app-process.js";
import { examplePayload, sendWebhook } from "../support/webhooks.js";

const OWNER = "acme";
const REPO = "widgets";
const INSTALLATION = 7;
const SECRET = "repropose-secret";
const DAY = 86_400_000;
const ROSTER_PATH = ".github/roster.yml";
const LOG_PATH = "GOVERNANCE-LOG.md";
const ladder = readFileSync("fixtures/governance/spec-example.yml", "utf8");
const ROSTER = "members:\n  - login: alice\n    role: maintainer\n    since: 2024-01-15\n  - login: bob\n    role: maintainer\n    since: 2024-03-01\n";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function seededFake(): Promise<FakeGitHub> {
  return startGhesFake().then((fake) => {
    fake.addRepo({ owner: OWNER, name: REPO, installationId: INSTALLATION });
    fake.putFile(OWNER, REPO, ".github/governance.yml", ladder);
    fake.putFile(OWNER, REPO, ROSTER_PATH, ROSTER);
    // ana: 4 merged PRs in the window; member needs 5, which the scenario's merge brings.
    const now = Date.now();
    for (let i = 1; i <= 4; i++) fake.addMergedPullRequest(OWNER, REPO, { number: i, author: "ana", mergedAt: new Date(now - (60 - i) * DAY).toISOString(), additions: 10, deletions: 2 });
    // ben likewise, for the second scenario (PRs #200–#203; his fifth is #500).
    for (let i = 0; i < 4; i++) fake.addMergedPullRequest(OWNER, REPO, { number: 200 + i, author: "ben", mergedAt: new Date(now - (50 - i) * DAY).toISOString(), additions: 10, deletions: 2 });
    return fake;
  });
}

/** Sends deliveries to the replicas in turn (one replica: always that one). */
class Deliveries {
  private n = 0;
  constructor(private readonly apps: readonly AppProcess[]) {}
  send(event: string, payload: unknown) {
    const app = this.apps[this.n % this.apps.length]!;
    return sendWebhook(app.webhookUrl, { secret: SECRET, event, deliveryId: `repropose-${process.pid}-${++this.n}`, payload });
  }
}

/**
 * An HTTP proxy in front of the fake GitHub that can hold back the response
 * to one request: GitHub has answered (the roster's text is what the branch
 * held then), the app has not got the answer yet — a slow read.
 */
interface HoldingProxy {
  host: string;
  /** Holds the response to the next GET whose URL matches `re`. */
  holdNext(re: RegExp): void;
  /** How many responses are held now. */
  held(): number;
  release(): void;
  close(): Promise<void>;
}

async function startHoldingProxy(fake: FakeGitHub): Promise<HoldingProxy> {
  const [host, port] = fake.host.split(":") as [string, string];
  let armed: RegExp | null = null;
  const held: Array<() => void> = [];
  // Upstream requests use fetch, not node:http's client: a nock-using test file that ran
  // before in this jest worker can leave node:http patched with net connect disabled (the
  // request is then refused and the app sees "other side closed"); fetch is not affected.
  const DROPPED = new Set(["host", "connection", "keep-alive", "content-length", "transfer-encoding"]);
  const server: Server = createServer((req, res) => {
    const hold = armed !== null && req.method === "GET" && armed.test(req.url ?? "");
    if (hold) armed = null;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && !DROPPED.has(k)) headers[k] = v;
      const body = req.method === "GET" || req.method === "HEAD" || chunks.length === 0 ? undefined : Buffer.concat(chunks);
      fetch(`http://${host}:${port}${req.url ?? "/"}`, { method: req.method, headers, ...(body ? { body } : {}) })
        .then(async (answer) => {
          const text = Buffer.from(await answer.arrayBuffer());
          const out: Record<string, string> = {};
          // fetch has already decoded the body: its encoding and length no longer apply.
          answer.headers.forEach((v, k) => {
            if (!DROPPED.has(k) && k !== "content-encoding") out[k] = v;
          });
          const forward = () => {
            res.writeHead(answer.status, out);
            res.end(text);
          };
          if (hold) held.push(forward);
          else forward();
        })
        .catch(() => res.destroy());
    });
  });
  const listen = await freePort();
  await new Promise<void>((r) => server.listen(listen, "127.0.0.1", () => r()));
  return {
    host: `127.0.0.1:${listen}`,
    holdNext: (re) => void (armed = re),
    held: () => held.length,
    release: () => held.splice(0).forEach((f) => f()),
    close: () => {
      held.splice(0).forEach((f) => f());
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A read of the roster at the default branch (no `ref`): what the cache reloads. */
const ROSTER_READ = /\/contents\/\.github(%2F|\/)roster\.yml$/;

const sweepsFinished = (app: AppProcess) => (app.output().match(/"msg":"sweep finished"/g) ?? []).length;

/**
 * The whole promotion, then sweeps and the push webhooks; returns nothing,
 * asserts as it goes. `apps`: the replicas, deliveries alternated between them.
 */
async function promoteThenSweep(fake: FakeGitHub, apps: readonly AppProcess[]): Promise<void> {
  const deliveries = new Deliveries(apps);
  const promotionIssues = () => fake.issues(OWNER, REPO).filter((i) => i.labels.includes("stewards:promotion") && /\bana\b/.test(i.title) && /member/.test(i.title));
  const comment = (body: string, issue: number, sender: string) =>
    examplePayload("issue_comment", "created", {
      owner: OWNER,
      repo: REPO,
      installationId: INSTALLATION,
      sender,
      patch: { issue: { number: issue }, comment: { body, user: { login: sender, id: 9000, type: "User" } }, repository: { default_branch: "main" } },
    });

  // ana becomes eligible: her fifth PR merges.
  fake.addMergedPullRequest(OWNER, REPO, { number: 5, author: "ana", mergedAt: new Date().toISOString(), additions: 3, deletions: 0 });
  await deliveries.send(
    "pull_request",
    examplePayload("pull_request", "closed", {
      owner: OWNER,
      repo: REPO,
      installationId: INSTALLATION,
      sender: "ana",
      patch: {
        pull_request: { number: 5, merged: true, merged_at: new Date().toISOString(), additions: 3, deletions: 0, labels: [], user: { login: "ana", id: 5005, type: "User" } },
        repository: { default_branch: "main" },
      },
    }),
  );
  const [issue] = await eventually(() => (promotionIssues().length ? promotionIssues() : undefined), "the promotion issue", 60_000);

  // Two maintainers approve; a comment makes the app re-read the reactions (the sweeps do too, every 2 s).
  fake.addReaction(OWNER, REPO, { issue: issue!.number }, { user: "alice", content: "+1" });
  fake.addReaction(OWNER, REPO, { issue: issue!.number }, { user: "bob", content: "+1" });
  await deliveries.send("issue_comment", comment("Approved, welcome!", issue!.number, "carol"));
  await eventually(() => fake.issues(OWNER, REPO).find((i) => i.number === issue!.number)!.state === "closed", "the approval to land", 60_000);
  const repo = fake.state.requireRepo(OWNER, REPO);
  const decision = [...repo.commits.values()].find((c) => /^D-\d+: promote ana to member/.test(c.message))!;
  expect(decision).toBeDefined();

  // The app's own push for the decision commit, as GitHub sends it: at once, to each replica in turn.
  const push = () =>
    examplePayload("push", undefined, {
      owner: OWNER,
      repo: REPO,
      installationId: INSTALLATION,
      sender: "stewards[bot]",
      patch: {
        ref: "refs/heads/main",
        before: decision.parents[0],
        after: decision.sha,
        deleted: false,
        sender: { login: "stewards[bot]", type: "Bot" },
        repository: { default_branch: "main" },
        head_commit: { id: decision.sha, message: decision.message, added: [], removed: [], modified: [ROSTER_PATH, LOG_PATH] },
        commits: [{ id: decision.sha, message: decision.message, added: [], removed: [], modified: [ROSTER_PATH, LOG_PATH] }],
      },
    });
  await deliveries.send("push", push());

  // Two sweeps per replica after the approval. Both replicas' timers run, but with the queue the sweep is
  // one job at a time across them, run by whichever worker takes it (in practice often the same one)…
  const total = () => apps.reduce((n, a) => n + sweepsFinished(a), 0);
  const base = total();
  await eventually(() => total() >= base + 2 * apps.length, "two sweeps per replica", 90_000);
  // …then the same push again, late (GitHub redelivers; a second replica gets it), and as many sweeps again.
  for (let i = 0; i < apps.length; i++) await deliveries.send("push", push());
  const later = total();
  await eventually(() => total() >= later + 2 * apps.length, "two more sweeps per replica", 90_000);
  // A merged PR of ana's after the promotion measures her as a member: nothing to propose.
  fake.addMergedPullRequest(OWNER, REPO, { number: 60, author: "ana", mergedAt: new Date().toISOString(), additions: 3, deletions: 0 });
  await deliveries.send(
    "pull_request",
    examplePayload("pull_request", "closed", {
      owner: OWNER,
      repo: REPO,
      installationId: INSTALLATION,
      sender: "ana",
      patch: {
        pull_request: { number: 60, merged: true, merged_at: new Date().toISOString(), additions: 3, deletions: 0, labels: [], user: { login: "ana", id: 5060, type: "User" } },
        repository: { default_branch: "main" },
      },
    }),
  );
  await sleep(3000);

  // One proposal for ana as member, ever; she is on the roster once; one decision, written once.
  expect(promotionIssues().map((i) => [i.number, i.state])).toEqual([[issue!.number, "closed"]]);
  const roster = fake.file(OWNER, REPO, ROSTER_PATH)!;
  expect(roster.match(/login: ana\b/g)).toHaveLength(1);
  expect(roster).toMatch(/- login: ana\n\s+role: member\n\s+since: \d{4}-\d{2}-\d{2}\n\s+decision: D-0001/);
  const log = fake.file(OWNER, REPO, LOG_PATH)!;
  expect(log.match(/^## D-\d+ — .*$/gm)).toEqual(["## D-0001 — promotion: ana"]);
  expect([...repo.commits.values()].filter((c) => / promote ana /.test(c.message))).toHaveLength(1);
  const outcomes = fake.comments(OWNER, REPO, issue!.number).filter((c) => c.user.login.endsWith("[bot]") && /D-0001/.test(c.body));
  expect(outcomes).toHaveLength(1);
  expect(fake.issues(OWNER, REPO).filter((i) => i.state === "open" && i.labels.includes("stewards:promotion"))).toEqual([]);
  fake.assertNoViolations();
}

function mergedPr(number: number, author: string) {
  return examplePayload("pull_request", "closed", {
    owner: OWNER,
    repo: REPO,
    installationId: INSTALLATION,
    sender: author,
    patch: {
      pull_request: { number, merged: true, merged_at: new Date().toISOString(), additions: 3, deletions: 0, labels: [], user: { login: author, id: 5000 + number, type: "User" } },
      repository: { default_branch: "main" },
    },
  });
}

/**
 * Scenario 2: ben's promotion lands while another reader's reload of the
 * cached roster is slow — it read the roster before ben's commit, and its
 * answer arrives after the commit refreshed the cache. Then sweeps.
 */
async function promoteDuringSlowReload(fake: FakeGitHub, apps: readonly AppProcess[], proxy: HoldingProxy): Promise<void> {
  const deliveries = new Deliveries(apps);
  const bensIssues = () => fake.issues(OWNER, REPO).filter((i) => i.labels.includes("stewards:promotion") && /\bben\b/.test(i.title) && /member/.test(i.title));
  const total = () => apps.reduce((n, a) => n + sweepsFinished(a), 0);
  fake.addMergedPullRequest(OWNER, REPO, { number: 500, author: "ben", mergedAt: new Date().toISOString(), additions: 3, deletions: 0 });
  await deliveries.send("pull_request", mergedPr(500, "ben"));
  const [issue] = await eventually(() => (bensIssues().length ? bensIssues() : undefined), "ben's promotion issue", 60_000);

  // Someone edits the roster by hand (a comment line, nobody's role changes): the push expires the cache.
  // The next reader reloads it — and that read's answer is held back.
  proxy.holdNext(ROSTER_READ);
  const head = fake.state.resolveRef(fake.state.requireRepo(OWNER, REPO), "main")!;
  const edit = fake.putFile(OWNER, REPO, ROSTER_PATH, `${fake.file(OWNER, REPO, ROSTER_PATH)!}# Reviewed by alice.\n`, { message: "roster: a note" });
  await deliveries.send(
    "push",
    examplePayload("push", undefined, {
      owner: OWNER,
      repo: REPO,
      installationId: INSTALLATION,
      sender: "alice",
      patch: {
        ref: "refs/heads/main",
        before: head,
        after: edit,
        deleted: false,
        sender: { login: "alice", type: "User" },
        repository: { default_branch: "main" },
        head_commit: { id: edit, message: "roster: a note", added: [], removed: [], modified: [ROSTER_PATH] },
        commits: [{ id: edit, message: "roster: a note", added: [], removed: [], modified: [ROSTER_PATH] }],
      },
    }),
  );
  await eventually(() => proxy.held() > 0, "a reload of the roster to be under way (its answer held)", 30_000);

  // Meanwhile ben is approved: the comment's own reload is answered at once, the commit lands, the cache is refreshed.
  fake.addReaction(OWNER, REPO, { issue: issue!.number }, { user: "alice", content: "+1" });
  fake.addReaction(OWNER, REPO, { issue: issue!.number }, { user: "bob", content: "+1" });
  await deliveries.send(
    "issue_comment",
    examplePayload("issue_comment", "created", {
      owner: OWNER,
      repo: REPO,
      installationId: INSTALLATION,
      sender: "carol",
      patch: { issue: { number: issue!.number }, comment: { body: "LGTM", user: { login: "carol", id: 9001, type: "User" } }, repository: { default_branch: "main" } },
    }),
  );
  await eventually(() => fake.issues(OWNER, REPO).find((i) => i.number === issue!.number)!.state === "closed", "ben's approval to land", 60_000);
  await eventually(() => fake.comments(OWNER, REPO, issue!.number).some((c) => c.user.login.endsWith("[bot]") && /promot|D-\d+/.test(c.body)), "the outcome comment");
  // Now the slow reload gets its answer: the roster from before ben's commit.
  proxy.release();

  const base = total();
  await eventually(() => total() >= base + 2 * apps.length, "two sweeps per replica", 90_000);
  fake.addMergedPullRequest(OWNER, REPO, { number: 900, author: "ben", mergedAt: new Date().toISOString(), additions: 3, deletions: 0 });
  await deliveries.send("pull_request", mergedPr(900, "ben"));
  await sleep(3000);

  expect(bensIssues().map((i) => [i.number, i.state])).toEqual([[issue!.number, "closed"]]);
  const roster = fake.file(OWNER, REPO, ROSTER_PATH)!;
  expect(roster.match(/login: ben\b/g)).toHaveLength(1);
  expect(roster.match(/login: ana\b/g)).toHaveLength(1);
  const log = fake.file(OWNER, REPO, LOG_PATH)!;
  expect(log.match(/^## D-\d+ — promotion: .*$/gm)).toEqual(["## D-0001 — promotion: ana", expect.stringMatching(/^## D-\d+ — promotion: ben$/)]);
  const repo = fake.state.requireRepo(OWNER, REPO);
  expect([...repo.commits.values()].filter((c) => / promote ben /.test(c.message))).toHaveLength(1);
  expect(fake.issues(OWNER, REPO).filter((i) => i.state === "open" && i.labels.includes("stewards:promotion"))).toEqual([]);
  fake.assertNoViolations();
}

/** The installation event to the first replica; its backfill may run on any of them (the queue). */
async function install(apps: readonly AppProcess[]): Promise<void> {
  const payload = examplePayload("installation", "created", {
    installationId: INSTALLATION,
    patch: { installation: { account: { login: OWNER, id: 4100 } }, repositories: [{ id: 1, node_id: "R_1", name: REPO, full_name: `${OWNER}/${REPO}`, private: false }] },
  });
  await sendWebhook(apps[0]!.webhookUrl, { secret: SECRET, event: "installation", deliveryId: `repropose-install-${process.pid}`, payload });
  try {
    // Generous: on a loaded CI machine the first backfill of a fresh store has taken over a minute.
    await eventually(() => apps.some((a) => a.output().includes('"msg":"history backfilled"')), "the backfill to finish", 150_000);
  } catch (err) {
    const tail = apps.map((a, i) => `replica ${i}:\n${a.output().split("\n").slice(-40).join("\n")}`).join("\n");
    throw new Error(`${(err as Error).message}\n${tail}`);
  }
}

describe("one replica", () => {
  let fake: FakeGitHub;
  let proxy: HoldingProxy;
  let app: AppProcess | undefined;

  beforeAll(async () => {
    fake = await seededFake();
    proxy = await startHoldingProxy(fake);
    app = await startApp(installedAppEnv(proxy.host, SECRET, { SWEEP_INTERVAL: "2s" }), { timeoutMs: 150_000 });
    await install([app]);
  }, 360_000);

  afterAll(async () => {
    if (process.env.E2E_DEBUG) writeFileSync("/tmp/repropose-one.log", app?.output() ?? "");
    await app?.stop();
    await proxy?.close();
    await fake?.close();
  });

  it("never proposes the person just promoted again", async () => {
    await promoteThenSweep(fake, [app!]);
  }, 240_000);

  it("nor when a slow reload read the roster before the promotion's commit", async () => {
    await promoteDuringSlowReload(fake, [app!], proxy);
  }, 240_000);
});

const databaseUrl = process.env.TEST_DATABASE_URL;

if (databaseUrl) {
  describe("two replicas on one PostgreSQL", () => {
    let fake: FakeGitHub;
    let proxy: HoldingProxy;
    let replicas: AppProcess[] = [];
    const database = `stewards_repropose_${process.pid}`;
    const admin = async (sql: string) => {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      try {
        await c.query(sql);
      } finally {
        await c.end();
      }
    };

    beforeAll(async () => {
      await admin(`DROP DATABASE IF EXISTS ${database}`);
      await admin(`CREATE DATABASE ${database}`);
      const url = new URL(databaseUrl);
      url.pathname = `/${database}`;
      fake = await seededFake();
      proxy = await startHoldingProxy(fake);
      const env = installedAppEnv(proxy.host, SECRET, { DATABASE_URL: url.toString(), SWEEP_INTERVAL: "2s" });
      // `npm start` builds first; the second replica starts from that build.
      const first = await startApp(env, { timeoutMs: 150_000 });
      replicas = [first, await startApp(env, { command: ["node", "dist/bin/start.js"] })];
      await install(replicas);
    }, 360_000);

    afterAll(async () => {
      if (process.env.E2E_DEBUG) replicas.forEach((r, i) => writeFileSync(`/tmp/repropose-replica-${i}.log`, r.output()));
      await Promise.all(replicas.map((r) => r.stop()));
      await proxy?.close();
      await fake?.close();
      await admin(`DROP DATABASE IF EXISTS ${database}`);
    });

    it("through a whole promotion and the sweeps after it, proposes nothing twice and writes nothing twice", async () => {
      await promoteThenSweep(fake, replicas);
    }, 300_000);

    it("nor when one replica's slow reload read the roster before the other's promotion commit", async () => {
      await promoteDuringSlowReload(fake, replicas, proxy);
    }, 300_000);
  });
} else {
  console.log("repropose e2e: TEST_DATABASE_URL is not set, so the two-replica test on PostgreSQL did not run (scripts/ci-postgres.sh starts a server; .ci/run does)");
}
