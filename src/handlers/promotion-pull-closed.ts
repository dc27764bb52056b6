/**
 * `pull_request.closed` of a promotion pull request (`approve_with:
 * pull_request | either`): merged, it decides the proposal; closed unmerged,
 * it is not a rejection (usecases/approve-by-merge.ts).
 *
 * Which pull requests are the app's: a head branch `stewards/promote/<login>/<role>`
 * of the same repository (not a fork's branch of that name), opened by the
 * app's own bot. Every other closed pull request costs nothing here — no
 * request and no store read: the branch name is in the payload. Lost
 * deliveries are caught by the sweep, which reads each open proposal's pull
 * request.
 */
import type { Context } from "probot";
import { pullStateOf } from "../github/pull-reads.js";
import { parsePromotionBranch } from "../plan/approval-modes.js";
import { proposalPorts } from "../runtime/proposal-ports.js";
import type { Services } from "../runtime/services.js";
import { governanceInForce } from "../usecases/governance-in-force.js";
import { onPromotionPull } from "../usecases/decide-proposal.js";
import { loadProposalFor } from "../usecases/proposal-records.js";
import { governanceDepsOf } from "./use-case-deps.js";

export async function onPromotionPullClosed(services: Services, ctx: Context<"pull_request.closed">): Promise<void> {
  const { payload } = ctx;
  const pr = payload.pull_request;
  const branch = parsePromotionBranch(pr.head.ref);
  if (!branch) return;
  if (pr.head.repo?.full_name.toLowerCase() !== payload.repository.full_name.toLowerCase()) return;
  if (pr.user?.type !== "Bot" || !services.appLogin || pr.user.login.toLowerCase() !== (await services.appLogin()).toLowerCase()) {
    ctx.log.info({ pull: pr.number, author: pr.user?.login }, "a pull request from a promotion branch not opened by the app; ignored");
    return;
  }
  const repo = { owner: payload.repository.owner.login, repo: payload.repository.name };
  const fullName = `${repo.owner}/${repo.repo}`;
  const record = await loadProposalFor(services.store, fullName, branch.login, branch.role);
  if (!record || (record.pullRequest && record.pullRequest.number !== pr.number)) {
    ctx.log.warn({ pull: pr.number, merged: pr.merged, login: branch.login, role: branch.role }, "a promotion pull request without its proposal; nothing to decide");
    return;
  }
  const current = await governanceInForce(governanceDepsOf(services, ctx.octokit, ctx.log), repo, `the merge of #${pr.number} is not logged`);
  if (current.kind !== "ok") return;
  const now = services.clock();
  const ports = proposalPorts(ctx.octokit, services, ctx.log, repo, current.governance);
  const input = { repo, issue: record.issue, branch: payload.repository.default_branch, governance: current.governance, roster: current.roster, now };
  const outcome = await onPromotionPull(ports.decide, input, pullStateOf(pr));
  ctx.log.info({ pull: pr.number, issue: record.issue, merged: pr.merged, outcome: outcome.kind }, "promotion pull request closed");
}
