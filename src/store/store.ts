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

  /** Inserts or replaces merged PRs, keyed by (repo, number). Idempotent. */
  upsertPullRequests(prs: readonly MergedPullRequest[]): Promise<void>;
  /** Inserts or replaces reviews, keyed by review id. Idempotent. */
  upsertReviews(reviews: readonly SubmittedReview[]): Promise<void>;
  /** Removes a PR from the ledger (e.g. it turned out not to be merged). */
  deletePullRequest(repo: string, number: number): Promise<void>;

  /** Merged PRs matching the query, oldest merge first. */
  listPullRequests(query: ContributionQuery): Promise<MergedPullRequest[]>;
  /** Reviews matching the query (by reviewer), oldest first. */
  listReviews(query: ContributionQuery): Promise<SubmittedReview[]>;

  getSyncState(repo: string): Promise<SyncState | null>;
  setSyncState(state: SyncState): Promise<void>;

  /** Free-form small JSON values (last valid ladder per repo, sweep times). Null when absent. */
  getValue<T>(key: string): Promise<T | null>;
  setValue<T>(key: string, value: T): Promise<void>;

  close(): Promise<void>;
}
