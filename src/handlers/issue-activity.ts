/**
 * `issues.edited`, `issues.labeled`, `issues.unlabeled`: activity on an
 * issue re-reads a promotion issue's reactions and moves it on
 * (usecases/review-if-proposal.ts); other issues cost one store read.
 */
import type { Context } from "probot";
import type { Services } from "../runtime/services.js";
import { reviewIfProposal } from "../usecases/review-if-proposal.js";
import { proposalDepsOf } from "./use-case-deps.js";

type IssueActivity = Context<"issues.edited" | "issues.labeled" | "issues.unlabeled">;

export async function onIssueActivity(services: Services, ctx: IssueActivity): Promise<void> {
  const { payload } = ctx;
  if (payload.sender.type === "Bot") return;
  const repo = { owner: payload.repository.owner.login, repo: payload.repository.name };
  await reviewIfProposal(proposalDepsOf(services, ctx.octokit, ctx.log, repo), { repo, issue: payload.issue.number, branch: payload.repository.default_branch });
}
