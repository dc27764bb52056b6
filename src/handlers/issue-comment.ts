/**
 * `issue_comment.created`: slash commands addressed to the app. Only newly
 * created comments count (an edit cannot replay a command), bots are ignored,
 * and each command gets an answer: the result, or a short helpful reply.
 * Then, when the issue is one of the app's open proposals, its reactions are
 * read again and the proposal moves on (one handler per delivery, so the
 * delivery metrics count each delivery once).
 *
 * `/ladder` on a repository whose history is still being read answers so,
 * without numbers, and the delivery then waits for the history
 * (HistoryPendingError, after every command is answered): run again, it edits
 * that reply with the standing.
 */
import type { Context } from "probot";
import { parseCommands, type ParsedCommand } from "../commands/parse.js";
import { reviewIfProposal } from "./proposals.js";
import { registry } from "../commands/registry.js";
import type { Action } from "../plan/actions.js";
import { renderHelp, renderMalformedReply, renderUnavailableReply, renderUnknownReply } from "../render/help.js";
import { renderMarker } from "../render/markers.js";
import { currentGovernance, type CurrentGovernance } from "../usecases/current-governance.js";
import { isProposalCommand, runProposalCommand } from "./proposal-commands.js";
import { ProposalMustWaitError } from "../usecases/delivery-wait.js";
import { planLadderReply } from "../usecases/reply-ladder.js";
import { healthPageUrl } from "../render/health-page.js";
import type { Services } from "../runtime/services.js";
import { githubFor } from "../runtime/services.js";
import { isStatus } from "../github/contents.js";
import { historyGateOf } from "../runtime/history-ports.js";
import { fieldsFor, HistoryPendingError } from "../usecases/history-readiness.js";

export async function onIssueComment(services: Services, ctx: Context<"issue_comment.created">): Promise<void> {
  const { payload } = ctx;
  if (payload.sender.type === "Bot" || payload.comment.user?.type === "Bot") return;
  const repo = { owner: payload.repository.owner.login, repo: payload.repository.name };
  const issueNumber = payload.issue.number;
  const commands = parseCommands(payload.comment.body ?? "");
  if (commands.length > 0) await runCommands(services, ctx, commands);
  // Any comment on a promotion issue re-reads its reactions (there is no reaction webhook); other issues cost nothing.
  await reviewIfProposal(services, ctx.octokit, ctx.log, repo, issueNumber, payload.repository.default_branch);
}

