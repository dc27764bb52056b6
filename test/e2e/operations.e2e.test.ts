/**
 * Operating the real server (npm start against the fake GitHub): /metrics
 * counts deliveries, API requests and the rate-limit budget; every log line of
 * a delivery carries its id and installation; no secret reaches the logs; a
 * delivery naming another account's repository is refused; /healthz shows the
 * store, the last sweep and the queue's counts, and (on PostgreSQL, with
 * TEST_DATABASE_URL) answers 503 while the database is unreachable; and
 * production mode refuses to start without a webhook secret.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { FakeGitHub } from "../fake-github/server.js";
import { startGhesFake } from "../support/ghes-fake.js";
import pg from "pg";
import { eventually, installedAppEnv, startApp, type AppProcess } from "../support/app-process.js";
import { testPrivateKey } from "../support/keys.js";
import { startTcpProxy } from "../support/tcp-proxy.js";
import { examplePayload, sendWebhook } from "../support/webhooks.js";

const OWNER = "acme";
const REPO = "widgets";
const INSTALLATION = 7;
const SECRET = "ops-e2e-secret";

let fake: FakeGitHub;
let app: AppProcess;

/** The value of one sample in Prometheus text format, or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

interface Health {
  status: string;
  store: string;
  lastSweepAt?: string | null;
  queue?: { status: string; queued?: number; active?: number; failed?: number; oldestQueuedSeconds?: number; error?: string };
}

async function health(base: string): Promise<{ status: number; body: Health }> {
  const res = await fetch(`${base}/healthz`);
  return { status: res.status, body: (await res.json()) as Health };
}

async function metrics(): Promise<string> {
  const res = await fetch(`${app.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain");
  return res.text();
}

function comment(body: string, issueNumber: number, owner = OWNER) {
  return examplePayload("issue_comment", "created", {
    owner,
    repo: REPO,
    installationId: INSTALLATION,
    sender: "ana",
    patch: { issue: { number: issueNumber }, comment: { body, user: { login: "ana", id: 4242, type: "User" } } },
  });
}

function logLines(): Array<Record<string, unknown>> {
  return app
    .output()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

beforeAll(async () => {
  fake = await startGhesFake();
  fake.addRepo({ owner: OWNER, name: REPO, installationId: INSTALLATION });
  fake.putFile(OWNER, REPO, ".github/governance.yml", readFileSync("fixtures/governance/spec-example.yml", "utf8"));
  fake.addIssue(OWNER, REPO, { title: "Help", number: 1, author: "ana" });
  // Each sweep also reads access (about 2 s here with debug logging): 4 s leaves the queue idle between sweeps.
  app = await startApp(installedAppEnv(fake.host, SECRET, { SWEEP_INTERVAL: "4s", LOG_LEVEL: "debug" }));
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await fake?.close();
});

describe("the running server's operations surface", () => {
  it("has every known series at 0 before the first delivery, so rate() and alerts see them on a fresh replica", async () => {
    const text = await metrics();
    for (const event of ["pull_request", "pull_request_review", "push", "issue_comment", "issues", "installation", "installation_repositories"]) {
      for (const outcome of ["handled", "duplicate", "refused", "failed"]) {
        expect([event, outcome, sample(text, "stewards_webhook_deliveries_total", { event, outcome })]).toEqual([event, outcome, 0]);
      }
    }
    for (const kind of ["primary", "secondary"]) {
      for (const retried of ["true", "false"]) expect(sample(text, "stewards_github_rate_limited_total", { kind, retried })).toBe(0);
    }
    expect(sample(text, "stewards_sweep_duration_seconds_count", { outcome: "failed" })).toBe(0);
  });

  it("counts a handled delivery, its API requests and the rate limit left on /metrics", async () => {
    const res = await sendWebhook(app.webhookUrl, { secret: SECRET, event: "issue_comment", deliveryId: "ops-1", payload: comment("/stewards help", 1) });
    expect(res.status).toBe(200);
    // Acknowledged once queued; the work follows.
    await eventually(() => fake.comments(OWNER, REPO, 1).length === 1, "the reply");
    const text = await eventually(async () => {
      const t = await metrics();
      return sample(t, "stewards_webhook_deliveries_total", { event: "issue_comment", outcome: "handled" }) === 1 ? t : undefined;
    }, "the handled delivery on /metrics");
    expect(sample(text, "stewards_github_requests_total", { route: "POST /repos/{owner}/{repo}/issues/{issue_number}/comments", status: "201" })).toBe(1);
    // The fake counts requests per token as GitHub does: the gauge shows what its last answer said.
    const comments = fake.requests.filter((r) => r.route === "POST /repos/{owner}/{repo}/issues/{issue_number}/comments");
    expect(comments).toHaveLength(1);
    const remaining = sample(text, "stewards_github_rate_limit_remaining", { installation: String(INSTALLATION), resource: "core" });
    expect(remaining).toBeGreaterThan(4900);
    expect(remaining).toBeLessThan(5000);
    // No installation event came first, so the delivery also queued the repository's first backfill: the queue empties once it is read.
    const idle = await eventually(async () => {
      const t = await metrics();
      return sample(t, "stewards_queue_depth") === 0 ? t : undefined;
    }, "the queue to be empty");
    expect(sample(idle, "stewards_queue_oldest_age_seconds")).toBe(0);
    expect(logLines().some((l) => l.id === "ops-1" && l.msg === "first delivery for a repository whose history was never read: backfill queued")).toBe(true);
    expect(sample(text, "process_resident_memory_bytes")).toBeGreaterThan(0);
    fake.assertNoViolations();
  });

  it("puts the delivery id and installation on every log line of the delivery, octokit's included", () => {
    const lines = logLines().filter((l) => l.id === "ops-1");
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) expect(line).toMatchObject({ installation: INSTALLATION });
    // Octokit's request log (debug) is made by a logger created before the delivery arrived.
    expect(lines.some((l) => /^GitHub request: POST \S+\/repos\/acme\/widgets\/issues\/1\/comments - 201$/.test(String(l.msg)))).toBe(true);
  });

  it("refuses a delivery naming another account's repository, with no request to GitHub", async () => {
    const before = fake.requests.length;
    const res = await sendWebhook(app.webhookUrl, { secret: SECRET, event: "issue_comment", deliveryId: "ops-evil", payload: comment("/stewards help", 1, "other-org") });
    expect(res.status).toBe(200);
    expect(fake.requests.length).toBe(before);
    expect(sample(await metrics(), "stewards_webhook_deliveries_total", { event: "issue_comment", outcome: "refused" })).toBe(1);
    const refusal = logLines().find((l) => l.id === "ops-evil" && l.msg === "delivery refused: it names resources outside its installation");
    expect(refusal).toMatchObject({ installation: INSTALLATION, reason: `installation ${INSTALLATION} belongs to ${OWNER}, but the payload names other-org` });
  });

  it("times the periodic sweep", async () => {
    const count = await eventually(async () => {
      const n = sample(await metrics(), "stewards_sweep_duration_seconds_count", { outcome: "ok" });
      return n !== undefined && n >= 1 ? n : undefined;
    }, "a sweep to finish", 30_000);
    expect(count).toBeGreaterThanOrEqual(1);
    fake.assertNoViolations();
  }, 40_000);

  it("shows on /healthz the store, the last sweep and the queue: a running job, then an empty queue", async () => {
    // A reply GitHub is slow to take keeps its job running for a while.
    fake.setLatency(3000, { method: "POST", path: /\/issues\/1\/comments$/ });
    try {
      const res = await sendWebhook(app.webhookUrl, { secret: SECRET, event: "issue_comment", deliveryId: "ops-health", payload: comment("/stewards help", 1) });
      expect(res.status).toBe(200);
      const busy = await eventually(async () => {
        const h = await health(app.url);
        return h.body.queue?.active === 1 ? h : undefined;
      }, "the job to show as running");
      expect(busy.status).toBe(200);
      expect(busy.body).toMatchObject({ status: "ok", store: "ok", queue: { status: "ok", failed: 0 } });
      // The sweep (every 4 s here) has run, and said when.
      expect(Date.now() - Date.parse(String(busy.body.lastSweepAt))).toBeLessThan(60_000);
      const idle = await eventually(async () => {
        const h = await health(app.url);
        return h.body.queue?.active === 0 && h.body.queue.queued === 0 ? h : undefined;
      }, "the queue to be empty", 30_000);
      expect(idle.body.queue).toEqual({ status: "ok", queued: 0, active: 0, failed: 0, oldestQueuedSeconds: 0 });
    } finally {
      fake.clearLatency();
    }
  }, 60_000);

  it("never logs the private key, the webhook secret or an installation token", () => {
    const out = app.output();
    const key = testPrivateKey();
    expect(out).not.toContain(key.split("\n")[1]!);
    expect(out).not.toContain(SECRET);
    expect(fake.state.tokens.size).toBeGreaterThan(0);
    for (const token of fake.state.tokens.keys()) expect(out).not.toContain(token);
    // Debug logging is on, so the requests were logged — just without their credentials.
    expect(out).toMatch(/POST \S+\/app\/installations\/7\/access_tokens - 201/);
  });
});

const databaseUrl = process.env.TEST_DATABASE_URL;

if (databaseUrl) {
  describe("/healthz on PostgreSQL", () => {
    const database = `stewards_health_${process.pid}`;
    let pgApp: AppProcess | undefined;
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
    });
    afterAll(async () => {
      await pgApp?.stop();
      await admin(`DROP DATABASE IF EXISTS ${database}`);
    });

    it("answers 503 while the database is unreachable, and 200 again once it is back", async () => {
      const server = new URL(databaseUrl);
      const proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
      try {
        const url = new URL(databaseUrl);
        url.hostname = "127.0.0.1";
        url.port = String(proxy.port);
        url.pathname = `/${database}`;
        pgApp = await startApp(installedAppEnv(fake.host, SECRET, { DATABASE_URL: url.toString(), SWEEP_INTERVAL: "1h" }), { command: ["node", "dist/bin/start.js"] });
        const up = await health(pgApp.url);
        expect(up.status).toBe(200);
        expect(up.body).toMatchObject({ status: "ok", store: "ok", queue: { status: "ok", queued: 0, active: 0 } });

        await proxy.cut();
        const down = await eventually(async () => {
          const h = await health(pgApp!.url);
          return h.status === 503 ? h : undefined;
        }, "/healthz to answer 503");
        expect(down.body.status).toBe("unavailable");
        expect(down.body.store).not.toBe("ok");
        expect(down.body.queue).toMatchObject({ status: "unavailable" });
        expect(down.body.queue?.error).toEqual(expect.any(String));

        await proxy.restore();
        const back = await eventually(async () => {
          const h = await health(pgApp!.url);
          return h.status === 200 ? h : undefined;
        }, "/healthz to answer 200 again", 30_000);
        expect(back.body).toMatchObject({ status: "ok", store: "ok", queue: { status: "ok" } });
      } finally {
        // Stopped while its database is reachable, so that it can finish cleanly.
        await pgApp?.stop();
        await proxy.close();
      }
    }, 120_000);
  });
} else {
  console.log("operations e2e: TEST_DATABASE_URL is not set, so /healthz on an unreachable PostgreSQL is not tested (scripts/ci-postgres.sh starts a server)");
}

describe("production mode", () => {
  it("refuses to start without WEBHOOK_SECRET, with a clear message and a non-zero exit", () => {
    // dist/ was built by `npm start` in beforeAll.
    const run = spawnSync(process.execPath, ["dist/bin/start.js"], {
      env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", APP_ID: "1", PRIVATE_KEY: testPrivateKey(), PORT: "0", STEWARDS_DATA_DIR: "memory://" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("stewards: WEBHOOK_SECRET must be set when NODE_ENV=production");
  });
});
