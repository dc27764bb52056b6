/**
 * Acknowledgement and throughput figures for the queue (issue 3):
 * - webhook acknowledgement p50/p99 with 20 concurrent senders while the
 *   fake GitHub takes 2 s per call (target p99 < 100 ms: the answer waits
 *   for the job to be recorded, not for the work);
 * - deliveries per second one process sustains end to end (sent until the
 *   reply is in the fake), embedded store;
 * - the same with two replicas sharing PostgreSQL, deliveries sprayed across
 *   both (only with BENCH_DATABASE_URL; a fresh database is created on that
 *   server and dropped afterwards).
 * Deliveries are `/stewards help` comments (one comment written each) or
 * merged pull requests (folded into the ledger from the payload: no API call,
 * so they measure the queue itself).
 *
 * Runnable alone: `node dist/bench/ack.js` after `npm run build`.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { startFakeGitHub, type FakeGitHub } from "../test/fake-github/server.js";
import { eventually, startApp, type AppProcess } from "../test/support/app-process.js";
import { testPrivateKey } from "../test/support/keys.js";
import { examplePayload, sendWebhook } from "../test/support/webhooks.js";

export interface Figure {
  name: string;
  value: number;
  unit: string;
  target?: string;
}

const OWNER = "bench";
const REPO = "acks";
const INSTALLATION = 11;
const SECRET = "bench-secret";
const SENDERS = 20;

let deliveries = 0;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

async function startReplica(fake: FakeGitHub, env: Record<string, string> = {}): Promise<AppProcess> {
  return startApp(
    {
      APP_ID: "1",
      PRIVATE_KEY: testPrivateKey(),
      WEBHOOK_SECRET: SECRET,
      GHE_HOST: fake.host,
      GHE_PROTOCOL: "http",
      SWEEP_INTERVAL: "1h",
      LOG_LEVEL: "info",
      STEWARDS_DATA_DIR: mkdtempSync(join(tmpdir(), "stewards-bench-ack-")),
      ...env,
    },
    { command: ["node", "dist/bin/start.js"], timeoutMs: 120_000 },
  );
}

type Kind = "help" | "merged-pr";

/** A delivery of one kind: a `/stewards help` comment (one comment written) or a merged PR (folded into the ledger, no API call). */
function delivery(kind: Kind, n: number, issueNumber: number): { event: string; payload: unknown } {
  if (kind === "help") {
    return {
      event: "issue_comment",
      payload: examplePayload("issue_comment", "created", {
        owner: OWNER,
        repo: REPO,
        installationId: INSTALLATION,
        sender: "ana",
        patch: { issue: { number: issueNumber }, comment: { id: 500_000 + n, body: "/stewards help", user: { login: "ana", id: 4242, type: "User" } } },
      }),
    };
  }
  return {
    event: "pull_request",
    payload: examplePayload("pull_request", "closed", {
      owner: OWNER,
      repo: REPO,
      installationId: INSTALLATION,
      sender: "ana",
      patch: { pull_request: { number: 10_000 + n, merged: true, merged_at: new Date().toISOString(), additions: 5, deletions: 1, labels: [], user: { login: "ana", id: 4242, type: "User" } } },
    }),
  };
}

/** Sends `count` deliveries from SENDERS concurrent senders, round-robin over `apps`; resolves with each acknowledgement time (ms). */
async function spray(apps: AppProcess[], kind: Kind, count: number, issueNumber = 1): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  const sender = async () => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const n = ++deliveries;
      const { event, payload } = delivery(kind, n, issueNumber);
      const started = performance.now();
      const res = await sendWebhook(apps[i % apps.length]!.webhookUrl, { secret: SECRET, event, deliveryId: `bench-ack-${n}`, payload });
      times.push(performance.now() - started);
      if (res.status !== 200) throw new Error(`delivery answered ${res.status}: ${res.body}`);
    }
  };
  await Promise.all(Array.from({ length: SENDERS }, sender));
  return times;
}

const handled = (apps: AppProcess[]) => apps.reduce((sum, a) => sum + (a.output().match(/"msg":"delivery handled"/g) ?? []).length, 0);

