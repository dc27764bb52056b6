/**
 * The proposal commands of an issue comment: `/reject <reason>`, `/withdraw`,
 * `/nominate @user <role> [reason]`, `/step-down [role]`. Who may run each
 * comes from its declaration in the command registry (`who`), decided by
 * `mayRun` (commands/permissions.ts) and answered in words
 * (render/command-refusals.ts); so does an issue that is not an open
 * proposal. Otherwise the command goes to its use-case. Resolves to the reply
 * to post (null when the use-case posted its own outcome).
 */
import { mayRun } from "../commands/permissions.js";
import type { OkCommand } from "../commands/parse.js";
import { commandSpec, type CommandName } from "../commands/registry.js";
import type { Governance, Roster } from "../config/schema.js";
import type { Standing } from "../ladder/standing.js";
import { approverRoles } from "../ladder/tally.js";
import type { RepoRef } from "../plan/actions.js";
import { renderRefusal } from "../render/command-refusals.js";
import { codeSpan, userLink } from "../render/escape.js";
import { closeProposal, type DecideDeps, type DecideOutcome } from "./decide-proposal.js";
import { ProposalMustWaitError } from "./delivery-wait.js";
import { openProposal, type ProposeDeps, type ProposeOutcome } from "./propose-promotion.js";
import { loadProposalByIssue, type RecordStore } from "./proposal-records.js";
import { stepDown } from "./step-down.js";
import { fileAppeal, voteOnAppeal, type AppealDeps } from "./handle-appeal.js";

const PROPOSAL_COMMANDS = ["reject", "withdraw", "nominate", "step-down", "appeal", "uphold", "overturn"] as const satisfies readonly CommandName[];

export type ProposalCommand = Extract<OkCommand, { name: (typeof PROPOSAL_COMMANDS)[number] }>;

export function isProposalCommand(c: OkCommand): c is ProposalCommand {
  return (PROPOSAL_COMMANDS as readonly string[]).includes(c.name);
}

export interface ProposalCommandDeps {
  store: RecordStore;
  propose: ProposeDeps;
  decide: DecideDeps;
  appeal: AppealDeps;
  /** The person's standing now, from the ledger (rejects with HistoryPendingError while the history is being read). */
  measure(login: string, roster: Roster): Promise<Standing>;
  webUrl: string;
  /**
   * How a decision that could not land yet is retried: `queued` when the
   * delivery runs from the durable queue (it can wait and run again),
   * `rerun` when this is such a run again (the first attempt already said so).
   */
  retry: { queued: boolean; rerun: boolean };
}

export interface ProposalCommandInput {
  repo: RepoRef;
  issue: number;
  /** The default branch, where the roster and the log live. */
  branch: string;
  sender: string;
  governance: Governance;
  roster: Roster;
  rosterValid: boolean;
  now: Date;
}

type Input = ProposalCommandInput;

export async function answerProposalCommand(deps: ProposalCommandDeps, input: Input, command: ProposalCommand): Promise<string | null> {
  if (!input.rosterValid) return `${codeSpan(input.governance.roster.path)} is invalid right now, so no role can change until it is fixed.`;
  if (command.name === "reject" || command.name === "withdraw") return closeByCommand(deps, input, command);
  if (command.name === "nominate") return nominate(deps, input, command);
  // Who may appeal or vote depends on the log and the panel: the appeal use-case decides, in words.
  if (command.name === "appeal") return fileAppeal(deps.appeal, { ...decideInput(input), sender: input.sender, requestedId: command.args.decision, reason: command.args.reason });
  if (command.name === "uphold" || command.name === "overturn") {
    return voteOnAppeal(deps.appeal, { ...decideInput(input), sender: input.sender, vote: command.name, reason: command.name === "overturn" ? command.args.reason : null });
  }
  const refused = refusal(deps, input, command.name, null);
  if (refused) return refused;
  const out = await stepDown(deps.decide, { ...decideInput(input), login: input.sender, role: command.args.role });
  return out.reply;
}

/** The refusal's words when the sender may not run `name` (its registry `who`), given who the proposal is about; null when they may. */
function refusal(deps: ProposalCommandDeps, input: Input, name: CommandName, candidate: string | null): string | null {
  const spec = commandSpec(name);
  const roles = approverRoles(input.governance);
  const permission = mayRun(spec.who, { sender: input.sender, candidate, roster: input.roster, approverRoles: roles });
  return permission.ok ? null : renderRefusal(spec, permission.reason, { sender: input.sender, approverRoles: roles, webUrl: deps.webUrl });
}

function decideInput(input: Input) {
  return { repo: input.repo, issue: input.issue, branch: input.branch, governance: input.governance, roster: input.roster, now: input.now };
}

