import { createHash } from "node:crypto";

/** A GitHub account as the fake knows it. Logins ending in "[bot]" are Bots. */
export interface FakeAccount {
  login: string;
  id: number;
  type: "User" | "Bot" | "Organization";
}

/** A file change inside a pull request. */
export interface FakePullFile {
  path: string;
  additions: number;
  deletions: number;
  status: "added" | "modified" | "removed";
}

/** A submitted pull request review. */
export interface FakeReview {
  id: number;
  author: FakeAccount;
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";
  submittedAt: string;
  body: string;
}

/** Pull-request facts attached to an issue record (PRs share the issue number space). */
export interface FakePull {
  mergedAt: string | null;
  mergedBy: FakeAccount | null;
  additions: number;
  deletions: number;
  files: FakePullFile[];
  reviews: FakeReview[];
  baseRef: string;
  headRef: string;
  headSha: string;
  // ---- pull requests opened through the API (pull-requests.ts)
  /** Opened with pulls/create: the head follows `headRef`'s ref while open; `headSha` is the head at close. */
  tracksBranch?: boolean;
  /** The commit the merge wrote on the base branch. */
  mergeCommitSha?: string | null;
  draft?: boolean;
}

/** An issue (or pull request, when `pull` is set). */
export interface FakeIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  stateReason: "completed" | "not_planned" | "reopened" | null;
  labels: string[];
  user: FakeAccount;
  assignees: string[];
  locked: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  pull?: FakePull;
}

/** An issue or pull-request conversation comment. */
export interface FakeComment {
  id: number;
  issueNumber: number;
  body: string;
  user: FakeAccount;
  createdAt: string;
  updatedAt: string;
}

/** A label defined on a repository. */
export interface FakeLabel {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

/** The reaction contents GitHub accepts. */
export type ReactionContent = "+1" | "-1" | "laugh" | "confused" | "heart" | "hooray" | "rocket" | "eyes";

/** A reaction on an issue or on an issue comment. */
export interface FakeReaction {
  id: number;
  user: FakeAccount;
  content: ReactionContent;
  createdAt: string;
  target: { kind: "issue"; number: number } | { kind: "comment"; id: number };
}

/** A check-run annotation as sent by the app. */
export interface FakeAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: string;
  message: string;
  title?: string;
  raw_details?: string;
  start_column?: number;
  end_column?: number;
}

/** A check run, with every annotation ever sent for it (GitHub appends them). */
export interface FakeCheckRun {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  startedAt: string;
  completedAt: string | null;
  detailsUrl: string | null;
  externalId: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  annotations: FakeAnnotation[];
  appId: number;
}

/** A commit: a flat tree (full path → blob sha), parents and message. */
export interface FakeCommit {
  sha: string;
  treeSha: string;
  parents: string[];
  message: string;
  author: { name: string; email: string; date: string };
}

/** Everything the fake holds for one repository. */
export interface FakeRepo {
  id: number;
  owner: FakeAccount;
  name: string;
  defaultBranch: string;
  private: boolean;
  /** Archived: read-only on GitHub; the app skips it. */
  archived?: boolean;
  installationId: number;
  createdAt: string;
  blobs: Map<string, Buffer>;
  /** Flat trees: full path → blob sha. Directories are implied by paths. */
  trees: Map<string, Map<string, string>>;
  commits: Map<string, FakeCommit>;
  /** "heads/main" → commit sha */
  refs: Map<string, string>;
  issues: Map<number, FakeIssue>;
  nextNumber: number;
  comments: Map<number, FakeComment>;
  labels: Map<string, FakeLabel>;
  reactions: FakeReaction[];
  checkRuns: Map<number, FakeCheckRun>;
}

/** The app the fake pretends to be installed as. */
export interface FakeApp {
  id: number;
  slug: string;
  name: string;
  owner: FakeAccount;
}

/** Git's own blob id, so blob shas match what `git hash-object` would say. */
export function gitBlobSha(content: Buffer): string {
  return createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
}

