/**
 * Any activity on an issue (a comment, an edit, a label) of one of the app's
 * open proposals re-reads its reactions and moves it on — reactions send no
 * webhook. Issues that are not open proposals cost one store read and
 * nothing else: the store says which issues are proposals.
 */
import type { Governance } from "../config/schema.js";
import type { Logger } from "../github/logger.js";
import type { RepoRef } from "../plan/actions.js";
import { reviewProposal, type DecideDeps, type DecideOutcome } from "./decide-proposal.js";
import { governanceInForce, type GovernanceDeps } from "./governance-in-force.js";
import { loadProposalByIssue, type RecordStore } from "./proposal-records.js";

export interface ReviewIfProposalDeps {
  governance: GovernanceDeps;
  /** Deciding under the ladder in force (its `dry_run` decides whether writes happen). */
  portsFor(governance: Governance): { decide: DecideDeps };
  store: RecordStore;
  log: Logger;
}

/** The review's outcome, or null when `issue` is not an open proposal or no ladder and valid roster are in force. */
export async function reviewIfProposal(deps: ReviewIfProposalDeps, at: { repo: RepoRef; issue: number; branch: string }): Promise<DecideOutcome | null> {
  const { repo, issue, branch } = at;
  const record = await loadProposalByIssue(deps.store, `${repo.owner}/${repo.repo}`, issue);
  if (!record || record.state !== "open") return null;
  const current = await governanceInForce(deps.governance, repo, `proposal #${issue} waits`);
  if (current.kind !== "ok") return null;
  const { governance, roster } = current;
  const outcome = await reviewProposal(deps.portsFor(governance).decide, { repo, issue, branch, governance, roster, now: deps.governance.now });
  deps.log.info({ issue, outcome: outcome.kind }, "proposal reviewed");
  return outcome;
}
