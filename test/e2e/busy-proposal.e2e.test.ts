/**
 * A `/reject` that arrives while another attempt holds the proposal — the
 * sweep reviewing it on another replica, or a process that died holding its
 * lease — is this delivery's own decision: nothing else would make it again.
 * It must wait and land, not be answered by nobody (the convergence suite's
 * bug 4). Run on PostgreSQL (DATABASE_URL), where the test can hold the
 * proposal's lease itself, as a dead replica would: the lease row is written
 * straight into the app's kv table with a holder that is gone.
 */
import { readFileSync } from "node:fs";
import pg from "pg";
import type { FakeGitHub } from "../fake-github/server.js";
import { eventually, installedAppEnv, startApp, type AppProcess } from "../support/app-process.js";
import { startGhesFake } from "../support/ghes-fake.js";
import { examplePayload, sendWebhook } from "../support/webhooks.js";

const OWNER = "acme";
const REPO = "widgets";
const INSTALLATION = 7;
const SECRET = "e2e-secret";
const ROSTER = "members:\n  - login: alice\n    role: maintainer\n    since: 2024-01-15\n  - login: bob\n    role: maintainer\n    since: 2024-03-01\n";
const databaseUrl = process.env.TEST_DATABASE_URL;

function comment(body: string, issueNumber: number, sender: string, id: number) {
  return examplePayload("issue_comment", "created", {
    owner: OWNER,
    repo: REPO,
    installationId: INSTALLATION,
    sender,
    patch: { issue: { number: issueNumber }, comment: { id, body, user: { login: sender, id: 9000 + id, type: "User" } }, repository: { default_branch: "main" } },
  });
}

if (databaseUrl) {
  describe("a command on a proposal another attempt holds", () => {
    let fake: FakeGitHub;
    let app: AppProcess;
    const database = `stewards_busy_${process.pid}`;
    const url = new URL(databaseUrl);
    url.pathname = `/${database}`;
    const admin = () => new pg.Client({ connectionString: databaseUrl });

    beforeAll(async () => {
      const c = admin();
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${database}`);
      await c.query(`CREATE DATABASE ${database}`);
      await c.end();
      fake = await startGhesFake();
      fake.addRepo({ owner: OWNER, name: REPO, installationId: INSTALLATION });
      fake.putFile(OWNER, REPO, ".github/governance.yml", readFileSync("fixtures/governance/spec-example.yml", "utf8"));
      fake.putFile(OWNER, REPO, ".github/roster.yml", ROSTER);
      fake.addIssue(OWNER, REPO, { title: "Sponsoring dee", number: 1, author: "alice" });
      app = await startApp(installedAppEnv(fake.host, SECRET, { DATABASE_URL: url.toString(), SWEEP_INTERVAL: "1h" }), { timeoutMs: 150_000 });
    }, 180_000);

    afterAll(async () => {
      await app?.stop();
      await fake?.close();
      const c = admin();
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${database}`).catch(() => undefined);
      await c.end();
    });

    it("waits for the lease of a holder that is gone, then rejects once", async () => {
      let delivery = 0;
      const send = (payload: unknown) => sendWebhook(app.webhookUrl, { secret: SECRET, event: "issue_comment", deliveryId: `busy-${++delivery}`, payload: payload as Record<string, unknown> });
      await send(comment("/nominate @dee member Fixed the flaky CI", 1, "alice", 1));
      const proposal = await eventually(() => fake.issues(OWNER, REPO).find((i) => i.labels.includes("stewards:promotion") && i.title.includes("dee")), "the nomination's issue", 60_000);
      await eventually(() => app.output().includes('"msg":"promotion proposed"'), "the proposal recorded");
      // A replica that died while reviewing the proposal: its lease stays for 25 s more.
      const db = new pg.Client({ connectionString: url.toString() });
      await db.connect();
      const until = new Date(Date.now() + 25_000).toISOString();
      await db.query("INSERT INTO kv (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [
        "lease:proposal:acme/widgets:dee:member",
        JSON.stringify({ holder: "gone-replica#1", until }),
      ]);
      await db.end();
      const started = Date.now();
      await send(comment("/reject Not yet: one more release first", proposal.number, "bob", 2));
      await eventually(() => app.output().includes('"msg":"the delivery waits and runs again"'), "the command to wait", 60_000);
      expect(fake.issues(OWNER, REPO).find((i) => i.number === proposal.number)!.state).toBe("open");
      await eventually(() => fake.issues(OWNER, REPO).find((i) => i.number === proposal.number)!.state === "closed", "the rejection to land", 90_000);
      // Not before the dead holder's lease expired.
      expect(Date.now() - started).toBeGreaterThanOrEqual(20_000);
      const log = fake.file(OWNER, REPO, "GOVERNANCE-LOG.md")!;
      expect(log.match(/— rejection: dee$/gm)).toHaveLength(1);
      expect(log).toContain("Not yet: one more release first");
      // No reply to the waiting command while it waited: only the outcome.
      const replies = fake.comments(OWNER, REPO, proposal.number).filter((c) => c.body.includes("could not be recorded"));
      expect(replies).toHaveLength(0);
      fake.assertNoViolations();
    }, 180_000);
  });
} else {
  it("runs on PostgreSQL only", () => {
    // CI sets TEST_DATABASE_URL (.ci/run starts a server); without it this suite has nothing to hold the lease in.
    expect(process.env.CI).not.toBe("true");
  });
}
