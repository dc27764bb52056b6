// Resolvers for GitHub's real GraphQL schema, reading the fake's state. Objects are
// plain data whose fields are values or functions of the field's arguments (graphql-js'
// default resolver calls them). A field left `undefined` is one the fake does not
// model; the server reports it as a violation instead of quietly answering null.
import { GraphQLError } from "graphql";
import type { FakeUrls } from "./rest-shapes.js";
import type { FakeAccount, FakeIssue, FakeRepo, FakeState } from "./state.js";

type Node = Record<string, unknown>;

/** An error GitHub itself would return; its `type` is sent at the top level like GitHub's. */
export function githubGraphqlError(type: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { type } });
}

interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

function cursor(index: number): string {
  return Buffer.from(`cursor:v2:${index}`).toString("base64");
}

function cursorIndex(value: string): number {
  const m = /^cursor:v2:(\d+)$/.exec(Buffer.from(value, "base64").toString("utf8"));
  if (!m) throw githubGraphqlError("INVALID_CURSOR_ARGUMENTS", `\`${value}\` does not appear to be a valid cursor.`);
  return Number(m[1]);
}

/**
 * A connection over items, paginated as GitHub does: `first` or `last` is required
 * and at most 100; cursors are opaque.
 */
function connection<T>(name: string, items: T[], args: ConnectionArgs, toNode: (item: T) => Node): Node {
  const { first, last, after, before } = args;
  if ((first === undefined || first === null) && (last === undefined || last === null)) {
    throw githubGraphqlError("MISSING_PAGINATION_BOUNDARIES", `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`);
  }
  for (const [arg, value] of [["first", first], ["last", last]] as const) {
    if (value !== undefined && value !== null && (value < 0 || value > 100)) {
      throw githubGraphqlError("EXCESSIVE_PAGINATION", `Requesting ${value} records on the \`${name}\` connection exceeds the \`${arg}\` limit of 100 records.`);
    }
  }
  let start = after ? cursorIndex(after) + 1 : 0;
  let end = before ? cursorIndex(before) : items.length;
  if (first !== undefined && first !== null) end = Math.min(end, start + first);
  if (last !== undefined && last !== null) start = Math.max(start, end - last);
  const slice = items.slice(start, end).map((item, i) => ({ index: start + i, node: toNode(item) }));
  return {
    totalCount: items.length,
    nodes: slice.map((s) => s.node),
    edges: slice.map((s) => ({ cursor: cursor(s.index), node: s.node })),
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice.length ? cursor(start) : null,
      endCursor: slice.length ? cursor(end - 1) : null,
    },
  };
}

/** Context the resolvers read: state, URLs, the caller's identity and the rate-limit figures of this query. */
export interface GraphqlResolverContext {
  state: FakeState;
  urls: FakeUrls;
  viewer: FakeAccount;
  rateLimit: { cost: number; limit: number; remaining: number; used: number; resetAt: string; nodeCount: number };
}

function actorNode(ctx: GraphqlResolverContext, account: FakeAccount | null): Node | null {
  if (!account) return null;
  // GraphQL names bots without the "[bot]" suffix REST uses ("dependabot" vs "dependabot[bot]").
  const login = account.type === "Bot" ? account.login.replace(/\[bot\]$/, "") : account.login;
  return {
    __typename: account.type === "Bot" ? "Bot" : account.type === "Organization" ? "Organization" : "User",
    id: Buffer.from(`04:${account.type}${account.id}`).toString("base64"),
    databaseId: account.id,
    login,
    url: `${ctx.urls.html}/${account.type === "Bot" ? `apps/${login}` : login}`,
    avatarUrl: `${ctx.urls.html}/avatars/u/${account.id}`,
    resourcePath: `/${login}`,
    name: null,
  };
}

function pullState(issue: FakeIssue): "OPEN" | "CLOSED" | "MERGED" {
  if (issue.pull?.mergedAt) return "MERGED";
  return issue.state === "open" ? "OPEN" : "CLOSED";
}