async function closeByCommand(deps: ProposalCommandDeps, input: Input, command: Extract<ProposalCommand, { name: "reject" | "withdraw" }>): Promise<string | null> {
  const record = await loadProposalByIssue(deps.store, `${input.repo.owner}/${input.repo.repo}`, input.issue);
  if (!record || record.state !== "open") return `This issue is not an open proposal, so there is nothing to ${command.name} here.`;
  const refused = refusal(deps, input, command.name, record.login);
  if (refused) return refused;
  // A demotion is not the holder's to withdraw: counted activity cancels an inactivity notice, an approver may /reject it.
  if (command.name === "withdraw" && record.kind === "demotion") {
    return `A demotion notice cannot be withdrawn by the person it is about. ${record.notice?.reason === "inactive" ? "Any counted contribution (a merged pull request, a review) cancels it; " : ""}an approver may comment ${codeSpan("/reject <reason>")} to keep you in the role, or you may ${codeSpan("/step-down")} at once.`;
  }
  if (command.name === "withdraw") {
    const out = await closeProposal(deps.decide, decideInput(input), { outcome: "withdrawn", by: record.login, decidedBy: `${record.login} (/withdraw)`, reason: null });
    return mustLand(deps, input, out, "withdrawal");
  }
  const out = await closeProposal(deps.decide, decideInput(input), { outcome: "rejected", by: input.sender, decidedBy: `${input.sender} (/reject)`, reason: command.args.reason });
  return mustLand(deps, input, out, "rejection");
}

/**
 * A `/reject` or `/withdraw` is this delivery's own decision: nothing else
 * will make it again. When another attempt holds the proposal (the sweep
 * reviewing it, or the lease of a process that died) or the commit could not
 * be made, the delivery waits and runs again (ProposalMustWaitError; the
 * first time a refused commit also gets a reply saying so). Null when it landed.
 */
function mustLand(deps: ProposalCommandDeps, input: Input, out: DecideOutcome, what: "rejection" | "withdrawal"): string | null {
  if (out.kind === "busy") throw new ProposalMustWaitError(input.issue, "is being decided by another attempt");
  if (out.kind !== "not-applied") return null;
  if (!deps.retry.queued) return `The ${what} could not be recorded yet: ${out.reason}.`;
  const reply = deps.retry.rerun ? undefined : `The ${what} could not be recorded yet: ${out.reason}. It will be tried again in a few seconds.`;
  throw new ProposalMustWaitError(input.issue, `could not be committed (${out.reason})`, reply);
}

async function nominate(deps: ProposalCommandDeps, input: Input, command: Extract<ProposalCommand, { name: "nominate" }>): Promise<string | null> {
  const { user, role, reason } = command.args;
  const gov = input.governance;
  const refused = refusal(deps, input, "nominate", user);
  if (refused) return refused;
  const index = gov.ladder.findIndex((r) => r.role === role);
  if (index < 0) return `There is no role ${codeSpan(role)} on this ladder; the roles are ${gov.ladder.map((r) => codeSpan(r.role)).join(", ")}.`;
  const standing = await deps.measure(user, input.roster);
  const held = standing.currentRole ? gov.ladder.findIndex((r) => r.role === standing.currentRole) : -1;
  if (held >= index) return `${userLink(user, deps.webUrl)} already holds ${codeSpan(standing.currentRole ?? role)}, which is ${held === index ? "that role" : "above it"}.`;
  const out = await openProposal(deps.propose, {
    repo: input.repo,
    branch: input.branch,
    standing,
    role,
    kind: "nomination",
    governance: gov,
    roster: input.roster,
    now: input.now,
    nominatedBy: input.sender,
    reason,
  });
  return nominationReply(out, { user, role, webUrl: deps.webUrl, rosterPath: gov.roster.path, branch: input.branch });
}

function nominationReply(out: ProposeOutcome, at: { user: string; role: string; webUrl: string; rosterPath: string; branch: string }): string | null {
  const who = userLink(at.user, at.webUrl);
  const role = codeSpan(at.role);
  switch (out.kind) {
    case "exists":
      return `A proposal for ${who} as ${role} is already open: #${out.issue}.`;
    case "busy":
      return `A proposal for ${who} as ${role} is being opened right now.`;
    case "holds-role":
      return `${who} already holds ${codeSpan(out.held)} in ${codeSpan(at.rosterPath)} on ${codeSpan(at.branch)}.`;
    case "roster-invalid":
      return `Nothing was proposed: ${codeSpan(at.rosterPath)} on ${codeSpan(at.branch)} is invalid; fix it first.`;
    case "opened":
      return out.issue ? `Nominated ${who} for ${role}: #${out.issue}.` : `Dry run: would nominate ${who} for ${role}.`;
    case "cooling-off":
      return null;
  }
}
