/**
 * Every write the app makes to GitHub is first an Action: plain data that a
 * use-case returns and the executor (src/github/execute-actions.ts) carries
 * out — or, in dry run, logs as a plan line instead. This is the only place
 * dry run is decided (STYLE habit 1): no use-case checks a dry-run flag.
 */
import type { ActorLists, ClassicProtection } from "./classic-protection.js";
import type { RulesetSpec } from "./access-snapshot.js";

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface CheckRunOutput {
  title: string;
  summary: string;
  text?: string;
  annotations?: Array<{
    path: string;
    start_line: number;
    end_line: number;
    annotation_level: "notice" | "warning" | "failure";
    message: string;
    title?: string;
  }>;
}

export type Action =
  | {
      kind: "check-run.create";
      repo: RepoRef;
      headSha: string;
      name: string;
      conclusion: "success" | "failure" | "neutral";
      output: CheckRunOutput;
    }
  /** Labels and assignees go in the same request (an appeal's panel is assigned as the issue opens). */
  | { kind: "issue.create"; repo: RepoRef; title: string; body: string; labels: string[]; assignees?: string[] }
  | { kind: "issue.update"; repo: RepoRef; number: number; title?: string; body?: string; state?: "open" | "closed" }
  | { kind: "comment.create"; repo: RepoRef; issueNumber: number; body: string }
  | { kind: "comment.update"; repo: RepoRef; commentId: number; body: string }
  /**
   * One commit on `branch` whose parent is `parentSha` (the head the change was
   * planned on) and whose tree is `baseTreeSha` with `files` written (path →
   * full new text). The branch moves only if it still points at `parentSha`
   * (a fast-forward, `force: false`); otherwise the executor throws
   * BranchMovedError and the caller re-reads and re-plans.
   */
  | {
      kind: "commit.files";
      repo: RepoRef;
      branch: string;
      parentSha: string;
      baseTreeSha: string;
      files: Record<string, string>;
      message: string;
      /**
       * A second parent: the commit merges `mergeSha` in. Brings a promotion
       * pull request's branch up to date with its base (`mergeSha` = the
       * base's head, `baseTreeSha` its tree) while the ref still moves only
       * as a fast-forward from `parentSha`, the branch head the app made, so
       * a push by anyone else in between is never overwritten.
       */
      mergeSha?: string;
    }
  /** Closes an issue as completed or not planned, optionally with a final body. */
  | { kind: "issue.close"; repo: RepoRef; number: number; reason: "completed" | "not_planned" }
  // ---- promotion pull requests (`promotion.approve_with: pull_request | either`)
  /**
   * A new branch `branch` pointing at one new commit on `parentSha` (tree
   * `baseTreeSha` with `files` written). Only for the app's own branches
   * (`stewards/…`): a branch of that name left behind by an interrupted
   * attempt is moved to the new commit.
   */
  | { kind: "branch.create"; repo: RepoRef; branch: string; parentSha: string; baseTreeSha: string; files: Record<string, string>; message: string }
  /** Deletes the app's own branch; one already gone (GitHub's "delete head branches" setting) is fine. */
  | { kind: "branch.delete"; repo: RepoRef; branch: string }
  /** Opens a pull request from `head` (a branch of the same repository) into `base`; an open one for that head is reused. */
  | { kind: "pull.create"; repo: RepoRef; title: string; body: string; head: string; base: string }
  /** Closes a pull request without merging it. */
  | { kind: "pull.close"; repo: RepoRef; number: number }
  | AccessAction;

// --- Access (teams, branch protection, rulesets, CODEOWNERS), planned by plan/access-plan.ts ---

