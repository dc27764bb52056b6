/**
 * Proves the Dockerfile without a Docker engine: reads the Dockerfile itself,
 * runs each stage's instructions in its own temporary directory (COPY from the
 * build context or from an earlier stage, RUN with the stage's ENV in its
 * WORKDIR), then starts the runtime stage's CMD with its ENV and runs the
 * HEALTHCHECK command against it, as Docker would.
 *
 * What cannot happen outside a container is mapped, and said so: absolute
 * paths of VOLUMEs and WORKDIRs live under the stage's directory, `chown`
 * (there is no `node` user here, nor root) is skipped, USER is noted. Each
 * stage gets a private npm cache so `npm cache clean --force` cleans nothing
 * of this machine's. The process runs with NODE_ENV=production and test
 * credentials, and must answer /healthz and /metrics and stop on SIGTERM.
 *
 * Usage: npm run docker:check   (prints the runtime stage's size)
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { generateKeyPairSync } from "node:crypto";

interface Instruction {
  op: string;
  args: string;
  line: number;
}

interface Stage {
  name: string;
  root: string;
  workdir: string;
  env: Record<string, string>;
  volumes: string[];
  cmd?: string[];
  healthcheck?: string;
}

const context = resolve(process.argv[2] ?? ".");

/** Instructions with line continuations joined; comments and parser directives dropped. */
function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!;
    if (/^\s*(#|$)/.test(line)) continue;
    while (/\\\s*$/.test(line) && i + 1 < lines.length) line = line.replace(/\\\s*$/, " ") + lines[++i]!.trim();
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (m) out.push({ op: m[1]!.toUpperCase(), args: m[2]!.trim(), line: start + 1 });
  }
  return out;
}

/** `KEY=value KEY2="v w"` (the only ENV form the Dockerfile uses). */
function parseEnv(args: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|\S*)/g)) env[m[1]!] = m[3] ?? m[2]!;
  return env;
}

function log(msg: string): void {
  process.stdout.write(`${msg}\n`);
}

function du(path: string): number {
  const res = spawnSync("du", ["-sk", path], { encoding: "utf8" });
  return Number(res.stdout.split(/\s/)[0]) * 1024;
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => ok(typeof a === "object" && a ? a.port : 0));
    });
  });
}

/** Maps an absolute in-image path to the stage's directory; relative paths are taken from the WORKDIR. */
function inStage(stage: Stage, path: string): string {
  return path.startsWith("/") ? join(stage.root, path) : join(stage.root, stage.workdir, path);
}

/** Rewrites a RUN command's in-image absolute paths (volumes, workdir) into the stage directory. */
function mapPaths(stage: Stage, command: string): string {
  let out = command;
  for (const p of [...stage.volumes, stage.workdir].filter((p) => p !== "/")) {
    out = out.replace(new RegExp(`(^|[\\s=])${p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?=[\\s/;&|]|$)`, "g"), `$1${join(stage.root, p)}`);
  }
  return out;
}

function copy(from: string, to: string): void {
  if (!existsSync(from)) throw new Error(`COPY: ${from} does not exist`);
  if (statSync(from).isDirectory()) {
    mkdirSync(to, { recursive: true });
    cpSync(from, to, { recursive: true });
  } else {
    const dest = to.endsWith("/") || (existsSync(to) && statSync(to).isDirectory()) ? join(to, basename(from)) : to;
    mkdirSync(resolve(dest, ".."), { recursive: true });
    cpSync(from, dest);
  }
}

function run(stage: Stage, command: string): void {
  // chown needs root and the image's users; ownership is what USER/chown give the container, not something to prove here.
  const parts = command.split(/\s*&&\s*/).filter((p) => {
    if (/^chown\b/.test(p)) {
      log(`    (skipped outside a container: ${p})`);
      return false;
    }
    return true;
  });
  const mapped = mapPaths(stage, parts.join(" && "));
  // Never touch this machine's root: every absolute path left must be a system one (e.g. /usr/bin).
  const stray = [...mapped.matchAll(/(?:^|\s)(\/(?!usr\/|bin\/|tmp\/|dev\/)[^\s;&|]*)/g)].map((m) => m[1]!).filter((p) => !p.startsWith(stage.root));
  if (stray.length) throw new Error(`RUN uses absolute paths this check does not map: ${stray.join(", ")}`);
  const cwd = join(stage.root, stage.workdir);
  log(`    $ ${mapped}`);
  const res = spawnSync("sh", ["-c", mapped], { cwd, stdio: "inherit", env: stageEnv(stage) });
  if (res.status !== 0) throw new Error(`RUN failed (${res.status}): ${command}`);
}

function stageEnv(stage: Stage): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? "", HOME: join(stage.root, "home"), npm_config_cache: join(stage.root, "npm-cache") };
  for (const [k, v] of Object.entries(stage.env)) env[k] = v.startsWith("/") ? inStage(stage, v) : v;
  return env;
}

