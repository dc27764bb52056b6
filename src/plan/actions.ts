/**
 * Every write the app makes to GitHub is first an Action: plain data that a
 * use-case returns and the executor (src/github/execute-actions.ts) carries
 * out — or, in dry run, logs as a plan line instead. This is the only place
 * dry run is decided (STYLE habit 1): no use-case checks a dry-run flag.
 */
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
  | { kind: "issue.create"; repo: RepoRef; title: string; body: string; labels: string[] }
  | { kind: "issue.update"; repo: RepoRef; number: number; title?: string; body?: string; state?: "open" | "closed" }
  | { kind: "comment.create"; repo: RepoRef; issueNumber: number; body: string }
  | { kind: "comment.update"; repo: RepoRef; commentId: number; body: string };

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
  }
}
