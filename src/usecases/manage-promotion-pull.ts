/**
 * The promotion pull request's life on GitHub (`approve_with: pull_request |
 * either`): opening it, keeping it mergeable, and closing it when the
 * proposal was decided without it. What a merge means is decided in
 * approve-by-merge.ts.
 *
 * The pull request changes the roster only. The decision log entry is NOT in
 * it: a decision id allocated when the pull request opens would leave a gap
 * in the log for every pull request closed unmerged, and two pull requests
 * appending to the log at once would conflict. Instead the app writes the log
 * entry in its own commit right after the merge, stamping the roster entry
 * with that id and the day of the merge (README "Approval by merge").
 *
 * Opening costs one GraphQL read (the roster at the base's head) and four
 * writes: tree, commit and ref of the branch, and the pull request.
 */
import type { Governance } from "../config/schema.js";
import type { Logger } from "../github/logger.js";
import type { PullState } from "../github/pull-reads.js";
import type { Action, RepoRef } from "../plan/actions.js";
import { promotionBranch } from "../plan/approval-modes.js";
import { applyRosterChange } from "../plan/roster-edit.js";
import { promotionPullCommitMessage, promotionPullTitle, renderPromotionPullBody, renderPullClosedComment } from "../render/promotion-pull-text.js";
import type { CommitChangePort } from "./commit-change.js";
import type { PromotionPullRecord, ProposalRecord } from "./proposal-records.js";

export interface PullDeps {
  github: CommitChangePort;
  log: Logger;
  webUrl: string;
}

export interface OpenPullInput {
  repo: RepoRef;
  /** The default branch: the pull request's base. */
  base: string;
  governance: Governance;
  login: string;
  role: string;
  /** The proposal issue; null in a dry run (it was not created). */
  issue: number | null;
  now: Date;
}

/**
 * Opens the pull request granting `role` to `login` on the roster as it is at
 * the head of `base`. Null when the grant cannot be planned (the roster is
 * invalid, or already grants the role — logged), or in a dry run (the plan
 * lines are logged by the executor). Rejects when GitHub fails; a retry is
 * safe: the branch is the app's own and is moved, an open pull request for it
 * is reused.
 */
export async function openPromotionPull(deps: PullDeps, input: OpenPullInput): Promise<PromotionPullRecord | null> {
  const gov = input.governance;
  const snapshot = await deps.github.readBranchFiles(input.repo, input.base, [gov.roster.path]);
  const edit = applyRosterChange(snapshot.files.get(gov.roster.path) ?? null, { kind: "grant", login: input.login, role: input.role, since: input.now.toISOString().slice(0, 10) }, gov);
  if (!edit.ok) {
    deps.log.warn({ login: input.login, role: input.role, reason: edit.error.message }, "no promotion pull request: the roster change cannot be planned");
    return null;
  }
  const branch = promotionBranch(input.login, input.role);
  const issue = input.issue === null ? null : { number: input.issue, url: `${deps.webUrl}/${input.repo.owner}/${input.repo.repo}/issues/${input.issue}` };
  const actions: Action[] = [
    {
      kind: "branch.create",
      repo: input.repo,
      branch,
      parentSha: snapshot.headSha,
      baseTreeSha: snapshot.treeSha,
      files: { [gov.roster.path]: edit.text },
      message: promotionPullCommitMessage({ login: input.login, role: input.role, issue }),
    },
    {
      kind: "pull.create",
      repo: input.repo,
      title: promotionPullTitle(input.login, input.role),
      body: renderPromotionPullBody({ login: input.login, role: input.role, from: edit.from, issue, governance: gov, webUrl: deps.webUrl }),
      head: branch,
      base: input.base,
    },
  ];
  const [made, opened] = await deps.github.execute(actions, deps.log);
  if (!made?.commit || !opened?.created?.number || opened.dryRun) return null;
  deps.log.info({ pull: opened.created.number, branch, login: input.login, role: input.role }, "promotion pull request opened");
  return { number: opened.created.number, url: opened.created.url ?? "", branch, headSha: made.commit.sha, from: edit.from, state: "open" };
}

