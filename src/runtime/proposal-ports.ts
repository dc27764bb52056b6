/**
 * Builds what the proposal use-cases depend on from an installation octokit
 * and the services: the GitHub reads and writes (through the one executor,
 * which alone decides dry run — STYLE habit 1), the store, the ledger-backed
 * measuring, and — after a roster change — the cache refresh and access sync.
 */
import type { Governance, Roster } from "../config/schema.js";
import { findOpenMarkedIssues, listIssueReactions } from "../github/issue-reads.js";
import type { Logger } from "../github/logger.js";
import { getPull, listPullReviews } from "../github/pull-reads.js";
import { measureOne } from "../ladder/measure.js";
import type { Standing } from "../ladder/standing.js";
import type { RepoRef } from "../plan/actions.js";
import { replaceCachedRoster } from "../usecases/current-governance.js";
import type { DecideDeps } from "../usecases/decide-proposal.js";
import { PROMOTION_LABEL, PROMOTION_MARKER, type ProposeDeps } from "../usecases/propose-promotion.js";
import { contributionQuery } from "../usecases/reply-ladder.js";
import { fieldsFor } from "../usecases/history-readiness.js";
import { keepAccessOf } from "./access-ports.js";
import { historyGateOf } from "./history-ports.js";
import { githubFor, workerId, type Octokit, type Services } from "./services.js";

const fallbackHolder = workerId();

export interface ProposalPorts {
  propose: ProposeDeps;
  decide: DecideDeps;
  /** The standing of one person from the ledger; `without` leaves one PR out (the standing before it merged). */
  measure(login: string, roster: Roster, without?: { repo: string; number: number }): Promise<Standing>;
}

export function proposalPorts(octokit: Octokit, services: Services, log: Logger, repo: RepoRef, governance: Governance): ProposalPorts {
  const gh = githubFor(octokit, services);
  const dryRun = governance.dry_run === true;
  const execute: ProposeDeps["github"]["execute"] = (actions, l) => gh.execute(actions, l, { dryRun });
  const holder = services.holder ?? fallbackHolder;
  const measure = async (login: string, roster: Roster, without?: { repo: string; number: number }): Promise<Standing> => {
    // Never from a history not read (yet): rejects with HistoryPendingError, and the job waits for it.
    await historyGateOf(services, octokit, log).require(repo, fieldsFor(governance.counting));
    const query = contributionQuery(governance, repo, [login]);
    const [all, reviews] = await Promise.all([services.store.listPullRequests(query), services.store.listReviews(query)]);
    const pullRequests = without ? all.filter((p) => !(p.number === without.number && p.repo.toLowerCase() === without.repo.toLowerCase())) : all;
    return measureOne(login, { pullRequests, reviews }, governance, roster, services.clock());
  };
  const findOpenProposals = async (r: RepoRef) => {
    const appLogin = services.appLogin ? await services.appLogin() : "";
    return findOpenMarkedIssues(gh, r, { label: PROMOTION_LABEL, kind: PROMOTION_MARKER, appLogin });
  };
  return {
    measure,
    propose: { store: services.store, github: { findOpenProposals, execute, readBranchFiles: gh.readBranchFiles }, log, holder, webUrl: services.settings.webUrl },
    decide: {
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
      onRosterChanged: async (r, roster, branch, commit) => {
        // Forward only: a refresh that cannot be proven newer than the cache expires it instead (current-governance.ts).
        await replaceCachedRoster(services.store, r, roster, commit);
        // The decision stands whatever GitHub says now: access that could not be brought in step
        // is retried by the next sweep, which also reports it in the drift issue.
        await keepAccessOf(services)(octokit, log, { repo: r, governance, roster, defaultBranch: branch, report: false }).catch((err: unknown) =>
          log.warn({ err }, "could not bring access in step after the decision; the next sweep retries"),
        );
      },
    },
  };
}
