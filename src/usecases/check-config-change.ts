/**
 * A push or pull request changed `.github/governance.yml` (or the roster):
 * validate the files AS THEY ARE in that commit, report the result as a check
 * run on it, and — for the default branch — keep one "Action required" issue
 * open while the ladder is broken (updated in place, closed when fixed).
 *
 * A failure to LOAD (GitHub 5xx, network) is not a verdict on the file: it is
 * rethrown so the caller retries and logs, and no check run says "invalid".
 */
import type { LoadResult } from "../config/load-governance.js";
import { parseRoster } from "../config/parse-roster.js";
import { checkQuorumAgainstRoster } from "../config/semantic-checks.js";
import type { ConfigProblem } from "../config/parse-governance.js";
import type { Action, CheckRunOutput, RepoRef } from "../plan/actions.js";
import { renderCheckRunOutput, renderConfigIssueBody } from "../render/config-report.js";
import { findMarker, renderMarker, stripMarkers } from "../render/markers.js";
import type { GovernanceSource } from "./current-governance.js";

export const CONFIG_CHECK_NAME = "Stewards / governance.yml";
export const CONFIG_ISSUE_LABEL = "stewards:config";
export const CONFIG_ISSUE_TITLE = "Action required: the Stewards ladder in .github/governance.yml is invalid";
const MARKER_KIND = "config-error";

export interface ConfigIssuePort {
  /** The open "Action required" issue of this repository (found by label and hidden marker), or null. One request. */
  findOpenConfigIssue(repo: RepoRef): Promise<{ number: number; body: string } | null>;
}

export interface ConfigChange {
  repo: RepoRef;
  headSha: string;
  /** True when the commit is on the default branch (a push there, not a PR). */
  onDefaultBranch: boolean;
  /** Link to the file at that commit, for the issue. */
  fileUrl?: string;
}

export interface ConfigVerdict {
  result: LoadResult;
  rosterProblems: ConfigProblem[];
  actions: Action[];
}

export async function checkConfigChange(
  deps: { source: GovernanceSource; issues: ConfigIssuePort },
  change: ConfigChange,
): Promise<ConfigVerdict> {
  const result = await deps.source.loadGovernance(change.repo, change.headSha);
  if (result.kind === "load-error") throw result.error;

  let rosterProblems: ConfigProblem[] = [];
  if (result.kind === "ok") {
    const text = await deps.source.readFile(change.repo, result.governance.roster.path, change.headSha);
    if (text !== null) {
      const roster = parseRoster(text, result.governance);
      if (!roster.ok) rosterProblems = roster.errors.map((p) => ({ ...p, file: p.file ?? result.governance.roster.path }));
      else rosterProblems = checkQuorumAgainstRoster(result.governance, roster.roster);
    }
  }

  const output: CheckRunOutput = renderCheckRunOutput(result, { rosterProblems });
  const failed = result.kind === "invalid" || rosterProblems.some((p) => p.severity === "error");
  const actions: Action[] = [];
  if (result.kind !== "absent") {
    actions.push({
      kind: "check-run.create",
      repo: change.repo,
      headSha: change.headSha,
      name: CONFIG_CHECK_NAME,
      conclusion: failed ? "failure" : "success",
      output,
    });
  }

  if (change.onDefaultBranch) {
    const open = await deps.issues.findOpenConfigIssue(change.repo);
    if (failed) {
      const rosterErrors = rosterProblems.filter((p) => p.severity === "error");
      const problems = result.kind === "invalid" ? [...result.errors, ...rosterErrors] : rosterErrors;
      const body = `${renderConfigIssueBody(problems, change.fileUrl)}\n\n${renderMarker(MARKER_KIND, { sha: change.headSha.slice(0, 12) })}`;
      if (!open) {
        actions.push({ kind: "issue.create", repo: change.repo, title: CONFIG_ISSUE_TITLE, body, labels: [CONFIG_ISSUE_LABEL] });
      } else if (stripMarkers(open.body).trim() !== stripMarkers(body).trim()) {
        actions.push({ kind: "issue.update", repo: change.repo, number: open.number, body });
      }
    } else if (open) {
      actions.push({
        kind: "comment.create",
        repo: change.repo,
        issueNumber: open.number,
        body: `The ladder is valid again as of ${change.headSha.slice(0, 7)}; closing.`,
      });
      actions.push({ kind: "issue.update", repo: change.repo, number: open.number, state: "closed" });
    }
  }
  return { result, rosterProblems, actions };
}

/** True when an issue body carries this use-case's marker. */
export function isConfigIssueBody(body: string | null | undefined): boolean {
  return !!body && findMarker(body, MARKER_KIND) !== null;
}
