/**
 * Wiring of the history use-cases (usecases/sync-history.ts,
 * usecases/history-readiness.ts) to the store, the queue and an installation
 * octokit: how a repository's history is read, and what the readiness gate
 * does when it is not read yet — enqueue one durable backfill job (the
 * server), read it inline (no queue: handler tests), or only say so (the
 * sweep, which has just tried).
 */
import type { Logger } from "../github/logger.js";
import type { RepoRef } from "../plan/actions.js";
import type { JobQueue } from "../queue/job-queue.js";
import type { LedgerStore, SyncState } from "../store/store.js";
import { backfillJobKey, historyGate, pendingReason, type HistoryGate } from "../usecases/history-readiness.js";
import { ladderFieldsOf, syncRepositories, type SyncRepositoriesResult } from "../usecases/sync-history.js";
import { githubFor, type Octokit, type Services } from "./services.js";

/** Brings the ledger of each repository up to date, one at a time, each isolated from the others' failures. Used by the sweep and the backfill job. */
export async function syncAll(services: Services, octokit: Octokit, fullNames: readonly string[], log: Logger): Promise<SyncRepositoriesResult> {
  const gh = githubFor(octokit, services);
  return syncRepositories(
    {
      graphql: gh,
      store: services.store,
      log,
      fieldsFor: (repo) => ladderFieldsOf({ source: gh.source, kv: services.store, log, now: services.clock() }, repo),
    },
    fullNames,
  );
}

/**
 * Enqueues the backfill job of `repo` (one per repository and sync state,
 * whoever asks: see `backfillJobKey`). Resolves true when this call
 * enqueued it, false when it was already queued, running or done.
 */
export async function enqueueBackfill(
  deps: { store: Pick<LedgerStore, "getSyncState">; queue: JobQueue; clock: () => Date },
  input: { installationId: number; repo: string; reason?: string; state?: SyncState | null },
): Promise<boolean> {
  const state = input.state !== undefined ? input.state : await deps.store.getSyncState(input.repo);
  return deps.queue.enqueue({
    name: "backfill",
    key: backfillJobKey(input.repo, state, deps.clock()),
    data: { installationId: input.installationId, repo: input.repo, reason: input.reason ?? pendingReason(state) },
  });
}

/**
 * The first delivery naming a repository whose history was never read asks
 * for its backfill (any route: the ledger, commands, proposals, config).
 * One store read per delivery job.
 */
export async function noteRepository(services: Services, installationId: number | null, repo: string | null, log: Logger): Promise<void> {
  if (!services.queue || installationId === null || !repo) return;
  const state = await services.store.getSyncState(repo);
  if (state?.backfilled) return;
  if (await enqueueBackfill({ store: services.store, queue: services.queue, clock: services.clock }, { installationId, repo, state })) {
    log.info({ repo }, "first delivery for a repository whose history was never read: backfill queued");
  }
}

/** The readiness gate of a queued job: a history not ready gets its backfill job and the caller waits. */
export function queuedHistoryGate(services: Services, queue: JobQueue, installationId: number, log: Logger): HistoryGate {
  return historyGate({
    getSyncState: (repo) => services.store.getSyncState(repo),
    requestBackfill: async (repo, state) => {
      const fullName = `${repo.owner}/${repo.repo}`;
      if (await enqueueBackfill({ store: services.store, queue, clock: services.clock }, { installationId, repo: fullName, state })) {
        log.info({ repo: fullName, reason: pendingReason(state) }, "history needed before measuring: backfill queued");
      }
      return "queued";
    },
  });
}

/** The sweep's gate: it has just tried to read every history, so one still not ready only waits for the next sweep. */
export function checkOnlyHistoryGate(store: Pick<LedgerStore, "getSyncState">): HistoryGate {
  return historyGate({ getSyncState: (repo) => store.getSyncState(repo), requestBackfill: async () => "none" });
}

/**
 * The gate `services` carries (a queued job's), or else one that reads the
 * history inline before answering (no queue: handler tests and the like).
 */
export function historyGateOf(services: Services, octokit: Octokit, log: Logger): HistoryGate {
  if (services.historyGate) return services.historyGate;
  return historyGate({
    getSyncState: (repo) => services.store.getSyncState(repo),
    requestBackfill: async (repo: RepoRef) => {
      const result = await syncAll(services, octokit, [`${repo.owner}/${repo.repo}`], log);
      const failure = result.failed[0];
      if (failure) throw failure.error;
      return "read";
    },
  });
}
