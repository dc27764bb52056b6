/**
 * `pull_request.closed` (merged) and `pull_request_review.submitted`: fold the
 * contribution into the ledger straight from the payload — no API request.
 * Re-delivery is harmless: the ledger is keyed by PR and review id. Then the
 * person is measured, and proposed when eligible (usecases/propose-eligible.ts).
 */
import type { Context } from "probot";
import { foldPullRequestPayload, foldReviewPayload } from "../github/fold-webhook.js";
import type { Services } from "../runtime/services.js";
import { proposeEligible } from "../usecases/propose-eligible.js";
import { proposalDepsOf } from "./use-case-deps.js";

export async function onPullRequestClosed(services: Services, ctx: Context<"pull_request.closed">): Promise<void> {
  const pr = foldPullRequestPayload(ctx.payload);
  if (!pr) return;
  await services.store.upsertPullRequests([pr]);
  ctx.log.info({ repo: pr.repo, pr: pr.number, author: pr.author }, "merged PR added to the ledger");
  const repo = { owner: ctx.payload.repository.owner.login, repo: ctx.payload.repository.name };
  await proposeEligible(proposalDepsOf(services, ctx.octokit, ctx.log, repo), {
    repo,
    branch: ctx.payload.repository.default_branch,
    logins: [pr.author],
    mergedPr: { number: pr.number, author: pr.author },
  });
}

export async function onReviewSubmitted(services: Services, ctx: Context<"pull_request_review.submitted">): Promise<void> {
  const review = foldReviewPayload(ctx.payload);
  if (!review) return;
  await services.store.upsertReviews([review]);
  ctx.log.info({ repo: review.repo, pr: review.prNumber, reviewer: review.reviewer }, "review added to the ledger");
  const repo = { owner: ctx.payload.repository.owner.login, repo: ctx.payload.repository.name };
  await proposeEligible(proposalDepsOf(services, ctx.octokit, ctx.log, repo), { repo, branch: ctx.payload.repository.default_branch, logins: [review.reviewer] });
}
