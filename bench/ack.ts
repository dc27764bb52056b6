/**
 * Acknowledgement and throughput figures for the queue (issue 3):
 * - webhook acknowledgement p50/p90/p99 with 20 concurrent senders while the
 *   fake GitHub takes 2 s per call (target p99 < 100 ms: the answer waits
 *   for the job to be recorded, not for the work), on the embedded store
 *   and on PostgreSQL; 3 rounds of 200 deliveries, percentiles over all 600;
 * - deliveries per second one process sustains end to end (sent until every
 *   one is handled), embedded store and PostgreSQL;
 * - the same with two replicas sharing PostgreSQL, deliveries sprayed across
 *   both. PostgreSQL parts need BENCH_DATABASE_URL (bench/run.ts finds or
 *   starts a server; a fresh database per part is created there and dropped).
 * Deliveries are `/stewards help` comments (one comment written each) or
 * merged pull requests (folded into the ledger from the payload: no API call,
 * so they measure the queue itself).
 *
 * Runnable alone: `node dist/bench/run.js ack` after `npm run build`
 * (`node dist/bench/ack.js` too, with BENCH_DATABASE_URL for the PostgreSQL parts).
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
import { formatFigure, type Figure } from "./figure.js";


const OWNER = "bench";
const REPO = "acks";
const INSTALLATION = 11;
const SECRET = "bench-secret";
const SENDERS = 20;
/** Acknowledgement rounds of ACK_ROUND deliveries each: 600 samples put p99 at the 6th slowest, not the 2nd. */
const ACK_ROUNDS = 3;
const ACK_ROUND = 200;

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

/** Acknowledgement times (ms, sorted) of one process while GitHub takes 2 s per call: `/stewards help` comments, each reply one slow call. */
async function acknowledgements(fake: FakeGitHub, env: Record<string, string> = {}): Promise<number[]> {
  const apps = [await startReplica(fake, env)];
  try {
    // Warm up first (token exchange, first validation of each route).
    await throughput(apps, "help", 5);
    // A first burst of 20 concurrent connections costs a fresh process ~1 s once (sockets, JIT): not steady state.
    await spray(apps, "help", 40);
    fake.setLatency(2000);
    const acks: number[] = [];
    for (let round = 0; round < ACK_ROUNDS; round++) acks.push(...(await spray(apps, "help", ACK_ROUND)));
    return acks.sort((a, b) => a - b);
  } finally {
    // The backlog (600 slow replies) is durable; this bench does not wait for it.
    await apps[0]!.kill();
    fake.clearLatency();
  }
}

function ackFigures(acks: number[], where: string): Figure[] {
  const conditions = `20 senders, GitHub at 2 s per call, ${where}`;
  return [
    { name: `webhook acknowledgement p50 (${conditions})`, value: round1(percentile(acks, 50)), unit: "ms" },
    { name: `webhook acknowledgement p90 (${conditions})`, value: round1(percentile(acks, 90)), unit: "ms" },
    { name: `webhook acknowledgement p99 (${conditions})`, value: round1(percentile(acks, 99)), unit: "ms", target: "< 100" },
  ];
}

/** A fresh database on the server of `serverUrl` for the duration of `fn`. */
async function withDatabase<T>(serverUrl: string, name: string, fn: (url: string) => Promise<T>): Promise<T> {
  const database = `stewards_bench_${name}_${process.pid}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: serverUrl });
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
    const url = new URL(serverUrl);
    url.pathname = `/${database}`;
    return await fn(url.toString());
  } finally {
    // FORCE: a killed replica's connections may not have been noticed yet (PostgreSQL 13+).
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
}

const LEDGER_DELIVERIES = 500;

export async function benchAck(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const fake = await startFakeGitHub();
  fake.addRepo({ owner: OWNER, name: REPO, installationId: INSTALLATION });
  fake.addIssue(OWNER, REPO, { title: "bench", number: 1, author: "ana" });
  let apps: AppProcess[] = [];
  try {
    // 1. Acknowledgement while GitHub is slow, embedded store.
    figures.push(...ackFigures(await acknowledgements(fake), "embedded store"));

    // 2. One process, embedded store, end to end.
    apps = [await startReplica(fake)];
    await throughput(apps, "merged-pr", 20);
    const ledger = await throughput(apps, "merged-pr", LEDGER_DELIVERIES);
    figures.push({ name: "deliveries per second end to end, one process, embedded store (merged PRs: no API call)", value: round1(ledger), unit: "deliveries/s" });
    const replies = await throughput(apps, "help", 30);
    // Octokit's throttling spaces requests that notify people (comments) 3 s apart per process (GitHub's secondary-limit guidance).
    figures.push({ name: "deliveries per second end to end, one process (commands: one comment written each)", value: round1(replies), unit: "deliveries/s", target: "~0.33 (comments 3 s apart)" });
    await Promise.all(apps.map((a) => a.stop()));
    apps = [];

    // 3. PostgreSQL: acknowledgement and throughput of one process, then two replicas.
    const serverUrl = process.env.BENCH_DATABASE_URL;
    if (!serverUrl) {
      console.log("bench ack: BENCH_DATABASE_URL is not set, so the PostgreSQL figures are not measured");
      return figures;
    }
    figures.push(...(await withDatabase(serverUrl, "ack", async (url) => ackFigures(await acknowledgements(fake, { DATABASE_URL: url }), "PostgreSQL, one process"))));
    await withDatabase(serverUrl, "one", async (url) => {
      apps = [await startReplica(fake, { DATABASE_URL: url })];
      await throughput(apps, "merged-pr", 20);
      const one = await throughput(apps, "merged-pr", LEDGER_DELIVERIES);
      figures.push({ name: "deliveries per second end to end, one process on PostgreSQL (merged PRs)", value: round1(one), unit: "deliveries/s" });
      await Promise.all(apps.map((a) => a.stop()));
      apps = [];
    });
    await withDatabase(serverUrl, "two", async (url) => {
      apps = await Promise.all([startReplica(fake, { DATABASE_URL: url }), startReplica(fake, { DATABASE_URL: url })]);
      await throughput(apps, "merged-pr", 20);
      const started = performance.now();
      const before = handled(apps);
      const acks = (await spray(apps, "merged-pr", LEDGER_DELIVERIES)).sort((a, b) => a - b);
      await eventually(() => handled(apps) - before >= LEDGER_DELIVERIES, `${LEDGER_DELIVERIES} deliveries handled`, 600_000);
      const two = LEDGER_DELIVERIES / ((performance.now() - started) / 1000);
      figures.push({ name: "deliveries per second end to end, two replicas on PostgreSQL (merged PRs)", value: round1(two), unit: "deliveries/s" });
      // Not the GitHub-is-slow case: here both replicas' workers are busy with the ledger while the acknowledgements are measured.
      figures.push({ name: "webhook acknowledgement p99, two replicas on PostgreSQL, workers busy (20 senders)", value: round1(percentile(acks, 99)), unit: "ms" });
      await Promise.all(apps.map((a) => a.stop()));
      apps = [];
    });
    return figures;
  } finally {
    await Promise.all(apps.map((a) => a.stop()));
    await fake.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchAck()
    .then((figures) => {
      for (const f of figures) console.log(formatFigure(f));
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