async function main(): Promise<void> {
  const instructions = parseDockerfile(readFileSync(join(context, "Dockerfile"), "utf8"));
  const base = mkdtempSync(join(tmpdir(), "stewards-dockerfile-"));
  // Every stage's VOLUMEs, known before its RUNs (a RUN that prepares a volume comes before the VOLUME line).
  const volumesOf: string[][] = [];
  for (const ins of instructions) {
    if (ins.op === "FROM") volumesOf.push([]);
    else if (ins.op === "VOLUME") volumesOf.at(-1)?.push(...(JSON.parse(ins.args) as string[]));
  }
  const stages: Stage[] = [];
  let stage: Stage | undefined;
  try {
    for (const ins of instructions) {
      log(`${ins.line}: ${ins.op} ${ins.args}`);
      if (ins.op === "FROM") {
        const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
        stage = { name: m?.[2] ?? String(stages.length), root: join(base, `stage-${stages.length}`), workdir: "/", env: {}, volumes: volumesOf[stages.length] ?? [] };
        mkdirSync(join(stage.root, "home"), { recursive: true });
        stages.push(stage);
        continue;
      }
      if (!stage) throw new Error(`line ${ins.line}: ${ins.op} before FROM`);
      switch (ins.op) {
        case "WORKDIR":
          stage.workdir = ins.args;
          mkdirSync(inStage(stage, ins.args), { recursive: true });
          break;
        case "ENV":
          Object.assign(stage.env, parseEnv(ins.args));
          break;
        case "COPY": {
          const words = ins.args.split(/\s+/);
          const fromStage = words[0]?.startsWith("--from=") ? words.shift()!.slice("--from=".length) : undefined;
          const dest = words.pop()!;
          const source = fromStage ? stages.find((s) => s.name === fromStage) : undefined;
          if (fromStage && !source) throw new Error(`line ${ins.line}: no stage ${fromStage}`);
          for (const src of words) {
            const from = source ? inStage(source, src) : join(context, src);
            copy(from, dest.endsWith("/") ? `${inStage(stage, dest)}/` : inStage(stage, dest));
          }
          break;
        }
        case "RUN":
          run(stage, ins.args);
          break;
        case "VOLUME":
          break;
        case "USER":
          log(`    (runs as this machine's user here; the image runs as ${ins.args})`);
          break;
        case "EXPOSE":
        case "STOPSIGNAL":
        case "LABEL":
          break;
        case "HEALTHCHECK": {
          const m = /\bCMD\s+(.*)$/.exec(ins.args);
          stage.healthcheck = m?.[1];
          break;
        }
        case "CMD":
          stage.cmd = JSON.parse(ins.args) as string[];
          break;
        default:
          throw new Error(`line ${ins.line}: ${ins.op} is not understood by this check; teach it or keep the Dockerfile simple`);
      }
    }
    const runtime = stages.at(-1)!;
    if (!runtime.cmd) throw new Error("the last stage has no CMD");
    if (!runtime.healthcheck) throw new Error("the last stage has no HEALTHCHECK");
    const appDir = join(runtime.root, runtime.workdir);
    log(`\nruntime stage: ${(du(appDir) / 1e6).toFixed(1)} MB in ${runtime.workdir} (node_modules ${(du(join(appDir, "node_modules")) / 1e6).toFixed(1)} MB), base image not included`);

    const port = await freePort();
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
    const env = { ...stageEnv(runtime), PORT: String(port), APP_ID: "1", PRIVATE_KEY: privateKey, WEBHOOK_SECRET: "dockerfile-check" };
    for (const v of runtime.volumes) mkdirSync(inStage(runtime, v), { recursive: true });
    log(`\nstarting: ${runtime.cmd.join(" ")} (NODE_ENV=${env.NODE_ENV}, PORT=${port})`);
    const [command, ...args] = runtime.cmd;
    const child = spawn(command === "node" ? process.execPath : command!, args, { cwd: appDir, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}:\n${output}`);
        // The HEALTHCHECK command exactly as the Dockerfile writes it, with the container's environment.
        const probe = spawnSync("sh", ["-c", runtime.healthcheck], { env, encoding: "utf8" });
        if (probe.status === 0) break;
        if (Date.now() > deadline) throw new Error(`HEALTHCHECK never passed:\n${output}`);
        await new Promise((r) => setTimeout(r, 500));
      }
      log("HEALTHCHECK passed");
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      log(`/healthz ${health.status} ${await health.text()}`);
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
      const text = await metrics.text();
      if (metrics.status !== 200 || !text.includes("stewards_webhook_deliveries_total")) throw new Error(`/metrics answered ${metrics.status}`);
      log(`/metrics ${metrics.status} (${text.split("\n").filter((l) => l.startsWith("stewards_")).length} stewards samples)`);
      if (!existsSync(inStage(runtime, runtime.env.STEWARDS_DATA_DIR ?? "/data"))) throw new Error("the data volume was not created");
    } finally {
      const code =
        child.exitCode ??
        (await new Promise<number | null>((r) => {
          child.once("exit", (c) => r(c));
          child.kill("SIGTERM");
        }));
      log(`stopped on SIGTERM with exit code ${code}`);
      if (code !== 0) process.exitCode = 1;
    }
    log("\nDockerfile steps: OK");
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`Dockerfile check failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
