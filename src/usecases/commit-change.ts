/**
 * Writes a change to governance files (the roster and the decision log, later
 * CODEOWNERS) as ONE commit on the default branch, so the files never
 * disagree, and survives concurrent writers without losing or doubling
 * anything:
 *
 *   read a snapshot of the files at the branch head
 *   → plan (pure: the caller's function of the files' texts)
 *   → commit on that head, moving the branch only as a fast-forward
 *   → if the branch moved meanwhile: read again, plan again, try again.
 *
 * Because the plan is recomputed from what is on the branch each time,
 * decision ids allocated from the log have no gaps or repeats even when two
 * decisions land at once, and a plan that finds its own change already there
 * (a retried job whose first commit did land) reports `already-done` instead
 * of writing it twice.
 */
import type { ActionResult } from "../github/execute-actions.js";
import type { BranchSnapshot } from "../github/branch-files.js";
import type { Logger } from "../github/logger.js";
import type { Action, RepoRef } from "../plan/actions.js";

export interface CommitChangePort {
  /** A consistent snapshot of `paths` at the head of `branch` (see github/branch-files.ts). Rejects when it cannot read. */
  readBranchFiles(repo: RepoRef, branch: string, paths: readonly string[]): Promise<BranchSnapshot>;
  /**
   * Runs actions in order (or records them in dry run). A `commit.files`
   * whose branch moved rejects with an error named "BranchMovedError".
   */
  execute(actions: readonly Action[], log: Logger): Promise<ActionResult[]>;
}

/** What the caller's plan function decides, given the files' current texts. */
export type ChangePlan<T> =
  | { kind: "commit"; files: Record<string, string>; message: string; result: T }
  | { kind: "already-done"; result: T }
  | { kind: "refused"; reason: string };

export type CommitOutcome<T> =
  | { kind: "committed"; result: T; commitSha: string | null; attempts: number; dryRun: boolean }
  | { kind: "already-done"; result: T; attempts: number }
  | { kind: "refused"; reason: string; attempts: number }
  | { kind: "gave-up"; attempts: number };

export const DEFAULT_COMMIT_ATTEMPTS = 5;

export async function commitChange<T>(
  port: CommitChangePort,
  input: {
    repo: RepoRef;
    branch: string;
    paths: readonly string[];
    plan: (files: ReadonlyMap<string, string | null>, snapshot: BranchSnapshot) => ChangePlan<T>;
    log: Logger;
    maxAttempts?: number;
  },
): Promise<CommitOutcome<T>> {
  const max = input.maxAttempts ?? DEFAULT_COMMIT_ATTEMPTS;
  for (let attempt = 1; attempt <= max; attempt++) {
    const snapshot = await port.readBranchFiles(input.repo, input.branch, input.paths);
    const plan = input.plan(snapshot.files, snapshot);
    if (plan.kind === "already-done") return { kind: "already-done", result: plan.result, attempts: attempt };
    if (plan.kind === "refused") return { kind: "refused", reason: plan.reason, attempts: attempt };
    const action: Action = {
      kind: "commit.files",
      repo: input.repo,
      branch: input.branch,
      parentSha: snapshot.headSha,
      baseTreeSha: snapshot.treeSha,
      files: plan.files,
      message: plan.message,
    };
    try {
      const [result] = await port.execute([action], input.log);
      return { kind: "committed", result: plan.result, commitSha: result?.commit?.sha ?? null, attempts: attempt, dryRun: result?.dryRun ?? false };
    } catch (err) {
      if (!(err instanceof Error) || err.name !== "BranchMovedError") throw err;
      input.log.info({ attempt, branch: input.branch }, "the branch moved while committing; reading it again");
    }
  }
  input.log.warn({ attempts: max, branch: input.branch }, "gave up committing: the branch kept moving");
  return { kind: "gave-up", attempts: max };
}
