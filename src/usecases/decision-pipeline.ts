/**
 * The one decision pipeline (STYLE "One decision pipeline"): every outcome
 * that changes the roster or the log — approval by reaction or by merge, a
 * rejection, withdrawal or expiry, a step-down, and the demotions and appeal
 * outcomes to come — goes through the same two steps written here once:
 *
 *   withProposalLease   one attempt per proposal at a time, across replicas;
 *                       a second trigger of the same review returns at once
 *                       and the attempt under way runs once more for it
 *   commitDecision      read the roster, the log and CODEOWNERS at the branch
 *                       head → the caller's pure `decide` on that roster →
 *                       ONE compare-and-swap commit of the roster, the log
 *                       entry and the CODEOWNERS block → the cache refresh and
 *                       access (teams, bypass) through `onRosterChanged`
 *
 * A new kind of decision adds a `decide` (and its comment), never another
 * copy of the lease, the reload or the commit loop.
 *
 * Why CODEOWNERS is in the same commit: the block is derived from the roster
 * alone (plan/codeowners-block.ts), so writing it with the roster saves a
 * second read, commit and branch race per decision; the access sync that
 * follows finds the block in step and writes nothing.
 */
import { parseRoster } from "../config/parse-roster.js";
import type { Governance, Roster } from "../config/schema.js";
import type { Logger } from "../github/logger.js";
import { appendEntries } from "../log/append-entries.js";
import type { DecisionDraft } from "../log/decision-entry.js";
import type { RepoRef } from "../plan/actions.js";
import { CODEOWNERS_PATHS, desiredAccess } from "../plan/access-plan.js";
import { nextCodeowners } from "../plan/plan-codeowners.js";
import { applyRosterChange, type RosterChange } from "../plan/roster-edit.js";
import { commitChange, type ChangePlan, type CommitChangePort } from "./commit-change.js";
import type { RosterCommit } from "./current-governance.js";
import { loadProposalByIssue, recordKey, withLease, type ProposalRecord, type RecordStore } from "./proposal-records.js";

// ---------------------------------------------------------------- the lease

export interface LeaseDeps {
  store: RecordStore;
  /** This process's lease holder id. */
  holder: string;
}

export type LeaseRefusal = { kind: "not-a-proposal" } | { kind: "closed-already" } | { kind: "busy" };

export interface LeaseOptions {
  /**
   * `review` (reactions, a merge, a sweep: facts the attempt under way reads again): return `busy` at
   * once when another attempt holds the proposal, and have that attempt run once more after it, so a
   * fact it read too early is not lost. `command` (/reject, /withdraw: a decision of its own, which no
   * other attempt would make): wait up to `waitMs` for the lease, then `busy`.
   */
  mode: "review" | "command";
  /** Run even when the record is closed (a merge that landed after the proposal closed is still logged). */
  whenClosed?: "stop" | "run";
}

const LEASE_MS = 120_000;
/** How long a command waits for another attempt busy with the same proposal. */
const COMMAND_WAIT_MS = 15_000;
/** Reruns of one attempt for triggers that arrived while it ran; more means something loops. */
const MAX_RERUNS = 3;

const wakeKey = (key: string) => `wake:${key}`;
const newToken = () => `${Date.now()}-${Math.random().toString(36).slice(2)}`;

/**
 * Loads the proposal of `issue`, takes its lease, loads it again under the
 * lease (another attempt may just have closed it) and calls `run` with that
 * fresh record. Refusals: no such proposal, closed already (unless
 * `whenClosed: "run"`), or busy (see LeaseOptions.mode).
 *
 * No lost wake-ups in `review` mode: a trigger first writes a new wake token,
 * then tries the lease; the holder notes the token when it starts and, after
 * releasing, compares: a token written meanwhile means a trigger found it
 * busy, so it takes the lease again and runs once more.
 */