function pullRequestNode(ctx: GraphqlResolverContext, repo: FakeRepo, issue: FakeIssue): Node {
  const pull = issue.pull;
  if (!pull) throw new Error(`#${issue.number} is not a pull request`);
  const url = `${ctx.urls.html}/${repo.owner.login}/${repo.name}/pull/${issue.number}`;
  return {
    __typename: "PullRequest",
    id: Buffer.from(`PR_${issue.id}`).toString("base64"),
    databaseId: issue.id,
    number: issue.number,
    title: issue.title,
    body: issue.body ?? "",
    url,
    permalink: url,
    state: pullState(issue),
    merged: pull.mergedAt !== null,
    mergedAt: pull.mergedAt,
    closed: issue.state === "closed",
    closedAt: issue.closedAt,
    createdAt: issue.createdAt,
    updatedAt: issue.updatedAt,
    isDraft: false,
    additions: pull.additions,
    deletions: pull.deletions,
    changedFiles: pull.files.length,
    baseRefName: pull.baseRef,
    headRefName: pull.headRef,
    headRefOid: pull.headSha,
    author: actorNode(ctx, issue.user),
    mergedBy: actorNode(ctx, pull.mergedBy),
    labels: (args: ConnectionArgs) =>
      connection("labels", issue.labels, args, (name) => {
        const label = ctx.state.ensureLabel(repo, name);
        return { __typename: "Label", id: String(label.id), name: label.name, color: label.color, description: label.description };
      }),
    files: (args: ConnectionArgs) =>
      connection("files", pull.files, args, (f) => ({
        __typename: "PullRequestChangedFile",
        path: f.path,
        additions: f.additions,
        deletions: f.deletions,
        changeType: f.status === "added" ? "ADDED" : f.status === "removed" ? "DELETED" : "MODIFIED",
      })),
    reviews: (args: ConnectionArgs & { states?: string[] | null; author?: string | null }) =>
      connection(
        "reviews",
        pull.reviews.filter((r) => (!args.states || args.states.includes(r.state)) && (!args.author || r.author.login === args.author)),
        args,
        (r) => ({
          __typename: "PullRequestReview",
          id: Buffer.from(`PRR_${r.id}`).toString("base64"),
          databaseId: r.id,
          author: actorNode(ctx, r.author),
          state: r.state,
          body: r.body,
          submittedAt: r.submittedAt,
          createdAt: r.submittedAt,
          publishedAt: r.submittedAt,
          url: `${url}#pullrequestreview-${r.id}`,
        }),
      ),
  };
}

interface PullRequestsArgs extends ConnectionArgs {
  states?: string[] | null;
  labels?: string[] | null;
  baseRefName?: string | null;
  headRefName?: string | null;
  orderBy?: { field: "CREATED_AT" | "UPDATED_AT"; direction: "ASC" | "DESC" } | null;
}

/** A commit as GraphQL shows it: its oid, its tree, and the files in it (`file(path)` gives a TreeEntry or null). */
function commitNode(ctx: GraphqlResolverContext, repo: FakeRepo, sha: string): Node {
  const commit = repo.commits.get(sha);
  if (!commit) throw githubGraphqlError("NOT_FOUND", `Could not resolve to a Commit with the oid ${sha}.`);
  const tree = ctx.state.treeOf(repo, sha);
  return {
    __typename: "Commit",
    id: Buffer.from(`C_${sha}`).toString("base64"),
    oid: sha,
    message: commit.message,
    url: `${ctx.urls.html}/${repo.owner.login}/${repo.name}/commit/${sha}`,
    abbreviatedOid: sha.slice(0, 7),
    tree: { __typename: "Tree", id: Buffer.from(`T_${commit.treeSha}`).toString("base64"), oid: commit.treeSha },
    file: ({ path }: { path: string }) => {
      const clean = path.replace(/^\/+|\/+$/g, "");
      const blobSha = tree.get(clean);
      if (!blobSha) return null;
      const content = repo.blobs.get(blobSha) ?? Buffer.alloc(0);
      const binary = content.includes(0);
      const name = clean.split("/").pop() ?? clean;
      return {
        __typename: "TreeEntry",
        name,
        path: clean,
        oid: blobSha,
        type: "blob",
        object: {
          __typename: "Blob",
          id: Buffer.from(`B_${blobSha}`).toString("base64"),
          oid: blobSha,
          byteSize: content.length,
          isBinary: binary,
          // GitHub truncates Blob.text of large files; the fake does at 512 KiB so callers' fallback is exercised.
          isTruncated: content.length > BLOB_TEXT_LIMIT,
          text: binary ? null : content.subarray(0, BLOB_TEXT_LIMIT).toString("utf8"),
        },
      };
    },
  };
}

/** Where the fake truncates `Blob.text` (GitHub documents truncation without a size; 512 KiB is what it is seen to use). */
export const BLOB_TEXT_LIMIT = 512 * 1024;

