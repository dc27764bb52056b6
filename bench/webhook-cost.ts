/**
 * Webhook cost (issue 2's first figure): GitHub API requests the app makes
 * per merged-PR webhook and per review webhook once the ledger is warm —
 * target 0 reads (the payload carries what is needed) and 0 writes.
 *
 * The app runs as an operator runs it: the compiled server (`dist/bin/start.js`,
 * what `npm start` runs after building; `npm run bench` has just built it)
 * with the operating contract's variables, pointed at the stateful fake
 * GitHub through GHE_HOST/GHE_PROTOCOL, receiving webhooks signed like
 * GitHub's. An in-process `probot.receive` would be quicker, but would skip
 * what a deployment really does (signature checks, token caching, Probot's
 * own octokit defaults), and a cost figure should count what a deployment
 * costs. The count comes from the fake's request log, so a request the app
 * makes cannot go unseen.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGhesFake } from "../test/support/ghes-fake.js";
import type { FakeGitHub } from "../test/fake-github/server.js";
import { isReadRequest } from "../test/fake-github/request-kinds.js";
import { eventually, startApp } from "../test/support/app-process.js";
import type { AppProcess } from "../test/support/app-process.js";
import { testPrivateKey } from "../test/support/keys.js";
import { examplePayload, sendWebhook } from "../test/support/webhooks.js";
import { round, type Figure } from "./figure.js";
import { seedMergedHistory } from "./seed-history.js";

const OWNER = "bench";
const REPO = "widgets";
const INSTALLATION = 11;
const SECRET = "bench-secret";
/** History in place before the measured webhooks (the backfill reads it). */
const HISTORY = 300;
/** Deliveries measured per event. */
const DELIVERIES = 25;