export async function withProposalLease<T>(
  deps: LeaseDeps,
  repo: string,
  issue: number,
  opts: LeaseOptions,
  run: (fresh: ProposalRecord) => Promise<T>,
): Promise<T | LeaseRefusal> {
  const record = await loadProposalByIssue(deps.store, repo, issue);
  if (!record) return { kind: "not-a-proposal" };
  if (record.state === "closed" && opts.whenClosed !== "run") return { kind: "closed-already" };
  const key = recordKey(record);
  const attempt = async (): Promise<T | LeaseRefusal> => {
    const fresh = (await loadProposalByIssue(deps.store, record.repo, record.issue)) ?? record;
    if (fresh.state === "closed" && opts.whenClosed !== "run") return { kind: "closed-already" };
    return run(fresh);
  };
  if (opts.mode === "command") {
    const leased = await withLease(deps.store, key, deps.holder, LEASE_MS, attempt, { waitMs: COMMAND_WAIT_MS });
    return leased.ran ? leased.value : { kind: "busy" };
  }
  await deps.store.setValue(wakeKey(key), newToken());
  let result: T | LeaseRefusal = { kind: "busy" };
  for (let round = 0; round <= MAX_RERUNS; round++) {
    const seen = await deps.store.getValue<string>(wakeKey(key));
    const leased = await withLease(deps.store, key, deps.holder, LEASE_MS, attempt);
    if (!leased.ran) return round === 0 ? { kind: "busy" } : result;
    // A rerun that finds the proposal closed (by the round before) does not hide what that round decided.
    if (round === 0 || !isLeaseRefusal(leased.value)) result = leased.value;
    if ((await deps.store.getValue<string>(wakeKey(key))) === seen) return result;
  }
  return result;
}

/** True for the refusals of withProposalLease. */
export function isLeaseRefusal(out: unknown): out is LeaseRefusal {
  const kind = (out as { kind?: unknown } | null)?.kind;
  return kind === "not-a-proposal" || kind === "closed-already" || kind === "busy";
}

// ---------------------------------------------------------------- the commit

export interface CommitDecisionDeps {
  github: CommitChangePort;
  log: Logger;
  webUrl: string;
  /**
   * After a commit changed the roster on the default branch (and after a retry found that commit had
   * landed): refresh the cache — only forward — and bring access in step. Must not reject for access
   * trouble: the decision stands and the sweep converges access later.
   */
  onRosterChanged?: (repo: RepoRef, roster: Roster, branch: string, commit?: RosterCommit) => Promise<void>;
}

/** What a decision is, given the roster on the branch at the head the commit will be built on. */
export type DecisionStep<T> =
  | { kind: "refused"; reason: string }
  | {
      kind: "decided";
      /** The log entry; its `key` makes a retried commit find it instead of writing it twice. */
      draft: DecisionDraft;
      /** The roster change, given the entry's id; null when only the log changes. */
      change: ((id: string) => RosterChange) | null;
      message: (id: string) => string;
      /** Why a change the roster editor refuses is not applied, in words (default: the editor's message). */
      refusedChange?: (message: string) => string;
      result: T;
    };

export interface DecisionInput<T> {
  repo: RepoRef;
  /** The default branch, where the roster, the log and CODEOWNERS live. */
  branch: string;
  governance: Governance;
  /**
   * PURE: the decision on the roster as it is on the branch now ("as the roster says at decision
   * time"), with the log's text at the same head (an appeal draws its panel from the rotation there).
   */
  decide: (roster: Roster, rosterText: string | null, logText: string | null) => DecisionStep<T>;
  /** The reason given when the roster on the branch does not parse. */
  invalidRoster: string;
}

export type DecisionCommit<T> =
  | {
      kind: "landed";
      id: string;
      result: T;
      /** The roster on the branch after the decision. */
      roster: Roster;
      /** True when a retry found its own entry already logged (nothing written now). */
      already: boolean;
      dryRun: boolean;
      commitSha: string | null;
      /** The CODEOWNERS file the commit rewrote, if any. */
      codeowners: string | null;
    }
  /** `gave-up`: the branch kept moving under every attempt (worth trying again soon); `refused`: the decision cannot be applied as things are. */
  | { kind: "not-applied"; reason: string; cause: "refused" | "gave-up" };

interface Planned<T> {
  id: string;
  result: T;
  roster: Roster;
  rosterChanged: boolean;
  commit: RosterCommit;
  codeowners: string | null;
}

