/**
 * After a contribution is folded into the ledger: measure the people
 * involved and open a proposal for each one eligible for their next rung;
 * for the author of a merged PR, comment once on that PR when it moved them
 * to a new standing (`promotion.announce_progress`).
 *
 * One notification per step (issue 11): a contributor who became eligible
 * and has a proposal for that rung (opened now, or already open) is told by
 * the proposal issue alone — an "eligible" comment on the PR would say the
 * same thing twice, and in a burst it would halve how fast proposals open
 * (each takes a paced write). The "one requirement away" comment, which no
 * issue replaces, still posts. Proposals are always written before the
 * progress comment.
 */
import type { Governance, Roster } from "../config/schema.js";
import type { Logger } from "../github/logger.js";
import { progressBetween, type Progress } from "../ladder/progress.js";
import type { Standing } from "../ladder/standing.js";
import type { RepoRef } from "../plan/actions.js";
import { renderProgressComment } from "../render/progress-comment.js";
import type { LedgerStore } from "../store/store.js";
import { governanceInForce, type GovernanceDeps } from "./governance-in-force.js";
import { openProposal, type ProposeDeps, type ProposeOutcome } from "./propose-promotion.js";
import { loadProposalFor, type RecordStore } from "./proposal-records.js";

/** The standing of one person from the ledger; `without` leaves one PR out (the standing before it merged). Rejects with HistoryPendingError while the history is being read. */
export type MeasureOne = (login: string, roster: Roster, without?: { repo: string; number: number }) => Promise<Standing>;

export interface ProposeEligibleDeps {
  governance: GovernanceDeps;
  /** Measuring and proposing under the ladder in force (its `dry_run` decides whether writes happen). */
  portsFor(governance: Governance): { measure: MeasureOne; propose: ProposeDeps };
  /** The proposal records, and `claimDelivery`: true for the first caller of a key, ever, across replicas. */
  store: RecordStore & Pick<LedgerStore, "claimDelivery">;
  webUrl: string;
  log: Logger;
}

export interface ProposeEligibleInput {
  repo: RepoRef;
  /** The default branch (base of a promotion pull request). */
  branch: string;
  logins: readonly string[];
  /** The PR whose merge triggered this, and its author: the progress comment goes there. */
  mergedPr?: { number: number; author: string };
}

/** Proposal outcomes by login (lower case); nothing when no ladder or roster is in force. */
export async function proposeEligible(deps: ProposeEligibleDeps, input: ProposeEligibleInput): Promise<Map<string, ProposeOutcome>> {
  const { repo, branch, mergedPr } = input;
  const outcomes = new Map<string, ProposeOutcome>();
  const current = await governanceInForce(deps.governance, repo, "no proposals");
  if (current.kind !== "ok") return outcomes;
  const { governance, roster } = current;
  const ports = deps.portsFor(governance);
  const now = deps.governance.now;
  for (const login of new Set(input.logins.map((l) => l.toLowerCase()))) {
    const standing = await ports.measure(login, roster);
    if (!standing.eligibleFor) continue;
    const outcome = await openProposal(ports.propose, { repo, branch, standing, role: standing.eligibleFor, kind: "promotion", governance, roster, now });
    outcomes.set(login, outcome);
    deps.log.debug({ login, role: standing.eligibleFor, outcome: outcome.kind }, "proposal check");
  }
  // A concurrent delivery is opening the proposal: it announces, if anything is left to announce.
  if (mergedPr && governance.promotion.announce_progress && outcomes.get(mergedPr.author.toLowerCase())?.kind !== "busy") {
    await announceProgress(deps, ports, { repo, roster, pr: mergedPr, outcome: outcomes.get(mergedPr.author.toLowerCase()) });
  }
  return outcomes;
}

/** A proposal for the step `progress` names is open (or was opened just now): the issue is the notification. */
async function proposalTells(deps: ProposeEligibleDeps, repo: string, progress: Progress, outcome: ProposeOutcome | undefined): Promise<boolean> {
  if (progress.kind !== "eligible") return false;
  if (outcome?.kind === "opened" || outcome?.kind === "exists") return true;
  return (await loadProposalFor(deps.store, repo, progress.login, progress.role))?.state === "open";
}

async function announceProgress(
  deps: ProposeEligibleDeps,
  ports: { measure: MeasureOne; propose: ProposeDeps },
  at: { repo: RepoRef; roster: Roster; pr: { number: number; author: string }; outcome: ProposeOutcome | undefined },
): Promise<void> {
  const { repo, roster, pr } = at;
  const fullName = `${repo.owner}/${repo.repo}`;
  const [before, after] = await Promise.all([ports.measure(pr.author, roster, { repo: fullName, number: pr.number }), ports.measure(pr.author, roster)]);
  const progress = progressBetween(before, after);
  if (!progress) return;
  if (await proposalTells(deps, fullName, progress, at.outcome)) {
    deps.log.info({ pr: pr.number, login: progress.login, role: progress.role }, "eligible with a proposal open: the issue is the notification, no progress comment");
    return;
  }
  // Never more than one progress comment per PR, however often its merge is delivered.
  if (!(await deps.store.claimDelivery(`progress:${fullName.toLowerCase()}#${pr.number}`))) return;
  const body = renderProgressComment(progress, { webUrl: deps.webUrl });
  await ports.propose.github.execute([{ kind: "comment.create", repo, issueNumber: pr.number, body }], deps.log);
  deps.log.info({ pr: pr.number, login: progress.login, step: progress.kind, role: progress.role }, "progress announced");
}
