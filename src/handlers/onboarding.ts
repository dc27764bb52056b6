/**
 * Where onboarding is tried (usecases/onboard-repository.ts): for every
 * repository the sweep lists, and right after a repository's first backfill
 * — which the installation events and the first delivery naming a new
 * repository queue — so a repository is onboarded when first seen, whichever
 * way. A repository with a ladder costs one cache read here.
 */
import type { Logger } from "../github/logger.js";
import type { RepoRef } from "../plan/actions.js";
import { onboardingDepsOf } from "../runtime/onboarding-ports.js";
import { githubFor, type Octokit, type Services } from "../runtime/services.js";
import { getRepository } from "../github/repository-reads.js";
import { currentGovernance, type CurrentGovernance } from "../usecases/current-governance.js";
import { onboardRepository, type OnboardOutcome } from "../usecases/onboard-repository.js";

/** A repository as a payload or `GET /installation/repositories` describes it. */
export interface SeenRepository {
  full_name: string;
  default_branch: string;
  archived?: boolean;
}

export async function onboardIfNoLadder(services: Services, octokit: Octokit, log: Logger, repository: SeenRepository, known?: CurrentGovernance): Promise<OnboardOutcome> {
  const [owner = "", name = ""] = repository.full_name.split("/");
  const repo: RepoRef = { owner, repo: name };
  const now = services.clock();
  const enabled = services.settings.onboarding !== false;
  // A file that could not be loaded, or a broken one, is not "no ladder": that is a config error, reported as such.
  const current = enabled && !repository.archived ? (known ?? (await currentGovernance({ source: githubFor(octokit, services).source, kv: services.store, log, now }, repo))) : null;
  const outcome = await onboardRepository(onboardingDepsOf(services, octokit, log), {
    repo,
    defaultBranch: repository.default_branch,
    archived: repository.archived === true,
    enabled,
    ladder: current?.kind === "absent" ? "absent" : "present",
    now,
  });
  if (outcome.kind !== "skipped" || outcome.why !== "has-ladder") log.info({ repo: repository.full_name, outcome: outcome.kind, ...(outcome.kind === "skipped" ? { why: outcome.why } : {}) }, "onboarding");
  return outcome;
}

/** After a backfill: onboard the repository if it has no ladder (one cache read when it has; one read of the repository when not). */
export async function onboardAfterBackfill(services: Services, octokit: Octokit, log: Logger, fullName: string): Promise<void> {
  if (services.settings.onboarding === false) return;
  const [owner = "", name = ""] = fullName.split("/");
  const repo = { owner, repo: name };
  const current = await currentGovernance({ source: githubFor(octokit, services).source, kv: services.store, log, now: services.clock() }, repo);
  if (current.kind !== "absent") return;
  await onboardIfNoLadder(services, octokit, log, await getRepository(githubFor(octokit, services), repo), current);
}