/**
 * Brings the pull request's branch up to date with `base` when GitHub says it
 * can no longer merge (another roster change landed meanwhile): one commit on
 * the branch head the app made, merging the base's head, whose tree is the
 * base's roster with the grant applied again. The branch moves only as a
 * fast-forward from the app's own head, so a push by anyone else is never
 * overwritten (the commit is then not made, and logged). Returns the record
 * with the new head, or null when nothing was changed.
 */
export async function refreshPromotionPull(
  deps: PullDeps,
  input: { repo: RepoRef; base: string; governance: Governance; record: ProposalRecord; pull: PullState; now: Date },
): Promise<PromotionPullRecord | null> {
  const own = input.record.pullRequest;
  if (!own || input.pull.headSha !== own.headSha) return null;
  const gov = input.governance;
  const snapshot = await deps.github.readBranchFiles(input.repo, input.base, [gov.roster.path]);
  const edit = applyRosterChange(
    snapshot.files.get(gov.roster.path) ?? null,
    { kind: "grant", login: input.record.login, role: input.record.role, since: input.now.toISOString().slice(0, 10) },
    gov,
  );
  if (!edit.ok) {
    deps.log.warn({ pull: own.number, reason: edit.error.message }, "the promotion pull request cannot be brought up to date");
    return null;
  }
  const action: Action = {
    kind: "commit.files",
    repo: input.repo,
    branch: own.branch,
    parentSha: own.headSha,
    mergeSha: snapshot.headSha,
    baseTreeSha: snapshot.treeSha,
    files: { [gov.roster.path]: edit.text },
    message: `Merge ${input.base} into ${own.branch}\n\nThe roster changed on ${input.base}; the promotion of ${input.record.login} to ${input.record.role} is applied to it again.`,
  };
  try {
    const [result] = await deps.github.execute([action], deps.log);
    if (!result?.commit) return null;
    deps.log.info({ pull: own.number, head: result.commit.sha }, "promotion pull request brought up to date with its base");
    return { ...own, headSha: result.commit.sha, from: edit.from };
  } catch (err) {
    if (!(err instanceof Error) || err.name !== "BranchMovedError") throw err;
    deps.log.warn({ pull: own.number }, "someone pushed to the promotion pull request's branch; it is left as it is");
    return null;
  }
}

/**
 * The actions closing the pull request of a proposal decided without it
 * (approved by reaction, rejected, withdrawn, expired): a comment saying why,
 * then the close. Empty when there is no open pull request. The branch is
 * deleted apart (`retiredBranch`), after the decision is recorded.
 */
export function retirePullActions(repo: RepoRef, record: ProposalRecord, why: string, webUrl: string): Action[] {
  const pull = record.pullRequest;
  if (!pull || pull.state !== "open") return [];
  const issue = { number: record.issue, url: `${webUrl}/${repo.owner}/${repo.repo}/issues/${record.issue}` };
  return [
    { kind: "comment.create", repo, issueNumber: pull.number, body: renderPullClosedComment({ login: record.login, role: record.role, issue, why }) },
    { kind: "pull.close", repo, number: pull.number },
  ];
}

/** Deletes the proposal's branch once it is of no use; a failure is logged, never thrown (the branch is only clutter). */
export async function deleteRetiredBranch(deps: PullDeps, repo: RepoRef, record: ProposalRecord): Promise<void> {
  if (!record.pullRequest) return;
  try {
    await deps.github.execute([{ kind: "branch.delete", repo, branch: record.pullRequest.branch }], deps.log);
  } catch (err) {
    deps.log.warn({ err, branch: record.pullRequest.branch }, "could not delete the promotion branch; it can be deleted by hand");
  }
}
