/**
 * The periodic sweep (every SWEEP_INTERVAL): for each installation and each of
 * its repositories, catch the ledger up with what changed since the last sync
 * (GitHub does not redeliver failed webhooks, so missed deliveries are read
 * back here), move open proposals on, and bring access in step with the
 * roster (reporting drift). One sweep at a time: with the queue, each timer tick enqueues
 * the sweep of its time slot (keyed by slot, so replicas ticking in the same
 * slot enqueue it once) into pg-boss's `singleton` sweep queue, which runs
 * at most one sweep at a time across every replica; without the queue, one
 * at a time per process. Each repository's history is read on its own: one
 * that fails is logged with its name and error, counted in the sweep's
 * result (`failed`), and the others go on; its proposals wait (no new ones
 * from a history not read) for the next sweep.
 */
import type { Probot } from "probot";
import type { Services } from "../runtime/services.js";
import { checkOnlyHistoryGate, syncAll } from "../runtime/history-ports.js";
import { ownerTypeFrom } from "../runtime/access-ports.js";
import { sweepAccess } from "./access.js";
import { sweepProposals } from "./proposals.js";
import { healthSweepOf } from "./health-refresh.js";

export const LAST_SWEEP_KEY = "sweep:last";

export interface SweepResult {
  installations: number;
  repositories: number;
  /** Repositories whose history could not be read this sweep (each logged with its error). */
  failed: number;
}

export async function runSweep(app: Probot, base: Services): Promise<SweepResult> {
  // The histories were just read: one still not ready waits for the next sweep, it is not read again here.
  const services: Services = { ...base, historyGate: checkOnlyHistoryGate(base.store) };
  const appOctokit = await app.auth();
  const installations = (await appOctokit.paginate("GET /app/installations", { per_page: 100 })) as Array<{ id: number }>;
  let repositories = 0;
  let failed = 0;
  for (const installation of installations) {
    const log = app.log.child({ installation: installation.id, sweep: true });
    try {
      const octokit = await app.auth(installation.id);
      const repos = (await octokit.paginate("GET /installation/repositories", { per_page: 100 })) as Array<{
        full_name: string;
        default_branch: string;
        archived?: boolean;
        private?: boolean;
        owner?: { type?: string };
      }>;
      repositories += repos.length;
      const synced = await syncAll(services, octokit, repos.map((r) => r.full_name), log);
      failed += synced.failed.length;
      for (const r of repos) {
        if (r.archived) continue;
        const [owner, name] = r.full_name.split("/") as [string, string];
        await sweepProposals(services, octokit, log.child({ repo: r.full_name }), { owner, repo: name }, r.default_branch).catch((err: unknown) =>
          log.error({ err, repo: r.full_name }, "proposal sweep of this repository failed; the next sweep retries"),
        );
        // Governance health (issue 13): the public page's snapshot and the period's report issue; before access, so a repository's writes in a sweep end with access.
        await healthSweepOf(services)(octokit, log.child({ repo: r.full_name }), r).catch((err: unknown) =>
          log.error({ err, repo: r.full_name }, "health refresh of this repository failed; the next sweep retries"),
        );
        const ownerType = ownerTypeFrom(r.owner?.type);
        await sweepAccess(services, octokit, log.child({ repo: r.full_name }), { owner, repo: name }, r.default_branch, ownerType).catch((err: unknown) =>
          log.error({ err, repo: r.full_name }, "access sweep of this repository failed; the next sweep retries"),
        );
      }
    } catch (err) {
      log.error({ err }, "sweep of this installation failed; the next sweep retries");
    }
  }
  await services.store.setValue(LAST_SWEEP_KEY, { at: services.clock().toISOString(), installations: installations.length, repositories, failed });
  if (failed > 0) app.log.warn({ failed }, `the history of ${failed} repositories could not be read this sweep; the next sweep retries them`);
  return { installations: installations.length, repositories, failed };
}

/** Starts the timer; returns a stop function. A sweep still running when the next is due is not doubled. */
export function scheduleSweeps(app: Probot, services: Services, intervalMs: number): () => void {
  let running = false;
  const timer = setInterval(() => {
    const queue = services.queue;
    if (queue) {
      const now = services.clock();
      const slot = Math.floor(now.getTime() / intervalMs);
      queue
        .enqueue({ name: "sweep", key: `sweep:${intervalMs}:${slot}`, data: { scheduledAt: now.toISOString() } })
        .catch((err: unknown) => app.log.error({ err }, "could not queue the sweep; the next tick tries again"));
      return;
    }
    if (running) return;
    running = true;
    const started = Date.now();
    services.metrics
      .timeSweep(() => runSweep(app, services))
      .then((r) => app.log.info({ ...r, ms: Date.now() - started }, "sweep finished"))
      .catch((err: unknown) => app.log.error({ err }, "sweep failed"))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