function repositoryNode(ctx: GraphqlResolverContext, repo: FakeRepo): Node {
  const pulls = () => [...repo.issues.values()].filter((i) => i.pull);
  return {
    __typename: "Repository",
    id: Buffer.from(`R_${repo.id}`).toString("base64"),
    databaseId: repo.id,
    name: repo.name,
    nameWithOwner: `${repo.owner.login}/${repo.name}`,
    url: `${ctx.urls.html}/${repo.owner.login}/${repo.name}`,
    isPrivate: repo.private,
    isArchived: false,
    owner: actorNode(ctx, repo.owner),
    defaultBranchRef: { __typename: "Ref", name: repo.defaultBranch, prefix: "refs/heads/", id: `ref-${repo.id}` },
    pullRequests: (args: PullRequestsArgs) => {
      const field = args.orderBy?.field === "UPDATED_AT" ? "updatedAt" : "createdAt";
      const sign = args.orderBy?.direction === "DESC" ? -1 : 1;
      const items = pulls()
        .filter((i) => !args.states || args.states.includes(pullState(i)))
        .filter((i) => !args.labels || args.labels.some((l) => i.labels.includes(l)))
        .filter((i) => !args.baseRefName || i.pull?.baseRef === args.baseRefName)
        .filter((i) => !args.headRefName || i.pull?.headRef === args.headRefName)
        .sort((a, b) => sign * (a[field] === b[field] ? a.number - b.number : a[field] < b[field] ? -1 : 1));
      return connection("pullRequests", items, args, (i) => pullRequestNode(ctx, repo, i));
    },
    ref: ({ qualifiedName }: { qualifiedName: string }) => {
      const name = qualifiedName.replace(/^refs\//, "");
      const full = name.startsWith("heads/") || name.startsWith("tags/") ? name : `heads/${name}`;
      const sha = repo.refs.get(full);
      if (!sha) return null;
      const [prefix, ...rest] = full.split("/");
      return { __typename: "Ref", id: `ref-${repo.id}-${full}`, name: rest.join("/"), prefix: `refs/${prefix}/`, target: commitNode(ctx, repo, sha) };
    },
    // `object(expression:)` / `object(oid:)`: a branch, tag or commit SHA; the fake models commits only (null otherwise, as GitHub for an unknown revision).
    object: ({ expression, oid }: { expression?: string | null; oid?: string | null }) => {
      const sha = ctx.state.resolveRef(repo, expression ?? oid ?? undefined);
      return sha && repo.commits.has(sha) ? commitNode(ctx, repo, sha) : null;
    },
    pullRequest: ({ number }: { number: number }) => {
      const issue = repo.issues.get(number);
      if (!issue?.pull) throw githubGraphqlError("NOT_FOUND", `Could not resolve to a PullRequest with the number of ${number}.`);
      return pullRequestNode(ctx, repo, issue);
    },
  };
}

/** Root value for queries: the fields of Query the fake answers. */
export function graphqlRootValue(ctx: GraphqlResolverContext): Node {
  return {
    repository: ({ owner, name }: { owner: string; name: string }) => {
      const repo = ctx.state.repo(owner, name);
      if (!repo) throw githubGraphqlError("NOT_FOUND", `Could not resolve to a Repository with the name '${owner}/${name}'.`);
      return repositoryNode(ctx, repo);
    },
    rateLimit: () => ({ __typename: "RateLimit", ...ctx.rateLimit }),
    viewer: () => actorNode(ctx, { ...ctx.viewer, type: "User" }),
  };
}

interface CreateCommitOnBranchInput {
  branch: { repositoryNameWithOwner?: string | null; branchName?: string | null; id?: string | null };
  expectedHeadOid: string;
  message: { headline: string; body?: string | null };
  fileChanges?: { additions?: Array<{ path: string; contents: string }> | null; deletions?: Array<{ path: string }> | null } | null;
  clientMutationId?: string | null;
}

/**
 * Root value for mutations: `createCommitOnBranch`, GitHub's one-request
 * commit. It is a compare-and-swap: the branch must still point at
 * `expectedHeadOid`, else nothing is written and the answer is GitHub's
 * STALE_DATA error. The commit is authored by the caller (the app's bot).
 */
export function graphqlMutationRoot(ctx: GraphqlResolverContext): Node {
  return {
    createCommitOnBranch: ({ input }: { input: CreateCommitOnBranchInput }) => {
      const { repositoryNameWithOwner, branchName, id } = input.branch;
      if (id || !repositoryNameWithOwner || !branchName) throw new GraphQLError("fake GitHub does not model CommittableBranch.id; give repositoryNameWithOwner and branchName");
      const [owner = "", name = ""] = repositoryNameWithOwner.split("/");
      const repo = ctx.state.repo(owner, name);
      if (!repo) throw githubGraphqlError("NOT_FOUND", `Could not resolve to a Repository with the name '${repositoryNameWithOwner}'.`);
      const ref = `heads/${branchName.replace(/^refs\/heads\//, "")}`;
      const head = repo.refs.get(ref);
      if (!head) throw githubGraphqlError("NOT_FOUND", `A ref named "refs/${ref}" does not exist.`);
      if (head !== input.expectedHeadOid) throw githubGraphqlError("STALE_DATA", `Expected branch to point to "${input.expectedHeadOid}" but it did not. Pull and try again.`);
      const changes = new Map<string, Buffer | null>();
      for (const d of input.fileChanges?.deletions ?? []) changes.set(d.path, null);
      for (const a of input.fileChanges?.additions ?? []) changes.set(a.path, Buffer.from(a.contents, "base64"));
      const message = input.message.body ? `${input.message.headline}\n\n${input.message.body}` : input.message.headline;
      const commit = ctx.state.commitFiles(repo, ref.slice("heads/".length), changes, message);
      const [prefix, ...rest] = ref.split("/");
      return {
        __typename: "CreateCommitOnBranchPayload",
        clientMutationId: input.clientMutationId ?? null,
        commit: commitNode(ctx, repo, commit.sha),
        ref: { __typename: "Ref", id: `ref-${repo.id}-${ref}`, name: rest.join("/"), prefix: `refs/${prefix}/`, target: commitNode(ctx, repo, commit.sha) },
      };
    },
  };
}
