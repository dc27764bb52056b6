/**
 * `/step-down [role]`: a holder gives up authority at once — lowering one's
 * own authority needs nobody's approval (SPEC "Nominating, stepping down").
 * `/step-down` with no role gives up the role held (to the role below, or
 * emeritus from the lowest rung); naming a role checks it is the one held.
 * The roster change and the log entry land in one commit (commit-change.ts);
 * the last holder of the top role cannot step down (safety floor), and is
 * told why.
 */
import type { Governance, Roster } from "../config/schema.js";
import type { RepoRef } from "../plan/actions.js";
import { applyRosterChange } from "../plan/roster-edit.js";
import { codeSpan } from "../render/escape.js";
import { commitDecision, type CommitDecisionDeps, type DecisionStep } from "./decision-pipeline.js";

export interface StepDownInput {
  repo: RepoRef;
  /** Where the command was given, for the log's link. */
  issue: number;
  branch: string;
  governance: Governance;
  roster: Roster;
  now: Date;
  login: string;
  role: string | null;
}

export interface StepDownOutcome {
  /** The reply to post on the issue. */
  reply: string;
  decision: string | null;
}

export async function stepDown(deps: CommitDecisionDeps, input: StepDownInput): Promise<StepDownOutcome> {
  const gov = input.governance;
  const day = input.now.toISOString().slice(0, 10);
  const link = { label: `${input.repo.owner}/${input.repo.repo}#${input.issue}`, url: `${deps.webUrl}/${input.repo.owner}/${input.repo.repo}/issues/${input.issue}` };
  const out = await commitDecision(deps, {
    repo: input.repo,
    branch: input.branch,
    governance: gov,
    invalidRoster: `${gov.roster.path} on ${input.branch} is invalid; fix it first`,
    decide: (_roster, rosterText): DecisionStep<{ from: string | null; to: string | null }> => {
      // Dry-run the roster change first (with a placeholder id) so a refusal writes no log entry.
      const probe = applyRosterChange(rosterText, { kind: "step-down", login: input.login, role: input.role, since: day, decision: "D-0001" }, gov);
      if (!probe.ok) return { kind: "refused", reason: probe.error.message };
      return {
        kind: "decided",
        draft: {
          kind: "step-down",
          date: day,
          subject: input.login,
          role: { from: probe.from, to: probe.to },
          evidence: [],
          approvers: [],
          objectors: [],
          reason: null,
          link,
          decidedBy: `${input.login} (/step-down)`,
          key: `step-down:${input.repo.owner}/${input.repo.repo}:${input.login.toLowerCase()}:${probe.from ?? ""}:${day}`,
        },
        change: (id) => ({ kind: "step-down", login: input.login, role: input.role, since: day, decision: id }),
        message: (id) => `${id}: ${input.login} steps down from ${probe.from ?? "their role"}${probe.to ? ` to ${probe.to}` : " (emeritus)"}`,
        result: { from: probe.from, to: probe.to },
      };
    },
  });
  if (out.kind === "not-applied") {
    return { reply: out.cause === "gave-up" ? "Nothing changed yet: the default branch kept moving while I wrote the change. Please try again in a minute." : `Nothing changed: ${out.reason}.`, decision: null };
  }
  const { id, result } = out;
  const now = result.to ? `now ${codeSpan(result.to)}` : "now emeritus";
  const dry = out.dryRun ? "Dry run — nothing was written. " : "";
  return { reply: `${dry}Done: you stepped down from ${codeSpan(result.from ?? "your role")} and are ${now}. Logged as ${id} in ${codeSpan(gov.log.path)}. Thank you for your work.`, decision: id };
}
