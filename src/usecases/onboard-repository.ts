/**
 * Onboarding (SPEC "Onboarding", issue 14): a repository with no ladder — no
 * `.github/governance.yml` there and none from the organisation's `.github`
 * repository — gets ONE pull request from `stewards/onboarding`, "Configure
 * Stewards", that adds a ladder fitted to its last year of history, a roster
 * of who holds authority today with one founding log entry, and a preview of
 * what would follow. Nothing else happens in that repository until a ladder
 * lands (every other use-case stops at "no ladder").
 *
 * Once, and never again after "no": the store remembers the pull request
 * (`onboarding:<repo>`: open, merged or declined), and GitHub is asked too —
 * the pull requests from the branch, open or closed — before one is opened,
 * so a lost store, a second replica or a duplicate delivery cannot open a
 * second one, and one closed unmerged is never opened again. Under a lease
 * per repository. In a dry run the pull request is planned and logged by the
 * executor, not opened.
 *
 * Skipped, saying why in the log: onboarding turned off
 * (STEWARDS_ONBOARDING=false), an archived or empty repository, a ladder
 * that exists (broken or not: a broken one is a config error, reported as
 * such), and a history still being read (the next sweep tries again).
 */
import type { PresetName } from "../config/schema.js";
import { BranchNotFoundError, type BranchSnapshot } from "../github/branch-files.js";
import type { ActionResult } from "../github/execute-actions.js";
import type { AuthorityHolders } from "../github/authority-reader.js";
import type { Logger } from "../github/logger.js";
import type { PullState } from "../github/pull-reads.js";
import { measureAll } from "../ladder/measure.js";
import type { Action, RepoRef } from "../plan/actions.js";
import { CODEOWNERS_PATHS } from "../plan/access-plan.js";
import { planOnboarding } from "../plan/onboarding-files.js";
import { onboardingPullTitle, renderOnboardingPullBody } from "../render/onboarding-pull.js";
import type { LedgerStore } from "../store/store.js";
import type { ValueStore } from "./current-governance.js";
import { HistoryPendingError, fieldsFor, type HistoryGate } from "./history-readiness.js";
import { withLease, type RecordStore } from "./proposal-records.js";

export const ONBOARDING_BRANCH = "stewards/onboarding";
const LEASE_MS = 120_000;

export interface OnboardGitHub {
  /** Who holds authority today (github/authority-reader.ts). Rejects on failure. */
  readAuthority(repo: RepoRef, defaultBranch: string): Promise<AuthorityHolders>;
  /** The default branch's head and tree; BranchNotFoundError for an empty repository. */
  readBranchFiles(repo: RepoRef, branch: string, paths: readonly string[]): Promise<BranchSnapshot>;
  /** The pull requests from `branch`, open or closed. Rejects on failure. */
  listPullsFromBranch(repo: RepoRef, branch: string): Promise<PullState[]>;
  /** Runs the actions, or records them in dry run. */
  execute(actions: readonly Action[], log: Logger): Promise<ActionResult[]>;
}

export interface OnboardDeps {
  store: ValueStore & RecordStore;
  ledger: Pick<LedgerStore, "listPullRequests" | "listReviews">;
  historyGate: HistoryGate;
  github: OnboardGitHub;
  holder: string;
  log: Logger;
  webUrl: string;
}

export interface OnboardInput {
  repo: RepoRef;
  defaultBranch: string;
  archived: boolean;
  /** What the ladder loader found: only `absent` (no file here, none from the organisation) onboards. */
  ladder: "absent" | "present";
  /** STEWARDS_ONBOARDING (default on). */
  enabled: boolean;
  preset?: PresetName;
  now: Date;
}

export type OnboardOutcome =
  | { kind: "skipped"; why: "disabled" | "archived" | "has-ladder" | "empty" | "history-pending" | "busy" }
  | { kind: "declined" | "merged" | "open"; pull: number }
  | { kind: "opened"; pull: number }
  | { kind: "planned" };

export interface OnboardingRecord {
  state: "open" | "merged" | "declined";
  pull: number;
}

export const onboardingKey = (repo: RepoRef) => `onboarding:${repo.owner.toLowerCase()}/${repo.repo.toLowerCase()}`;

