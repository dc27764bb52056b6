/**
 * The sweep's access part for one repository (usecases/sweep-access.ts),
 * wired to an installation octokit: keep-access through `keepAccessOf`.
 */
import type { Logger } from "../github/logger.js";
import type { RepoRef } from "../plan/actions.js";
import { keepAccessOf, type OwnerType } from "../runtime/access-ports.js";
import type { Octokit, Services } from "../runtime/services.js";
import { sweepAccess as sweepRepoAccess } from "../usecases/sweep-access.js";
import { governanceDepsOf } from "./use-case-deps.js";

export async function sweepAccess(services: Services, octokit: Octokit, log: Logger, repo: RepoRef, branch: string, ownerType?: OwnerType): Promise<void> {
  const keep = keepAccessOf(services);
  await sweepRepoAccess({ governance: governanceDepsOf(services, octokit, log), keepAccess: (input) => keep(octokit, log, input) }, repo, branch, ownerType);
}
