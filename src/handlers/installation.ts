/**
 * `installation.created` and `installation_repositories.added`: read the
 * history of each repository into the contributions ledger. Each repository
 * gets one durable backfill job (a big history takes longer than GitHub's
 * 10 s delivery timeout, and a crash must not lose it); the backfill worker
 * reads them one at a time per process. Without a queue (handler tests) the
 * histories are read inside the handler.
 */
import type { Context } from "probot";
import type { Logger } from "../github/logger.js";
import { enqueueBackfill, syncAll } from "../runtime/history-ports.js";
import type { Services, Octokit } from "../runtime/services.js";

export async function onInstallation(services: Services, ctx: Context<"installation.created">): Promise<void> {
  const repos = (ctx.payload.repositories ?? []).map((r) => r.full_name);
  await requestBackfills(services, ctx.octokit, ctx.payload.installation.id, repos, "installation", ctx.log);
}

export async function onRepositoriesAdded(services: Services, ctx: Context<"installation_repositories.added">): Promise<void> {
  const repos = ctx.payload.repositories_added.map((r) => r.full_name);
  await requestBackfills(services, ctx.octokit, ctx.payload.installation.id, repos, "repositories added", ctx.log);
}

async function requestBackfills(services: Services, octokit: Octokit, installationId: number, fullNames: string[], reason: string, log: Logger): Promise<void> {
  if (fullNames.length === 0) return;
  const queue = services.queue;
  if (!queue) {
    await syncAll(services, octokit, fullNames, log);
    return;
  }
  let queued = 0;
  for (const repo of fullNames) {
    if (await enqueueBackfill({ store: services.store, queue, clock: services.clock }, { installationId, repo, reason })) queued++;
  }
  log.info({ repositories: fullNames.length, queued }, "backfill jobs queued");
}
