/**
 * `LedgerStore` over any PostgreSQL-dialect driver. The embedded (PGlite) and
 * PostgreSQL stores differ only in the `SqlDriver` they hand to this class,
 * so both run the same queries (sql.ts) and pass the same contract suite.
 */
import type { MergedPullRequest, SubmittedReview } from "../ladder/contributions.js";
import { MIGRATIONS, MIGRATION_LOCK_KEY, SQL, SQL_MIGRATION } from "./sql.js";
import type { ContributionQuery, HistoryFields, LedgerStore, SyncState } from "./store.js";

/** A connection or transaction that runs SQL. */
export interface SqlClient {
  /** Runs one statement with `$n` parameters; resolves with its rows. */
  query<R>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs a script of one or more statements without parameters. */
  exec(script: string): Promise<void>;
}

/** What an implementation provides: a client, transactions, and closing. */
export interface SqlDriver extends SqlClient {
  /** Runs `fn` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  /** Releases the driver's resources. */
  close(): Promise<void>;
}

/** The slice of a pino logger the store uses. */
export interface StoreLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

const BOTH: HistoryFields = { labels: true, paths: true };
/** Rows per `jsonb_to_recordset` statement: keeps one parameter well under a few MB. */
const CHUNK = 2000;

/** Applies the migrations not yet applied, in order, in one transaction under an advisory lock. */
export async function migrate(driver: SqlDriver, log?: StoreLog): Promise<number[]> {
  return driver.transaction(async (tx) => {
    await tx.query(SQL_MIGRATION.lock, [MIGRATION_LOCK_KEY]);
    await tx.exec(SQL_MIGRATION.createTable);
    const applied = new Set((await tx.query<{ version: number }>(SQL_MIGRATION.applied)).map((r) => Number(r.version)));
    const known = new Set(MIGRATIONS.map((m) => m.version));
    const unknown = [...applied].filter((v) => !known.has(v));
    if (unknown.length > 0) {
      // A newer release migrated this database; this one can still read it as
      // long as migrations only ever add. Say so rather than fail.
      log?.warn({ unknown }, "the store has migrations this version does not know (a newer release ran here)");
    }
    const done: number[] = [];
    for (const m of [...MIGRATIONS].sort((a, b) => a.version - b.version)) {
      if (applied.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query(SQL_MIGRATION.record, [m.version, m.name]);
      done.push(m.version);
    }
    if (done.length > 0) log?.info({ versions: done }, "store migrated");
    return done;
  });
}

interface SyncStateRow {
  repo: string;
  backfilled: boolean;
  updated_through: string | null;
  last_sync_at: string | null;
  fields: Partial<HistoryFields> | null;
}

/** Leases live in the kv table under this prefix, apart from plain values. */
export const LEASE_PREFIX = "lease:";

export class SqlLedgerStore implements LedgerStore {
  private closed = false;

  constructor(private readonly db: SqlDriver) {}

  async claimDelivery(deliveryId: string): Promise<boolean> {
    const rows = await this.db.query(SQL.claimDelivery, [deliveryId]);
    return rows.length === 1;
  }

  /** Forgets deliveries received before `before` (ISO-8601); GitHub does not redeliver old ones by itself. */
  async pruneDeliveries(before: string): Promise<void> {
    await this.db.query(SQL.pruneDeliveries, [before]);
  }

  async upsertPullRequests(prs: readonly MergedPullRequest[]): Promise<void> {
    if (prs.length === 0) return;
    await this.db.transaction((tx) => writePullRequests(tx, prs, BOTH));
  }

  async upsertReviews(reviews: readonly SubmittedReview[]): Promise<void> {
    if (reviews.length === 0) return;
    await this.db.transaction((tx) => writeReviews(tx, reviews));
  }

  async upsertContributions(batch: {
    pullRequests: readonly MergedPullRequest[];
    reviews: readonly SubmittedReview[];
    fields?: HistoryFields;
  }): Promise<void> {
    if (batch.pullRequests.length === 0 && batch.reviews.length === 0) return;
    await this.db.transaction(async (tx) => {
      await writePullRequests(tx, batch.pullRequests, batch.fields ?? BOTH);
      await writeReviews(tx, batch.reviews);
    });
  }

  async deletePullRequest(repo: string, number: number): Promise<void> {
    await this.db.query(SQL.deletePullRequest, [repo, number]);
  }

  async listPullRequests(query: ContributionQuery): Promise<MergedPullRequest[]> {
    const [row] = await this.db.query<{ records: string }>(SQL.listPullRequests, filterParams(query));
    // Built by SQL in exactly the MergedPullRequest shape (sql.ts).
    return JSON.parse(row?.records ?? "[]") as MergedPullRequest[];
  }

  async listReviews(query: ContributionQuery): Promise<SubmittedReview[]> {
    const [row] = await this.db.query<{ records: string }>(SQL.listReviews, filterParams(query));
    // Built by SQL in exactly the SubmittedReview shape; bigint ids are JSON numbers (far below 2^53).
    return JSON.parse(row?.records ?? "[]") as SubmittedReview[];
  }

  async getSyncState(repo: string): Promise<SyncState | null> {
    const [row] = await this.db.query<SyncStateRow>(SQL.getSyncState, [repo]);
    if (!row) return null;
    return {
      repo: row.repo,
      backfilled: row.backfilled,
      updatedThrough: row.updated_through,
      lastSyncAt: row.last_sync_at,
      fields: { labels: row.fields?.labels === true, paths: row.fields?.paths === true },
    };
  }

  async setSyncState(state: SyncState): Promise<void> {
    const fields = { labels: state.fields?.labels === true, paths: state.fields?.paths === true };
    await this.db.query(SQL.setSyncState, [
      state.repo,
      state.backfilled,
      state.updatedThrough,
      state.lastSyncAt,
      JSON.stringify(fields),
    ]);
  }

  async getValue<T>(key: string): Promise<T | null> {
    const [row] = await this.db.query<{ value: T }>(SQL.getValue, [key]);
    return row ? row.value : null;
  }

  async setValue<T>(key: string, value: T): Promise<void> {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`setValue(${JSON.stringify(key)}): the value has no JSON form`);
    await this.db.query(SQL.setValue, [key, text]);
  }

  async acquireLease(key: string, holder: string, ttlMs: number): Promise<boolean> {
    if (!key.startsWith(LEASE_PREFIX)) throw new TypeError(`lease keys start with "${LEASE_PREFIX}": ${key}`);
    const rows = await this.db.query(SQL.acquireLease, [key, holder, String(Math.max(1, Math.round(ttlMs)))]);
    return rows.length === 1;
  }

  async releaseLease(key: string, holder: string): Promise<void> {
    await this.db.query(SQL.releaseLease, [key, holder]);
  }

  async grantContentRequest(key: string, windows: ReadonlyArray<{ max: number; windowMs: number }>): Promise<number> {
    if (windows.length === 0) return 0;
    const longest = Math.max(...windows.map((w) => w.windowMs));
    const limits = JSON.stringify(windows.map((w) => ({ max: w.max, window_ms: Math.round(w.windowMs) })));
    return this.db.transaction(async (tx) => {
      await tx.query(SQL.contentGrantLock, [key]);
      await tx.query(SQL.contentGrantPrune, [key, String(Math.round(longest))]);
      const [row] = await tx.query<{ wait_ms: string | number }>(SQL.contentGrantWait, [key, limits]);
      const wait = Number(row?.wait_ms ?? 0);
      if (wait <= 0) await tx.query(SQL.contentGrantInsert, [key]);
      return Math.max(0, wait);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.close();
  }
}

function lowerAll(values: readonly string[] | undefined): string[] | null {
  return values ? values.map((v) => v.toLowerCase()) : null;
}

function filterParams(q: ContributionQuery): unknown[] {
  return [lowerAll(q.repos), q.owner ? q.owner.toLowerCase() : null, q.since ?? null, lowerAll(q.logins)];
}

/** Last record of a key wins: `ON CONFLICT DO UPDATE` may not touch one row twice in a statement. */
function lastByKey<T>(items: readonly T[], key: (item: T) => string): T[] {
  const map = new Map<string, T>();
  for (const item of items) map.set(key(item), item);
  return [...map.values()];
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

async function writePullRequests(tx: SqlClient, prs: readonly MergedPullRequest[], fields: HistoryFields): Promise<void> {
  const unique = lastByKey(prs, (p) => `${p.repo}#${p.number}`);
  for (const chunk of chunks(unique)) {
    const records = chunk.map((p) => ({
      repo: p.repo,
      number: p.number,
      author: p.author,
      merged_at: p.mergedAt,
      additions: p.additions,
      deletions: p.deletions,
      labels: fields.labels ? p.labels : null,
      paths: fields.paths ? p.paths : null,
      url: p.url,
    }));
    await tx.query(SQL.upsertPullRequests, [JSON.stringify(records), fields.labels, fields.paths]);
  }
}

async function writeReviews(tx: SqlClient, reviews: readonly SubmittedReview[]): Promise<void> {
  const unique = lastByKey(reviews, (r) => String(r.id));
  for (const chunk of chunks(unique)) {
    const records = chunk.map((r) => ({
      id: r.id,
      repo: r.repo,
      pr_number: r.prNumber,
      pr_author: r.prAuthor,
      reviewer: r.reviewer,
      state: r.state,
      submitted_at: r.submittedAt,
      url: r.url,
    }));
    await tx.query(SQL.upsertReviews, [JSON.stringify(records)]);
  }
}
