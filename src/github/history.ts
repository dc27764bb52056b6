/**
 * Reads a repository's merged PRs and their reviews from GitHub's GraphQL API
 * into the ledger: a full backfill once, then cheap catch-ups that read only
 * what changed since the last sync (GitHub does not redeliver missed
 * webhooks, so the catch-up is what makes the ledger whole).
 *
 * Both walk the same query (graphql-pull-requests.ts) newest update first:
 * - the backfill reads every page, writes each page in one transaction, and
 *   marks the repository backfilled at the end with the newest `updatedAt`
 *   seen (PRs updated while it ran are newer than that mark, so the next
 *   catch-up reads them);
 * - the catch-up stops after the first page that reaches PRs older than that
 *   mark (less a few minutes for clock skew): one point when nothing changed.
 */
import type { MergedPullRequest, ReviewState, SubmittedReview } from "../ladder/contributions.js";
import type { HistoryFields, LedgerStore, SyncState } from "../store/store.js";
import {
  FILES_PER_PR,
  mergedPullRequestsQuery,
  PAGE_SIZE,
  REVIEWS_PER_PR,
  restLogin,
  type MergedPullRequestsResponse,
  type MergedPullRequestsVariables,
  type PullRequestNode,
} from "./graphql-pull-requests.js";

/** The GraphQL call history needs; a Probot octokit satisfies it (`{ graphql: octokit.graphql }`). */
export interface GraphqlClient {
  /** Runs one query; resolves with its `data`, rejects on HTTP or GraphQL errors (no retry here). */
  graphql<T>(query: string, variables: Record<string, unknown>): Promise<T>;
}

/** The slice of a pino logger history uses. */
export interface HistoryLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface HistoryProgress {
  pages: number;
  prs: number;
  reviews: number;
  /** GraphQL points spent so far by this run. */
  cost: number;
  /** Points left in the current rate-limit window, as GitHub last said. */
  remaining: number | null;
  /** Merged PRs in the repository (GitHub's totalCount): the backfill's goal. */
  total: number | null;
}

export interface HistoryOptions {
  owner: string;
  repo: string;
  /** Optional fields to read; read them only when the ladder's counting needs them (each costs ~1 point per page). */
  fields: HistoryFields;
  /** Called after each page is stored. */
  onProgress?: (p: HistoryProgress) => void;
  log?: HistoryLog;
  /** The clock for `lastSyncAt`. */
  now?: () => Date;
  /** Stop (rejecting with `RateLimitLowError`) when fewer points than this remain, to leave budget for the rest of the app. Default 50. */
  minRemaining?: number;
}

export interface HistoryResult extends HistoryProgress {
  mode: "backfill" | "catch-up";
  /** "owner/name" as GitHub spells it. */
  repo: string;
  updatedThrough: string | null;
}

/** The catch-up reads this far behind the mark, for clock skew between GitHub's servers. */
export const CATCH_UP_OVERLAP_MS = 5 * 60_000;

export class RepositoryNotFoundError extends Error {}
export class RateLimitLowError extends Error {
  constructor(
    readonly remaining: number,
    readonly resetAt: string,
  ) {
    super(`GraphQL rate limit low (${remaining} points left until ${resetAt}); history read stopped, the next sweep resumes it`);
  }
}

/** True when the ledger lacks a field the ladder now needs: the whole history must be read again with it. */
export function needsFields(held: HistoryFields, wanted: HistoryFields): boolean {
  return (wanted.labels && !held.labels) || (wanted.paths && !held.paths);
}

/**
 * Reads the repository's whole merged history into the store, then records
 * the sync state (backfilled, newest `updatedAt`, fields held). PRs of deleted
 * accounts (no author) and reviews without an author are skipped; reviews of
 * a deleted account's PR are kept with `prAuthor: "ghost"`.
 */
export async function backfillRepository(client: GraphqlClient, store: LedgerStore, opts: HistoryOptions): Promise<HistoryResult> {
  const walk = await walkHistory(client, store, opts, null);
  const previous = await store.getSyncState(walk.repo);
  const state: SyncState = {
    repo: walk.repo,
    backfilled: true,
    updatedThrough: newest(previous?.updatedThrough ?? null, walk.newestUpdatedAt),
    lastSyncAt: (opts.now ?? (() => new Date()))().toISOString(),
    fields: { ...opts.fields },
  };
  await store.setSyncState(state);
  return { mode: "backfill", repo: walk.repo, updatedThrough: state.updatedThrough, ...walk.progress };
}

/**
 * Reads what changed since the last sync. Backfills instead when the
 * repository was never backfilled or the ledger lacks a field now wanted.
 */
export async function catchUpRepository(client: GraphqlClient, store: LedgerStore, opts: HistoryOptions): Promise<HistoryResult> {
  const previous = await store.getSyncState(`${opts.owner}/${opts.repo}`);
  if (!previous || !previous.backfilled || needsFields(previous.fields, opts.fields)) {
    return backfillRepository(client, store, opts);
  }
  const mark = previous.updatedThrough ? new Date(Date.parse(previous.updatedThrough) - CATCH_UP_OVERLAP_MS).toISOString() : null;
  const walk = await walkHistory(client, store, opts, mark);
  const state: SyncState = {
    repo: walk.repo,
    backfilled: true,
    updatedThrough: newest(previous.updatedThrough, walk.newestUpdatedAt),
    lastSyncAt: (opts.now ?? (() => new Date()))().toISOString(),
    // Fields not read now may go stale on the PRs that changed: hold only what was read.
    fields: { labels: previous.fields.labels && opts.fields.labels, paths: previous.fields.paths && opts.fields.paths },
  };
  await store.setSyncState(state);
  return { mode: "catch-up", repo: walk.repo, updatedThrough: state.updatedThrough, ...walk.progress };
}

