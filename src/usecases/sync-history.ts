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
import type { HistoryFields, LedgerStore } from "../store/store.js";

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
