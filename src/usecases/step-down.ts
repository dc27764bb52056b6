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
import { appendEntries } from "../log/append-entries.js";
import type { DecisionDraft } from "../log/decision-entry.js";
import type { RepoRef } from "../plan/actions.js";
import { applyRosterChange } from "../plan/roster-edit.js";
import { codeSpan } from "../render/escape.js";
import { commitChange, type ChangePlan } from "./commit-change.js";
import type { RosterCommit } from "./current-governance.js";
import type { DecideDeps } from "./decide-proposal.js";

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

export async function stepDown(deps: Pick<DecideDeps, "github" | "log" | "webUrl" | "onRosterChanged">, input: StepDownInput): Promise<StepDownOutcome> {
  const gov = input.governance;
  const day = input.now.toISOString().slice(0, 10);
  const link = { label: `${input.repo.owner}/${input.repo.repo}#${input.issue}`, url: `${deps.webUrl}/${input.repo.owner}/${input.repo.repo}/issues/${input.issue}` };
  const out = await commitChange(deps.github, {
    repo: input.repo,
    branch: input.branch,
    paths: [gov.roster.path, gov.log.path],
    log: deps.log,
    plan: (files): ChangePlan<{ id: string; from: string | null; to: string | null; roster: Roster | null; commit?: RosterCommit }> => {
      const rosterText = files.get(gov.roster.path) ?? null;
      const logText = files.get(gov.log.path) ?? null;
      // Dry-run the roster change first (with a placeholder id) so a refusal writes no log entry.
      const probe = applyRosterChange(rosterText, { kind: "step-down", login: input.login, role: input.role, since: day, decision: "D-0001" }, gov);
      if (!probe.ok) return { kind: "refused", reason: probe.error.message };
      const draft: DecisionDraft = {
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
      };
      const log = appendEntries(logText, [draft], { webUrl: deps.webUrl });
      const id = log.entries[0]?.id ?? "";
      if (log.appended === 0) return { kind: "already-done", result: { id, from: probe.from, to: probe.to, roster: null } };
      const edit = applyRosterChange(rosterText, { kind: "step-down", login: input.login, role: input.role, since: day, decision: id }, gov);
      if (!edit.ok) return { kind: "refused", reason: edit.error.message };
      return {
        kind: "commit",
        files: { [gov.roster.path]: edit.text, [gov.log.path]: log.text },
        message: `${id}: ${input.login} steps down from ${edit.from ?? "their role"}${edit.to ? ` to ${edit.to}` : " (emeritus)"}`,
        result: { id, from: edit.from, to: edit.to, roster: edit.roster, commit: { before: rosterText, after: edit.text } },
      };
    },
  });
  if (out.kind === "refused") return { reply: `Nothing changed: ${out.reason}.`, decision: null };
  if (out.kind === "gave-up") return { reply: "Nothing changed yet: the default branch kept moving while I wrote the change. Please try again in a minute.", decision: null };
  const { id, from, to, roster, commit } = out.result;
  if (!(out.kind === "committed" && out.dryRun) && roster) await deps.onRosterChanged?.(input.repo, roster, input.branch, commit && { ...commit, sha: out.kind === "committed" ? out.commitSha : null });
  const now = to ? `now ${codeSpan(to)}` : "now emeritus";
  const dry = out.kind === "committed" && out.dryRun ? "Dry run — nothing was written. " : "";
  return { reply: `${dry}Done: you stepped down from ${codeSpan(from ?? "your role")} and are ${now}. Logged as ${id} in ${codeSpan(gov.log.path)}. Thank you for your work.`, decision: id };
}
