/**
 * Wiring of the onboarding use-case (usecases/onboard-repository.ts) to an
 * installation octokit and the services: the authority reader, the branch
 * snapshot, the pull requests from the onboarding branch, and the one
 * executor (STEWARDS_DRY_RUN decides dry run: there is no ladder yet).
 */
import { readAuthorityHolders } from "../github/authority-reader.js";
import type { Logger } from "../github/logger.js";
import { ownerTypeOf } from "../github/owner-type.js";
import { listPullsFromBranch } from "../github/pull-reads.js";
import type { OnboardDeps } from "../usecases/onboard-repository.js";
import { historyGateOf } from "./history-ports.js";
import { githubFor, workerId, type Octokit, type Services } from "./services.js";

const fallbackHolder = workerId();

export function onboardingDepsOf(services: Services, octokit: Octokit, log: Logger): OnboardDeps {
  const gh = githubFor(octokit, services);
  return {
    store: services.store,
    ledger: services.store,
    historyGate: historyGateOf(services, octokit, log),
    github: {
      readAuthority: async (repo, defaultBranch) =>
        readAuthorityHolders(gh, repo, { defaultBranch, ownerType: await ownerTypeOf({ values: services.store, client: gh }, repo.owner) }),
      readBranchFiles: gh.readBranchFiles,
      listPullsFromBranch: (repo, branch) => listPullsFromBranch(gh, repo, branch),
      execute: gh.executorFor(null),
    },
    holder: services.holder ?? fallbackHolder,
    log,
    webUrl: services.settings.webUrl,
  };
}
