/**
 * A hand edit of the roster or the ladder that landed on the default branch
 * without going through a proposal is itself a decision (SPEC: "A person's
 * hand edit of the roster that lands on the default branch is itself logged
 * as a decision"). This writes it to the log:
 *
 * - one `manual roster change` entry per person whose place on the roster
 *   changed (appeals and the health report are about one person at a time),
 *   with who pushed it, the commit, what changed and whether a logged
 *   decision backs it;
 * - one `ladder change` entry when the rules of `.github/governance.yml`
 *   changed (comments and layout are not a change), listing them;
 * - and, in the same commit, the new id written into each changed roster
 *   entry that has no `decision:` yet, so every entry names where its change
 *   is logged. An entry whose `decision:` the person wrote is left as is.
 *
 * Exactly once: each entry's key names the pushed commit (and the person), so
 * a duplicate delivery or a retried job finds its entries in the log and
 * writes nothing. No loop: the app's own commit changes only the log and
 * fills in `decision:` ids, which roster-diff.ts does not count as a change
 * (and the push handler skips the app's own pushes before that).
 */
import type { Logger } from "../github/logger.js";
import { appendEntries } from "../log/append-entries.js";
import { parseLog } from "../log/parse-log.js";
import type { DecisionDraft } from "../log/decision-entry.js";
import type { RepoRef } from "../plan/actions.js";
import type { GovernanceState, LadderChangeEffect, RosterEffect } from "../plan/ladder-change-effect.js";
import { fillDecisionIds, type DecisionFill } from "../plan/roster-edit.js";
import { describeRosterChange, describeRuleChange } from "../render/ladder-effect.js";
import { commitChange, type ChangePlan, type CommitChangePort } from "./commit-change.js";

export interface ManualChangeInput {
  repo: RepoRef;
  /** The default branch, where the log is. */
  branch: string;
  /** The pushed head: the commit the change landed in. */
  commitSha: string;
  /** Who pushed (the push's sender), and the GitHub usernames of the commits' authors where GitHub knows them. */
  pusher: string;
  authors: readonly string[];
  /** The head commit's message (its first line is kept as the reason). */
  message: string | null;
  /** What the push changed (check-config-change.ts computed it). */
  effect: LadderChangeEffect;
  /** The ladder and roster after the push: the log and roster paths come from it. */
  head: GovernanceState;
  /** True when the push touched `.github/governance.yml` (a first valid ladder is then logged as a ladder change). */
  ladderTouched: boolean;
  governancePath: string;
  now: Date;
}

export type ManualChangeOutcome =
  | { kind: "nothing" }
  | { kind: "logged"; ids: string[]; commitSha: string | null; dryRun: boolean }
  | { kind: "already-done"; ids: string[] }
  | { kind: "not-logged"; reason: string };

/** At most this many rule changes are named in one ladder-change entry; the rest are counted. */
const MAX_RULES_NAMED = 12;

export async function logManualChange(
  deps: { github: CommitChangePort; log: Logger; webUrl: string },
  input: ManualChangeInput,
): Promise<ManualChangeOutcome> {
  const drafts = manualChangeDrafts(input, deps.webUrl);
  if (drafts.length === 0) return { kind: "nothing" };
  const gov = input.head.governance;
  const paths = [...new Set([gov.log.path, gov.roster.path])];
  const out = await commitChange(deps.github, {
    repo: input.repo,
    branch: input.branch,
    paths,
    log: deps.log,
    plan: (files): ChangePlan<string[]> => {
      const logText = files.get(gov.log.path) ?? null;
      const founding = foundingEntry(logText, input);
      // The merge of the onboarding pull request: its founding entry already logs this roster and ladder.
      const wanted = founding ? drafts.filter((d) => !(d.draft.kind === "ladder change" || (d.decision !== null && d.decision === founding))) : drafts;
      if (wanted.length === 0) return { kind: "already-done", result: [founding ?? ""] };
      const log = appendEntries(logText, wanted.map((d) => d.draft), { webUrl: deps.webUrl });
      const ids = log.entries.map((e) => e.id);
      if (log.appended === 0) return { kind: "already-done", result: ids };
      const written: Record<string, string> = { [gov.log.path]: log.text };
      const fills: DecisionFill[] = [];
      wanted.forEach((d, i) => {
        if (d.fill) fills.push({ ...d.fill, decision: ids[i]! });
      });
      const rosterText = files.get(gov.roster.path) ?? null;
      const filled = rosterText !== null && fills.length ? fillDecisionIds(rosterText, fills, gov) : null;
      if (filled) written[gov.roster.path] = filled.text;
      const sha = input.commitSha.slice(0, 7);
      const what = wanted.length === 1 ? `log the hand edit in ${sha}` : `log the hand edits in ${sha}`;
      return {
        kind: "commit",
        files: written,
        message: `${ids.join(", ")}: ${what}\n\n${input.pusher} pushed ${sha} to ${input.branch} without a proposal; Stewards logs it as a decision${filled ? ` and names it in ${gov.roster.path}` : ""}.`,
        result: ids,
      };
    },
  });
  switch (out.kind) {
    case "committed":
      return { kind: "logged", ids: out.result, commitSha: out.commitSha, dryRun: out.dryRun };
    case "already-done":
      return { kind: "already-done", ids: out.result };
    case "refused":
      return { kind: "not-logged", reason: out.reason };
    case "gave-up":
      return { kind: "not-logged", reason: "the default branch kept moving; a redelivery of the push logs it" };
  }
}

