/**
 * Builds what the proposal use-cases depend on from an installation octokit
 * and the services: the GitHub reads and writes (through the repository's
 * one executor, which alone decides dry run — STYLE habit 1), the store, the
 * measuring (usecases/measure-contributor.ts), and — after a roster change —
 * the cache refresh and access sync. Wiring only: the calls are the
 * adapters' (github/) and the use-cases'.
 */
import type { Governance, Roster } from "../config/schema.js";
import { findOpenAppIssues, listIssueReactions } from "../github/issue-reads.js";
import type { Logger } from "../github/logger.js";
import { getPull, listPullReviews } from "../github/pull-reads.js";
import type { Standing } from "../ladder/standing.js";
import type { RepoRef } from "../plan/actions.js";
import type { HistoryFields } from "../store/store.js";
import { replaceCachedRoster } from "../usecases/current-governance.js";
import type { DecideDeps } from "../usecases/decide-proposal.js";
import { measureContributor } from "../usecases/measure-contributor.js";
import type { AppealDeps } from "../usecases/handle-appeal.js";
import { lastActivityFromLedger } from "../usecases/decide-demotion.js";
import { DEMOTION_LABEL, DEMOTION_MARKER, type DemotionSweepDeps } from "../usecases/demotion-sweep.js";
import { APPEAL_LABEL, APPEAL_MARKER } from "../render/appeal-comments.js";
import { PROMOTION_LABEL, PROMOTION_MARKER, type ProposeDeps } from "../usecases/propose-promotion.js";
import { keepAccessOf } from "./access-ports.js";
import { historyGateOf } from "./history-ports.js";
import { githubFor, workerId, type Octokit, type Services } from "./services.js";

const fallbackHolder = workerId();

export interface ProposalPorts {
  propose: ProposeDeps;
  decide: DecideDeps;
  appeal: AppealDeps;
  /** The sweep's emeritus and rotation notices (usecases/demotion-sweep.ts). */
  demote: DemotionSweepDeps;
  /** The standing of one person from the ledger; `without` leaves one PR out (the standing before it merged). */
  measure(login: string, roster: Roster, without?: { repo: string; number: number }): Promise<Standing>;
}

export function proposalPorts(octokit: Octokit, services: Services, log: Logger, repo: RepoRef, governance: Governance): ProposalPorts {
  const gh = githubFor(octokit, services);
  const execute = gh.executorFor(governance);
  const holder = services.holder ?? fallbackHolder;
  // The gate is looked up at each measuring, as the services carry it then (a queued job sets its own).
  const measureDeps = { ledger: services.store, gate: { require: (r: RepoRef, f: HistoryFields) => historyGateOf(services, octokit, log).require(r, f) } };
  const measure: ProposalPorts["measure"] = (login, roster, without) =>
    measureContributor(measureDeps, { repo, governance, roster, login, now: services.clock(), ...(without ? { without } : {}) });
  const findOpenProposals = (r: RepoRef) => findOpenAppIssues(gh, services.appLogin, r, { label: PROMOTION_LABEL, kind: PROMOTION_MARKER });
  const onRosterChanged: DecideDeps["onRosterChanged"] = async (r, roster, branch, commit) => {
    // Forward only: a refresh that cannot be proven newer than the cache expires it instead (current-governance.ts).
    await replaceCachedRoster(services.store, r, roster, commit);
    // The decision stands whatever GitHub says now: access that could not be brought in step
    // is retried by the next sweep, which also reports it in the drift issue.
    await keepAccessOf(services)(octokit, log, { repo: r, governance, roster, defaultBranch: branch, report: false }).catch((err: unknown) =>
      log.warn({ err }, "could not bring access in step after the decision; the next sweep retries"),
    );
  };
  // Counted activity for demotion notices: a review triggered by any comment can cancel one, not only the sweep.
  const lastActivity = lastActivityFromLedger(measureDeps, { repo, governance, now: services.clock });
  const decide: DecideDeps = {
    store: services.store,
    github: {
      listReactions: (r, n) => listIssueReactions(gh, r, n),
      readBranchFiles: gh.readBranchFiles,
      execute,
      getPull: (r, n) => getPull(gh, r, n),
      listPullReviews: (r, n) => listPullReviews(gh, r, n),
    },
    log,
    holder,
    webUrl: services.settings.webUrl,
    measure,
    lastActivity,
    onRosterChanged,
  };
  return {
    measure,
    decide,
    demote: {
      ...decide,
      github: { ...decide.github, findOpenDemotions: (r) => findOpenAppIssues(gh, services.appLogin, r, { label: DEMOTION_LABEL, kind: DEMOTION_MARKER }) },
      lastActivity,
    },
    appeal: {
      store: services.store,
      github: { readBranchFiles: gh.readBranchFiles, execute, findOpenAppeals: (r) => findOpenAppIssues(gh, services.appLogin, r, { label: APPEAL_LABEL, kind: APPEAL_MARKER }) },
      log,
      holder,
      webUrl: services.settings.webUrl,
      hasCountedContribution: async (login) => (await measure(login, { members: [], emeritus: [] })).firstCountedAt !== null,
      onRosterChanged,
    },
    propose: { store: services.store, github: { findOpenProposals, execute, readBranchFiles: gh.readBranchFiles }, log, holder, webUrl: services.settings.webUrl },
  };
}
