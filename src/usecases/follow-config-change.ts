/**
 * What follows a push or a pull request that may change
 * `.github/governance.yml` or the roster: a check run on the head commit
 * saying whether the files are valid and what the change does compared with
 * its base (check-config-change.ts); on the default branch also the cached
 * ladder dropped (so the next measurement reads the new one), a hand edit of
 * the roster or the ladder logged as a decision (log-manual-change.ts), and
 * access brought in step with the roster that landed.
 */
import { DEFAULT_GOVERNANCE_PATH as GOVERNANCE_PATH } from "../config/parse-governance.js";
import type { Governance, Roster } from "../config/schema.js";
import type { ActionResult } from "../github/execute-actions.js";
import type { Logger } from "../github/logger.js";
import type { Action, RepoRef } from "../plan/actions.js";
import { codeSpan } from "../render/escape.js";
import { promotionPullFor } from "./approve-by-merge.js";
import { checkConfigChange, type ConfigFilesPort, type ConfigIssuePort, type ConfigVerdict } from "./check-config-change.js";
import type { CommitChangePort } from "./commit-change.js";
import { bumpOwnerGeneration, expireUnlessAt, invalidateGovernance, lastValidGovernance, type KeyValueStore } from "./current-governance.js";
import { logManualChange } from "./log-manual-change.js";
import type { RecordStore } from "./proposal-records.js";
import type { OwnerType } from "./sweep-access.js";

const DEFAULT_ROSTER_PATH = ".github/roster.yml";
const DEFAULT_LOG_PATH = "GOVERNANCE-LOG.md";
const NO_COMMIT = /^0{40}$/;

/** "app": the app itself; "unknown-bot": a bot, and the app's own login could not be learnt; "other": anyone else. */
export type Pusher = "app" | "unknown-bot" | "other";

export interface FollowConfigDeps {
  store: KeyValueStore & RecordStore & Parameters<typeof checkConfigChange>[0]["ledger"];
  files: ConfigFilesPort;
  issues: ConfigIssuePort;
  /** Runs the actions, or records them when STEWARDS_DRY_RUN says so (the check run reports on a ladder whatever its `dry_run`). */
  execute(actions: readonly Action[], log: Logger): Promise<ActionResult[]>;
  /** The executor for work `governance` governs: dry run also when its `dry_run` says so. */
  executorFor(governance: Pick<Governance, "dry_run">): (actions: readonly Action[], log: Logger) => Promise<ActionResult[]>;
  readBranchFiles: CommitChangePort["readBranchFiles"];
  /** Brings the repository's access in step with `roster` (keep-access-in-step.ts). */
  keepAccess(input: { repo: RepoRef; governance: Governance; roster: Roster; defaultBranch: string; report: boolean; ownerType?: OwnerType }): Promise<unknown>;
  webUrl: string;
  now: Date;
  log: Logger;
}

/** A push, as its payload tells it. */
export interface ConfigPush {
  repo: RepoRef;
  branch: string;
  defaultBranch: string;
  /** The commit before the push (all zeros: a new branch) and after it. */
  before: string;
  after: string;
  /** Paths the payload's commits added, modified or removed. */
  changed: ReadonlySet<string>;
  /** The payload lists at most 20 commits: a bigger push may hide the file, so it is checked anyway. */
  truncated: boolean;
  /** Who pushed; asked only for a push that touches the ladder or the roster (it may cost a request). */
  pushedBy(): Promise<Pusher>;
  /** The web URL of the repository. */
  htmlUrl: string;
  pusher: string;
  authors: string[];
  message: string | null;
  ownerType?: OwnerType;
}

/** Where the roster and the log are, as the cached ladder says (the defaults when nothing is cached). No request. */
export async function configPaths(kv: KeyValueStore, repo: RepoRef): Promise<{ roster: string; log: string }> {
  const cached = await lastValidGovernance(kv, repo);
  return { roster: cached?.governance.roster.path ?? DEFAULT_ROSTER_PATH, log: cached?.governance.log.path ?? DEFAULT_LOG_PATH };
}

/** Whether `paths` include the ladder or the roster. */
export function touchesConfig(paths: Iterable<string>, rosterPath: string): boolean {
  for (const p of paths) if (p === GOVERNANCE_PATH || p === rosterPath) return true;
  return false;
}

export async function followConfigPush(deps: FollowConfigDeps, push: ConfigPush): Promise<void> {
  const { repo, changed, truncated } = push;
  const onDefaultBranch = push.branch === push.defaultBranch;
  const paths = await configPaths(deps.store, repo);
  if (!truncated && !touchesConfig(changed, paths.roster)) return;
  // The app's own commits (roster and log after a decision) were planned on a valid roster and are cached
  // already: no check run, no re-read. It never writes governance.yml, so a push touching that is checked anyway.
  // Unless the cache holds exactly that commit's roster (the refresh after the commit was lost, or came in
  // another order), it is expired, so the next reader reads the branch; this push may come late, or twice.
  const pushedBy = await push.pushedBy();
  if (!truncated && !changed.has(GOVERNANCE_PATH) && pushedBy === "app") {
    if (onDefaultBranch) await expireUnlessAt(deps.store, repo, push.after);
    return;
  }
  const lastValid = await lastValidGovernance(deps.store, repo);
  if (onDefaultBranch) {
    await invalidateGovernance(deps.store, repo);
    // The org's `.github` repository holds the defaults every `_extends: .github` reads.
    if (repo.repo === ".github") await bumpOwnerGeneration(deps.store, repo.owner);
  }
  // On the default branch a push is compared with the commit before it; elsewhere with the default branch.
  const before = onDefaultBranch && !NO_COMMIT.test(push.before) ? push.before : null;
  const verdict = await checkConfigChange({ files: deps.files, issues: deps.issues, ledger: deps.store }, {
    repo,
    headSha: push.after,
    baseRef: onDefaultBranch ? before : `refs/heads/${push.defaultBranch}`,
    baseLabel: onDefaultBranch ? (before ? `the commit before this push (${before.slice(0, 7)})` : "nothing (a new branch)") : `${codeSpan(push.defaultBranch)}, the default branch`,
    onDefaultBranch,
    fileUrl: `${push.htmlUrl}/blob/${push.after}/${GOVERNANCE_PATH}`,
    rosterPath: paths.roster,
    logPath: paths.log,
    lastValid,
    now: deps.now,
    webUrl: deps.webUrl,
  });
  deps.log.info({ outcome: verdict.result.kind, branch: push.branch, actions: verdict.actions.length, concerns: verdict.effect?.concerns.length ?? 0 }, "checked a change to the ladder");
  await deps.execute(verdict.actions, deps.log);
  if (!onDefaultBranch) return;
  await logHandEdit(deps, verdict, push, pushedBy);
  await followRoster(deps, verdict, push);
}

