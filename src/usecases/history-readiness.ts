/**
 * Whether a repository's ledger can be measured yet. A number measured from
 * a ledger whose history was never read (the app first heard of the
 * repository by an ordinary webhook) or was read without a field the ladder
 * now counts by (labels for `exclude_labels`, paths for `paths`) would be
 * wrong, so everything that measures — `/ladder`, proposals, decisions —
 * asks this gate first. When the history is not ready the gate makes sure it
 * is being read (one durable backfill job; README "How webhook work is
 * queued") and rejects with `HistoryPendingError`: the job that asked waits
 * and runs again once the history is read.
 */
import type { Counting } from "../config/schema.js";
import { needsFields } from "../github/history.js";
import type { RepoRef } from "../plan/actions.js";
import type { HistoryFields, SyncState } from "../store/store.js";
import { DeliveryMustWaitError } from "./delivery-wait.js";

/** The optional history fields a ladder's counting needs. No ladder: none. */
export function fieldsFor(counting: Counting | null | undefined): HistoryFields {
  return { labels: (counting?.exclude_labels.length ?? 0) > 0, paths: (counting?.paths.length ?? 0) > 0 };
}

/** True when the ledger holds the repository's whole history with every field in `wanted`. */
export function historyReady(state: SyncState | null, wanted: HistoryFields): boolean {
  return state !== null && state.backfilled && !needsFields(state.fields, wanted);
}

/** Why a history is not ready, in words for logs and replies. */
export function pendingReason(state: SyncState | null): "never read" | "read without fields the ladder needs" {
  return state?.backfilled ? "read without fields the ladder needs" : "never read";
}

/** Rejection of `HistoryGate.require`: measuring must wait until the history is read. */
export class HistoryPendingError extends DeliveryMustWaitError {
  constructor(
    /** "owner/name" */
    readonly repo: string,
    readonly reason: ReturnType<typeof pendingReason>,
  ) {
    super(`the history of ${repo} is still being read (${reason})`, MAX_HISTORY_WAITS);
    this.name = "HistoryPendingError";
  }
}

export interface HistoryGate {
  /**
   * Resolves when `repo`'s ledger is ready to measure with `wanted` fields
   * (one store read). Otherwise asks for the history to be read and rejects
   * with `HistoryPendingError` — unless the port read it before answering.
   * Rejects with the store's or the backfill's own error when those fail.
   */
  require(repo: RepoRef, wanted: HistoryFields): Promise<void>;
}

export interface HistoryGatePorts {
  /** The repository's sync state ("owner/name"), or null when its history was never read. */
  getSyncState(repo: string): Promise<SyncState | null>;
  /**
   * Makes sure the history is being read: "queued" once a backfill job is
   * recorded (or already was), "read" when it was read before resolving (no
   * queue: handler tests), "none" when this port only checks (the sweep,
   * which has just tried to read it).
   */
  requestBackfill(repo: RepoRef, state: SyncState | null): Promise<"queued" | "read" | "none">;
}

export function historyGate(ports: HistoryGatePorts): HistoryGate {
  return {
    async require(repo, wanted) {
      const name = `${repo.owner}/${repo.repo}`;
      const state = await ports.getSyncState(name);
      if (historyReady(state, wanted)) return;
      const asked = await ports.requestBackfill(repo, state);
      if (asked === "read" && historyReady(await ports.getSyncState(name), wanted)) return;
      throw new HistoryPendingError(name, pendingReason(state));
    },
  };
}

/** A backfill job waits at most this long for a slot: a failed one is asked for again in the next hour. */
export const BACKFILL_KEY_SLOT_MS = 3_600_000;

/**
 * The de-duplication key of the backfill job for `repo` in `state`: every
 * delivery, replica and installation event that finds the same state asks
 * for the same job, so one is enqueued. A new sync changes `lastSyncAt` (a
 * later need gets a job of its own), and the hour slot lets a backfill that
 * failed for good be asked for again an hour later.
 */
export function backfillJobKey(repo: string, state: SyncState | null, now: Date): string {
  const slot = Math.floor(now.getTime() / BACKFILL_KEY_SLOT_MS);
  return `${repo.toLowerCase()}:${state?.lastSyncAt ?? "never"}:${slot}`;
}

/**
 * How long a delivery that waits for a history sleeps before its `n`-th
 * look (n = 1, 2, …): 2 s, 4 s, 8 s, 16 s, then every 30 s — quick for a
 * small repository, cheap (one store read per look) for a big one.
 */
export function waitDelaySeconds(n: number): number {
  return Math.min(30, 2 ** Math.max(1, n));
}

/** Looks a waiting delivery makes before it gives up (about a day at 30 s). */
export const MAX_HISTORY_WAITS = 2880;
