/**
 * A delivery that cannot do its work yet, and must not lose it: the job
 * runner (handlers/run-job.ts) enqueues the delivery again, to run after a
 * growing delay (2, 4, 8, 16, then every 30 s), as a rerun, at most
 * `maxWaits` times; then it is logged as an error and dropped. Without a
 * queue (handler tests) the error propagates like any other.
 *
 * Used for a history still being read (history-readiness.ts), and for a
 * command on a proposal that another attempt holds or that could not be
 * committed yet: without it a `/reject` met by a busy lease — the sweep
 * reviewing the same proposal, or the lease of a process that died — would
 * be answered by nobody and lost.
 */
export class DeliveryMustWaitError extends Error {
  constructor(
    message: string,
    /** How many times the delivery may wait before it is dropped. */
    readonly maxWaits: number,
  ) {
    super(message);
    this.name = "DeliveryMustWaitError";
  }
}

/** Waits of a command on a busy proposal: about 8 minutes, past any lease of a process that died (2 min). */
export const MAX_COMMAND_WAITS = 20;

/** The proposal a command acts on is held by another attempt, or its decision could not be committed yet. */
export class ProposalMustWaitError extends DeliveryMustWaitError {
  constructor(
    issue: number,
    why: string,
    /** What to answer the command with now, if anything (the first attempt of a refused commit says so). */
    readonly replyNow?: string,
  ) {
    super(`proposal #${issue} ${why}; the command runs again shortly`, MAX_COMMAND_WAITS);
    this.name = "ProposalMustWaitError";
  }
}