function countLines(output: string, msg: string): number {
  return output.split("\n").filter((l) => l.includes(`"msg":"${msg}"`)).length;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function deliver(app: AppProcess, event: string, deliveryId: string, payload: unknown): Promise<number> {
  const started = performance.now();
  const res = await sendWebhook(app.webhookUrl, { secret: SECRET, event, deliveryId, payload });
  if (res.status !== 200) throw new Error(`${event} delivery ${deliveryId} answered ${res.status}: ${res.body}`);
  return performance.now() - started;
}

function mergedPr(n: number, at: Date) {
  return examplePayload("pull_request", "closed", {
    owner: OWNER,
    repo: REPO,
    installationId: INSTALLATION,
    sender: "dev1",
    patch: {
      pull_request: {
        number: n,
        merged: true,
        merged_at: at.toISOString(),
        additions: 12,
        deletions: 3,
        labels: [],
        user: { login: `dev${n % 37}`, id: 5000 + (n % 37), type: "User" },
      },
    },
  });
}

function review(n: number, at: Date) {
  return examplePayload("pull_request_review", "submitted", {
    owner: OWNER,
    repo: REPO,
    installationId: INSTALLATION,
    sender: `dev${(n + 3) % 37}`,
    patch: {
      review: { id: 900_000 + n, state: "approved", submitted_at: at.toISOString(), user: { login: `dev${(n + 3) % 37}`, id: 6000 + n, type: "User" } },
      pull_request: { number: n, user: { login: `dev${n % 37}`, id: 5000 + (n % 37), type: "User" } },
    },
  });
}

/** Measures `DELIVERIES` deliveries of one event and returns its figures; throws when the app did not take them in. */
async function measureEvent(
  fake: FakeGitHub,
  app: AppProcess,
  label: string,
  event: string,
  payloadFor: (n: number) => unknown,
  ledgerLine: string,
): Promise<Figure[]> {
  fake.resetLog();
  const before = countLines(app.output(), ledgerLine);
  const times: number[] = [];
  for (let i = 1; i <= DELIVERIES; i++) times.push(await deliver(app, event, `bench-${event}-${i}`, payloadFor(HISTORY + i)));
  // Without this the figure could be 0 because nothing happened at all.
  const taken = await eventually(() => {
    const n = countLines(app.output(), ledgerLine) - before;
    return n >= DELIVERIES ? n : false;
  }, `${DELIVERIES} "${ledgerLine}" log lines`).catch((err: unknown) => {
    throw new Error(`${err instanceof Error ? err.message : String(err)}; the app's last log lines:\n${app.output().split("\n").slice(-8).join("\n")}`);
  });
  if (taken !== DELIVERIES) throw new Error(`expected ${DELIVERIES} ledger updates for ${event}, saw ${taken}`);
  fake.assertNoViolations();
  const reads = fake.requests.filter(isReadRequest).length;
  const writes = fake.requests.length - reads;
  return [
    { name: `webhook cost: GitHub API reads per ${label} webhook, ledger warm (${DELIVERIES} deliveries)`, value: round(reads / DELIVERIES, 2), unit: "requests", target: "0" },
    { name: `webhook cost: GitHub API writes per ${label} webhook, ledger warm`, value: round(writes / DELIVERIES, 2), unit: "requests", target: "0" },
    { name: `webhook cost: ${label} delivery answered (median, signed HTTP delivery to reply)`, value: round(median(times)), unit: "ms" },
  ];
}

export async function benchWebhookCost(): Promise<Figure[]> {
  const now = new Date();
  const fake = await startGhesFake();
  const dataDir = mkdtempSync(join(tmpdir(), "stewards-bench-webhook-"));
  let app: AppProcess | undefined;
  try {
    fake.addRepo({ owner: OWNER, name: REPO, installationId: INSTALLATION });
    fake.putFile(OWNER, REPO, ".github/governance.yml", readFileSync("fixtures/governance/spec-example.yml", "utf8"));
    // Everyone in the history already holds the top role: no webhook below moves anyone's standing, so the
    // figure is the cost of folding a contribution into the ledger (a new standing costs 3: see the README).
    const everyone = Array.from({ length: 37 }, (_, i) => `  - login: dev${i}\n    role: maintainer\n    since: 2024-01-15\n`).join("");
    fake.putFile(OWNER, REPO, ".github/roster.yml", `members:\n${everyone}`);
    seedMergedHistory(fake, { owner: OWNER, repo: REPO, count: HISTORY, now });

    app = await startApp(
      { APP_ID: "1", PRIVATE_KEY: testPrivateKey(), WEBHOOK_SECRET: SECRET, STEWARDS_DATA_DIR: dataDir, GHE_HOST: fake.host, GHE_PROTOCOL: "http", SWEEP_INTERVAL: "1h", LOG_LEVEL: "info" },
      { command: ["node", "dist/bin/start.js"] },
    );
    const installed = examplePayload("installation", "created", {
      installationId: INSTALLATION,
      // Installed on the repository's owner: a payload pairing an installation with another account's repositories is refused.
      patch: { installation: { account: { login: OWNER, id: 4100 } }, repositories: [{ id: 1, node_id: "R_1", name: REPO, full_name: `${OWNER}/${REPO}`, private: false }] },
    });
    await deliver(app, "installation", "bench-installation", installed);
    const running = app;
    await eventually(() => running.output().includes('"msg":"history backfilled"'), "the backfill", 60_000);
    // Proof that the log sees what the app asks (else a 0 below would mean nothing).
    const backfillRequests = fake.requests.length;
    if (backfillRequests === 0) throw new Error("the fake saw no request during the backfill");

    return [
      { name: "webhook cost: requests while installing (token, ladder, roster, GraphQL backfill of 300 PRs; context)", value: backfillRequests, unit: "requests" },
      ...(await measureEvent(fake, app, "merged-PR", "pull_request", (n) => mergedPr(n, now), "merged PR added to the ledger")),
      ...(await measureEvent(fake, app, "review", "pull_request_review", (n) => review(n, now), "review added to the ledger")),
    ];
  } finally {
    await app?.stop();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
