/**
 * The sweep's access part: for a repository with a valid ladder and roster,
 * bring teams, the CODEOWNERS block and bypass in step with the roster, and
 * keep the drift issue up to date. Repositories without a ladder cost
 * nothing (the cached ladder says so).
 */
import type { Logger } from "../github/logger.js";
import type { RepoRef } from "../plan/actions.js";
import { keepAccessOf, type OwnerType } from "../runtime/access-ports.js";
import { githubFor, type Octokit, type Services } from "../runtime/services.js";
import { currentGovernance } from "../usecases/current-governance.js";

export async function sweepAccess(services: Services, octokit: Octokit, log: Logger, repo: RepoRef, branch: string, ownerType?: OwnerType): Promise<void> {
  const gh = githubFor(octokit, services);
  const current = await currentGovernance({ source: gh.source, kv: services.store, log, now: services.clock() }, repo);
  if (current.kind !== "ok") return;
  if (!current.rosterValid) {
    log.warn({}, "the roster is invalid; access is left as is until it is fixed");
    return;
  }
  await keepAccessOf(services)(octokit, log, {
    repo,
    governance: current.governance,
    roster: current.roster,
    defaultBranch: branch,
    report: true,
    ...(ownerType ? { ownerType } : {}),
  });
}
