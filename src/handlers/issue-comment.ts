/**
 * `issue_comment.created`: slash commands addressed to the app. Only newly
 * created comments count (an edit cannot replay a command), bots are ignored,
 * and each command gets an answer (usecases/answer-commands.ts). Then, when
 * the issue is one of the app's open proposals, its reactions are read again
 * and the proposal moves on (one handler per delivery, so the delivery
 * metrics count each delivery once).
 */
import type { Context } from "probot";
import { parseCommands } from "../commands/parse.js";
import { healthPageUrl } from "../render/health-page.js";
import { githubFor, type Services } from "../runtime/services.js";
import { answerCommands } from "../usecases/answer-commands.js";
import { reviewIfProposal } from "../usecases/review-if-proposal.js";
import { isProposalCommand, runProposalCommand } from "./proposal-commands.js";
import { proposalDepsOf } from "./use-case-deps.js";

export async function onIssueComment(services: Services, ctx: Context<"issue_comment.created">): Promise<void> {
  const { payload } = ctx;
  if (payload.sender.type === "Bot" || payload.comment.user?.type === "Bot") return;
  const repo = { owner: payload.repository.owner.login, repo: payload.repository.name };
  const issue = payload.issue.number;
  const branch = payload.repository.default_branch;
  const commands = parseCommands(payload.comment.body ?? "");
  if (commands.length > 0) {
    const sender = payload.comment.user?.login ?? payload.sender.login;
    const healthUrl = healthPageUrl(services.settings.publicUrl, repo, payload.repository.private);
    await answerCommands(
      {
        ...proposalDepsOf(services, ctx.octokit, ctx.log, repo),
        store: services.store,
        execute: githubFor(ctx.octokit, services).execute,
        isProposalCommand,
        runProposalCommand: (command, at) =>
          isProposalCommand(command) ? runProposalCommand({ services, octokit: ctx.octokit, log: ctx.log, repo, issue, branch, sender, ...at }, command) : Promise.resolve(null),
      },
      { repo, issueNumber: issue, commentId: payload.comment.id, author: sender, commands, ...(healthUrl ? { healthUrl } : {}) },
    );
  }
  // Any comment on a promotion issue re-reads its reactions (there is no reaction webhook); other issues cost nothing.
  await reviewIfProposal(proposalDepsOf(services, ctx.octokit, ctx.log, repo), { repo, issue, branch });
}