function sha1(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

/** GitHub's timestamp format: ISO 8601 without milliseconds. */
export function githubTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** All state of the fake. Plain data plus the few operations that keep it consistent. */
export class FakeState {
  readonly repos = new Map<string, FakeRepo>();
  readonly accounts = new Map<string, FakeAccount>();
  /** Installation access token → installation id. */
  readonly tokens = new Map<string, number>();
  readonly app: FakeApp;
  private nextId = 1000;
  private commitCounter = 0;
  readonly now: () => Date;

  constructor(now: () => Date, appSlug: string) {
    this.now = now;
    this.app = { id: 4242, slug: appSlug, name: appSlug, owner: this.account("stewards-dev") };
  }

  /** A fresh id, unique across every kind of object in this fake. */
  id(): number {
    return this.nextId++;
  }

  /** Current time in GitHub's format. */
  timestamp(): string {
    return githubTime(this.now());
  }

  /** The account for a login, created on first sight with a stable id. */
  account(login: string, type?: FakeAccount["type"]): FakeAccount {
    let acc = this.accounts.get(login.toLowerCase());
    if (!acc) {
      acc = { login, id: this.id(), type: type ?? (login.endsWith("[bot]") ? "Bot" : "User") };
      this.accounts.set(login.toLowerCase(), acc);
    }
    return acc;
  }

  /** The repository or undefined. Owner and name are case-insensitive, as on GitHub. */
  repo(owner: string, name: string): FakeRepo | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }

  /** The repository or an exception: for seeding helpers, where a typo must fail loudly. */
  requireRepo(owner: string, name: string): FakeRepo {
    const repo = this.repo(owner, name);
    if (!repo) throw new Error(`fake GitHub: no repository ${owner}/${name}; call addRepo first`);
    return repo;
  }

  /** Creates a repository with an initial commit on its default branch. */
  addRepo(opts: { owner: string; name: string; defaultBranch?: string; private?: boolean; archived?: boolean; installationId: number; ownerType?: "User" | "Organization" }): FakeRepo {
    const key = `${opts.owner}/${opts.name}`.toLowerCase();
    if (this.repos.has(key)) throw new Error(`fake GitHub: repository ${opts.owner}/${opts.name} exists already`);
    const repo: FakeRepo = {
      id: this.id(),
      owner: this.account(opts.owner, opts.ownerType ?? "Organization"),
      name: opts.name,
      defaultBranch: opts.defaultBranch ?? "main",
      private: opts.private ?? false,
      ...(opts.archived ? { archived: true } : {}),
      installationId: opts.installationId,
      createdAt: this.timestamp(),
      blobs: new Map(),
      trees: new Map(),
      commits: new Map(),
      refs: new Map(),
      issues: new Map(),
      nextNumber: 1,
      comments: new Map(),
      labels: new Map(),
      reactions: [],
      checkRuns: new Map(),
    };
    this.repos.set(key, repo);
    const tree = this.storeTree(repo, new Map());
    const commit = this.storeCommit(repo, { treeSha: tree, parents: [], message: "Initial commit", author: this.botAuthor() });
    repo.refs.set(`heads/${repo.defaultBranch}`, commit);
    return repo;
  }

  /** Stores a blob and returns its sha. */
  storeBlob(repo: FakeRepo, content: Buffer): string {
    const sha = gitBlobSha(content);
    repo.blobs.set(sha, content);
    return sha;
  }

  /** Stores a flat tree and returns its sha (stable for equal contents). */
  storeTree(repo: FakeRepo, entries: Map<string, string>): string {
    const sorted = [...entries.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const sha = sha1(`tree ${JSON.stringify(sorted)}`);
    repo.trees.set(sha, new Map(sorted));
    return sha;
  }

  /** Stores a commit and returns its sha (unique per call). */
  storeCommit(repo: FakeRepo, commit: Omit<FakeCommit, "sha">): string {
    const sha = sha1(`commit ${this.commitCounter++} ${JSON.stringify(commit)}`);
    repo.commits.set(sha, { ...commit, sha });
    return sha;
  }

  /** Author used for commits the fake makes on its own. */
  botAuthor(): FakeCommit["author"] {
    return { name: "fake-github", email: "fake@example.invalid", date: this.timestamp() };
  }

  /**
   * Resolves a ref as GitHub's contents and check-runs APIs do: a branch name, a tag,
   * "heads/x"/"refs/heads/x", or a full or abbreviated (≥ 7) commit sha. Undefined when unknown.
   */
  resolveRef(repo: FakeRepo, ref: string | undefined): string | undefined {
    const name = ref ?? repo.defaultBranch;
    const stripped = name.replace(/^refs\//, "");
    for (const candidate of [stripped, `heads/${stripped}`, `tags/${stripped}`]) {
      const sha = repo.refs.get(candidate);
      if (sha) return sha;
    }
    if (/^[0-9a-f]{7,40}$/.test(name)) {
      if (repo.commits.has(name)) return name;
      for (const sha of repo.commits.keys()) if (sha.startsWith(name)) return sha;
    }
    return undefined;
  }

  /** The flat tree of a commit. */
  treeOf(repo: FakeRepo, commitSha: string): Map<string, string> {
    const commit = repo.commits.get(commitSha);
    const tree = commit ? repo.trees.get(commit.treeSha) : undefined;
    if (!tree) throw new Error(`fake GitHub: commit ${commitSha} has no tree`);
    return tree;
  }

  /**
   * Commits changes (path → new content, or null to delete) on top of a branch and
   * moves the branch. Creates the branch from the default branch when it is missing.
   */
  commitFiles(repo: FakeRepo, branch: string, changes: Map<string, Buffer | null>, message: string, author?: FakeCommit["author"]): FakeCommit {
    const parent = repo.refs.get(`heads/${branch}`) ?? repo.refs.get(`heads/${repo.defaultBranch}`);
    if (!parent) throw new Error(`fake GitHub: ${repo.name} has no branch ${branch}`);
    const entries = new Map(this.treeOf(repo, parent));
    for (const [path, content] of changes) {
      if (content === null) entries.delete(path);
      else entries.set(path, this.storeBlob(repo, content));
    }
    const treeSha = this.storeTree(repo, entries);
    const sha = this.storeCommit(repo, { treeSha, parents: [parent], message, author: author ?? this.botAuthor() });
    repo.refs.set(`heads/${branch}`, sha);
    const commit = repo.commits.get(sha);
    if (!commit) throw new Error("unreachable");
    return commit;
  }

  /** True when `ancestor` is `sha` or reachable from it through parents. */
  isAncestor(repo: FakeRepo, ancestor: string, sha: string): boolean {
    const stack = [sha];
    const seen = new Set<string>();
    while (stack.length) {
      const current = stack.pop() as string;
      if (current === ancestor) return true;
      if (seen.has(current)) continue;
      seen.add(current);
      stack.push(...(repo.commits.get(current)?.parents ?? []));
    }
    return false;
  }

  /** Takes the next issue/PR number, or reserves a given one. */
  takeNumber(repo: FakeRepo, wanted?: number): number {
    if (wanted !== undefined) {
      if (repo.issues.has(wanted)) throw new Error(`fake GitHub: #${wanted} exists already in ${repo.name}`);
      repo.nextNumber = Math.max(repo.nextNumber, wanted + 1);
      return wanted;
    }
    return repo.nextNumber++;
  }

  /** The repository label with that name (case-insensitive), created with a default colour when missing. */
  ensureLabel(repo: FakeRepo, name: string): FakeLabel {
    let label = repo.labels.get(name.toLowerCase());
    if (!label) {
      label = { id: this.id(), name, color: "ededed", description: null };
      repo.labels.set(name.toLowerCase(), label);
    }
    return label;
  }
}
