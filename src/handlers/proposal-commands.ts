/**
 * The proposal commands of an issue comment: `/reject <reason>`, `/withdraw`,
 * `/nominate @user <role> [reason]`, `/step-down [role]`. Each checks who may
 * use it against the roster (the approver roles, the candidate, a holder) and
 * answers in words when the person may not, or when the issue is not an open
 * proposal; otherwise it hands over to the use-case. Returns the reply to
 * post (null when the use-case posted its own outcome).
 */
import type { Governance, Roster } from "../config/schema.js";
import type { Logger } from "../github/logger.js";
import { approverRoles } from "../ladder/tally.js";
import type { OkCommand } from "../commands/parse.js";
import type { RepoRef } from "../plan/actions.js";
import { codeSpan, userLink } from "../render/escape.js";
import { proposalPorts } from "../runtime/proposal-ports.js";
import type { Octokit, Services } from "../runtime/services.js";
import { closeProposal, type DecideOutcome } from "../usecases/decide-proposal.js";
import { ProposalMustWaitError } from "../usecases/delivery-wait.js";
import { openProposal } from "../usecases/propose-promotion.js";
import { loadProposalByIssue } from "../usecases/proposal-records.js";
import { stepDown } from "../usecases/step-down.js";

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

type ProposalCommand = Extract<OkCommand, { name: "reject" | "withdraw" | "nominate" | "step-down" }>;

export function isProposalCommand(c: OkCommand): c is ProposalCommand {
  return c.name === "reject" || c.name === "withdraw" || c.name === "nominate" || c.name === "step-down";
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Holds a role that may approve (the configured approver roles and those above them), on `roster`. */
function isApprover(login: string, roster: Roster, governance: Governance): boolean {
  const roles = new Set(approverRoles(governance));
  return roster.members.some((m) => same(m.login, login) && roles.has(m.role));
}

/**
 * A `/reject` or `/withdraw` is this delivery's own decision: nothing else
 * will make it again. When another attempt holds the proposal (the sweep
 * reviewing it, or the lease of a process that died) or the commit could not
 * be made, the delivery waits and runs again (ProposalMustWaitError; the
 * first time a refused commit also gets a reply saying so). Null when it landed.
 */
async function mustLand(cc: CommandContext, out: DecideOutcome, what: "rejection" | "withdrawal"): Promise<string | null> {
  if (out.kind === "busy") throw new ProposalMustWaitError(cc.issue, "is being decided by another attempt");
  if (out.kind !== "not-applied") return null;
  if (!cc.services.queue) return `The ${what} could not be recorded yet: ${out.reason}.`;
  const reply = cc.services.rerun ? undefined : `The ${what} could not be recorded yet: ${out.reason}. It will be tried again in a few seconds.`;
  throw new ProposalMustWaitError(cc.issue, `could not be committed (${out.reason})`, reply);
}

export async function runProposalCommand(cc: CommandContext, command: ProposalCommand): Promise<string | null> {
  const web = cc.services.settings.webUrl;
  if (!cc.rosterValid) return `${codeSpan(cc.governance.roster.path)} is invalid right now, so no role can change until it is fixed.`;
  const ports = proposalPorts(cc.octokit, cc.services, cc.log, cc.repo, cc.governance);
  const now = cc.services.clock();
  const input = { repo: cc.repo, issue: cc.issue, branch: cc.branch, governance: cc.governance, roster: cc.roster, now };
  const approverWords = approverRoles(cc.governance).map((r) => codeSpan(r)).join(" or ");

  if (command.name === "reject" || command.name === "withdraw") {
    const record = await loadProposalByIssue(cc.services.store, `${cc.repo.owner}/${cc.repo.repo}`, cc.issue);
    if (!record || record.state !== "open") return `This issue is not an open proposal, so there is nothing to ${command.name === "reject" ? "reject" : "withdraw"} here.`;
    if (command.name === "withdraw") {
      if (!same(cc.sender, record.login)) return `Only the candidate, ${userLink(record.login, web)}, can withdraw this proposal.`;
      const out = await closeProposal(ports.decide, input, { outcome: "withdrawn", by: record.login, decidedBy: `${record.login} (/withdraw)`, reason: null });
      return mustLand(cc, out, "withdrawal");
    }
    if (same(cc.sender, record.login)) return "A candidate cannot reject their own proposal; use `/withdraw` to withdraw it.";
    if (!isApprover(cc.sender, cc.roster, cc.governance)) {
      return `Only people holding an approving role (${approverWords}) can reject a proposal; ${userLink(cc.sender, web)} does not hold one.`;
    }
    const out = await closeProposal(ports.decide, input, { outcome: "rejected", by: cc.sender, decidedBy: `${cc.sender} (/reject)`, reason: command.args.reason });
    return mustLand(cc, out, "rejection");
  }

  if (command.name === "nominate") {
    if (!isApprover(cc.sender, cc.roster, cc.governance)) {
      return `Only people holding an approving role (${approverWords}) can nominate; ${userLink(cc.sender, web)} does not hold one.`;
    }
    const { user, role, reason } = command.args;
    const index = cc.governance.ladder.findIndex((r) => r.role === role);
    if (index < 0) return `There is no role ${codeSpan(role)} on this ladder; the roles are ${cc.governance.ladder.map((r) => codeSpan(r.role)).join(", ")}.`;
    if (same(user, cc.sender)) return "You cannot nominate yourself; ask another approver.";
    const standing = await ports.measure(user, cc.roster);
    const held = standing.currentRole ? cc.governance.ladder.findIndex((r) => r.role === standing.currentRole) : -1;
    if (held >= index) return `${userLink(user, web)} already holds ${codeSpan(standing.currentRole ?? role)}, which is ${held === index ? "that role" : "above it"}.`;
    const out = await openProposal(ports.propose, { repo: cc.repo, branch: cc.branch, standing, role, kind: "nomination", governance: cc.governance, roster: cc.roster, now, nominatedBy: cc.sender, reason });
    if (out.kind === "exists") return `A proposal for ${userLink(user, web)} as ${codeSpan(role)} is already open: #${out.issue}.`;
    if (out.kind === "busy") return `A proposal for ${userLink(user, web)} as ${codeSpan(role)} is being opened right now.`;
    if (out.kind === "holds-role") return `${userLink(user, web)} already holds ${codeSpan(out.held)} in ${codeSpan(cc.governance.roster.path)} on ${codeSpan(cc.branch)}.`;
    if (out.kind === "roster-invalid") return `Nothing was proposed: ${codeSpan(cc.governance.roster.path)} on ${codeSpan(cc.branch)} is invalid; fix it first.`;
    if (out.kind === "opened") return out.issue ? `Nominated ${userLink(user, web)} for ${codeSpan(role)}: #${out.issue}.` : `Dry run: would nominate ${userLink(user, web)} for ${codeSpan(role)}.`;
    return null;
  }

  const out = await stepDown(ports.decide, { ...input, login: cc.sender, role: command.args.role });
  return out.reply;
}
