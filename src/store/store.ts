/**
 * The one interface over the app's own state (everything that is not kept in
 * GitHub): delivery de-duplication, the contributions ledger, sync
 * bookkeeping and the last valid ladder. The embedded implementation (PGlite,
 * `embedded-store.ts`) is the default; a PostgreSQL implementation
 * (`postgres-store.ts`, used when DATABASE_URL is set) serves the same
 * interface with the same SQL.
 *
 * Contract for every method: it resolves once the change is durable, and
 * rejects (never half-applies) when the store cannot be reached.
 */
import type { MergedPullRequest, SubmittedReview } from "../ladder/contributions.js";

/**
 * Optional parts of a PR record that cost GraphQL points to read (each nested
 * connection adds about one point per page of 100 PRs), so history reads them
 * only when the ladder's counting needs them.
 */
export interface HistoryFields {
  /** Labels are read (needed by `counting.exclude_labels`). */
  labels: boolean;
  /** Changed paths are read (needed by `counting.paths`). */
  paths: boolean;
}

/** Where a repository's ledger stands relative to GitHub. */
export interface SyncState {
  /** "owner/name" */
  repo: string;
  /** True once a complete backfill has finished. */
  backfilled: boolean;
  /**
   * The newest `updatedAt` among the PRs read so far (ISO-8601): the catch-up
   * reads PRs ordered by update time, newest first, and stops at this mark.
   */
  updatedThrough: string | null;
  /** When the last backfill or catch-up finished (ISO-8601). */
  lastSyncAt: string | null;
  /**
   * Which optional fields the ledger holds, current for every PR of the repo.
   * A ladder that needs a field not held here makes the next sync re-read the
   * whole history with it. States stored before this field existed read as
   * `{ labels: false, paths: false }`.
   */
  fields: HistoryFields;
}

export interface ContributionQuery {
  /** Repositories ("owner/name") to read; for `scope: org`, every repo of the owner (see `owner`). */
  repos?: string[];
  /** All repositories of this owner (case-insensitive), for `scope: org`. */
  owner?: string;
  /** Only contributions at or after this instant (ISO-8601). Omit for all history. */
  since?: string;
  /** Only contributions of these logins (case-insensitive). Omit for everyone. */
  logins?: string[];
}

export interface LedgerStore {
  /**
   * Records a webhook delivery id; resolves true the first time the id is seen
   * and false for every later call (a duplicate delivery). Atomic across
   * concurrent callers: exactly one caller gets true.
   */
  claimDelivery(deliveryId: string): Promise<boolean>;
  /**
   * Forgets delivery ids received before `before` (ISO-8601), so the table
   * does not grow forever; a redelivery older than that is then processed
   * again (harmless: handlers are idempotent). Meant for the periodic sweep.
   */
  pruneDeliveries(before: string): Promise<void>;

  /**
   * Inserts or replaces merged PRs, keyed by (repo, number). Idempotent.
   * `paths: null` (unknown, e.g. from a webhook payload) never erases paths
   * already known for that PR, nor `labels: null` known labels. Within one
   * call, the last record of a key wins.
   */
  upsertPullRequests(prs: readonly MergedPullRequest[]): Promise<void>;
  /** Inserts or replaces reviews, keyed by review id. Idempotent. */
  upsertReviews(reviews: readonly SubmittedReview[]): Promise<void>;
  /**
   * Writes one page of history in a single transaction: PRs (as
   * `upsertPullRequests`) and reviews (as `upsertReviews`). `fields` says which
   * optional fields these records carry; for a field they do not carry
   * (`labels: false`), the stored value of an existing PR is kept and a new PR
   * gets `null` (unknown) — for labels as for paths, never `[]`. Omitted: both carried.
   */
  upsertContributions(batch: {
    pullRequests: readonly MergedPullRequest[];
    reviews: readonly SubmittedReview[];
    fields?: HistoryFields;
  }): Promise<void>;
  /** Removes a PR from the ledger (e.g. it turned out not to be merged). */
  deletePullRequest(repo: string, number: number): Promise<void>;

  /** Merged PRs matching the query, oldest merge first (then repo, number). Dates come back as `toISOString()` forms. */
  listPullRequests(query: ContributionQuery): Promise<MergedPullRequest[]>;
  /** Reviews matching the query (`logins` match the reviewer), oldest first (then id). */
  listReviews(query: ContributionQuery): Promise<SubmittedReview[]>;

  /** The repository's sync state ("owner/name", case-insensitive), or null when never synced. */
  getSyncState(repo: string): Promise<SyncState | null>;
  /** Replaces the repository's sync state (keyed case-insensitively by `state.repo`). */
  setSyncState(state: SyncState): Promise<void>;

  /** Free-form small JSON values (last valid ladder per repo, sweep times). Null when absent. */
  getValue<T>(key: string): Promise<T | null>;
  /** Replaces the value under `key`; `value` must survive JSON (no undefined at the top level). */
  setValue<T>(key: string, value: T): Promise<void>;

  /**
   * Takes the lease `key` (which must start with "lease:") for `holder` for
   * `ttlMs`, when it is free, expired, or already held by `holder` (which
   * renews it). Resolves true when taken. Atomic across processes sharing the
   * store: of concurrent callers, exactly one gets true. A lease is advisory:
   * it keeps replicas from doing the same work at once; the work itself must
   * still be idempotent, since a lease can expire under a slow holder.
   */
  acquireLease(key: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Frees the lease if `holder` holds it; otherwise does nothing. */
  releaseLease(key: string, holder: string): Promise<void>;
  /**
   * The content budget shared by every process on this store
   * (src/github/content-budget.ts): when each window — at most `max` grants
   * of `key` in any `windowMs` — has room, records one grant now and resolves
   * 0; otherwise records nothing and resolves the milliseconds until a slot
   * frees. Atomic across processes (grants of one key are serialised), timed
   * by the database's clock, and forgets grants older than the longest window.
   */
  grantContentRequest(key: string, windows: ReadonlyArray<{ max: number; windowMs: number }>): Promise<number>;

  /** Releases the connection (pool or PGlite instance); the store is unusable afterwards. Idempotent. */
  close(): Promise<void>;
}
