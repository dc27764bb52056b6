/**
 * The proposal triggers: after a contribution is folded into the ledger, the
 * people involved are measured and proposed when eligible; any activity on a
 * promotion issue (a comment, an edit, a label) re-reads its reactions and
 * moves it on. Issues that are not the app's proposals cost nothing: the
 * store says which issues are.
 */
import type { Context } from "probot";
import type { Logger } from "../github/logger.js";
import type { RepoRef } from "../plan/actions.js";
import { proposalPorts } from "../runtime/proposal-ports.js";
import { githubFor, type Octokit, type Services } from "../runtime/services.js";
import { currentGovernance } from "../usecases/current-governance.js";
import { reviewProposal } from "../usecases/decide-proposal.js";
import { eligibleProposals, openProposal } from "../usecases/propose-promotion.js";
import { contributionQuery } from "../usecases/reply-ladder.js";
import { measureAll } from "../ladder/measure.js";
import { loadProposalByIssue } from "../usecases/proposal-records.js";

/** Measures `logins` and opens a proposal for each one eligible for their next rung. */
export async function proposeEligible(services: Services, octokit: Octokit, log: Logger, repo: RepoRef, logins: readonly string[]): Promise<void> {
  const now = services.clock();
  const gh = githubFor(octokit, services);
  const current = await currentGovernance({ source: gh.source, kv: services.store, log, now }, repo);
  if (current.kind !== "ok") return;
  if (!current.rosterValid) {
    log.warn({ repo: `${repo.owner}/${repo.repo}` }, "the roster is invalid; no proposals until it is fixed");
    return;
  }
  const ports = proposalPorts(octokit, services, log, repo, current.governance);
  for (const login of new Set(logins.map((l) => l.toLowerCase()))) {
    const standing = await ports.measure(login, current.roster);
    if (!standing.eligibleFor) continue;
    const outcome = await openProposal(ports.propose, {
      repo,
      standing,
      role: standing.eligibleFor,
      kind: "promotion",
      governance: current.governance,
      roster: current.roster,
      now,
    });
    log.debug({ login, role: standing.eligibleFor, outcome: outcome.kind }, "proposal check");
  }
}

/** Re-reads a proposal issue's reactions and moves it on; nothing for other issues. */
export async function reviewIfProposal(services: Services, octokit: Octokit, log: Logger, repo: RepoRef, issue: number, branch: string): Promise<void> {
  const record = await loadProposalByIssue(services.store, `${repo.owner}/${repo.repo}`, issue);
  if (!record || record.state !== "open") return;
  const now = services.clock();
  const gh = githubFor(octokit, services);
  const current = await currentGovernance({ source: gh.source, kv: services.store, log, now }, repo);
  if (current.kind !== "ok") return;
  if (!current.rosterValid) {
    log.warn({ issue }, "the roster is invalid; the proposal waits until it is fixed");
    return;
  }
  const ports = proposalPorts(octokit, services, log, repo, current.governance);
  const outcome = await reviewProposal(ports.decide, { repo, issue, branch, governance: current.governance, roster: current.roster, now });
  log.info({ issue, outcome: outcome.kind }, "proposal reviewed");
}

type IssueActivity = Context<"issue_comment.created" | "issues.edited" | "issues.labeled" | "issues.unlabeled" | "issues.reopened">;

export async function onIssueActivity(services: Services, ctx: IssueActivity): Promise<void> {
  const { payload } = ctx;
  if (payload.sender.type === "Bot") return;
  const repo = { owner: payload.repository.owner.login, repo: payload.repository.name };
  await reviewIfProposal(services, ctx.octokit, ctx.log, repo, payload.issue.number, payload.repository.default_branch);
}

/** New proposals one sweep opens per repository at most; the rest wait for the next sweep (GitHub's content limits, and a readable queue for approvers). */
export const MAX_NEW_PROPOSALS_PER_SWEEP = 10;

/**
 * The sweep's part: move every open proposal on (reactions send no webhook;
 * expiry needs a clock), then propose whoever the numbers now call for.
 * One request per repository to list open proposals, one per open proposal
 * for its reactions.
 */
export async function sweepProposals(services: Services, octokit: Octokit, log: Logger, repo: RepoRef, branch: string): Promise<void> {
  const now = services.clock();
  const gh = githubFor(octokit, services);
  const current = await currentGovernance({ source: gh.source, kv: services.store, log, now }, repo);
  if (current.kind !== "ok" || !current.rosterValid) return;
  const ports = proposalPorts(octokit, services, log, repo, current.governance);
  for (const issue of await ports.propose.github.findOpenProposals(repo)) {
    await reviewIfProposal(services, octokit, log, repo, issue.number, branch);
  }
  const query = contributionQuery(current.governance, repo);
  const [pullRequests, reviews] = await Promise.all([services.store.listPullRequests(query), services.store.listReviews(query)]);
  const eligible = eligibleProposals(measureAll({ pullRequests, reviews }, current.governance, current.roster, now));
  let opened = 0;
  for (const { standing, role } of eligible) {
    if (opened >= MAX_NEW_PROPOSALS_PER_SWEEP) {
      log.info({ waiting: eligible.length - opened }, "more people are eligible; the next sweep proposes them");
      break;
    }
    const out = await openProposal(ports.propose, { repo, standing, role, kind: "promotion", governance: current.governance, roster: current.roster, now });
    if (out.kind === "opened") opened++;
  }
}