export type AccessAction =
  /** Add `login` to the org team `team` (as a team member, not maintainer); github.com invites them to the org if they are not in it, GitHub Enterprise Server adds them at once. */
  | { kind: "team.add-member"; repo: RepoRef; org: string; team: string; login: string }
  /** Remove `login`'s membership of the org team `team`. */
  | { kind: "team.remove-member"; repo: RepoRef; org: string; team: string; login: string }
  /**
   * Change the two user lists of a branch's classic protection the app
   * manages: push restrictions (`restrictionUsers`, only where pushes are
   * already restricted) and the PR-review bypass allowances
   * (`pullRequestBypass`: the full new lists, only where reviews are already
   * required). `before` is the protection as read and `after` the intended
   * result; the planner verified that `after` differs from `before` in
   * nothing else (classic-protection.ts).
   */
  | {
      kind: "branch-protection.update";
      repo: RepoRef;
      branch: string;
      restrictionUsers?: { add: string[]; remove: string[] };
      pullRequestBypass?: ActorLists & { add: string[]; remove: string[] };
      before: ClassicProtection;
      after: ClassicProtection;
    }
  /** Create a ruleset the app owns; `teamSlugs` names the bypass teams for people. */
  | { kind: "ruleset.create"; repo: RepoRef; ruleset: RulesetSpec; teamSlugs: string[] }
  /** Replace the settings of the app's own ruleset `id` (rules and other actors kept as read). */
  | { kind: "ruleset.update"; repo: RepoRef; id: number; ruleset: RulesetSpec; teamSlugs: string[]; change: string }
  /**
   * Write `text` to `path` as one commit on `branch` (parent `parentSha`, tree
   * `baseTreeSha`, fast-forward only, like `commit.files`), then ask GitHub
   * for CODEOWNERS errors at that commit: any error fails the action.
   * `blockLines` is the 1-based line range of the stewards block in `text`,
   * so errors can be told apart from those in people's lines.
   */
  | {
      kind: "codeowners.write";
      repo: RepoRef;
      branch: string;
      parentSha: string;
      baseTreeSha: string;
      path: string;
      text: string;
      message: string;
      blockLines: { start: number; end: number };
    };

/** One line of a dry-run plan, in words. */
export function describeAction(a: Action): string {
  const r = `${a.repo.owner}/${a.repo.repo}`;
  switch (a.kind) {
    case "check-run.create":
      return `create check run "${a.name}" (${a.conclusion}) on ${r}@${a.headSha.slice(0, 7)}: ${a.output.title}`;
    case "issue.create":
      return `open issue on ${r}: "${a.title}"${a.labels.length ? ` labelled ${a.labels.join(", ")}` : ""}`;
    case "issue.update":
      return `update issue ${r}#${a.number}${a.state ? ` (${a.state})` : ""}${a.title ? `: "${a.title}"` : ""}`;
    case "comment.create":
      return `comment on ${r}#${a.issueNumber}`;
    case "comment.update":
      return `update comment ${a.commentId} on ${r}`;
    case "commit.files":
      return `commit ${Object.keys(a.files).join(", ")} to ${r}@${a.branch}${a.mergeSha ? ` (merging ${a.mergeSha.slice(0, 7)})` : ""}: "${a.message.split("\n")[0]}"`;
    case "issue.close":
      return `close issue ${r}#${a.number} (${a.reason === "completed" ? "completed" : "not planned"})`;
    case "branch.create":
      return `create branch ${a.branch} on ${r} from ${a.parentSha.slice(0, 7)}, committing ${Object.keys(a.files).join(", ")}: "${a.message.split("\n")[0]}"`;
    case "branch.delete":
      return `delete branch ${a.branch} on ${r}`;
    case "pull.create":
      return `open pull request on ${r} from ${a.head} into ${a.base}: "${a.title}"`;
    case "pull.close":
      return `close pull request ${r}#${a.number} without merging`;
    default:
      return describeAccessAction(a, r);
  }
}

function describeAccessAction(a: AccessAction, r: string): string {
  const people = (add: readonly string[], remove: readonly string[]) =>
    [...add.map((l) => `+@${l}`), ...remove.map((l) => `-@${l}`)].join(" ");
  switch (a.kind) {
    case "team.add-member":
      return `add @${a.login} to team ${a.org}/${a.team}`;
    case "team.remove-member":
      return `remove @${a.login} from team ${a.org}/${a.team}`;
    case "branch-protection.update": {
      const parts: string[] = [];
      if (a.restrictionUsers) parts.push(`push restrictions ${people(a.restrictionUsers.add, a.restrictionUsers.remove)}`);
      if (a.pullRequestBypass) parts.push(`pull request bypass ${people(a.pullRequestBypass.add, a.pullRequestBypass.remove)}`);
      return `update classic protection of ${r}@${a.branch}: ${parts.join("; ")}`;
    }
    case "ruleset.create":
      return `create ruleset "${a.ruleset.name}" on ${r} for ${(a.ruleset.conditions?.refName.include ?? []).join(", ")} with bypass for ${a.teamSlugs.length ? a.teamSlugs.map((t) => `team ${t}`).join(", ") : "nobody"}`;
    case "ruleset.update":
      return `update ruleset "${a.ruleset.name}" (${a.id}) on ${r}: ${a.change}`;
    case "codeowners.write":
      return `write the stewards block of ${a.path} to ${r}@${a.branch}`;
  }
}