/**
 * One decision as one commit (roster + log entry + CODEOWNERS block), built
 * on the branch head and moved only as a fast-forward; planned again from
 * the new head when the branch moved (commit-change.ts). Then, when the
 * roster changed (or a retry found it had), `onRosterChanged`.
 */
export async function commitDecision<T>(deps: CommitDecisionDeps, input: DecisionInput<T>): Promise<DecisionCommit<T>> {
  const gov = input.governance;
  const committed = await commitChange(deps.github, {
    repo: input.repo,
    branch: input.branch,
    paths: [gov.roster.path, gov.log.path, ...CODEOWNERS_PATHS],
    log: deps.log,
    plan: (files) => planDecision(deps, input, files),
  });
  if (committed.kind === "refused" || committed.kind === "gave-up") {
    const reason = committed.kind === "refused" ? committed.reason : "the default branch kept moving; the next event or sweep retries";
    deps.log.warn({ reason }, "decision not applied");
    return { kind: "not-applied", reason, cause: committed.kind };
  }
  const planned = committed.result;
  const dryRun = committed.kind === "committed" && committed.dryRun;
  const commitSha = committed.kind === "committed" ? committed.commitSha : null;
  if (planned.rosterChanged && !dryRun) await deps.onRosterChanged?.(input.repo, planned.roster, input.branch, { ...planned.commit, sha: commitSha });
  return {
    kind: "landed",
    id: planned.id,
    result: planned.result,
    roster: planned.roster,
    already: committed.kind === "already-done",
    dryRun,
    commitSha,
    codeowners: committed.kind === "committed" ? planned.codeowners : null,
  };
}

function planDecision<T>(deps: CommitDecisionDeps, input: DecisionInput<T>, files: ReadonlyMap<string, string | null>): ChangePlan<Planned<T>> {
  const gov = input.governance;
  const rosterText = files.get(gov.roster.path) ?? null;
  const parsed = parseRoster(rosterText ?? "members: []\n", gov);
  if (!parsed.ok) return { kind: "refused", reason: input.invalidRoster };
  const logText = files.get(gov.log.path) ?? null;
  const step = input.decide(parsed.roster, rosterText, logText);
  if (step.kind === "refused") return step;
  const log = appendEntries(logText, [step.draft], { webUrl: deps.webUrl });
  const id = log.entries[0]?.id ?? "";
  const unchanged = { before: rosterText, after: rosterText ?? "" };
  if (log.appended === 0) {
    // A retry whose commit landed: the roster at the head has the change; the cache may predate it.
    return { kind: "already-done", result: { id, result: step.result, roster: parsed.roster, rosterChanged: step.change !== null, commit: unchanged, codeowners: null } };
  }
  const out: Record<string, string> = { [gov.log.path]: log.text };
  let roster = parsed.roster;
  let codeowners: string | null = null;
  if (step.change) {
    const edit = applyRosterChange(rosterText, step.change(id), gov);
    if (!edit.ok) return { kind: "refused", reason: step.refusedChange ? step.refusedChange(edit.error.message) : edit.error.message };
    out[gov.roster.path] = edit.text;
    roster = edit.roster;
    const block = codeownersWrite(gov, roster, files);
    if (block) {
      out[block.path] = block.text;
      codeowners = block.path;
    }
  }
  return {
    kind: "commit",
    files: out,
    message: step.message(id),
    result: { id, result: step.result, roster, rosterChanged: step.change !== null, commit: { before: rosterText, after: out[gov.roster.path] ?? rosterText ?? "" }, codeowners },
  };
}

/**
 * The CODEOWNERS file with the stewards block for `roster`, when it differs
 * from the file at the head: the first of CODEOWNERS_PATHS that exists (the
 * order GitHub reads them in), `.github/CODEOWNERS` when none does. A file
 * whose block is malformed is left to the access sync, which reports it.
 */
function codeownersWrite(gov: Governance, roster: Roster, files: ReadonlyMap<string, string | null>): { path: string; text: string } | null {
  const path = CODEOWNERS_PATHS.find((p) => (files.get(p) ?? null) !== null) ?? null;
  const next = nextCodeowners(desiredAccess(gov, roster).codeownersBlock, { path, text: path ? (files.get(path) ?? null) : null });
  return next.kind === "write" ? { path: next.path, text: next.text } : null;
}
