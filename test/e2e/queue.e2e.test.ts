/**
 * Acknowledge fast, work durably — against the real server (`npm start`'s
 * entry point) and the stateful fake GitHub:
 * - crash and restart (embedded store): the process is SIGKILLed mid-work,
 *   restarted on the same data dir, and the work completes exactly once;
 * - two replicas on one PostgreSQL (when TEST_DATABASE_URL is set, as in
 *   `.ci/run`): deliveries sprayed across both, some sent to both, each
 *   answered exactly once, and the sweep never doubled.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { FakeGitHub } from "../fake-github/server.js";
import { startGhesFake } from "../support/ghes-fake.js";
import { eventually, startApp, type AppProcess } from "../support/app-process.js";
import { testPrivateKey } from "../support/keys.js";
import { examplePayload, sendWebhook } from "../support/webhooks.js";

const OWNER = "acme";
const REPO = "widgets";
const INSTALLATION = 7;
const SECRET = "queue-secret";
const COMMENTS_ROUTE = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function helpComment(issueNumber: number, commentId: number) {
  return examplePayload("issue_comment", "created", {
    owner: OWNER,
    repo: REPO,
    installationId: INSTALLATION,
    sender: "ana",
    patch: { issue: { number: issueNumber }, comment: { id: commentId, body: "/stewards help", user: { login: "ana", id: 4242, type: "User" } } },
  });
}

function appComments(fake: FakeGitHub, issueNumber: number) {
  return fake.comments(OWNER, REPO, issueNumber).filter((c) => c.user.login.endsWith("[bot]"));
}

function baseEnv(fake: FakeGitHub): Record<string, string> {
  return { APP_ID: "1", PRIVATE_KEY: testPrivateKey(), WEBHOOK_SECRET: SECRET, GHE_HOST: fake.host, GHE_PROTOCOL: "http", SWEEP_INTERVAL: "1h" };
}

async function deliver(app: AppProcess, payload: unknown, deliveryId: string) {
  const started = performance.now();
  const res = await sendWebhook(app.webhookUrl, { secret: SECRET, event: "issue_comment", deliveryId, payload });
  return { ...res, ms: performance.now() - started };
}

describe("crash and restart on the embedded store", () => {
  let fake: FakeGitHub;
  let app: AppProcess | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), "stewards-crash-"));

  beforeAll(async () => {
    fake = await startGhesFake();
    fake.addRepo({ owner: OWNER, name: REPO, installationId: INSTALLATION });
    fake.addIssue(OWNER, REPO, { title: "Killed while writing", number: 1, author: "ana" });
    fake.addIssue(OWNER, REPO, { title: "Killed before writing", number: 2, author: "ana" });
    app = await startApp({ ...baseEnv(fake), STEWARDS_DATA_DIR: dataDir }, { timeoutMs: 150_000 });
  }, 180_000);

  afterAll(async () => {
    if (process.env.E2E_DEBUG) console.log(app?.output());
    await app?.stop();
    await fake?.close();
  });

  it("acknowledges before the work, and after a SIGKILL mid-work the restarted process completes it exactly once", async () => {
    // Writing the reply on issue 1 takes 4 s at "GitHub"; writing it on issue 2 fails once (502).
    fake.setLatency(4000, { method: "POST", path: /\/issues\/1\/comments$/ });
    fake.setFailure({ method: "POST", path: `/repos/${OWNER}/${REPO}/issues/2/comments` }, { status: 502 });
    const first = await deliver(app!, helpComment(1, 9001), "crash-1");
    const second = await deliver(app!, helpComment(2, 9002), "crash-2");
    expect([first.status, second.status]).toEqual([200, 200]);
    // Acknowledged long before the work could finish: the write alone takes 4 s (bench/ack.ts measures the figure).
    expect(first.ms).toBeLessThan(3000);
    await eventually(() => fake.requests.some((r) => r.route === COMMENTS_ROUTE && r.path.endsWith("/issues/1/comments")), "the reply on issue 1 to be under way");
    await eventually(() => fake.requests.some((r) => r.injected && r.path.endsWith("/issues/2/comments")), "the reply on issue 2 to fail once");
    // Killed while the reply on issue 1 is being written (GitHub still carries the write out)
    // and while the work for issue 2 waits out its retry backoff.
    await app!.kill();
    const killedOutput = app!.output();

    // "GitHub" finishes the write the dead process started.
    await eventually(() => appComments(fake, 1).length === 1, "the interrupted write to land", 10_000);
    fake.clearLatency();
    const before = fake.requests.length;

    // Restart on the same data dir; no webhook is sent again.
    app = await startApp({ ...baseEnv(fake), STEWARDS_DATA_DIR: dataDir }, { command: ["node", "dist/bin/start.js"], timeoutMs: 90_000 });
    await eventually(() => appComments(fake, 2).length === 1, "the queued work to complete after the restart", 40_000);
    await eventually(() => app!.output().includes("an earlier attempt already wrote this comment"), "the retried reply to find the first one", 40_000);
    await sleep(1500);

    expect(appComments(fake, 1)).toHaveLength(1);
    expect(appComments(fake, 2)).toHaveLength(1);
    expect(appComments(fake, 1)[0]!.body).toContain("/ladder");
    // After the restart: one reply written (issue 2), none for issue 1, which was looked up instead.
    const after = fake.requests.slice(before);
    expect(after.filter((r) => r.route === COMMENTS_ROUTE).map((r) => r.path)).toEqual([`/api/v3/repos/${OWNER}/${REPO}/issues/2/comments`]);
    expect(after.some((r) => r.method === "GET" && r.path.endsWith("/issues/1/comments"))).toBe(true);
    expect(killedOutput).not.toContain("failed on its last attempt");
    if (process.env.E2E_DEBUG) console.log(killedOutput, app!.output());
    fake.assertNoViolations();
  }, 150_000);
});

const databaseUrl = process.env.TEST_DATABASE_URL;

if (databaseUrl) {
  describe("two replicas on one PostgreSQL", () => {
    let fake: FakeGitHub;
    let replicas: AppProcess[] = [];
    const database = `stewards_replicas_${process.pid}`;
    const admin = () => new pg.Client({ connectionString: databaseUrl });

    beforeAll(async () => {
      const c = admin();
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${database}`);
      await c.query(`CREATE DATABASE ${database}`);
      await c.end();
      const url = new URL(databaseUrl);
      url.pathname = `/${database}`;
      fake = await startGhesFake();
      fake.addRepo({ owner: OWNER, name: REPO, installationId: INSTALLATION });
      for (let i = 1; i <= 12; i++) fake.addIssue(OWNER, REPO, { title: `Issue ${i}`, number: i, author: "ana" });
      const env = { ...baseEnv(fake), DATABASE_URL: url.toString(), SWEEP_INTERVAL: "2s" };
      // Build once, then start both together: they migrate the same empty database at the same time.
      const first = await startApp(env, { timeoutMs: 150_000 });
      await first.stop();
      replicas = await Promise.all([startApp(env, { command: ["node", "dist/bin/start.js"] }), startApp(env, { command: ["node", "dist/bin/start.js"] })]);
    }, 240_000);

    afterAll(async () => {
      await Promise.all(replicas.map((r) => r.stop()));
      await fake?.close();
      const c = admin();
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${database}`);
      await c.end();
    });

    it("answers each delivery once however it is sprayed across the replicas", async () => {
      const [a, b] = replicas as [AppProcess, AppProcess];
      // Slow writes, so that work on both replicas overlaps.
      fake.setLatency(300, { method: "POST", path: COMMENTS_ROUTE });
      const sends: Promise<{ status: number }>[] = [];
      for (let i = 1; i <= 12; i++) {
        const payload = helpComment(i, 7000 + i);
        const id = `spray-${i}`;
        if (i % 3 === 0) {
          // The same delivery to both replicas at once, twice.
          sends.push(deliver(a, payload, id), deliver(b, payload, id), deliver(b, payload, id));
        } else {
          sends.push(deliver(i % 2 ? a : b, payload, id));
        }
      }
      const results = await Promise.all(sends);
      expect(results.every((r) => r.status === 200)).toBe(true);
      await eventually(() => [...Array(12).keys()].every((i) => appComments(fake, i + 1).length >= 1), "every issue to be answered", 30_000);
      await sleep(3000);
      for (let i = 1; i <= 12; i++) expect(appComments(fake, i)).toHaveLength(1);
      // No double write attempted either: one POST per distinct delivery.
      expect(fake.requests.filter((r) => r.route === COMMENTS_ROUTE)).toHaveLength(12);
      // 4 deliveries were sent three times each: 8 copies recognised as duplicates, wherever they arrived.
      const duplicates = replicas.map((r) => (r.output().match(/"msg":"duplicate delivery ignored"/g) ?? []).length);
      expect(duplicates[0]! + duplicates[1]!).toBe(8);
      fake.assertNoViolations();
    }, 90_000);

    it("runs the sweep on one replica at a time, once per interval across both", async () => {
      const installationsRoute = "GET /app/installations";
      const start = fake.requests.length;
      const started = Date.now();
      await sleep(9000);
      const slots = Math.ceil((Date.now() - started) / 2000) + 1;
      const sweeps = fake.requests.slice(start).filter((r) => r.route === installationsRoute).length;
      expect(sweeps).toBeGreaterThanOrEqual(2);
      // Two uncoordinated timers would sweep about twice per interval.
      expect(sweeps).toBeLessThanOrEqual(slots);
      const finished = replicas.map((r) => (r.output().match(/"msg":"sweep finished"/g) ?? []).length);
      expect(finished.reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(2);
    }, 30_000);
  });
} else {
  console.log("queue e2e: TEST_DATABASE_URL is not set, so the two-replica test on PostgreSQL did not run (scripts/ci-postgres.sh starts a server; .ci/run does)");
}
