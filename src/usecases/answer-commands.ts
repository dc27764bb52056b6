/**
 * Answers the slash commands of one comment, each with one reply: the
 * result, or a short helpful reply (unknown, malformed, not available here,
 * no ladder in force). Each reply carries a marker naming the comment and
 * the command's index, so a retried job finds its earlier reply.
 *
 * `/ladder` on a repository whose history is still being read answers so,
 * without numbers; a proposal command whose decision cannot land yet answers
 * what it can. After every command is answered, the delivery then waits
 * (HistoryPendingError or ProposalMustWaitError) and runs again: `/ladder`
 * then edits its reply with the standing.
 */
import type { OkCommand, ParsedCommand } from "../commands/parse.js";
import { registry } from "../commands/registry.js";
import type { Governance, Roster } from "../config/schema.js";
import type { ActionResult } from "../github/execute-actions.js";
import type { Logger } from "../github/logger.js";
import { isStatus } from "../github/contents.js";
import type { Action, RepoRef } from "../plan/actions.js";
import { renderHelp, renderMalformedReply, renderUnavailableReply, renderUnknownReply } from "../render/help.js";
import { renderMarker } from "../render/markers.js";
import type { KeyValueStore } from "./current-governance.js";
import { ProposalMustWaitError } from "./delivery-wait.js";
import { governanceInForce, noLadderReply, type GovernanceDeps } from "./governance-in-force.js";
import { fieldsFor, HistoryPendingError, type HistoryGate } from "./history-readiness.js";
import { planLadderReply, type LadderReplyPlan } from "./reply-ladder.js";
import type { LedgerStore } from "../store/store.js";

/** The ladder in force where a proposal command runs; `rosterValid` false: the command must change nothing (and say so). */
export interface ProposalCommandAt {
  governance: Governance;
  roster: Roster;
  rosterValid: boolean;
}

export interface AnswerCommandsDeps {
  governance: GovernanceDeps;
  /** Says whether the history is read enough to measure; rejects (HistoryPendingError) when not. */
  historyGate: HistoryGate;
  /** The ledger `/ladder` measures from, and where replies are remembered. */
  store: KeyValueStore & Pick<LedgerStore, "listPullRequests" | "listReviews" | "getSyncState">;
  /** Runs the actions (or records them in dry run); rejects with the request's error (a 404 has `status: 404`). */
  execute(actions: readonly Action[], log: Logger): Promise<ActionResult[]>;
  /** Whether `command` is one of the proposal commands (`/reject`, `/withdraw`, `/nominate`, `/step-down`). */
  isProposalCommand(command: OkCommand): boolean;
  /** Runs a proposal command; the reply to post, or null when it posted its own outcome. Rejects with ProposalMustWaitError when its decision must wait. */
  runProposalCommand(command: OkCommand, at: ProposalCommandAt): Promise<string | null>;
  webUrl: string;
  log: Logger;
}

export interface CommentCommands {
  repo: RepoRef;
  issueNumber: number;
  commentId: number;
  /** Who wrote the comment: `/ladder` without a user is about them. */
  author: string;
  commands: readonly ParsedCommand[];
  /** The repository's public health page, linked from `/ladder` replies, when it has one. */
  healthUrl?: string;
}

/** What one command needs posted: a reply (none: null), or the `/ladder` plan (a reply edited in place). */
type Answer = { kind: "reply"; body: string | null } | { kind: "ladder"; plan: LadderReplyPlan; pending: HistoryPendingError | null };

