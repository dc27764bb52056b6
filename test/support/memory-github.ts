/**
 * An in-memory GitHub for the use-case tests: issues (with labels and
 * markers), comments, reactions and one branch with files, behind the same
 * port interfaces as the real adapters (a fake that falls behind fails to
 * compile). `commit.files` is a compare-and-swap on the branch head, as the
 * real executor's fast-forward is.
 */
import type { BranchSnapshot } from "../../src/github/branch-files.js";
import { BranchMovedError, type ActionResult } from "../../src/github/execute-actions.js";
import type { IssueReaction, MarkedIssue } from "../../src/github/issue-reads.js";
import type { PullState } from "../../src/github/pull-reads.js";
import type { Action, RepoRef } from "../../src/plan/actions.js";
import { findMarker } from "../../src/render/markers.js";

/** An in-memory GitHub: issues, comments, reactions and a branch with files. */
export class MemoryGitHub {
  issues = new Map<number, { title: string; body: string; labels: string[]; state: "open" | "closed"; reason?: string }>();
  comments: { id: number; issue: number; body: string }[] = [];
  reactions = new Map<number, IssueReaction[]>();
  files = new Map<string, string>();
  head = 1;
  commits: { files: string[]; message: string }[] = [];
  actions: Action[] = [];
  /** Called inside a commit, after the read: lets a test move the branch or change files "meanwhile". */
  onCommit: (() => void) | null = null;
  private next = 100;

  port(dryRun = false) {
    const execute = async (actions: readonly Action[]): Promise<ActionResult[]> => {
      const out: ActionResult[] = [];
      for (const a of actions) {
        this.actions.push(a);
        if (dryRun) {
          out.push({ action: a, dryRun: true });
          continue;
        }
        out.push({ action: a, dryRun: false, ...this.apply(a) });
      }
      return out;
    };
    return {
      execute,
      findOpenProposals: async (): Promise<MarkedIssue[]> => this.openMarked("stewards:promotion", "promotion"),
      findOpenDemotions: async (): Promise<MarkedIssue[]> => this.openMarked("stewards:demotion", "demotion"),
      listReactions: async (_r: RepoRef, n: number) => this.reactions.get(n) ?? [],
      // Pull requests: approval by merge has its own tests (approve-by-merge.test.ts); this ladder approves by reaction.
      getPull: async (): Promise<PullState> => {
        throw new Error("no pull requests with approve_with: reaction");
      },
      listPullReviews: async () => [],
      readBranchFiles: async (_r: RepoRef, branch: string, paths: readonly string[]): Promise<BranchSnapshot> => ({
        branch,
        headSha: String(this.head),
        treeSha: `t${this.head}`,
        files: new Map(paths.map((p) => [p, this.files.get(p) ?? null])),
      }),
    };
  }

  /** The open issues labelled `label` whose body carries a marker of `kind`, as findOpenMarkedIssues returns them. */
  openMarked(label: string, kind: string): MarkedIssue[] {
    return [...this.issues.entries()]
      .filter(([, i]) => i.state === "open" && i.labels.includes(label))
      .flatMap(([number, i]) => {
        const key = findMarker(i.body, kind);
        return key ? [{ number, title: i.title, body: i.body, key }] : [];
      });
  }

  private apply(a: Action): Partial<ActionResult> {
    switch (a.kind) {
      case "issue.create": {
        const number = this.next++;
        this.issues.set(number, { title: a.title, body: a.body, labels: a.labels, state: "open" });
        return { created: { id: number, number } };
      }
      case "comment.create": {
        const id = this.next++;
        this.comments.push({ id, issue: a.issueNumber, body: a.body });
        return { created: { id } };
      }
      case "comment.update": {
        const c = this.comments.find((x) => x.id === a.commentId)!;
        c.body = a.body;
        return {};
      }
      case "issue.close": {
        const i = this.issues.get(a.number)!;
        i.state = "closed";
        i.reason = a.reason;
        return {};
      }
      case "commit.files": {
        this.onCommit?.();
        if (a.parentSha !== String(this.head)) throw new BranchMovedError(a.branch);
        for (const [p, t] of Object.entries(a.files)) this.files.set(p, t);
        this.head++;
        this.commits.push({ files: Object.keys(a.files).sort(), message: a.message });
        return { commit: { sha: String(this.head) } };
      }
      default:
        return {};
    }
  }
}
