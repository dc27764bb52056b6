/**
 * The sweep's proposal part for one repository: move every open proposal on
 * (reactions send no webhook; expiry needs a clock), then propose whoever
 * the numbers now call for, at most MAX_NEW_PROPOSALS_PER_SWEEP at a time;
 * then the emeritus and rotation notices (usecases/demotion-sweep.ts).
 * One request to list the open proposals, one per open proposal for its
 * reactions; measuring reads the ledger only.
 */
import type { Governance } from "../config/schema.js";
import { measureAll } from "../ladder/measure.js";
import type { LedgerStore } from "../store/store.js";
import type { RepoRef } from "../plan/actions.js";
import type { DecideDeps } from "./decide-proposal.js";
import { fieldsFor, type HistoryGate } from "./history-readiness.js";
import { eligibleProposals, openProposal, type ProposeDeps } from "./propose-promotion.js";
import { contributionQuery } from "./reply-ladder.js";
import { reviewIfProposal, type ReviewIfProposalDeps } from "./review-if-proposal.js";
import { governanceInForce } from "./governance-in-force.js";
import { sweepDemotions, type DemotionSweepDeps } from "./demotion-sweep.js";

/** New proposals one sweep opens per repository at most; the rest wait for the next sweep (GitHub's content limits, and a readable queue for approvers). */
export const MAX_NEW_PROPOSALS_PER_SWEEP = 10;

export interface SweepProposalsDeps extends Omit<ReviewIfProposalDeps, "portsFor" | "store"> {
  portsFor(governance: Governance): { decide: DecideDeps; propose: ProposeDeps; demote?: DemotionSweepDeps };
  store: ReviewIfProposalDeps["store"] & Pick<LedgerStore, "listPullRequests" | "listReviews">;
  /** Says whether the history is read enough to measure; rejects (HistoryPendingError) when not. */
  historyGate: HistoryGate;
}

export async function sweepProposals(deps: SweepProposalsDeps, repo: RepoRef, branch: string): Promise<{ opened: number; waiting: number }> {
  const before = await governanceInForce(deps.governance, repo, "no proposals move");
  if (before.kind !== "ok") return { opened: 0, waiting: 0 };
  for (const issue of await deps.portsFor(before.governance).propose.github.findOpenProposals(repo)) {
    await reviewIfProposal(deps, { repo, issue: issue.number, branch });
  }
  // Read again: the reviews above may have just changed the roster (an approval landed), and measuring
  // with the roster from before them proposes the person just promoted (issue 10). A cache read: no request.
  const current = await governanceInForce(deps.governance, repo);
  if (current.kind !== "ok") return { opened: 0, waiting: 0 };
  const { governance, roster } = current;
  const now = deps.governance.now;
  // New proposals only from a history that has been read (a sweep's gate says so without reading it again).
  await deps.historyGate.require(repo, fieldsFor(governance.counting));
  const query = contributionQuery(governance, repo);
  const [pullRequests, reviews] = await Promise.all([deps.store.listPullRequests(query), deps.store.listReviews(query)]);
  const eligible = eligibleProposals(measureAll({ pullRequests, reviews }, governance, roster, now));
  const ports = deps.portsFor(governance);
  let opened = 0;
  let waiting = 0;
  for (const [index, { standing, role }] of eligible.entries()) {
    if (opened >= MAX_NEW_PROPOSALS_PER_SWEEP) {
      waiting = eligible.length - index;
      deps.log.info({ waiting }, "more people are eligible; the next sweep proposes them");
      break;
    }
    const out = await openProposal(ports.propose, { repo, branch, standing, role, kind: "promotion", governance, roster, now });
    if (out.kind === "opened") opened++;
  }
  // Emeritus and rotation notices, after the promotions: their own failure is logged and waits for the next sweep.
  if (ports.demote) {
    await sweepDemotions(ports.demote, { repo, branch, governance, roster, now }).catch((err: unknown) =>
      deps.log.error({ err }, "demotion sweep of this repository failed; the next sweep retries"),
    );
  }
  return { opened, waiting };
}
