/**
 * Which PostgreSQL the benchmarks measure on: BENCH_DATABASE_URL, else
 * TEST_DATABASE_URL, else — when PostgreSQL's server binaries are installed
 * (Debian's `postgresql` package, as on the CI machine) — a throwaway server
 * started with scripts/ci-postgres.sh on a free port and in a directory of
 * its own (so it never touches a server someone else started), stopped
 * afterwards. Nothing is installed: without binaries the PostgreSQL figures
 * are skipped, with the reason printed.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "../test/support/app-process.js";

const run = promisify(execFile);

export type BenchDatabase = { available: true; url: string; stop(): Promise<void> } | { available: false; reason: string };

function hasServerBinaries(): boolean {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return false;
  return readdirSync(root).some((v) => existsSync(join(root, v, "bin", "initdb")) && existsSync(join(root, v, "bin", "pg_ctl")));
}

export async function benchDatabase(env: NodeJS.ProcessEnv = process.env): Promise<BenchDatabase> {
  const given = env.BENCH_DATABASE_URL || env.TEST_DATABASE_URL;
  if (given) return { available: true, url: given, stop: async () => undefined };
  if (!hasServerBinaries()) return { available: false, reason: "BENCH_DATABASE_URL is not set and no PostgreSQL server is installed (/usr/lib/postgresql/*/bin)" };
  const serverEnv = { ...env, PGPORT_CI: String(await freePort()), PG_CI_DIR: mkdtempSync(join(tmpdir(), "stewards-bench-postgres-")) };
  try {
    const { stdout } = await run("bash", ["scripts/ci-postgres.sh"], { env: serverEnv });
    const line = stdout.split("\n").find((l) => l.startsWith("TEST_DATABASE_URL="));
    if (!line) throw new Error(`scripts/ci-postgres.sh printed no URL: ${stdout}`);
    return {
      available: true,
      url: line.slice("TEST_DATABASE_URL=".length).trim(),
      stop: async () => {
        await run("bash", ["scripts/ci-postgres.sh", "stop"], { env: serverEnv }).catch(() => undefined);
        rmSync(serverEnv.PG_CI_DIR, { recursive: true, force: true });
      },
    };
  } catch (err) {
    return { available: false, reason: `could not start a throwaway PostgreSQL server: ${err instanceof Error ? err.message : String(err)}` };
  }
}