/**
 * The roster is the source of truth, however it changed: access follows what landed (the app's own
 * decision commits did so already and returned early, unless governance.yml changed). Only when
 * someone's access changes (the effect compares grants × roster before and after); the sweep checks the rest.
 */
async function followRoster(deps: FollowConfigDeps, verdict: ConfigVerdict, push: ConfigPush): Promise<void> {
  const head = verdict.compared?.head;
  if (!head || !verdict.effect || (verdict.effect.compared && verdict.effect.access.length === 0)) return;
  await deps
    .keepAccess({ repo: push.repo, governance: head.governance, roster: head.roster, defaultBranch: push.branch, report: false, ...(push.ownerType ? { ownerType: push.ownerType } : {}) })
    .catch((err: unknown) => deps.log.warn({ err }, "could not bring access in step with the pushed roster; the next sweep retries"));
}

/** A push to the default branch that changed who holds what, or the rules, without a proposal: one log entry per change. */
async function logHandEdit(deps: FollowConfigDeps, verdict: ConfigVerdict, push: ConfigPush, pushedBy: Pusher): Promise<void> {
  if (!verdict.effect || !verdict.compared || pushedBy === "app") return;
  if (pushedBy === "unknown-bot") {
    // Could be the app's own commit, whose decision is logged already: logging it again would be wrong, and a loop.
    deps.log.warn({ sender: push.pusher }, "a bot pushed a roster or ladder change and the app could not tell whether it was itself; not logged as a hand edit");
    return;
  }
  const head = verdict.compared.head;
  // A merged promotion pull request's grant is logged by the merge handler (approve-by-merge.ts), not as a hand edit.
  const fullName = `${push.repo.owner}/${push.repo.repo}`;
  const byPromotionPull = new Set<string>();
  for (const c of verdict.effect.roster) {
    if (c.raises && c.after && (await promotionPullFor(deps.store, fullName, c.login, c.after.role))) byPromotionPull.add(c.login.toLowerCase());
  }
  const effect = byPromotionPull.size ? { ...verdict.effect, roster: verdict.effect.roster.filter((c) => !byPromotionPull.has(c.login.toLowerCase())) } : verdict.effect;
  if (byPromotionPull.size) deps.log.info({ logins: [...byPromotionPull] }, "roster change of a merged promotion pull request: logged by the merge, not as a hand edit");
  const outcome = await logManualChange(
    { github: { readBranchFiles: deps.readBranchFiles, execute: deps.executorFor(head.governance) }, log: deps.log, webUrl: deps.webUrl },
    {
      repo: push.repo,
      branch: push.branch,
      commitSha: push.after,
      pusher: push.pusher,
      authors: push.authors,
      message: push.message,
      effect,
      head,
      ladderTouched: push.truncated || push.changed.has(GOVERNANCE_PATH),
      governancePath: GOVERNANCE_PATH,
      now: deps.now,
    },
  );
  if (outcome.kind === "not-logged") deps.log.warn({ reason: outcome.reason }, "the hand edit could not be logged");
  else if (outcome.kind !== "nothing") deps.log.info({ outcome: outcome.kind, ids: outcome.ids }, "hand edit of the roster or ladder logged");
}

/** A pull request whose files (`changed`, old names included) may touch the ladder or the roster: its check run. */
export async function checkConfigPullRequest(
  deps: Pick<FollowConfigDeps, "store" | "files" | "issues" | "execute" | "webUrl" | "now" | "log">,
  pr: { repo: RepoRef; number: number; headSha: string; baseBranch: string; defaultBranch: string; changed: readonly string[] },
): Promise<void> {
  const paths = await configPaths(deps.store, pr.repo);
  if (!touchesConfig(pr.changed, paths.roster)) return;
  const verdict = await checkConfigChange({ files: deps.files, issues: deps.issues, ledger: deps.store }, {
    repo: pr.repo,
    headSha: pr.headSha,
    baseRef: `refs/heads/${pr.baseBranch}`,
    baseLabel: codeSpan(pr.baseBranch),
    onDefaultBranch: false,
    rosterPath: paths.roster,
    logPath: paths.log,
    // The cache knows the default branch only.
    lastValid: pr.baseBranch === pr.defaultBranch ? await lastValidGovernance(deps.store, pr.repo) : null,
    now: deps.now,
    webUrl: deps.webUrl,
  });
  deps.log.info({ outcome: verdict.result.kind, pr: pr.number, concerns: verdict.effect?.concerns.length ?? 0 }, "checked a pull request that changes the ladder");
  await deps.execute(verdict.actions, deps.log);
}
