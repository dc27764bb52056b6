/**
 * Starts the real app the way an operator does — `npm start` with the
 * operating contract's environment variables — and waits until it answers.
 * Output is kept for assertions and for debugging failed tests.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testPrivateKey } from "./keys.js";

export interface AppProcess {
  url: string;
  webhookUrl: string;
  port: number;
  /** The spawned process (the app itself when `command` starts node directly; npm with `npm start`). */
  pid: number;
  output(): string;
  /** SIGTERM, then SIGKILL after 5 s: a graceful stop. */
  stop(): Promise<void>;
  /** SIGKILL to the whole process group at once: a crash, nothing gets to finish. */
  kill(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The operating contract's variables for the app installed as app 1, talking to a GitHub-compatible `host` over HTTP (the fake GitHub). */
export function installedAppEnv(host: string, secret: string, extra: Record<string, string> = {}): Record<string, string> {
  return { APP_ID: "1", PRIVATE_KEY: testPrivateKey(), WEBHOOK_SECRET: secret, GHE_HOST: host, GHE_PROTOCOL: "http", ...extra };
}

export async function startApp(env: Record<string, string>, opts: { command?: string[]; readyPath?: string; timeoutMs?: number } = {}): Promise<AppProcess> {
  const port = await freePort();
  const command = opts.command ?? ["npm", "start", "--silent"];
  const child: ChildProcess = spawn(command[0]!, command.slice(1), {
    cwd: process.cwd(),
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      STEWARDS_DATA_DIR: mkdtempSync(join(tmpdir(), "stewards-e2e-")),
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      LOG_FORMAT: "json",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 90_000);
  const readyPath = opts.readyPath ?? "/healthz";
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}:\n${out}`);
    try {
      const res = await fetch(url + readyPath);
      if (res.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      process.kill(-child.pid!, "SIGKILL");
      throw new Error(`app did not start in time:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port,
    pid: child.pid!,
    webhookUrl: `${url}/api/github/webhooks`,
    output: () => out,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        return;
      }
      await exited;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          // already gone
        }
      }, 5000);
      await exited;
      // With `npm start` the child is npm, which exits at once; the app's node
      // process (same group) can take a second or two more. Wait for the whole
      // group, so that no app outlives its test (the SIGKILL above still applies).
      while (groupAlive(child.pid!)) await new Promise((r) => setTimeout(r, 50));
      clearTimeout(timer);
    },
  };
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls until `check` returns a value (not undefined/false) or the time runs out. */
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
