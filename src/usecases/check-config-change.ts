/**
 * A push or pull request changed `.github/governance.yml` (or the roster):
 * validate the files AS THEY ARE in that commit, state what the change does
 * compared with its base (plan/ladder-change-effect.ts), report both as a
 * check run on it, and — for the default branch — keep one "Action required"
 * issue open while the ladder is broken (updated in place, closed when fixed).
 *
 * Reads: the ladder, roster and log at the base and the ladder and roster at
 * the head in ONE GraphQL request (github/branch-files.ts `readFilesAtRefs`);
 * files of other repositories that the ladder reaches (`_extends`, the
 * organisation's floors) once each, shared by both sides; a roster or log
 * elsewhere than the cached paths say, one request each. Who would become
 * eligible is measured from the ledger in the store: no history request.
 *
 * Conclusion: failure when the head is invalid (the ladder or the roster);
 * neutral ("needs approver review") when it is valid but raises someone's
 * authority without a decision in the base's log, backdates a role, gives
 * access without such a decision, or weakens a rule; success otherwise.
 *
 * A failure to LOAD (GitHub 5xx, network) is not a verdict on the file: it is
 * rethrown so the caller retries and logs, and no check run says "invalid".
 */
import type { ConfigSource, LoadResult } from "../config/load-governance.js";
import { loadGovernance, NotAFileError } from "../config/load-governance.js";
import { parseRoster } from "../config/parse-roster.js";
import { DEFAULT_GOVERNANCE_PATH } from "../config/parse-governance.js";
import { checkQuorumAgainstRoster } from "../config/semantic-checks.js";
import type { ConfigProblem } from "../config/parse-governance.js";
import type { Governance } from "../config/schema.js";
import type { RefRead, RefSnapshot } from "../github/branch-files.js";
import type { Ledger } from "../ladder/standing.js";
import type { DecisionKind } from "../log/decision-entry.js";
import { parseLog } from "../log/parse-log.js";
import type { Action, CheckRunOutput, RepoRef } from "../plan/actions.js";
import { ladderChangeEffect, type GovernanceState, type LadderChangeEffect, type LoggedDecision } from "../plan/ladder-change-effect.js";
import { renderCheckRunOutput, renderConfigIssueBody } from "../render/config-report.js";
import { findMarker, renderMarker, stripMarkers } from "../render/markers.js";
import { contributionQuery } from "./measure-contributor.js";
import type { LedgerReader } from "./reply-ladder.js";

export const CONFIG_CHECK_NAME = "Stewards / governance.yml";
export const CONFIG_ISSUE_LABEL = "stewards:config";
export const CONFIG_ISSUE_TITLE = "Action required: the Stewards ladder in .github/governance.yml is invalid";
const MARKER_KIND = "config-error";

export interface ConfigIssuePort {
  /** The open "Action required" issue of this repository (found by label and hidden marker), or null. One request. */
  findOpenConfigIssue(repo: RepoRef): Promise<{ number: number; body: string } | null>;
}

export interface ConfigFilesPort {
  /** Texts of paths at several refs of `repo` in one request (see github/branch-files.ts readFilesAtRefs). */
  readFilesAtRefs(repo: RepoRef, reads: readonly RefRead[]): Promise<RefSnapshot[]>;
  /**
   * ConfigSource.getRawFile (config/resolve-extends.ts): one file of any
   * repository at `ref` (default branch when omitted), null on 404. One request.
   */
  getRawFile(owner: string, repo: string, path: string, ref?: string): Promise<string | null>;
}

export interface ConfigChange {
  repo: RepoRef;
  headSha: string;
  /**
   * What the head is compared with: a branch (`refs/heads/main`) or a commit
   * SHA; null when there is nothing to compare with (a branch created empty).
   */
  baseRef: string | null;
  /** The base in words for the check run, e.g. "`main`" (markdown). */
  baseLabel: string;
  /** True when the commit is on the default branch (a push there, not a PR). */
  onDefaultBranch: boolean;
  /** Link to the file at that commit, for the issue. */
  fileUrl?: string;
  /** Where the roster and the log are, as the ladder in force says (read in the same request; other paths cost one more each). */
  rosterPath: string;
  logPath: string;
  /**
   * The last valid ladder and roster known for the default branch (the
   * store's cache): the base when the base's own files are invalid, so that
   * fixing a broken roster is compared with what was last in force.
   */
  lastValid?: GovernanceState | null;
  now: Date;
  /** GitHub's web root for links in the check run. */
  webUrl?: string;
}

