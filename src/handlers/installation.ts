/**
 * `installation.created` and `installation_repositories.added`: backfill the
 * contributions ledger of each repository. Backfills run in the background
 * (a big history takes longer than GitHub's 10 s delivery timeout) one
 * repository at a time, with progress in the logs.
 */
import type { Context } from "probot";
import type { Logger } from "../github/logger.js";
import type { Services, Octokit } from "../runtime/services.js";
import { githubFor } from "../runtime/services.js";
import { currentGovernance } from "../usecases/current-governance.js";
import { syncRepository } from "../usecases/sync-history.js";

export function onInstallation(services: Services, ctx: Context<"installation.created">): void {
  const repos = (ctx.payload.repositories ?? []).map((r) => r.full_name);
  startBackfill(services, ctx.octokit, repos, ctx.log);
}

export function onRepositoriesAdded(services: Services, ctx: Context<"installation_repositories.added">): void {
  const repos = ctx.payload.repositories_added.map((r) => r.full_name);
  startBackfill(services, ctx.octokit, repos, ctx.log);
}

function startBackfill(services: Services, octokit: Octokit, fullNames: string[], log: Logger): void {
  if (fullNames.length === 0) return;
  const work = syncAll(services, octokit, fullNames, log).catch((err: unknown) =>
    log.error({ err }, "backfill stopped; the next sweep resumes it"),
  );
  services.background.add(work);
  void work.finally(() => services.background.delete(work));
}

/** Brings the ledger of each repository up to date, sequentially. Used by the sweep too. */
export async function syncAll(services: Services, octokit: Octokit, fullNames: string[], log: Logger): Promise<void> {
  const gh = githubFor(octokit, services);
  for (const fullName of fullNames) {
    const [owner, repo] = fullName.split("/") as [string, string];
    const current = await currentGovernance({ source: gh.source, kv: services.store, log, now: services.clock() }, { owner, repo });
    const counting = current.kind === "ok" ? current.governance.counting : null;
    const fields = { labels: (counting?.exclude_labels.length ?? 0) > 0, paths: (counting?.paths.length ?? 0) > 0 };
    await syncRepository({ graphql: gh, store: services.store, log: log.child({ repo: fullName }) }, { owner, repo, fields });
  }
}
