/**
 * The proposal commands of an issue comment (`/reject`, `/withdraw`,
 * `/nominate`, `/step-down`): builds the ports for the repository and hands
 * over to usecases/run-proposal-command.ts, which checks who may run each
 * (the registry's `who`) and answers. Resolves to the reply to post (null
 * when the use-case posted its own outcome).
 */
import type { Logger } from "../github/logger.js";
import { proposalPorts } from "../runtime/proposal-ports.js";
import type { Octokit, Services } from "../runtime/services.js";
import { answerProposalCommand, type ProposalCommand, type ProposalCommandInput } from "../usecases/run-proposal-command.js";

export { isProposalCommand } from "../usecases/run-proposal-command.js";

/** Where the command was given and what is known there: the use-case's input (less the clock) and the clients. */
export interface CommandContext extends Omit<ProposalCommandInput, "now"> {
  services: Services;
  octokit: Octokit;
  log: Logger;
}

export async function runProposalCommand(cc: CommandContext, command: ProposalCommand): Promise<string | null> {
  const { services, octokit, log, ...input } = cc;
  const ports = proposalPorts(octokit, services, log, cc.repo, cc.governance);
  const retry = { queued: services.queue !== undefined, rerun: services.rerun === true };
  return answerProposalCommand({ ...ports, store: services.store, webUrl: services.settings.webUrl, retry }, { ...input, now: services.clock() }, command);
}