async function runCommands(services: Services, ctx: Context<"issue_comment.created">, commands: ParsedCommand[]): Promise<void> {
  const { payload } = ctx;
  const repo = { owner: payload.repository.owner.login, repo: payload.repository.name };
  const issueNumber = payload.issue.number;
  const gh = githubFor(ctx.octokit, services);
  const log = ctx.log;
  const now = services.clock();
  let pending: HistoryPendingError | null = null;
  let mustWait: ProposalMustWaitError | null = null;

  for (const [index, command] of commands.entries()) {
    const actions: Action[] = [];
    if (command.kind === "unknown") {
      actions.push({ kind: "comment.create", repo, issueNumber, body: renderUnknownReply(command, registry) });
    } else if (command.kind === "malformed") {
      actions.push({ kind: "comment.create", repo, issueNumber, body: renderMalformedReply(command, registry) });
    } else if (command.name === "help") {
      actions.push({ kind: "comment.create", repo, issueNumber, body: renderHelp(registry) });
    } else if (command.name === "ladder") {
      const current = await currentGovernance({ source: gh.source, kv: services.store, log, now }, repo);
      if (current.kind !== "ok") {
        actions.push({ kind: "comment.create", repo, issueNumber, body: noLadderReply(current) });
      } else {
        const login = command.args.user ?? payload.comment.user?.login ?? payload.sender.login;
        const note = current.currentlyInvalid
          ? "_The ladder file on the default branch is currently invalid; this uses the last valid ladder._"
          : undefined;
        const waiting = await historyPending(historyGateOf(services, ctx.octokit, log), repo, fieldsFor(current.governance.counting));
        pending ??= waiting;
        const healthUrl = healthPageUrl(services.settings.publicUrl, repo, payload.repository.private);
        const plan = await planLadderReply(
          { ledger: services.store, kv: services.store, webUrl: services.settings.webUrl },
          {
            repo,
            issueNumber,
            login,
            governance: current.governance,
            roster: current.roster,
            now,
            historyPending: waiting !== null,
            ...(note ? { note } : {}),
            ...(healthUrl ? { healthUrl } : {}),
          },
        );
        await runLadderPlan(services, gh, plan, log);
        continue;
      }
    } else if (isProposalCommand(command)) {
      const current = await currentGovernance({ source: gh.source, kv: services.store, log, now }, repo);
      if (current.kind !== "ok") {
        actions.push({ kind: "comment.create", repo, issueNumber, body: noLadderReply(current) });
      } else {
        const reply = await runProposalCommand(
          {
            services,
            octokit: ctx.octokit,
            log,
            repo,
            issue: issueNumber,
            branch: payload.repository.default_branch,
            sender: payload.comment.user?.login ?? payload.sender.login,
            governance: current.governance,
            roster: current.roster,
            rosterValid: current.rosterValid,
          },
          command,
        ).catch((err: unknown) => {
          // The command's decision could not land yet: the others are still answered, then the delivery runs again.
          if (!(err instanceof ProposalMustWaitError)) throw err;
          mustWait ??= err;
          return err.replyNow ?? null;
        });
        if (reply) actions.push({ kind: "comment.create", repo, issueNumber, body: reply });
      }
    } else {
      actions.push({ kind: "comment.create", repo, issueNumber, body: renderUnavailableReply(command, registry) });
    }
    // The marker names the comment and command answered, so a retried job finds its earlier reply.
    const marker = renderMarker("command-reply", { comment: payload.comment.id, n: index });
    await gh.execute(
      actions.map((a) => (a.kind === "comment.create" ? { ...a, body: `${a.body}\n\n${marker}` } : a)),
      log,
    );
  }
  // Every command is answered; the delivery now waits for the history (or a busy proposal) and runs again (see run-job.ts).
  if (pending) throw pending;
  if (mustWait) throw mustWait;
}

/** Null when the history is ready to measure; the gate's rejection when it is still being read. */
async function historyPending(
  gate: ReturnType<typeof historyGateOf>,
  repo: { owner: string; repo: string },
  wanted: ReturnType<typeof fieldsFor>,
): Promise<HistoryPendingError | null> {
  try {
    await gate.require(repo, wanted);
    return null;
  } catch (err) {
    if (err instanceof HistoryPendingError) return err;
    throw err;
  }
}

function noLadderReply(current: Exclude<CurrentGovernance, { kind: "ok" }>): string {
  return current.kind === "absent"
    ? "This repository has no `.github/governance.yml`, so there is no ladder to measure against yet."
    : `No ladder is in force here: ${current.reason}.`;
}

async function runLadderPlan(
  services: Services,
  gh: ReturnType<typeof githubFor>,
  plan: Awaited<ReturnType<typeof planLadderReply>>,
  log: Context["log"],
): Promise<void> {
  try {
    const results = await gh.execute(plan.actions, log);
    for (const r of results) {
      if (r.action.kind === "comment.create" && r.created) {
        await services.store.setValue(plan.rememberAs, { commentId: r.created.id, body: r.action.body });
      } else if (r.action.kind === "comment.update" && !r.dryRun) {
        await services.store.setValue(plan.rememberAs, { commentId: r.action.commentId, body: r.action.body });
      }
    }
  } catch (err) {
    // The earlier reply was deleted by someone: forget it and answer afresh.
    const update = plan.actions.find((a) => a.kind === "comment.update");
    if (update && isStatus(err, 404)) {
      const results = await gh.execute(
        [{ kind: "comment.create", repo: update.repo, issueNumber: plan.issueNumber, body: plan.body }],
        log,
      );
      const created = results[0]?.created;
      if (created) await services.store.setValue(plan.rememberAs, { commentId: created.id, body: plan.body });
      return;
    }
    throw err;
  }
}