interface Walk {
  repo: string;
  newestUpdatedAt: string | null;
  progress: HistoryProgress;
}

/** Pages newest update first; stops at the end, or after the first page reaching PRs updated before `stopBefore`. */
async function walkHistory(client: GraphqlClient, store: LedgerStore, opts: HistoryOptions, stopBefore: string | null): Promise<Walk> {
  const query = mergedPullRequestsQuery(opts.fields);
  const minRemaining = opts.minRemaining ?? 50;
  const stopAt = stopBefore ? Date.parse(stopBefore) : null;
  const progress: HistoryProgress = { pages: 0, prs: 0, reviews: 0, cost: 0, remaining: null, total: null };
  let repo = `${opts.owner}/${opts.repo}`;
  let newestUpdatedAt: string | null = null;
  let cursor: string | null = null;

  for (;;) {
    const variables: MergedPullRequestsVariables = { owner: opts.owner, name: opts.repo, first: PAGE_SIZE, cursor };
    const data: MergedPullRequestsResponse = await client.graphql<MergedPullRequestsResponse>(query, variables);
    if (!data.repository) throw new RepositoryNotFoundError(`repository ${opts.owner}/${opts.repo} not found or not accessible`);
    repo = data.repository.nameWithOwner;
    const connection = data.repository.pullRequests;
    const nodes = (connection.nodes ?? []).filter((n): n is PullRequestNode => n !== null);

    const page = toRecords(repo, nodes, opts.log);
    await store.upsertContributions({ pullRequests: page.pullRequests, reviews: page.reviews, fields: opts.fields });

    for (const n of nodes) newestUpdatedAt = newest(newestUpdatedAt, n.updatedAt);
    progress.pages += 1;
    progress.prs += page.pullRequests.length;
    progress.reviews += page.reviews.length;
    progress.total = connection.totalCount;
    if (data.rateLimit) {
      progress.cost += data.rateLimit.cost;
      progress.remaining = data.rateLimit.remaining;
    }
    opts.onProgress?.({ ...progress });

    const reachedMark = stopAt !== null && nodes.some((n) => Date.parse(n.updatedAt) < stopAt);
    const more = connection.pageInfo.hasNextPage && connection.pageInfo.endCursor !== null;
    if (reachedMark || !more) break;
    if (data.rateLimit && data.rateLimit.remaining < minRemaining) {
      opts.log?.warn({ repo, ...progress, resetAt: data.rateLimit.resetAt }, "GraphQL budget low; stopping the history read");
      throw new RateLimitLowError(data.rateLimit.remaining, data.rateLimit.resetAt);
    }
    cursor = connection.pageInfo.endCursor;
  }
  return { repo, newestUpdatedAt, progress };
}

/** GitHub's login for deleted accounts. */
export const GHOST = "ghost";

const REVIEW_STATES: ReadonlySet<string> = new Set<ReviewState>(["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED"]);

/** Converts one page of nodes into ledger records. Exported for tests. */
export function toRecords(
  repo: string,
  nodes: readonly PullRequestNode[],
  log?: HistoryLog,
): { pullRequests: MergedPullRequest[]; reviews: SubmittedReview[] } {
  const pullRequests: MergedPullRequest[] = [];
  const reviews: SubmittedReview[] = [];
  for (const n of nodes) {
    if (!n.mergedAt) continue;
    const author = n.author ? restLogin(n.author) : null;
    // A deleted account's PR ("ghost") counts for nobody; reviews of it still
    // count for their reviewers.
    if (author) pullRequests.push({
      repo,
      number: n.number,
      author,
      mergedAt: n.mergedAt,
      additions: n.additions,
      deletions: n.deletions,
      // Not asked for (the ladder did not need labels): unknown, never `[]`.
      labels: n.labels ? (n.labels.nodes ?? []).flatMap((l) => (l ? [l.name] : [])) : null,
      paths: n.files ? (n.files.nodes ?? []).flatMap((f) => (f ? [f.path] : [])) : null,
      url: n.url,
    });
    if (n.files && n.files.totalCount > FILES_PER_PR) {
      log?.warn({ repo, pr: n.number, files: n.files.totalCount }, `PR touches more than ${FILES_PER_PR} files; only the first ${FILES_PER_PR} paths are known`);
    }
    if (n.reviews && n.reviews.totalCount > REVIEWS_PER_PR) {
      log?.warn({ repo, pr: n.number, reviews: n.reviews.totalCount }, `PR has more than ${REVIEWS_PER_PR} reviews; only the first ${REVIEWS_PER_PR} are counted`);
    }
    for (const r of n.reviews?.nodes ?? []) {
      if (!r || r.databaseId === null || !r.author || !r.submittedAt || !REVIEW_STATES.has(r.state)) continue;
      reviews.push({
        id: r.databaseId,
        repo,
        prNumber: n.number,
        prAuthor: author ?? GHOST,
        reviewer: restLogin(r.author),
        state: r.state as ReviewState,
        submittedAt: r.submittedAt,
        url: r.url,
      });
    }
  }
  return { pullRequests, reviews };
}

/** The later of two instants, in `toISOString()` form (as the store returns dates). */
function newest(a: string | null, b: string | null): string | null {
  const times = [a, b].filter((t): t is string => t !== null).map((t) => Date.parse(t));
  return times.length === 0 ? null : new Date(Math.max(...times)).toISOString();
}
