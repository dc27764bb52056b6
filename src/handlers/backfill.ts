/**
 * The `backfill` job: reads one repository's history into the ledger (a
 * full backfill when it was never read or lacks a field the ladder now
 * counts by, a catch-up otherwise). A failure is rethrown, so the queue
 * retries it with backoff and a crash mid-read runs it again. Deliveries
 * waiting for this history look again on their own (run-job.ts) and run
 * once it is read — the merged PR that made someone eligible opens its
 * proposal then.
 */
import type { Probot } from "probot";
import type { BackfillJobData } from "../queue/job-queue.js";
import { syncAll } from "../runtime/history-ports.js";
import type { Services } from "../runtime/services.js";
import { onboardAfterBackfill } from "./onboarding.js";

export async function runBackfillJob(app: Probot, services: Services, data: BackfillJobData, log: Probot["log"]): Promise<void> {
  const octokit = await app.auth(data.installationId);
  log.info({ repo: data.repo, reason: data.reason }, "backfill job started");
  const result = await syncAll(services, octokit, [data.repo], log);
  const failure = result.failed[0];
  if (failure) throw failure.error;
  // First sight of a repository without a ladder: the onboarding pull request (its failure waits for the next sweep).
  await onboardAfterBackfill(services, octokit, log, data.repo).catch((err: unknown) => log.warn({ err, repo: data.repo }, "onboarding check failed; the next sweep tries again"));
}