/**
 * The entries a push calls for, in log order: the ladder change first (the
 * roster is read against the new ladder), then one per person in roster
 * order. Pure.
 */
/**
 * The id of the onboarding pull request's founding entry, when the log at the
 * head is exactly that entry and no valid ladder was in force before the push
 * (usecases/onboard-repository.ts): the push is that pull request's merge,
 * and what it founds is logged already. Anything later is a hand edit again.
 */
function foundingEntry(logText: string | null, input: ManualChangeInput): string | null {
  if (input.effect.compared || logText === null) return null;
  const entries = parseLog(logText);
  const only = entries.length === 1 ? entries[0] : undefined;
  const key = `onboarding:${input.repo.owner}/${input.repo.repo}`.toLowerCase();
  return only && only.key === key ? only.id : null;
}

export function manualChangeDrafts(input: ManualChangeInput, webUrl: string): { draft: DecisionDraft; fill: Omit<DecisionFill, "decision"> | null; decision: string | null }[] {
  const { effect } = input;
  const full = `${input.repo.owner}/${input.repo.repo}`;
  const day = input.now.toISOString().slice(0, 10);
  // Not `owner/repo@sha`: the log neutralises every `@`, which would put an invisible character in the label.
  const link = { label: `${full} commit ${input.commitSha.slice(0, 7)}`, url: `${webUrl.replace(/\/+$/, "")}/${full}/commit/${input.commitSha}` };
  const others = input.authors.filter((a) => a.toLowerCase() !== input.pusher.toLowerCase());
  const decidedBy = `${input.pusher}, by hand: pushed to ${input.branch} without a proposal${others.length ? `; commit by ${[...new Set(others)].join(", ")}` : ""}`;
  const said = firstLine(input.message);
  const because = said ? `. Commit message: ${said}` : "";
  const base = { date: day, evidence: [], approvers: [], objectors: [], link, decidedBy };
  const out: { draft: DecisionDraft; fill: Omit<DecisionFill, "decision"> | null; decision: string | null }[] = [];

  const ruleWords = effect.rules.slice(0, MAX_RULES_NAMED).map(describeRuleChange);
  if (effect.rules.length > MAX_RULES_NAMED) ruleWords.push(`and ${effect.rules.length - MAX_RULES_NAMED} more`);
  if (effect.rules.length > 0 || (!effect.compared && input.ladderTouched)) {
    const words = effect.compared ? ruleWords.join("; ") : `no valid ladder was in force before; now ${input.head.governance.ladder.map((r) => r.role).join(" → ")}`;
    out.push({
      draft: {
        ...base,
        kind: "ladder change",
        subject: input.governancePath,
        role: null,
        reason: `Changed by hand: ${words}${because}`,
        key: `ladder-change:${full.toLowerCase()}@${input.commitSha}`,
      },
      fill: null,
      decision: null,
    });
  }

  for (const c of effect.roster) {
    out.push({
      draft: {
        ...base,
        kind: "manual roster change",
        subject: c.login,
        role: roleChange(c),
        reason: `Changed by hand: ${describeRosterChange(c)}${because}`,
        key: `manual-roster-change:${full.toLowerCase()}@${input.commitSha}:${c.login.toLowerCase()}`,
      },
      fill: c.after && c.after.decision === null ? { login: c.login, list: c.after.list } : null,
      decision: c.after?.decision ?? null,
    });
  }
  return out;
}

/** The role line: what the person holds on `members` before and after, when that changed. */
function roleChange(c: RosterEffect): { from: string | null; to: string | null } | null {
  const from = c.before?.list === "members" ? c.before.role : null;
  const to = c.after?.list === "members" ? c.after.role : null;
  return from === to ? null : { from, to };
}

function firstLine(text: string | null): string | null {
  const line = (text ?? "").split(/\r?\n/)[0]?.trim() ?? "";
  return line === "" ? null : line;
}
