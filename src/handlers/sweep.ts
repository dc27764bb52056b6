/**
 * The periodic sweep's trigger (every SWEEP_INTERVAL) and its wiring to
 * Probot: what one sweep does is usecases/run-sweep.ts. One sweep at a time:
 * with the queue, each timer tick enqueues the sweep of its time slot (keyed
 * by slot, so replicas ticking in the same slot enqueue it once) into
 * pg-boss's `singleton` sweep queue, which runs at most one sweep at a time
 * across every replica; without the queue, one at a time per process.
 */
import type { Probot } from "probot";
import type { Services } from "../runtime/services.js";
import { checkOnlyHistoryGate, syncAll } from "../runtime/history-ports.js";
import { ownerTypeFrom } from "../runtime/access-ports.js";
import { runSweep, type InstallationSweep, type SweepResult } from "../usecases/run-sweep.js";
import { sweepProposals } from "../usecases/sweep-proposals.js";
import { sweepAccess } from "./access.js";
import { healthSweepOf } from "./health-refresh.js";
import { proposalDepsOf } from "./use-case-deps.js";
import { onboardIfNoLadder } from "./onboarding.js";

export { LAST_SWEEP_KEY, type SweepResult } from "../usecases/run-sweep.js";

type ListedRepository = { full_name: string; default_branch: string; archived?: boolean; private?: boolean; owner?: { type?: string } };

/** One sweep now, authenticated through `app`: every installation, every repository. */
export async function sweepNow(app: Pick<Probot, "auth" | "log">, base: Services): Promise<SweepResult> {
  // The histories were just read: one still not ready waits for the next sweep, it is not read again here.
  const services: Services = { ...base, historyGate: checkOnlyHistoryGate(base.store) };
  const appOctokit = await app.auth();
  return runSweep({
    installations: async () => (await appOctokit.paginate("GET /app/installations", { per_page: 100 })) as Array<{ id: number }>,
    installation: async (id, log): Promise<InstallationSweep> => {
      const octokit = await app.auth(id);
      return {
        repositories: async () => {
          const repos = (await octokit.paginate("GET /installation/repositories", { per_page: 100 })) as ListedRepository[];
          return repos.map((r) => ({ ...r, ownerType: ownerTypeFrom(r.owner?.type) }));
        },
        syncHistories: (names) => syncAll(services, octokit, names, log),
        onboarding: (repository, l) => onboardIfNoLadder(services, octokit, l, repository),
        proposals: (repo, branch, l) => sweepProposals(proposalDepsOf(services, octokit, l, repo), repo, branch),
        health: (repo, l) => healthSweepOf(services)(octokit, l, repo),
        access: (repo, branch, ownerType, l) => sweepAccess(services, octokit, l, repo, branch, ownerType),
      };
    },
    store: services.store,
    clock: services.clock,
    log: app.log,
  });
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
      .timeSweep(() => sweepNow(app, services))
      .then((r) => app.log.info({ ...r, ms: Date.now() - started }, "sweep finished"))
      .catch((err: unknown) => app.log.error({ err }, "sweep failed"))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
