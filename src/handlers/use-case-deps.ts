/**
 * The handlers' one place for building what the proposal and governance
 * use-cases depend on from a delivery's octokit and the services (the
 * adapters themselves are built in runtime/): each handler filters its
 * event, calls one of these, and hands the result to one use-case.
 */
import type { Logger } from "../github/logger.js";
import type { RepoRef } from "../plan/actions.js";
import { historyGateOf } from "../runtime/history-ports.js";
import { proposalPorts } from "../runtime/proposal-ports.js";
import { githubFor, type Octokit, type Services } from "../runtime/services.js";
import type { GovernanceDeps } from "../usecases/governance-in-force.js";
import type { ProposeEligibleDeps } from "../usecases/propose-eligible.js";
import type { SweepProposalsDeps } from "../usecases/sweep-proposals.js";

/** Loading the ladder in force: from GitHub through `octokit`, cached in the store; `now` read once, here. */
export function governanceDepsOf(services: Services, octokit: Octokit, log: Logger): GovernanceDeps {
  return { source: githubFor(octokit, services).source, kv: services.store, log, now: services.clock() };
}

/** Everything the proposal use-cases (propose-eligible, review-if-proposal, sweep-proposals) need for `repo`. */
export function proposalDepsOf(services: Services, octokit: Octokit, log: Logger, repo: RepoRef): ProposeEligibleDeps & SweepProposalsDeps {
  return {
    governance: governanceDepsOf(services, octokit, log),
    portsFor: (governance) => proposalPorts(octokit, services, log, repo, governance),
    store: services.store,
    historyGate: historyGateOf(services, octokit, log),
    webUrl: services.settings.webUrl,
    log,
  };
}