export async function onboardRepository(deps: OnboardDeps, input: OnboardInput): Promise<OnboardOutcome> {
  if (!input.enabled) return { kind: "skipped", why: "disabled" };
  if (input.archived) return { kind: "skipped", why: "archived" };
  if (input.ladder === "present") return { kind: "skipped", why: "has-ladder" };
  const known = await deps.store.getValue<OnboardingRecord>(onboardingKey(input.repo));
  if (known && known.state !== "open") return { kind: known.state, pull: known.pull };
  const leased = await withLease(deps.store, onboardingKey(input.repo), deps.holder, LEASE_MS, () => underLease(deps, input));
  return leased.ran ? leased.value : { kind: "skipped", why: "busy" };
}

async function underLease(deps: OnboardDeps, input: OnboardInput): Promise<OnboardOutcome> {
  // GitHub's word first: a pull request from the branch, whatever the store remembers.
  const [latest] = await deps.github.listPullsFromBranch(input.repo, ONBOARDING_BRANCH);
  if (latest) {
    const state: OnboardingRecord["state"] = latest.state === "open" ? "open" : latest.merged ? "merged" : "declined";
    await deps.store.setValue(onboardingKey(input.repo), { state, pull: latest.number } satisfies OnboardingRecord);
    if (state === "declined") deps.log.info({ pull: latest.number }, "the onboarding pull request was closed unmerged; it is not opened again");
    return { kind: state, pull: latest.number };
  }
  let head: BranchSnapshot;
  try {
    head = await deps.github.readBranchFiles(input.repo, input.defaultBranch, CODEOWNERS_PATHS);
  } catch (err) {
    if (!(err instanceof BranchNotFoundError)) throw err;
    deps.log.info({ repo: `${input.repo.owner}/${input.repo.repo}` }, "empty repository: no onboarding pull request until it has a commit");
    return { kind: "skipped", why: "empty" };
  }
  try {
    await deps.historyGate.require(input.repo, fieldsFor(null));
  } catch (err) {
    if (err instanceof HistoryPendingError) return { kind: "skipped", why: "history-pending" };
    throw err;
  }
  return openOnboardingPull(deps, input, head);
}

async function openOnboardingPull(deps: OnboardDeps, input: OnboardInput, head: BranchSnapshot): Promise<OnboardOutcome> {
  const query = { repos: [`${input.repo.owner}/${input.repo.repo}`] };
  const [pullRequests, reviews] = await Promise.all([deps.ledger.listPullRequests(query), deps.ledger.listReviews(query)]);
  const preset = input.preset ?? "cncf";
  const authority = await deps.github.readAuthority(input.repo, input.defaultBranch);
  const { fitted, files } = planOnboarding({ ledger: { pullRequests, reviews }, holders: authority.holders, existingCodeowners: authority.codeowners, repo: input.repo, preset, now: input.now, webUrl: deps.webUrl });
  const standings = measureAll({ pullRequests, reviews }, files.governance, files.roster, input.now);
  const body = renderOnboardingPullBody({ repo: input.repo, files, notes: fitted.notes, standings, skipped: [...authority.skipped, ...files.skipped], webUrl: deps.webUrl });
  const [made, opened] = await deps.github.execute(
    [
      {
        kind: "branch.create",
        repo: input.repo,
        branch: ONBOARDING_BRANCH,
        parentSha: head.headSha,
        baseTreeSha: head.treeSha,
        files: Object.fromEntries(files.files.map((f) => [f.path, f.text])),
        message: "Configure Stewards: a proposed ladder, the founding roster and its log entry",
      },
      { kind: "pull.create", repo: input.repo, title: onboardingPullTitle(), body, head: ONBOARDING_BRANCH, base: input.defaultBranch },
    ],
    deps.log,
  );
  if (opened?.dryRun || made?.dryRun) return { kind: "planned" };
  const number = opened?.created?.number;
  if (number === undefined) throw new Error("GitHub did not say which pull request it opened");
  await deps.store.setValue(onboardingKey(input.repo), { state: "open", pull: number } satisfies OnboardingRecord);
  deps.log.info({ pull: number, holders: files.holders.length, preset }, "onboarding pull request opened");
  return { kind: "opened", pull: number };
}
