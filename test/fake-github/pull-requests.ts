// Pull requests opened through the API (pulls/create), as GitHub keeps them: the head
// follows its branch while open, mergeability is computed from the two sides' changes
// since their merge base, and merging writes a commit on the base branch (merge,
// squash or rebase) and freezes the head. Kept apart from the seeding of merged
// history (server.ts addMergedPullRequest) and from rest-handlers.ts, which only
// translates requests into these calls.
import type { FakeAccount, FakeIssue, FakePullFile, FakeRepo, FakeState } from "./state.js";

/** The head commit of a pull request: its branch's ref while open and tracked, else the sha recorded at close or seeding. */
export function pullHead(repo: FakeRepo, issue: FakeIssue): string {
  const pull = issue.pull;
  if (!pull) throw new Error(`#${issue.number} is not a pull request`);
  if (pull.tracksBranch && issue.state === "open") return repo.refs.get(`heads/${pull.headRef}`) ?? pull.headSha;
  return pull.headSha;
}

function ancestors(repo: FakeRepo, sha: string): string[] {
  const out: string[] = [];
  const queue = [sha];
  const seen = new Set<string>();
  while (queue.length) {
    const current = queue.shift() as string;
    if (seen.has(current)) continue;
    seen.add(current);
    out.push(current);
    queue.push(...(repo.commits.get(current)?.parents ?? []));
  }
  return out;
}

/** The nearest common ancestor of two commits (breadth first from `a`), or undefined. */
export function mergeBase(repo: FakeRepo, a: string, b: string): string | undefined {
  const fromB = new Set(ancestors(repo, b));
  return ancestors(repo, a).find((sha) => fromB.has(sha));
}

/** Paths whose blob differs between two commits: path → blob sha at `to` (null: deleted). */
export function changedPaths(state: FakeState, repo: FakeRepo, from: string, to: string): Map<string, string | null> {
  const a = state.treeOf(repo, from);
  const b = state.treeOf(repo, to);
  const out = new Map<string, string | null>();
  for (const path of new Set([...a.keys(), ...b.keys()])) if (a.get(path) !== b.get(path)) out.set(path, b.get(path) ?? null);
  return out;
}

type Sides = { base: string; head: string; mergeBase: string; baseChanges: Map<string, string | null>; headChanges: Map<string, string | null> };

function sides(state: FakeState, repo: FakeRepo, issue: FakeIssue): Sides | undefined {
  const pull = issue.pull;
  const base = pull ? repo.refs.get(`heads/${pull.baseRef}`) : undefined;
  if (!pull || !base) return undefined;
  const head = pullHead(repo, issue);
  const mb = mergeBase(repo, head, base);
  if (!mb) return undefined;
  return { base, head, mergeBase: mb, baseChanges: changedPaths(state, repo, mb, base), headChanges: changedPaths(state, repo, mb, head) };
}

/**
 * GitHub's `mergeable` for an open pull request: false when a file changed on
 * both sides since the merge base, to different contents (the fake's notion of
 * a conflict: per file, not per line); null when closed or unrelated.
 */
export function pullMergeable(state: FakeState, repo: FakeRepo, issue: FakeIssue): boolean | null {
  if (issue.state !== "open" || !issue.pull || issue.pull.mergedAt) return null;
  const s = sides(state, repo, issue);
  if (!s) return null;
  for (const [path, blob] of s.headChanges) if (s.baseChanges.has(path) && s.baseChanges.get(path) !== blob) return false;
  return true;
}

/** The files a tracked pull request changes against its base, from the merge base (as GitHub's files API lists them). */
export function pullFiles(state: FakeState, repo: FakeRepo, issue: FakeIssue): FakePullFile[] {
  const s = sides(state, repo, issue);
  if (!s) return [];
  const before = state.treeOf(repo, s.mergeBase);
  const lines = (blob: string | undefined | null) => (blob ? (repo.blobs.get(blob)?.toString("utf8").split("\n").length ?? 0) : 0);
  return [...s.headChanges.entries()].map(([path, blob]) => {
    const old = before.get(path);
    return { path, additions: lines(blob), deletions: lines(old), status: !old ? "added" : blob === null ? "removed" : "modified" };
  });
}

