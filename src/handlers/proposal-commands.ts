/**
 * The proposal commands of an issue comment (`/reject`, `/withdraw`,
 * `/nominate`, `/step-down`): builds the ports for the repository and hands
 * over to usecases/run-proposal-command.ts, which checks who may run each
 * (the registry's `who`) and answers. Resolves to the reply to post (null
 * when the use-case posted its own outcome).
 */
import type { Governance, Roster } from "../config/schema.js";
import type { Logger } from "../github/logger.js";
import type { RepoRef } from "../plan/actions.js";
import { proposalPorts } from "../runtime/proposal-ports.js";
import type { Octokit, Services } from "../runtime/services.js";
import { answerProposalCommand, type ProposalCommand } from "../usecases/run-proposal-command.js";

export { isProposalCommand } from "../usecases/run-proposal-command.js";

export interface CommandContext {
  services: Services;
  octokit: Octokit;
  log: Logger;
  repo: RepoRef;
  issue: number;
  branch: string;
  sender: string;
  governance: Governance;
  roster: Roster;
  rosterValid: boolean;
}

export async function runProposalCommand(cc: CommandContext, command: ProposalCommand): Promise<string | null> {
  const { services } = cc;
  const ports = proposalPorts(cc.octokit, services, cc.log, cc.repo, cc.governance);
  return answerProposalCommand(
    { ...ports, store: services.store, webUrl: services.settings.webUrl, retry: { queued: services.queue !== undefined, rerun: services.rerun === true } },
    { repo: cc.repo, issue: cc.issue, branch: cc.branch, sender: cc.sender, governance: cc.governance, roster: cc.roster, rosterValid: cc.rosterValid, now: services.clock() },
    command,
  );
}
