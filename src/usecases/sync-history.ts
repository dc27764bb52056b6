/**
 * Brings one repository's ledger up to date with GitHub: a full backfill the
 * first time (or when the ladder now needs labels or paths the ledger does
 * not hold), a catch-up of what changed since the last sync otherwise.
 * Progress goes to the log: pages, PRs, reviews, points spent and left.
 */
import {
  backfillRepository,
  catchUpRepository,
  needsFields,
  type GraphqlClient,
  type HistoryLog,
  type HistoryProgress,
  type HistoryResult,
} from "../github/history.js";
import type { RepoRef } from "../plan/actions.js";
import type { HistoryFields, LedgerStore } from "../store/store.js";
import { currentGovernance } from "./current-governance.js";
import { fieldsFor } from "./history-readiness.js";

export interface SyncHistoryDeps {
  graphql: GraphqlClient;
  store: LedgerStore;
  log: HistoryLog;
  now?: () => Date;
}

/** Log a progress line every this many pages (the first page is always logged). */
export const PROGRESS_EVERY_PAGES = 10;

export async function syncRepository(
  deps: SyncHistoryDeps,
  target: { owner: string; repo: string; fields: HistoryFields },
): Promise<HistoryResult> {
  const fullName = `${target.owner}/${target.repo}`;
  const state = await deps.store.getSyncState(fullName);
  const backfill = !state || !state.backfilled || needsFields(state.fields, target.fields);
  const reason = !state || !state.backfilled ? "never backfilled" : backfill ? "the ladder needs fields the ledger lacks" : "catch-up";
  const started = Date.now();
  if (backfill) deps.log.info({ repo: fullName, fields: target.fields, reason }, "reading history: backfill");

  const onProgress = (p: HistoryProgress) => {
    if (!backfill) return;
    if (p.pages === 1 || p.pages % PROGRESS_EVERY_PAGES === 0) {
      deps.log.info({ repo: fullName, ...p }, `backfill: ${p.prs}${p.total !== null ? `/${p.total}` : ""} PRs, ${p.cost} points`);
    }
  };
  const opts = { owner: target.owner, repo: target.repo, fields: target.fields, onProgress, log: deps.log, now: deps.now };
  const result = backfill
    ? await backfillRepository(deps.graphql, deps.store, opts)
    : await catchUpRepository(deps.graphql, deps.store, opts);

  deps.log.info(
    {
      repo: result.repo,
      mode: result.mode,
      pages: result.pages,
      prs: result.prs,
      reviews: result.reviews,
      cost: result.cost,
      remaining: result.remaining,
      updatedThrough: result.updatedThrough,
      ms: Date.now() - started,
    },
    result.mode === "backfill" ? "history backfilled" : "history caught up",
  );
  return result;
}

export interface SyncRepositoriesDeps extends Omit<SyncHistoryDeps, "log"> {
  log: HistoryLog & { error(obj: object, msg?: string): void; child(bindings: Record<string, unknown>): HistoryLog };
  /** The fields the repository's ladder counts by (see `fieldsFor`); rejects when the ladder cannot be read. */
  fieldsFor(repo: { owner: string; repo: string }): Promise<HistoryFields>;
}

export interface SyncRepositoriesResult {
  synced: HistoryResult[];
  /** Repositories whose sync failed, with the error; the others were still synced. */
  failed: Array<{ repo: string; error: unknown }>;
}

/**
 * Brings the ledger of each repository up to date, one at a time. Each
 * repository is isolated: one whose ladder or history cannot be read is
 * logged with its name and error and the next one is still synced; the
 * caller sees the failures in the result (the sweep reports them, a
 * backfill job retries).
 */
export async function syncRepositories(deps: SyncRepositoriesDeps, fullNames: readonly string[]): Promise<SyncRepositoriesResult> {
  const out: SyncRepositoriesResult = { synced: [], failed: [] };
  for (const fullName of fullNames) {
    const [owner, repo] = fullName.split("/") as [string, string];
    try {
      const fields = await deps.fieldsFor({ owner, repo });
      out.synced.push(await syncRepository({ ...deps, log: deps.log.child({ repo: fullName }) }, { owner, repo, fields }));
    } catch (error) {
      deps.log.error({ err: error, repo: fullName }, `history of ${fullName} could not be read; the other repositories go on, and the next sweep retries it`);
      out.failed.push({ repo: fullName, error });
    }
  }
  return out;
}

/**
 * The history fields the ladder in force in `repo` counts by (none without
 * a valid ladder): what its history must be read with, for
 * `SyncRepositoriesDeps.fieldsFor`. Rejects when the ladder cannot be read.
 */
export async function ladderFieldsOf(deps: Parameters<typeof currentGovernance>[0], repo: RepoRef): Promise<HistoryFields> {
  const current = await currentGovernance(deps, repo);
  return fieldsFor(current.kind === "ok" ? current.governance.counting : null);
}