export async function answerCommands(deps: AnswerCommandsDeps, input: CommentCommands): Promise<void> {
  let mustWait: ProposalMustWaitError | null = null;
  let pending: HistoryPendingError | null = null;
  for (const [index, command] of input.commands.entries()) {
    const answer = await answerOne(deps, input, command).catch((err: unknown): Answer => {
      // The command's decision could not land yet: the others are still answered, then the delivery runs again.
      if (!(err instanceof ProposalMustWaitError)) throw err;
      mustWait ??= err;
      return { kind: "reply", body: err.replyNow ?? null };
    });
    if (answer.kind === "ladder") {
      pending ??= answer.pending;
      await postLadderReply(deps, answer.plan);
      continue;
    }
    // The marker names the comment and command answered, so a retried job finds its earlier reply.
    const marker = renderMarker("command-reply", { comment: input.commentId, n: index });
    const actions: Action[] = answer.body ? [{ kind: "comment.create", repo: input.repo, issueNumber: input.issueNumber, body: `${answer.body}\n\n${marker}` }] : [];
    await deps.execute(actions, deps.log);
  }
  // Every command is answered; the delivery now waits for the history (or a busy proposal) and runs again.
  if (pending) throw pending;
  if (mustWait) throw mustWait;
}

async function answerOne(deps: AnswerCommandsDeps, input: CommentCommands, command: ParsedCommand): Promise<Answer> {
  const reply = (body: string | null): Answer => ({ kind: "reply", body });
  if (command.kind === "unknown") return reply(renderUnknownReply(command, registry));
  if (command.kind === "malformed") return reply(renderMalformedReply(command, registry));
  if (command.name === "help") return reply(renderHelp(registry));
  if (command.name !== "ladder" && !deps.isProposalCommand(command)) return reply(renderUnavailableReply(command, registry));
  const current = await governanceInForce(deps.governance, input.repo);
  if (current.kind === "absent" || current.kind === "unavailable") return reply(noLadderReply(current));
  if (command.name !== "ladder") {
    return reply(await deps.runProposalCommand(command, { governance: current.governance, roster: current.roster, rosterValid: current.kind === "ok" }));
  }
  const waiting = await historyPending(deps.historyGate, input.repo, fieldsFor(current.governance.counting));
  const note = current.currentlyInvalid ? "_The ladder file on the default branch is currently invalid; this uses the last valid ladder._" : undefined;
  const plan = await planLadderReply(
    { ledger: deps.store, kv: deps.store, webUrl: deps.webUrl },
    {
      repo: input.repo,
      issueNumber: input.issueNumber,
      login: command.args.user ?? input.author,
      governance: current.governance,
      roster: current.roster,
      now: deps.governance.now,
      historyPending: waiting !== null,
      ...(note ? { note } : {}),
      ...(input.healthUrl ? { healthUrl: input.healthUrl } : {}),
    },
  );
  return { kind: "ladder", plan, pending: waiting };
}

/** Null when the history is ready to measure; the gate's rejection when it is still being read. */
async function historyPending(gate: HistoryGate, repo: RepoRef, wanted: ReturnType<typeof fieldsFor>): Promise<HistoryPendingError | null> {
  try {
    await gate.require(repo, wanted);
    return null;
  } catch (err) {
    if (err instanceof HistoryPendingError) return err;
    throw err;
  }
}

/** Posts or edits the `/ladder` reply and remembers its comment; a remembered reply someone deleted is answered afresh. */
async function postLadderReply(deps: AnswerCommandsDeps, plan: LadderReplyPlan): Promise<void> {
  const remember = (commentId: number, body: string) => deps.store.setValue(plan.rememberAs, { commentId, body });
  try {
    for (const r of await deps.execute(plan.actions, deps.log)) {
      if (r.action.kind === "comment.create" && r.created) await remember(r.created.id, r.action.body);
      else if (r.action.kind === "comment.update" && !r.dryRun) await remember(r.action.commentId, r.action.body);
    }
  } catch (err) {
    const update = plan.actions.find((a) => a.kind === "comment.update");
    if (!update || !isStatus(err, 404)) throw err;
    const [result] = await deps.execute([{ kind: "comment.create", repo: update.repo, issueNumber: plan.issueNumber, body: plan.body }], deps.log);
    if (result?.created) await remember(result.created.id, plan.body);
  }
}
