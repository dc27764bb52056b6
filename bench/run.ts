/**
 * `npm run bench`: runs every benchmark and prints one line per figure,
 * `name: value unit (target …)`.
 *
 * Each benchmark runs in a child process of its own, so a figure about
 * memory (the engine's resident set) is not inflated by what an earlier
 * benchmark loaded (the fake GitHub's OpenAPI description alone is ~100 MB),
 * and a benchmark that fails is reported without stopping the others.
 * The exit code is 1 when any benchmark failed; figures off their target
 * are printed, not failed: they are for people to read.
 *
 * `node dist/bench/run.js engine store` runs only the named ones.
 * The PostgreSQL figures (store, ack) are measured on BENCH_DATABASE_URL,
 * else TEST_DATABASE_URL, else a throwaway local server when PostgreSQL is
 * installed (bench/postgres-server.ts); the children get it as BENCH_DATABASE_URL.
 * To add a benchmark: export `async function benchSomething(): Promise<Figure[]>`
 * (Figure from bench/figure.ts) from a module under bench/ and list it below.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { formatFigure, type Figure } from "./figure.js";
import { benchDatabase } from "./postgres-server.js";

/** The benchmarks, in the order they run. Imported lazily: a child loads only the one it runs. */
const BENCHMARKS: Record<string, () => Promise<Figure[]>> = {
  engine: async () => (await import("./engine.js")).benchEngine(),
  store: async () => (await import("./store.js")).benchStore(),
  "webhook-cost": async () => (await import("./webhook-cost.js")).benchWebhookCost(),
  "backfill-cost": async () => (await import("./backfill-cost.js")).benchBackfillCost(),
  ack: async () => (await import("./ack.js")).benchAck(),
  "promotion-cost": async () => (await import("./promotion-cost.js")).benchPromotionCost(),
  "decision-latency": async () => (await import("./decision-latency.js")).benchDecisionLatency(),
  "health-page": async () => (await import("./health-page.js")).benchHealthPage(),
};

/** Marks the child's one line of results on stdout, so stray output from libraries cannot be mistaken for it. */
const RESULT = "@@stewards-bench@@";
const CHILD_FLAG = "--child";

async function runChild(name: string): Promise<void> {
  const bench = BENCHMARKS[name];
  if (!bench) throw new Error(`no benchmark named ${name}`);
  const figures = await bench();
  process.stdout.write(`${RESULT}${JSON.stringify(figures)}\n`);
}

function runInChild(name: string): Promise<{ figures: Figure[]; ms: number } | { error: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), CHILD_FLAG, name], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("close", (code) => {
      const ms = performance.now() - started;
      const line = out.split("\n").find((l) => l.startsWith(RESULT));
      if (code === 0 && line) resolve({ figures: JSON.parse(line.slice(RESULT.length)) as Figure[], ms });
      else resolve({ error: `exited with ${code}\n${err.trim() || out.trim()}`, ms });
    });
  });
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === CHILD_FLAG) {
    await runChild(argv[1] ?? "");
    return 0;
  }
  const unknown = argv.filter((n) => !(n in BENCHMARKS));
  if (unknown.length) {
    console.error(`unknown benchmark(s): ${unknown.join(", ")}; known: ${Object.keys(BENCHMARKS).join(", ")}`);
    return 64;
  }
  const names = argv.length ? argv : Object.keys(BENCHMARKS);
  const database = await benchDatabase();
  if (database.available) process.env.BENCH_DATABASE_URL = database.url;
  else console.log(`PostgreSQL figures skipped: ${database.reason}`);
  let failed = 0;
  try {
    failed = await runAll(names);
  } finally {
    if (database.available) await database.stop();
  }
  return failed ? 1 : 0;
}

async function runAll(names: string[]): Promise<number> {
  let failed = 0;
  for (const name of names) {
    const result = await runInChild(name);
    if ("error" in result) {
      failed++;
      console.log(`${name}: FAILED after ${Math.round(result.ms / 1000)} s: ${result.error}`);
      continue;
    }
    for (const f of result.figures) console.log(formatFigure(f));
    console.log(`(${name}: ${Math.round(result.ms / 100) / 10} s)`);
  }
  return failed;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