/** One side of the comparison as read. */
export interface SideFiles {
  /** The commit read; null when the ref does not exist. */
  sha: string | null;
  load: LoadResult;
  /** The roster's text at that commit (null: no file), read at the side's own `roster.path`. */
  rosterText: string | null;
  /** Set when the ladder and the roster are both valid. */
  state: GovernanceState | null;
  /** What the first request read at this side. */
  snapshot: RefSnapshot | null;
}

export interface ConfigVerdict {
  result: LoadResult;
  rosterProblems: ConfigProblem[];
  actions: Action[];
  /** Set when the head is valid: what the change does. */
  effect: LadderChangeEffect | null;
  /** What the effect compared: the base's state (or the last valid one standing in for it) and the head's. */
  compared: { base: GovernanceState | null; head: GovernanceState } | null;
  head: SideFiles;
  base: SideFiles | null;
}

export async function checkConfigChange(
  deps: { files: ConfigFilesPort; issues: ConfigIssuePort; ledger: LedgerReader },
  change: ConfigChange,
): Promise<ConfigVerdict> {
  const { base, head } = await readSides(deps.files, change);
  const result = head.load;
  if (result.kind === "load-error") throw result.error;
  if (base?.load.kind === "load-error") throw base.load.error;

  let rosterProblems: ConfigProblem[] = [];
  if (result.kind === "ok" && head.rosterText !== null) {
    const roster = parseRoster(head.rosterText, result.governance);
    if (!roster.ok) rosterProblems = roster.errors.map((p) => ({ ...p, file: p.file ?? result.governance.roster.path }));
    else rosterProblems = checkQuorumAgainstRoster(result.governance, roster.roster);
  }
  const failed = result.kind === "invalid" || rosterProblems.some((p) => p.severity === "error");

  let effect: LadderChangeEffect | null = null;
  let compared: ConfigVerdict["compared"] = null;
  if (!failed && head.state) {
    const baseState = base?.state ?? change.lastValid ?? null;
    const decisions = base?.sha ? loggedDecisions(await logText(deps.files, change, base, baseState)) : [];
    const ledger = await readLedger(deps.ledger, change.repo, baseState?.governance ?? null, head.state.governance);
    effect = ladderChangeEffect({ base: baseState, head: head.state, decisions, ledger, now: change.now });
    compared = { base: baseState, head: head.state };
  }

  const output: CheckRunOutput = renderCheckRunOutput(result, {
    rosterProblems,
    ...(effect ? { effect: { effect, against: change.baseLabel, ...(change.webUrl ? { webUrl: change.webUrl } : {}) } } : {}),
  });
  const actions: Action[] = [];
  if (result.kind !== "absent") {
    actions.push({
      kind: "check-run.create",
      repo: change.repo,
      headSha: change.headSha,
      name: CONFIG_CHECK_NAME,
      conclusion: failed ? "failure" : effect && effect.concerns.length > 0 ? "neutral" : "success",
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
  return { result, rosterProblems, actions, effect, compared, head, base };
}

/** True when an issue body carries this use-case's marker. */
export function isConfigIssueBody(body: string | null | undefined): boolean {
  return !!body && findMarker(body, MARKER_KIND) !== null;
}

// ---------------------------------------------------------------------------

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Both sides: one GraphQL request for the repository's own files, then each side's ladder loaded from it. */
async function readSides(port: ConfigFilesPort, change: ConfigChange): Promise<{ base: SideFiles | null; head: SideFiles }> {
  const gov = DEFAULT_GOVERNANCE_PATH;
  const basePaths = [...new Set([gov, change.rosterPath, change.logPath])];
  const headPaths = [...new Set([gov, change.rosterPath])];
  const reads: RefRead[] = [{ ref: change.headSha, paths: headPaths }];
  if (change.baseRef) reads.push({ ref: change.baseRef, paths: basePaths });
  const [headSnap, baseSnap] = await port.readFilesAtRefs(change.repo, reads);

  // Files of other repositories (`_extends`, the organisation's floors) are the same for both sides: read once.
  const shared = new Map<string, Promise<string | null>>();
  const fallback = (owner: string, repo: string, path: string, ref?: string) => {
    const key = JSON.stringify([owner.toLowerCase(), repo.toLowerCase(), path, ref ?? null]);
    let p = shared.get(key);
    if (!p) shared.set(key, (p = port.getRawFile(owner, repo, path, ref)));
    return p;
  };
  const side = async (snap: RefSnapshot | undefined, ref: string): Promise<SideFiles> => {
    if (!snap || snap.sha === null) return { sha: null, load: { kind: "absent" }, rosterText: null, state: null, snapshot: null };
    const source: ConfigSource = {
      getRawFile: async (owner, repo, path, at) => {
        if (same(owner, change.repo.owner) && same(repo, change.repo.repo) && at === ref && snap.files.has(path)) {
          const file = snap.files.get(path)!;
          if (file !== null && typeof file === "object") throw new NotAFileError(`${owner}/${repo}:${path}`);
          return file;
        }
        return fallback(owner, repo, path, at);
      },
    };
    const load = await loadGovernance(source, { owner: change.repo.owner, repo: change.repo.repo, ref });
    if (load.kind !== "ok") return { sha: snap.sha, load, rosterText: null, state: null, snapshot: snap };
    const rosterText = await fileAt(port, change.repo, snap, load.governance.roster.path, ref);
    let state: GovernanceState | null = null;
    if (rosterText === null || rosterText.trim() === "") state = { governance: load.governance, roster: { members: [], emeritus: [] } };
    else {
      const parsed = parseRoster(rosterText, load.governance);
      if (parsed.ok) state = { governance: load.governance, roster: parsed.roster };
    }
    return { sha: snap.sha, load, rosterText, state, snapshot: snap };
  };
  const head = await side(headSnap, change.headSha);
  const base = change.baseRef ? await side(baseSnap, change.baseRef) : null;
  return { base, head };
}

async function fileAt(port: ConfigFilesPort, repo: RepoRef, snap: RefSnapshot, path: string, ref: string): Promise<string | null> {
  if (snap.files.has(path)) {
    const file = snap.files.get(path)!;
    return typeof file === "string" ? file : null;
  }
  return port.getRawFile(repo.owner, repo.repo, path, snap.sha ?? ref);
}

async function logText(port: ConfigFilesPort, change: ConfigChange, base: SideFiles, state: GovernanceState | null): Promise<string | null> {
  if (!base.snapshot || base.sha === null) return null;
  // Read in the first request when it sits where the cached ladder says; elsewhere, one more request.
  return fileAt(port, change.repo, base.snapshot, state?.governance.log.path ?? change.logPath, base.sha);
}

/** Kinds that give or take a role: an entry of theirs without a role line says nothing about which (hand-written). */
const ROLE_KINDS: ReadonlySet<DecisionKind> = new Set(["promotion", "demotion", "emeritus", "step-down", "appeal outcome", "manual roster change"]);

function loggedDecisions(text: string | null): LoggedDecision[] {
  if (text === null || text.trim() === "") return [];
  return parseLog(text).map((e) => ({
    id: e.id,
    subject: e.subject,
    to: e.role !== null ? e.role.to : e.kind === null || ROLE_KINDS.has(e.kind) ? undefined : null,
    manual: e.kind === "manual roster change",
  }));
}

/** The contributions for each side's scope (one read when both count the same); null when this repository's history was never read. */
async function readLedger(reader: LedgerReader, repo: RepoRef, base: Governance | null, head: Governance): Promise<{ base: Ledger; head: Ledger } | null> {
  const sync = await reader.getSyncState(`${repo.owner}/${repo.repo}`);
  if (!sync) return null;
  const cache = new Map<string, Promise<Ledger>>();
  const read = (gov: Governance): Promise<Ledger> => {
    const query = contributionQuery(gov, repo);
    const key = JSON.stringify(query);
    let p = cache.get(key);
    if (!p) {
      p = Promise.all([reader.listPullRequests(query), reader.listReviews(query)]).then(([pullRequests, reviews]) => ({ pullRequests, reviews }));
      cache.set(key, p);
    }
    return p;
  };
  const [b, h] = await Promise.all([read(base ?? head), read(head)]);
  return { base: b, head: h };
}