/** Deliveries per second from the first send until every one is handled (logged as such by a worker). */
async function throughput(apps: AppProcess[], kind: Kind, count: number, issueNumber = 1): Promise<number> {
  const before = handled(apps);
  const started = performance.now();
  await spray(apps, kind, count, issueNumber);
  await eventually(() => handled(apps) - before >= count, `${count} deliveries handled`, 600_000);
  return count / ((performance.now() - started) / 1000);
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export async function benchAck(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const fake = await startFakeGitHub();
  fake.addRepo({ owner: OWNER, name: REPO, installationId: INSTALLATION });
  fake.addIssue(OWNER, REPO, { title: "bench", number: 1, author: "ana" });
  let apps: AppProcess[] = [];
  try {
    // 1. Acknowledgement while GitHub is slow. Warm up first (token exchange, first validation of each route).
    apps = [await startReplica(fake)];
    await throughput(apps, "help", 5);
    // A first burst of 20 concurrent connections costs the fresh process ~1 s once (sockets, JIT): not steady state.
    await spray(apps, "help", 40);
    fake.setLatency(2000);
    const acks = (await spray(apps, "help", 200)).sort((a, b) => a - b);
    figures.push({ name: "webhook acknowledgement p50 (20 senders, GitHub at 2 s per call)", value: round1(percentile(acks, 50)), unit: "ms" });
    figures.push({ name: "webhook acknowledgement p90 (20 senders, GitHub at 2 s per call)", value: round1(percentile(acks, 90)), unit: "ms" });
    figures.push({ name: "webhook acknowledgement p99 (20 senders, GitHub at 2 s per call)", value: round1(percentile(acks, 99)), unit: "ms", target: "< 100" });
    // The backlog (200 slow replies) is durable; this bench does not wait for it.
    await apps[0]!.kill();
    fake.clearLatency();

    // 2. One process, embedded store, end to end.
    apps = [await startReplica(fake)];
    await throughput(apps, "merged-pr", 20);
    const ledger = await throughput(apps, "merged-pr", 500);
    figures.push({ name: "deliveries per second end to end, one process, embedded store (merged PRs: no API call)", value: round1(ledger), unit: "deliveries/s" });
    const replies = await throughput(apps, "help", 30);
    // Octokit's throttling spaces requests that notify people (comments) 3 s apart per process (GitHub's secondary-limit guidance).
    figures.push({ name: "deliveries per second end to end, one process (commands: one comment written each)", value: round1(replies), unit: "deliveries/s", target: "~0.33 (comments 3 s apart)" });
    await Promise.all(apps.map((a) => a.stop()));
    apps = [];

    // 3. Two replicas on PostgreSQL.
    const databaseUrl = process.env.BENCH_DATABASE_URL;
    if (!databaseUrl) {
      console.log("bench ack: BENCH_DATABASE_URL is not set, so the two-replica PostgreSQL figures are not measured");
      return figures;
    }
    const database = `stewards_bench_ack_${process.pid}`;
    const admin = async (sql: string) => {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      try {
        await c.query(sql);
      } finally {
        await c.end();
      }
    };
    await admin(`DROP DATABASE IF EXISTS ${database}`);
    await admin(`CREATE DATABASE ${database}`);
    try {
      const url = new URL(databaseUrl);
      url.pathname = `/${database}`;
      apps = await Promise.all([startReplica(fake, { DATABASE_URL: url.toString() }), startReplica(fake, { DATABASE_URL: url.toString() })]);
      await throughput(apps, "merged-pr", 20);
      const acksPg: number[] = [];
      const started = performance.now();
      const before = handled(apps);
      acksPg.push(...(await spray(apps, "merged-pr", 500)));
      await eventually(() => handled(apps) - before >= 500, "500 deliveries handled", 600_000);
      const two = 500 / ((performance.now() - started) / 1000);
      acksPg.sort((a, b) => a - b);
      figures.push({ name: "deliveries per second end to end, two replicas on PostgreSQL (merged PRs)", value: round1(two), unit: "deliveries/s" });
      figures.push({ name: "webhook acknowledgement p99, two replicas on PostgreSQL (20 senders)", value: round1(percentile(acksPg, 99)), unit: "ms", target: "< 100" });
      await Promise.all(apps.map((a) => a.stop()));
      apps = [];
    } finally {
      await admin(`DROP DATABASE IF EXISTS ${database}`);
    }
    return figures;
  } finally {
    await Promise.all(apps.map((a) => a.stop()));
    await fake.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchAck()
    .then((figures) => {
      for (const f of figures) console.log(`${f.name}: ${f.value} ${f.unit}${f.target ? ` (target ${f.target})` : ""}`);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
