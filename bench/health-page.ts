/**
 * Governance health figures of issue 13: the page and health.json for a
 * repository with 5,000 contributors and 100,000 contributions (the engine
 * benchmark's synthetic ledger and the SPEC's ladder), served by the real
 * handler over HTTP from an in-memory store — p50 / p99 (target p99 < 300 ms)
 * and bytes, GitHub requests per view (0: the handler holds no client), and
 * the sweep's cost of computing the figures it serves.
 *
 * Run alone: `npm run build && node dist/bench/run.js health-page`.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { healthPageHandler } from "../src/handlers/health-page.js";
import type { ValueStore } from "../src/usecases/current-governance.js";
import { cacheKey } from "../src/usecases/current-governance.js";
import { refreshHealthSnapshot } from "../src/usecases/health-snapshot.js";
import { specGovernance, syntheticLedger } from "./engine.js";
import { round, type Figure } from "./figure.js";

const VIEWS = 200;
const REPO = { owner: "acme", repo: "core" };
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, child: () => quiet };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

export async function benchHealthPage(): Promise<Figure[]> {
  const { ledger, roster } = syntheticLedger();
  const governance = specGovernance();
  const values = new Map<string, string>();
  // Values kept as JSON text, as the store keeps them: each read parses.
  const kv: ValueStore = {
    getValue: async <T>(key: string) => (values.has(key) ? (JSON.parse(values.get(key)!) as T) : null),
    setValue: async <T>(key: string, value: T) => void values.set(key, JSON.stringify(value)),
  };
  await kv.setValue(cacheKey(REPO), { governance, roster, rosterValid: true, currentlyInvalid: false, loadedAt: new Date().toISOString() });
  const log = Array.from({ length: 400 }, (_, i) => `## D-${String(i + 1).padStart(4, "0")} — promotion: user-${i}\n\n- **Date:** ${new Date(Date.now() - i * 2 * 86_400_000).toISOString().slice(0, 10)}\n`).join("\n");
  let githubRequests = 0;
  const sources = { readFile: async () => (githubRequests++, log), findOpenProposals: async () => (githubRequests++, []) };
  const ledgerReads = {
    listPullRequests: async () => [...ledger.pullRequests].filter((p) => p.repo === "acme/core"),
    listReviews: async () => [...ledger.reviews].filter((r) => r.repo === "acme/core"),
    getSyncState: async () => null,
  };
  const started = performance.now();
  await refreshHealthSnapshot({ kv, ledger: ledgerReads, sources, now: new Date(), log: quiet }, { ...REPO, private: false });
  const sweepMs = performance.now() - started;
  const snapshotBytes = values.get("health:acme/core")?.length ?? 0;

  githubRequests = 0;
  const handle = healthPageHandler({ store: kv, settings: { webUrl: "https://github.com" } });
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/stewards/acme/core`;
  const figures: Figure[] = [];
  try {
    for (const [what, url] of [["health page", base], ["health.json", `${base}/health.json`]] as const) {
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < VIEWS; i++) {
        const t = performance.now();
        const res = await fetch(url);
        const body = await res.arrayBuffer();
        times.push(performance.now() - t);
        if (res.status !== 200) throw new Error(`${what} answered ${res.status}`);
        bytes = body.byteLength;
      }
      times.sort((a, b) => a - b);
      figures.push(
        { name: `${what}: p50 for 5,000 contributors / 100,000 contributions`, value: round(percentile(times, 50)), unit: "ms" },
        { name: `${what}: p99`, value: round(percentile(times, 99)), unit: "ms", target: "< 300" },
        { name: `${what}: size`, value: round(bytes / 1024), unit: "KiB" },
      );
    }
  } finally {
    await new Promise((r) => server.close(r));
  }
  figures.push(
    { name: "health page: GitHub requests per view", value: githubRequests / (2 * VIEWS), unit: "requests", target: "0" },
    { name: "health figures: computed by the sweep (12 earlier months)", value: Math.round(sweepMs), unit: "ms" },
    { name: "health figures: stored snapshot", value: round(snapshotBytes / 1024), unit: "KiB" },
  );
  return figures;
}