/** Opens a pull request from `head` into `base` (both branches of `repo`). Returns an error message GitHub would give, or the issue. */
export function openPull(
  state: FakeState,
  repo: FakeRepo,
  opts: { title: string; body: string | null; head: string; base: string; author: FakeAccount; draft?: boolean },
): FakeIssue | { status: number; message: string; errors?: unknown[] } {
  const head = opts.head.includes(":") ? opts.head.slice(opts.head.indexOf(":") + 1) : opts.head;
  const headSha = repo.refs.get(`heads/${head}`);
  const baseSha = repo.refs.get(`heads/${opts.base}`);
  if (!headSha) return { status: 422, message: "Validation Failed", errors: [{ resource: "PullRequest", field: "head", code: "invalid" }] };
  if (!baseSha) return { status: 422, message: "Validation Failed", errors: [{ resource: "PullRequest", field: "base", code: "invalid" }] };
  const open = [...repo.issues.values()].find((i) => i.state === "open" && i.pull?.tracksBranch && i.pull.headRef === head && i.pull.baseRef === opts.base);
  if (open) {
    return { status: 422, message: "Validation Failed", errors: [{ resource: "PullRequest", code: "custom", message: `A pull request already exists for ${repo.owner.login}:${head}.` }] };
  }
  if (state.isAncestor(repo, headSha, baseSha)) {
    return { status: 422, message: "Validation Failed", errors: [{ resource: "PullRequest", code: "custom", message: `No commits between ${opts.base} and ${head}` }] };
  }
  const now = state.timestamp();
  const issue: FakeIssue = {
    id: state.id(),
    number: state.takeNumber(repo),
    title: opts.title,
    body: opts.body,
    state: "open",
    stateReason: null,
    labels: [],
    user: opts.author,
    assignees: [],
    locked: false,
    createdAt: now,
    updatedAt: now,
    closedAt: null,
    pull: { mergedAt: null, mergedBy: null, additions: 0, deletions: 0, files: [], reviews: [], baseRef: opts.base, headRef: head, headSha, tracksBranch: true, mergeCommitSha: null, draft: opts.draft ?? false },
  };
  repo.issues.set(issue.number, issue);
  return issue;
}

/** Closes or reopens a pull request (`PATCH pulls/{n}` with `state`). A reopen needs its head branch. */
export function setPullState(state: FakeState, repo: FakeRepo, issue: FakeIssue, to: "open" | "closed"): string | null {
  const pull = issue.pull;
  if (!pull || issue.state === to) return null;
  if (pull.mergedAt) return "Cannot change the state of a merged pull request";
  const now = state.timestamp();
  if (to === "closed") {
    pull.headSha = pullHead(repo, issue);
    issue.state = "closed";
    issue.closedAt = now;
  } else {
    if (pull.tracksBranch && !repo.refs.has(`heads/${pull.headRef}`)) return "state cannot be changed. The head branch was deleted.";
    issue.state = "open";
    issue.closedAt = null;
  }
  issue.updatedAt = now;
  return null;
}

export type MergeMethod = "merge" | "squash" | "rebase";

/**
 * Merges an open pull request as `by`: the base branch gets the head's changes
 * since the merge base (a merge commit with both parents, or one commit on the
 * base for squash and rebase), the head is frozen and the pull request closed
 * as merged. GitHub's answers for what it refuses: 405 not mergeable (closed,
 * or a conflict), 409 when `sha` is not the head.
 */
export function mergePull(
  state: FakeState,
  repo: FakeRepo,
  issue: FakeIssue,
  opts: { by: FakeAccount; method?: MergeMethod; sha?: string; title?: string; message?: string },
): { status: 200; sha: string } | { status: 405 | 409 | 422; message: string } {
  const pull = issue.pull;
  if (!pull || issue.state !== "open" || pull.mergedAt) return { status: 405, message: "Pull Request is not mergeable" };
  const s = sides(state, repo, issue);
  if (!s) return { status: 405, message: "Pull Request is not mergeable" };
  if (opts.sha && opts.sha !== s.head) return { status: 409, message: "Head branch was modified. Review and try the merge again." };
  if (pullMergeable(state, repo, issue) === false) return { status: 405, message: "Pull Request is not mergeable" };
  const entries = new Map(state.treeOf(repo, s.base));
  for (const [path, blob] of s.headChanges) {
    if (blob === null) entries.delete(path);
    else entries.set(path, blob);
  }
  const treeSha = state.storeTree(repo, entries);
  const method = opts.method ?? "merge";
  const author = { name: opts.by.login, email: `${opts.by.id}+${opts.by.login}@users.noreply.github.com`, date: state.timestamp() };
  const message =
    method === "merge"
      ? `${opts.title ?? `Merge pull request #${issue.number} from ${repo.owner.login}/${pull.headRef}`}\n\n${opts.message ?? issue.title}`
      : `${opts.title ?? `${issue.title} (#${issue.number})`}${opts.message ? `\n\n${opts.message}` : ""}`;
  const sha = state.storeCommit(repo, { treeSha, parents: method === "merge" ? [s.base, s.head] : [s.base], message, author });
  repo.refs.set(`heads/${pull.baseRef}`, sha);
  const now = state.timestamp();
  pull.headSha = s.head;
  pull.mergedAt = now;
  pull.mergedBy = opts.by;
  pull.mergeCommitSha = sha;
  issue.state = "closed";
  issue.closedAt = now;
  issue.updatedAt = now;
  return { status: 200, sha };
}
