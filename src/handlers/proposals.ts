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
import { eligibleProposals, openProposal, type ProposeOutcome } from "../usecases/propose-promotion.js";
import { contributionQuery } from "../usecases/reply-ladder.js";
import { measureAll } from "../ladder/measure.js";
import { loadProposalByIssue, loadProposalFor } from "../usecases/proposal-records.js";
import type { Roster } from "../config/schema.js";
import { progressBetween } from "../ladder/progress.js";
import { renderProgressComment } from "../render/progress-comment.js";
import { historyGateOf } from "../runtime/history-ports.js";
import { fieldsFor } from "../usecases/history-readiness.js";

/**
 * Measures `logins` and opens a proposal for each one eligible for their next
 * rung (`branch`: the default branch, base of a promotion pull request). With `mergedPr` (the PR whose merge triggered this, by its author),
 * and `promotion.announce_progress`, also comments once on that PR when its
 * author reached a new standing (eligible, or one requirement away).
 */
export async function proposeEligible(
  services: Services,
  octokit: Octokit,
  log: Logger,
  repo: RepoRef,
  branch: string,
  logins: readonly string[],
  mergedPr?: { number: number; author: string },
): Promise<void> {
  const now = services.clock();
  const gh = githubFor(octokit, services);
  const current = await currentGovernance({ source: gh.source, kv: services.store, log, now }, repo);
  if (current.kind !== "ok") return;
  if (!current.rosterValid) {
    log.warn({ repo: `${repo.owner}/${repo.repo}` }, "the roster is invalid; no proposals until it is fixed");
    return;
  }
  const ports = proposalPorts(octokit, services, log, repo, current.governance);
  const outcomes = new Map<string, ProposeOutcome>();
  for (const login of new Set(logins.map((l) => l.toLowerCase()))) {
    const standing = await ports.measure(login, current.roster);
    if (!standing.eligibleFor) continue;
    const outcome = await openProposal(ports.propose, {
      repo,
      branch,
      standing,
      role: standing.eligibleFor,
      kind: "promotion",
      governance: current.governance,
      roster: current.roster,
      now,
    });
    outcomes.set(login, outcome);
    log.debug({ login, role: standing.eligibleFor, outcome: outcome.kind }, "proposal check");
  }
  // A concurrent delivery is opening the proposal: it announces, with the link.
  if (mergedPr && current.governance.promotion.announce_progress && outcomes.get(mergedPr.author.toLowerCase())?.kind !== "busy") {
    await announceProgress(services, ports, log, repo, current.roster, mergedPr);
  }
}

async function announceProgress(
  services: Services,
  ports: ReturnType<typeof proposalPorts>,
  log: Logger,
  repo: RepoRef,
  roster: Roster,
  pr: { number: number; author: string },
): Promise<void> {
  const fullName = `${repo.owner}/${repo.repo}`;
  const [before, after] = await Promise.all([ports.measure(pr.author, roster, { repo: fullName, number: pr.number }), ports.measure(pr.author, roster)]);
  const progress = progressBetween(before, after);
  if (!progress) return;
  // Never more than one progress comment per PR, however often its merge is delivered.
  if (!(await services.store.claimDelivery(`progress:${fullName.toLowerCase()}#${pr.number}`))) return;
  const record = progress.kind === "eligible" ? await loadProposalFor(services.store, fullName, progress.login, progress.role) : null;
  const proposalUrl = record?.state === "open" ? `${services.settings.webUrl}/${fullName}/issues/${record.issue}` : undefined;
  const body = renderProgressComment(progress, { webUrl: services.settings.webUrl, ...(proposalUrl ? { proposalUrl } : {}) });
  await ports.propose.github.execute([{ kind: "comment.create", repo, issueNumber: pr.number, body }], log);
  log.info({ pr: pr.number, login: progress.login, step: progress.kind, role: progress.role }, "progress announced");
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

type IssueActivity = Context<"issues.edited" | "issues.labeled" | "issues.unlabeled">;

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
  const before = await currentGovernance({ source: gh.source, kv: services.store, log, now }, repo);
  if (before.kind !== "ok" || !before.rosterValid) return;
  for (const issue of await proposalPorts(octokit, services, log, repo, before.governance).propose.github.findOpenProposals(repo)) {
    await reviewIfProposal(services, octokit, log, repo, issue.number, branch);
  }
  // Read again: the reviews above may have just changed the roster (an approval landed), and measuring
  // with the roster from before them proposes the person just promoted (issue 10). A cache read: no request.
  const current = await currentGovernance({ source: gh.source, kv: services.store, log, now }, repo);
  if (current.kind !== "ok" || !current.rosterValid) return;
  const ports = proposalPorts(octokit, services, log, repo, current.governance);
  // New proposals only from a history that has been read (a sweep's gate says so without reading it again).
  await historyGateOf(services, octokit, log).require(repo, fieldsFor(current.governance.counting));
  const query = contributionQuery(current.governance, repo);
  const [pullRequests, reviews] = await Promise.all([services.store.listPullRequests(query), services.store.listReviews(query)]);
  const eligible = eligibleProposals(measureAll({ pullRequests, reviews }, current.governance, current.roster, now));
  let opened = 0;
  for (const { standing, role } of eligible) {
    if (opened >= MAX_NEW_PROPOSALS_PER_SWEEP) {
      log.info({ waiting: eligible.length - opened }, "more people are eligible; the next sweep proposes them");
      break;
    }
    const out = await openProposal(ports.propose, { repo, branch, standing, role, kind: "promotion", governance: current.governance, roster: current.roster, now });
    if (out.kind === "opened") opened++;
  }
}
