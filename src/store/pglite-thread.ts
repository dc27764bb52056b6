/**
 * The embedded PGlite database, run on a worker thread of its own.
 *
 * Why a thread: PGlite is PostgreSQL compiled to WASM and runs on the thread
 * that calls it. On the main thread every statement — parsing, planning,
 * writing the WAL, encoding and decoding rows — was CPU time the HTTP server
 * could not use: profiled under 20 concurrent webhook senders it was 54 % of
 * the main thread (about 2.6 ms per acknowledged delivery), and webhook
 * answers queued behind it (p99 210-540 ms). On its own thread that work runs
 * beside the HTTP server (on another core when there is one), and the main
 * thread only posts the statement and receives the rows (structured clone,
 * microseconds for the 25 KB job rows).
 *
 * The thread runs one statement at a time, like PGlite itself; callers
 * serialise through the store's PriorityGate as before, and transactions are
 * BEGIN … COMMIT sent by the holder of the gate (see embedded-store.ts).
 *
 * The worker's code is a small CommonJS string (`eval: true`) rather than a
 * file of its own, so that the same module works compiled (dist/) and under
 * the tests' TypeScript loader, which cannot hand a worker a .ts file; it
 * loads PGlite from the absolute path this module resolves.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** One statement's answer: its rows (PGlite's type parsing applied on the thread). */
export interface EmbeddedResult<R = Record<string, unknown>> {
  rows: R[];
}

/** The embedded database as the store and the queue use it. */
export interface EmbeddedDatabase {
  /** Runs one statement with `$n` parameters (extended protocol). Rejects with PostgreSQL's error (`code`, `detail`, … copied). */
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<EmbeddedResult<R>>;
  /** Runs a script of one or more statements without parameters; resolves with each statement's result, in order. */
  exec(script: string): Promise<EmbeddedResult[]>;
  /** Closes the database (a clean shutdown, checkpointed) and ends the thread. Idempotent; every later call rejects. */
  close(): Promise<void>;
  /** Whether the thread is alive and the database open (false after close() or a crash of the thread). */
  readonly open: boolean;
}

type Request =
  | { id: number; op: "query"; text: string; params: readonly unknown[] | undefined }
  | { id: number; op: "exec"; text: string }
  | { id: number; op: "close" };

/** A request before it gets its id. */
type Op = Request extends infer Q ? (Q extends { id: number } ? Omit<Q, "id"> : never) : never;

type Response = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: SerializedError };

interface SerializedError {
  message: string;
  name: string;
  /** Own primitive-valued properties of the error: PostgreSQL's `code`, `detail`, `constraint`, … */
  fields: Record<string, string | number | boolean | null>;
}

/**
 * Runs inside the worker. Message 0 is the open's outcome; then one answer
 * per request, with its id. PGlite queues concurrent statements itself.
 */
const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require("node:worker_threads");
const { PGlite } = require(workerData.pglitePath);
function serialize(err) {
  const fields = {};
  if (err && typeof err === "object") {
    for (const [k, v] of Object.entries(err)) {
      if (v === null || ["string", "number", "boolean"].includes(typeof v)) fields[k] = v;
    }
  }
  return { message: err instanceof Error ? err.message : String(err), name: err instanceof Error ? err.name : "Error", fields };
}
let db = null;
parentPort.on("message", async (req) => {
  try {
    if (!db) throw new Error("the embedded database is not open");
    let value;
    if (req.op === "query") value = { rows: (await db.query(req.text, req.params)).rows };
    else if (req.op === "exec") value = (await db.exec(req.text)).map((r) => ({ rows: r.rows }));
    else if (req.op === "close") {
      const closing = db;
      db = null;
      await closing.close();
      value = null;
    }
    parentPort.postMessage({ id: req.id, ok: true, value });
  } catch (err) {
    parentPort.postMessage({ id: req.id, ok: false, error: serialize(err) });
  }
});
PGlite.create(workerData.dir, workerData.options).then(
  (opened) => { db = opened; parentPort.postMessage({ id: 0, ok: true, value: null }); },
  (err) => parentPort.postMessage({ id: 0, ok: false, error: serialize(err) }),
);
`;

function revive(e: SerializedError): Error {
  const err = new Error(e.message);
  err.name = e.name;
  for (const [k, v] of Object.entries(e.fields)) {
    if (k !== "message" && k !== "name" && k !== "stack") (err as unknown as Record<string, unknown>)[k] = v;
  }
  return err;
}

class PGliteThread implements EmbeddedDatabase {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
  private dead: Error | null = null;
  private closing: Promise<void> | null = null;

  constructor(private readonly worker: Worker) {
    worker.on("message", (res: Response) => this.settle(res));
    worker.on("error", (err) => this.fail(err instanceof Error ? err : new Error(String(err))));
    worker.on("exit", (code) => this.fail(new Error(`the embedded database thread exited (code ${code})`)));
    // Idle, the thread must not keep the process alive; while a statement is out, it must.
    worker.unref();
  }

  get open(): boolean {
    return this.dead === null && this.closing === null;
  }

  /** Resolves once PGlite has opened on the thread (request 0), rejects with its error. */
  ready(): Promise<void> {
    return this.expect(0).then(() => undefined);
  }

  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<EmbeddedResult<R>> {
    return this.send({ op: "query", text, params: params && params.length > 0 ? params : undefined }) as Promise<EmbeddedResult<R>>;
  }

  exec(script: string): Promise<EmbeddedResult[]> {
    return this.send({ op: "exec", text: script }) as Promise<EmbeddedResult[]>;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        if (!this.dead) await this.request({ op: "close" });
      } finally {
        await this.worker.terminate();
      }
    })();
    return this.closing;
  }

  private send(req: Exclude<Op, { op: "close" }>): Promise<unknown> {
    if (this.closing) return Promise.reject(new Error("the embedded database is closed"));
    return this.request(req);
  }

  private request(req: Op): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    const answer = this.expect(id);
    const message: Request = { ...req, id };
    this.worker.postMessage(message);
    return answer;
  }

  private expect(id: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
    });
  }

  private settle(res: Response): void {
    const waiter = this.pending.get(res.id);
    if (!waiter) return;
    this.pending.delete(res.id);
    if (this.pending.size === 0) this.worker.unref();
    if (res.ok) waiter.resolve(res.value);
    else waiter.reject(revive(res.error));
  }

  private fail(err: Error): void {
    this.dead ??= err;
    for (const waiter of this.pending.values()) waiter.reject(err);
    this.pending.clear();
  }
}

/** Starts the thread and opens PGlite in it: `dir` a directory, or "memory://". Rejects (thread ended) when PGlite cannot open. */
export async function openPGliteThread(dir: string, options: { postgresqlconf?: string } = {}): Promise<EmbeddedDatabase> {
  const pglitePath = createRequire(import.meta.url).resolve("@electric-sql/pglite");
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { pglitePath, dir, options } });
  const db = new PGliteThread(worker);
  try {
    await db.ready();
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  return db;
}
