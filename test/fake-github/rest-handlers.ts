// The REST operations the fake implements, keyed by GitHub's operationId. Requests
// reach these only after they matched an operation in GitHub's OpenAPI description and
// their parameters and body validated, so handlers may trust the shapes they read.
import { accessRestHandlers } from "./access-handlers.js";
import type { FakeUrls } from "./rest-shapes.js";
import {
  accountJson,
  appJson,
  checkRunJson,
  commentJson,
  contentDirJson,
  contentFileJson,
  gitCommitJson,
  gitRefJson,
  gitTreeJson,
  installationJson,
  issueJson,
  labelJson,
  pullJson,
  reactionJson,
  repoJson,
} from "./rest-shapes.js";
import type { FakeAccount, FakeAnnotation, FakeCheckRun, FakeIssue, FakeRepo, FakeState, ReactionContent } from "./state.js";
import { mergePull, openPull, pullFiles, setPullState, type MergeMethod } from "./pull-requests.js";

/** What a handler gets: validated inputs plus the caller's identity. */
export interface RestContext {
  state: FakeState;
  urls: FakeUrls;
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  /** Installation of the token used, when it is one the fake issued. */
  installationId: number | undefined;
  /** Who writes: the app's bot for installation tokens, "token-user" for any other token. */
  actor: FakeAccount;
  /** The request's absolute URL with `page` set, for Link headers. */
  pageUrl: (page: number) => string;
  /** The GitHub Enterprise Server version the fake answers as (e.g. "3.19.0"), or null for github.com; where GHES behaves otherwise, handlers follow it. */
  enterprise: string | null;
}

/** What a handler answers. `text` sends a raw text/plain body instead of JSON. */
export interface RestReply {
  status: number;
  body?: unknown;
  text?: string;
  headers?: Record<string, string>;
  /** Set when GitHub would refuse the request although the OpenAPI description accepts it: recorded as an "invalid-request" violation. */
  violation?: string;
}

/** A handler for one operation. */
export type RestHandler = (ctx: RestContext) => RestReply;

const DOCS = "https://docs.github.com/rest";

function notFound(message = "Not Found"): RestReply {
  return { status: 404, body: { message, documentation_url: DOCS, status: "404" } };
}

function unprocessable(message: string, errors?: unknown[]): RestReply {
  return { status: 422, body: { message, ...(errors ? { errors } : {}), documentation_url: DOCS, status: "422" } };
}

/** Slices a list as GitHub does (per_page default 30, max 100; page from 1) and sets the Link header. */
function paginate<T>(ctx: RestContext, items: T[], wrap?: (page: T[]) => unknown): RestReply {
  const perPage = Math.min(100, Math.max(1, Number(ctx.query.per_page ?? 30) || 30));
  const page = Math.max(1, Number(ctx.query.page ?? 1) || 1);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const links: string[] = [];
  if (page > 1) links.push(`<${ctx.pageUrl(page - 1)}>; rel="prev"`);
  if (page < lastPage) links.push(`<${ctx.pageUrl(page + 1)}>; rel="next"`, `<${ctx.pageUrl(lastPage)}>; rel="last"`);
  if (page > 1) links.push(`<${ctx.pageUrl(1)}>; rel="first"`);
  return { status: 200, body: wrap ? wrap(slice) : slice, headers: links.length ? { link: links.join(", ") } : {} };
}

function withRepo(handler: (ctx: RestContext, repo: FakeRepo) => RestReply): RestHandler {
  return (ctx) => {
    const repo = ctx.state.repo(ctx.params.owner ?? "", ctx.params.repo ?? "");
    return repo ? handler(ctx, repo) : notFound();
  };
}

function withIssue(handler: (ctx: RestContext, repo: FakeRepo, issue: FakeIssue) => RestReply): RestHandler {
  return withRepo((ctx, repo) => {
    const issue = repo.issues.get(Number(ctx.params.issue_number ?? ctx.params.pull_number));
    return issue ? handler(ctx, repo, issue) : notFound();
  });
}

function withPull(handler: (ctx: RestContext, repo: FakeRepo, issue: FakeIssue) => RestReply): RestHandler {
  return withIssue((ctx, repo, issue) => (issue.pull ? handler(ctx, repo, issue) : notFound()));
}

function labelNames(input: unknown): string[] {
  const list = Array.isArray(input) ? input : input && typeof input === "object" && "labels" in input ? (input as { labels: unknown }).labels : [];
  if (!Array.isArray(list)) return [];
  return list.map((l: unknown) => (typeof l === "string" ? l : l && typeof l === "object" && "name" in l ? String((l as { name: unknown }).name) : "")).filter(Boolean);
}

function byCreation<T extends { createdAt: string; id: number }>(a: T, b: T): number {
  return a.createdAt === b.createdAt ? a.id - b.id : a.createdAt < b.createdAt ? -1 : 1;
}

// ---------------------------------------------------------------- apps, installations

/** GET /app/installations/{installation_id} (app JWT): the account of the first repository installed under that id. */
const getInstallation: RestHandler = (ctx) => {
  if (!/^bearer\s+\S+/i.test(String(ctx.headers.authorization ?? ""))) return { status: 401, body: { message: "A JSON web token could not be decoded", documentation_url: DOCS } };
  const installationId = Number(ctx.params.installation_id);
  const repo = [...ctx.state.repos.values()].find((r) => r.installationId === installationId);
  return repo ? { status: 200, body: installationJson(ctx.urls, ctx.state, installationId, repo.owner) } : notFound();
};

const createInstallationToken: RestHandler = (ctx) => {
  const auth = String(ctx.headers.authorization ?? "");
  if (!/^bearer\s+\S+/i.test(auth)) return { status: 401, body: { message: "A JSON web token could not be decoded", documentation_url: DOCS } };
  const installationId = Number(ctx.params.installation_id);
  if (![...ctx.state.repos.values()].some((r) => r.installationId === installationId)) return notFound();
  const token = `ghs_fake${installationId}x${ctx.state.id()}`;
  ctx.state.tokens.set(token, installationId);
  const expires = new Date(ctx.state.now().getTime() + 3600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
  return {
    status: 201,
    body: { token, expires_at: expires, permissions: { checks: "write", contents: "write", issues: "write", metadata: "read", pull_requests: "write" }, repository_selection: "selected" },
  };
};

/** GET /meta: GHES adds `installed_version` (its release); github.com has none. */
const getMeta: RestHandler = (ctx) => ({
  status: 200,
  body: { verifiable_password_authentication: ctx.enterprise !== null, ...(ctx.enterprise !== null ? { installed_version: ctx.enterprise } : {}) },
});

/** GET /app/installations (app JWT): one installation per distinct installation id among the repositories, lowest id first. */
const listInstallations: RestHandler = (ctx) => {
  const auth = String(ctx.headers.authorization ?? "");
  if (!/^bearer\s+\S+/i.test(auth)) return { status: 401, body: { message: "A JSON web token could not be decoded", documentation_url: DOCS } };
  const byId = new Map<number, FakeRepo>();
  for (const r of ctx.state.repos.values()) if (!byId.has(r.installationId)) byId.set(r.installationId, r);
  const installations = [...byId.entries()].sort(([a], [b]) => a - b).map(([id, repo]) => installationJson(ctx.urls, ctx.state, id, repo.owner));
  return paginate(ctx, installations);
};

const listInstallationRepos: RestHandler = (ctx) => {
  const repos = [...ctx.state.repos.values()].filter((r) => r.installationId === ctx.installationId);
  return paginate(ctx, repos, (page) => ({ total_count: repos.length, repository_selection: "selected", repositories: page.map((r) => repoJson(ctx.urls, r)) }));
};

// ---------------------------------------------------------------- contents

function wantsRaw(ctx: RestContext): boolean {
  return /application\/vnd\.github(\.v3)?\.raw/i.test(String(ctx.headers.accept ?? ""));
}

const getContent = withRepo((ctx, repo) => {
  const refName = ctx.query.ref ?? repo.defaultBranch;
  const sha = ctx.state.resolveRef(repo, refName);
  if (!sha) return notFound(`No commit found for the ref ${refName}`);
  const tree = ctx.state.treeOf(repo, sha);
  const path = (ctx.params.path ?? "").replace(/^\/+|\/+$/g, "");
  const blob = tree.get(path);
  if (blob) {
    if (wantsRaw(ctx)) return { status: 200, text: (repo.blobs.get(blob) ?? Buffer.alloc(0)).toString("utf8") };
    return { status: 200, body: contentFileJson(ctx.urls, repo, path, blob, refName, true) };
  }
  const prefix = path ? `${path}/` : "";
  const children = new Map<string, { dir: boolean; blob?: string }>();
  for (const [p, b] of tree) {
    if (!p.startsWith(prefix)) continue;
    const rest = p.slice(prefix.length);
    const slash = rest.indexOf("/");
    if (slash === -1) children.set(rest, { dir: false, blob: b });
    else children.set(rest.slice(0, slash), { dir: true });
  }
  if (!children.size) return notFound();
  const listing = [...children.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, c]) => (c.dir || !c.blob ? contentDirJson(ctx.urls, repo, prefix + name, refName) : contentFileJson(ctx.urls, repo, prefix + name, c.blob, refName, false)));
  return { status: 200, body: listing };
});

const putContent = withRepo((ctx, repo) => {
  const body = ctx.body as { message: string; content: string; sha?: string; branch?: string; author?: { name: string; email: string } };
  const branch = body.branch ?? repo.defaultBranch;
  const head = repo.refs.get(`heads/${branch}`);
  if (!head) return notFound(`Branch ${branch} not found`);
  const path = (ctx.params.path ?? "").replace(/^\/+|\/+$/g, "");
  const existing = ctx.state.treeOf(repo, head).get(path);
  if (existing && body.sha === undefined) return unprocessable(`Invalid request.\n\n"sha" wasn't supplied.`);
  if (existing && body.sha !== existing) return { status: 409, body: { message: `${path} does not match ${body.sha}`, documentation_url: DOCS, status: "409" } };
  const author = body.author ? { ...body.author, date: ctx.state.timestamp() } : { name: ctx.actor.login, email: `${ctx.actor.id}+${ctx.actor.login}@users.noreply.github.com`, date: ctx.state.timestamp() };
  const commit = ctx.state.commitFiles(repo, branch, new Map([[path, Buffer.from(body.content, "base64")]]), body.message, author);
  const blob = ctx.state.treeOf(repo, commit.sha).get(path) ?? "";
  return { status: existing ? 200 : 201, body: { content: contentFileJson(ctx.urls, repo, path, blob, branch, false), commit: gitCommitJson(ctx.urls, repo, commit) } };
});

// ---------------------------------------------------------------- issues

const createIssue = withRepo((ctx, repo) => {
  const body = ctx.body as { title: string | number; body?: string | null; labels?: unknown; assignees?: string[]; assignee?: string | null };
  const now = ctx.state.timestamp();
  const issue: FakeIssue = {
    id: ctx.state.id(),
    number: ctx.state.takeNumber(repo),
    title: String(body.title),
    body: body.body ?? null,
    state: "open",
    stateReason: null,
    labels: [],
    user: ctx.actor,
    assignees: body.assignees ?? (body.assignee ? [body.assignee] : []),
    locked: false,
    createdAt: now,
    updatedAt: now,
    closedAt: null,
  };
  for (const name of labelNames(body.labels ?? [])) issue.labels.push(ctx.state.ensureLabel(repo, name).name);
  repo.issues.set(issue.number, issue);
  return { status: 201, body: issueJson(ctx.urls, ctx.state, repo, issue) };
});

const listIssues = withRepo((ctx, repo) => {
  const state = ctx.query.state ?? "open";
  const wanted = (ctx.query.labels ?? "").split(",").map((l) => l.trim().toLowerCase()).filter(Boolean);
  const creator = ctx.query.creator?.toLowerCase();
  const since = ctx.query.since;
  const sort = ctx.query.sort ?? "created";
  const direction = ctx.query.direction ?? "desc";
  const items = [...repo.issues.values()]
    .filter((i) => state === "all" || i.state === state)
    .filter((i) => wanted.every((w) => i.labels.some((l) => l.toLowerCase() === w)))
    .filter((i) => !creator || i.user.login.toLowerCase() === creator)
    .filter((i) => !since || i.updatedAt >= since)
    .sort((a, b) => {
      const key = sort === "updated" ? "updatedAt" : "createdAt";
      const order = a[key] === b[key] ? a.number - b.number : a[key] < b[key] ? -1 : 1;
      return direction === "asc" ? order : -order;
    });
  return paginate(ctx, items.map((i) => issueJson(ctx.urls, ctx.state, repo, i)));
});

const getIssue = withIssue((ctx, repo, issue) => ({ status: 200, body: issueJson(ctx.urls, ctx.state, repo, issue) }));

const updateIssue = withIssue((ctx, repo, issue) => {
  const body = ctx.body as { title?: string | number | null; body?: string | null; state?: "open" | "closed"; state_reason?: FakeIssue["stateReason"]; labels?: unknown; assignees?: string[] };
  const now = ctx.state.timestamp();
  if (body.title !== undefined && body.title !== null) issue.title = String(body.title);
  if (body.body !== undefined) issue.body = body.body;
  if (body.state && body.state !== issue.state) {
    issue.state = body.state;
    issue.closedAt = body.state === "closed" ? now : null;
    issue.stateReason = body.state === "closed" ? (body.state_reason ?? "completed") : "reopened";
  } else if (body.state_reason !== undefined) issue.stateReason = body.state_reason;
  if (body.labels !== undefined) issue.labels = labelNames(body.labels).map((n) => ctx.state.ensureLabel(repo, n).name);
  if (body.assignees !== undefined) issue.assignees = body.assignees;
  issue.updatedAt = now;
  return { status: 200, body: issueJson(ctx.urls, ctx.state, repo, issue) };
});

// ---------------------------------------------------------------- comments

const createComment = withIssue((ctx, repo, issue) => {
  const now = ctx.state.timestamp();
  const comment = { id: ctx.state.id(), issueNumber: issue.number, body: (ctx.body as { body: string }).body, user: ctx.actor, createdAt: now, updatedAt: now };
  repo.comments.set(comment.id, comment);
  issue.updatedAt = now;
  return { status: 201, body: commentJson(ctx.urls, repo, comment) };
});

const listComments = withIssue((ctx, repo, issue) => {
  const since = ctx.query.since;
  const items = [...repo.comments.values()].filter((c) => c.issueNumber === issue.number && (!since || c.updatedAt >= since)).sort(byCreation);
  return paginate(ctx, items.map((c) => commentJson(ctx.urls, repo, c)));
});

const withComment = (handler: (ctx: RestContext, repo: FakeRepo, id: number) => RestReply): RestHandler =>
  withRepo((ctx, repo) => {
    const id = Number(ctx.params.comment_id);
    return repo.comments.has(id) ? handler(ctx, repo, id) : notFound();
  });

const getComment = withComment((ctx, repo, id) => ({ status: 200, body: commentJson(ctx.urls, repo, repo.comments.get(id) as never) }));

const updateComment = withComment((ctx, repo, id) => {
  const comment = repo.comments.get(id);
  if (!comment) return notFound();
  comment.body = (ctx.body as { body: string }).body;
  comment.updatedAt = ctx.state.timestamp();
  return { status: 200, body: commentJson(ctx.urls, repo, comment) };
});

const deleteComment = withComment((_ctx, repo, id) => {
  repo.comments.delete(id);
  return { status: 204 };
});

// ---------------------------------------------------------------- labels

const listLabels = withRepo((ctx, repo) => paginate(ctx, [...repo.labels.values()].map((l) => labelJson(ctx.urls, repo, l))));

const createLabel = withRepo((ctx, repo) => {
  const body = ctx.body as { name: string; color?: string; description?: string };
  if (repo.labels.has(body.name.toLowerCase())) return unprocessable("Validation Failed", [{ resource: "Label", code: "already_exists", field: "name" }]);
  const label = ctx.state.ensureLabel(repo, body.name);
  if (body.color) label.color = body.color.replace(/^#/, "");
  label.description = body.description ?? null;
  return { status: 201, body: labelJson(ctx.urls, repo, label) };
});

const getLabel = withRepo((ctx, repo) => {
  const label = repo.labels.get((ctx.params.name ?? "").toLowerCase());
  return label ? { status: 200, body: labelJson(ctx.urls, repo, label) } : notFound();
});

const issueLabels = (ctx: RestContext, repo: FakeRepo, issue: FakeIssue): RestReply => ({
  status: 200,
  body: issue.labels.map((n) => labelJson(ctx.urls, repo, ctx.state.ensureLabel(repo, n))),
});

const addLabels = withIssue((ctx, repo, issue) => {
  for (const name of labelNames(ctx.body)) {
    const label = ctx.state.ensureLabel(repo, name);
    if (!issue.labels.some((l) => l.toLowerCase() === label.name.toLowerCase())) issue.labels.push(label.name);
  }
  issue.updatedAt = ctx.state.timestamp();
  return issueLabels(ctx, repo, issue);
});

const setLabels = withIssue((ctx, repo, issue) => {
  issue.labels = labelNames(ctx.body).map((n) => ctx.state.ensureLabel(repo, n).name);
  issue.updatedAt = ctx.state.timestamp();
  return issueLabels(ctx, repo, issue);
});

const removeLabel = withIssue((ctx, repo, issue) => {
  const name = (ctx.params.name ?? "").toLowerCase();
  if (!issue.labels.some((l) => l.toLowerCase() === name)) return notFound("Label does not exist");
  issue.labels = issue.labels.filter((l) => l.toLowerCase() !== name);
  issue.updatedAt = ctx.state.timestamp();
  return issueLabels(ctx, repo, issue);
});

// ---------------------------------------------------------------- reactions

function listReactions(ctx: RestContext, repo: FakeRepo, target: { kind: "issue"; number: number } | { kind: "comment"; id: number }): RestReply {
  const content = ctx.query.content;
  const items = repo.reactions.filter(
    (r) => (target.kind === "issue" ? r.target.kind === "issue" && r.target.number === target.number : r.target.kind === "comment" && r.target.id === target.id) && (!content || r.content === content),
  );
  return paginate(ctx, items.map((r) => reactionJson(ctx.urls, r)));
}

function createReaction(ctx: RestContext, repo: FakeRepo, target: { kind: "issue"; number: number } | { kind: "comment"; id: number }): RestReply {
  const content = (ctx.body as { content: ReactionContent }).content;
  const existing = repo.reactions.find((r) => r.user.id === ctx.actor.id && r.content === content && JSON.stringify(r.target) === JSON.stringify(target));
  if (existing) return { status: 200, body: reactionJson(ctx.urls, existing) };
  const reaction = { id: ctx.state.id(), user: ctx.actor, content, createdAt: ctx.state.timestamp(), target };
  repo.reactions.push(reaction);
  return { status: 201, body: reactionJson(ctx.urls, reaction) };
}

// ---------------------------------------------------------------- check runs

interface CheckRunBody {
  name?: string;
  head_sha?: string;
  status?: string;
  conclusion?: string;
  started_at?: string;
  completed_at?: string;
  details_url?: string;
  external_id?: string;
  output?: { title?: string; summary?: string; text?: string; annotations?: FakeAnnotation[] };
}

function applyCheckRun(ctx: RestContext, run: FakeCheckRun, body: CheckRunBody): void {
  if (body.name !== undefined) run.name = body.name;
  if (body.status !== undefined) run.status = body.status;
  if (body.conclusion !== undefined) {
    run.conclusion = body.conclusion;
    run.status = "completed";
  }
  if (body.started_at !== undefined) run.startedAt = body.started_at;
  if (body.completed_at !== undefined) run.completedAt = body.completed_at;
  if (run.status === "completed" && !run.completedAt) run.completedAt = ctx.state.timestamp();
  if (body.details_url !== undefined) run.detailsUrl = body.details_url;
  if (body.external_id !== undefined) run.externalId = body.external_id;
  if (body.output) {
    run.output = { title: body.output.title ?? run.output.title, summary: body.output.summary ?? run.output.summary, text: body.output.text ?? run.output.text };
    run.annotations.push(...(body.output.annotations ?? []));
  }
}

const createCheckRun = withRepo((ctx, repo) => {
  const body = ctx.body as CheckRunBody;
  const run: FakeCheckRun = {
    id: ctx.state.id(),
    name: body.name ?? "",
    headSha: body.head_sha ?? "",
    status: "queued",
    conclusion: null,
    startedAt: ctx.state.timestamp(),
    completedAt: null,
    detailsUrl: null,
    externalId: null,
    output: { title: null, summary: null, text: null },
    annotations: [],
    appId: ctx.state.app.id,
  };
  applyCheckRun(ctx, run, body);
  repo.checkRuns.set(run.id, run);
  return { status: 201, body: checkRunJson(ctx.urls, ctx.state, repo, run) };
});

const updateCheckRun = withRepo((ctx, repo) => {
  const run = repo.checkRuns.get(Number(ctx.params.check_run_id));
  if (!run) return notFound();
  applyCheckRun(ctx, run, ctx.body as CheckRunBody);
  return { status: 200, body: checkRunJson(ctx.urls, ctx.state, repo, run) };
});

const getCheckRun = withRepo((ctx, repo) => {
  const run = repo.checkRuns.get(Number(ctx.params.check_run_id));
  return run ? { status: 200, body: checkRunJson(ctx.urls, ctx.state, repo, run) } : notFound();
});

const listCheckRunsForRef = withRepo((ctx, repo) => {
  const ref = ctx.params.ref ?? "";
  const sha = ctx.state.resolveRef(repo, ref) ?? ref;
  const items = [...repo.checkRuns.values()]
    .filter((r) => r.headSha === sha && (!ctx.query.check_name || r.name === ctx.query.check_name) && (!ctx.query.status || r.status === ctx.query.status))
    .sort((a, b) => b.id - a.id);
  return paginate(ctx, items, (page) => ({ total_count: items.length, check_runs: page.map((r) => checkRunJson(ctx.urls, ctx.state, repo, r)) }));
});

// ---------------------------------------------------------------- git data

const getRef = withRepo((ctx, repo) => {
  const ref = (ctx.params.ref ?? "").replace(/^refs\//, "");
  const sha = repo.refs.get(ref);
  return sha ? { status: 200, body: gitRefJson(ctx.urls, repo, ref, sha) } : notFound();
});

const createRef = withRepo((ctx, repo) => {
  const body = ctx.body as { ref: string; sha: string };
  if (!/^refs\/.+\/.+/.test(body.ref)) return unprocessable("Reference name must start with 'refs/' and have at least two slashes.");
  const ref = body.ref.replace(/^refs\//, "");
  if (repo.refs.has(ref)) return unprocessable("Reference already exists");
  if (!repo.commits.has(body.sha)) return unprocessable("Object does not exist");
  repo.refs.set(ref, body.sha);
  return { status: 201, body: gitRefJson(ctx.urls, repo, ref, body.sha) };
});

const updateRef = withRepo((ctx, repo) => {
  const body = ctx.body as { sha: string; force?: boolean };
  const ref = (ctx.params.ref ?? "").replace(/^refs\//, "");
  const current = repo.refs.get(ref);
  if (!current) return unprocessable("Reference does not exist");
  if (!repo.commits.has(body.sha)) return unprocessable("Object does not exist");
  if (!body.force && !ctx.state.isAncestor(repo, current, body.sha)) return unprocessable("Update is not a fast forward");
  repo.refs.set(ref, body.sha);
  return { status: 200, body: gitRefJson(ctx.urls, repo, ref, body.sha) };
});

const deleteRef = withRepo((ctx, repo) => {
  const ref = (ctx.params.ref ?? "").replace(/^refs\//, "");
  if (!repo.refs.delete(ref)) return unprocessable("Reference does not exist");
  return { status: 204 };
});

const getCommit = withRepo((ctx, repo) => {
  const commit = repo.commits.get(ctx.params.commit_sha ?? "");
  return commit ? { status: 200, body: gitCommitJson(ctx.urls, repo, commit) } : notFound();
});

const createBlob = withRepo((ctx, repo) => {
  const body = ctx.body as { content: string; encoding?: string };
  const content = body.encoding === "base64" ? Buffer.from(body.content, "base64") : Buffer.from(body.content, "utf8");
  const sha = ctx.state.storeBlob(repo, content);
  return { status: 201, body: { sha, url: `${ctx.urls.api}/repos/${repo.owner.login}/${repo.name}/git/blobs/${sha}` } };
});

const getBlob = withRepo((ctx, repo) => {
  const sha = ctx.params.file_sha ?? "";
  const content = repo.blobs.get(sha);
  if (!content) return notFound();
  return { status: 200, body: { sha, node_id: sha, size: content.length, url: `${ctx.urls.api}/repos/${repo.owner.login}/${repo.name}/git/blobs/${sha}`, content: content.toString("base64"), encoding: "base64" } };
});

const createTree = withRepo((ctx, repo) => {
  const body = ctx.body as { base_tree?: string; tree: { path?: string; mode?: string; type?: string; sha?: string | null; content?: string }[] };
  let entries = new Map<string, string>();
  if (body.base_tree) {
    const base = repo.trees.get(body.base_tree) ?? (repo.commits.has(body.base_tree) ? ctx.state.treeOf(repo, body.base_tree) : undefined);
    if (!base) return unprocessable("Invalid tree info", [{ resource: "Tree", code: "invalid", field: "base_tree" }]);
    entries = new Map(base);
  }
  for (const entry of body.tree) {
    const path = (entry.path ?? "").replace(/^\/+|\/+$/g, "");
    if (entry.type === "tree") {
      for (const p of [...entries.keys()]) if (p.startsWith(`${path}/`)) entries.delete(p);
      if (entry.sha) {
        const sub = repo.trees.get(entry.sha);
        if (!sub) return unprocessable("Invalid tree info", [{ resource: "Tree", code: "invalid", field: "tree" }]);
        for (const [p, b] of sub) entries.set(`${path}/${p}`, b);
      }
      continue;
    }
    if (entry.content !== undefined) entries.set(path, ctx.state.storeBlob(repo, Buffer.from(entry.content, "utf8")));
    else if (entry.sha === null) entries.delete(path);
    else if (entry.sha) {
      if (!repo.blobs.has(entry.sha)) return unprocessable("Invalid tree info", [{ resource: "Tree", code: "invalid", field: "tree" }]);
      entries.set(path, entry.sha);
    }
  }
  const sha = ctx.state.storeTree(repo, entries);
  return { status: 201, body: gitTreeJson(ctx.urls, repo, sha, entries) };
});

const createCommit = withRepo((ctx, repo) => {
  const body = ctx.body as { message: string; tree: string; parents?: string[]; author?: { name: string; email: string; date?: string } };
  if (!repo.trees.has(body.tree)) return unprocessable("Tree SHA does not exist");
  const parents = body.parents ?? [];
  if (parents.some((p) => !repo.commits.has(p))) return unprocessable("Parent SHA does not exist or is not a commit object");
  const author = body.author ? { name: body.author.name, email: body.author.email, date: body.author.date ?? ctx.state.timestamp() } : { name: ctx.actor.login, email: `${ctx.actor.login}@users.noreply.github.com`, date: ctx.state.timestamp() };
  const sha = ctx.state.storeCommit(repo, { treeSha: body.tree, parents, message: body.message, author });
  return { status: 201, body: gitCommitJson(ctx.urls, repo, repo.commits.get(sha) as never) };
});

const compareCommits = withRepo((ctx, repo) => {
  const [base, head] = (ctx.params.basehead ?? "").split("...");
  const baseSha = base ? ctx.state.resolveRef(repo, base) : undefined;
  const headSha = head ? ctx.state.resolveRef(repo, head) : undefined;
  if (!baseSha || !headSha) return notFound();
  const reachable = (from: string): string[] => {
    const out: string[] = [];
    const stack = [from];
    const seen = new Set<string>();
    while (stack.length) {
      const sha = stack.pop() as string;
      if (seen.has(sha)) continue;
      seen.add(sha);
      out.push(sha);
      stack.push(...(repo.commits.get(sha)?.parents ?? []));
    }
    return out;
  };
  const fromBase = new Set(reachable(baseSha));
  const fromHead = new Set(reachable(headSha));
  const ahead = [...fromHead].filter((s) => !fromBase.has(s)).reverse();
  const behind = [...fromBase].filter((s) => !fromHead.has(s));
  const baseTree = ctx.state.treeOf(repo, baseSha);
  const headTree = ctx.state.treeOf(repo, headSha);
  const files: unknown[] = [];
  for (const path of new Set([...baseTree.keys(), ...headTree.keys()])) {
    const a = baseTree.get(path);
    const b = headTree.get(path);
    if (a === b) continue;
    files.push({ sha: b ?? a, filename: path, status: !a ? "added" : !b ? "removed" : "modified", additions: 0, deletions: 0, changes: 0, blob_url: "", raw_url: "", contents_url: "" });
  }
  return {
    status: 200,
    body: {
      url: `${ctx.urls.api}/repos/${repo.owner.login}/${repo.name}/compare/${ctx.params.basehead}`,
      status: ahead.length && behind.length ? "diverged" : ahead.length ? "ahead" : behind.length ? "behind" : "identical",
      ahead_by: ahead.length,
      behind_by: behind.length,
      total_commits: ahead.length,
      base_commit: { sha: baseSha, commit: gitCommitJson(ctx.urls, repo, repo.commits.get(baseSha) as never) },
      commits: ahead.map((sha) => ({ sha, commit: gitCommitJson(ctx.urls, repo, repo.commits.get(sha) as never) })),
      files,
    },
  };
});

// ---------------------------------------------------------------- pulls

const getPull = withPull((ctx, repo, issue) => ({ status: 200, body: pullJson(ctx.urls, ctx.state, repo, issue) }));

const listPullFiles = withPull((ctx, repo, issue) =>
  paginate(
    ctx,
    (issue.pull?.tracksBranch ? pullFiles(ctx.state, repo, issue) : (issue.pull?.files ?? [])).map((f) => ({
      sha: "0".repeat(40),
      filename: f.path,
      status: f.status,
      additions: f.additions,
      deletions: f.deletions,
      changes: f.additions + f.deletions,
      blob_url: `${ctx.urls.html}/${repo.owner.login}/${repo.name}/blob/${issue.pull?.headSha}/${f.path}`,
      raw_url: `${ctx.urls.html}/${repo.owner.login}/${repo.name}/raw/${issue.pull?.headSha}/${f.path}`,
      contents_url: `${ctx.urls.api}/repos/${repo.owner.login}/${repo.name}/contents/${f.path}?ref=${issue.pull?.headSha}`,
    })),
  ),
);

const listPullReviews = withPull((ctx, repo, issue) =>
  paginate(
    ctx,
    (issue.pull?.reviews ?? []).map((r) => ({
      id: r.id,
      node_id: Buffer.from(`PRR${r.id}`).toString("base64"),
      user: accountJson(ctx.urls, r.author),
      body: r.body,
      state: r.state,
      html_url: `${ctx.urls.html}/${repo.owner.login}/${repo.name}/pull/${issue.number}#pullrequestreview-${r.id}`,
      pull_request_url: `${ctx.urls.api}/repos/${repo.owner.login}/${repo.name}/pulls/${issue.number}`,
      submitted_at: r.submittedAt,
      commit_id: issue.pull?.headSha,
      author_association: "NONE",
      _links: { html: { href: "" }, pull_request: { href: "" } },
    })),
  ),
);

// ---------------------------------------------------------------- pulls: open, list, update (close/reopen), merge — see pull-requests.ts

function pullError(status: number, message: string, errors?: unknown[]): RestReply {
  return { status, body: { message, ...(errors ? { errors } : {}), documentation_url: DOCS, status: String(status) } };
}

const createPull = withRepo((ctx, repo) => {
  const body = ctx.body as { title?: string; head: string; base: string; body?: string; draft?: boolean; issue?: number };
  if (body.title === undefined) return pullError(422, "Validation Failed", [{ resource: "PullRequest", field: "title", code: "missing_field" }]);
  const out = openPull(ctx.state, repo, { title: body.title, body: body.body ?? null, head: body.head, base: body.base, author: ctx.actor, ...(body.draft !== undefined ? { draft: body.draft } : {}) });
  if ("status" in out) return pullError(out.status, out.message, out.errors);
  return { status: 201, body: pullJson(ctx.urls, ctx.state, repo, out) };
});

const listPulls = withRepo((ctx, repo) => {
  const state = ctx.query.state ?? "open";
  const head = ctx.query.head;
  const [headOwner, headRef] = head && head.includes(":") ? [head.slice(0, head.indexOf(":")), head.slice(head.indexOf(":") + 1)] : [undefined, head];
  const sort = ctx.query.sort ?? "created";
  const direction = ctx.query.direction ?? (sort === "created" ? "desc" : "asc");
  const items = [...repo.issues.values()]
    .filter((i) => i.pull && (state === "all" || i.state === state))
    .filter((i) => !headRef || (i.pull?.headRef === headRef && (!headOwner || headOwner.toLowerCase() === repo.owner.login.toLowerCase())))
    .filter((i) => !ctx.query.base || i.pull?.baseRef === ctx.query.base)
    .sort((a, b) => {
      const key = sort === "updated" ? "updatedAt" : "createdAt";
      const order = a[key] === b[key] ? a.number - b.number : a[key] < b[key] ? -1 : 1;
      return direction === "asc" ? order : -order;
    });
  return paginate(ctx, items.map((i) => pullJson(ctx.urls, ctx.state, repo, i)));
});

const updatePull = withPull((ctx, repo, issue) => {
  const body = ctx.body as { title?: string; body?: string; state?: "open" | "closed"; base?: string };
  const pull = issue.pull!;
  if (body.base !== undefined) {
    if (!repo.refs.has(`heads/${body.base}`)) return pullError(422, "Validation Failed", [{ resource: "PullRequest", field: "base", code: "invalid" }]);
    pull.baseRef = body.base;
  }
  if (body.state !== undefined) {
    const refused = setPullState(ctx.state, repo, issue, body.state);
    if (refused) return pullError(422, "Validation Failed", [{ resource: "PullRequest", code: "custom", field: "state", message: refused }]);
  }
  if (body.title !== undefined) issue.title = body.title;
  if (body.body !== undefined) issue.body = body.body;
  issue.updatedAt = ctx.state.timestamp();
  return { status: 200, body: pullJson(ctx.urls, ctx.state, repo, issue) };
});

const mergePullHandler = withPull((ctx, repo, issue) => {
  const body = (ctx.body ?? {}) as { commit_title?: string; commit_message?: string; sha?: string; merge_method?: MergeMethod };
  const out = mergePull(ctx.state, repo, issue, {
    by: ctx.actor,
    ...(body.merge_method ? { method: body.merge_method } : {}),
    ...(body.sha ? { sha: body.sha } : {}),
    ...(body.commit_title ? { title: body.commit_title } : {}),
    ...(body.commit_message ? { message: body.commit_message } : {}),
  });
  if (out.status !== 200) return pullError(out.status, out.message);
  return { status: 200, body: { sha: out.sha, merged: true, message: "Pull Request successfully merged" } };
});

const pullWriteHandlers: Record<string, RestHandler> = {
  "pulls/create": createPull,
  "pulls/list": listPulls,
  "pulls/update": updatePull,
  "pulls/merge": mergePullHandler,
};

/** Every implemented operation. Anything else that GitHub has answers 501 and is a violation. */
export const restHandlers: Record<string, RestHandler> = {
  "meta/get": getMeta,
  "apps/create-installation-access-token": createInstallationToken,
  "apps/get-installation": getInstallation,
  "apps/get-repo-installation": withRepo((ctx, repo) => ({ status: 200, body: installationJson(ctx.urls, ctx.state, repo.installationId, repo.owner) })),
  "apps/get-authenticated": (ctx) => ({ status: 200, body: appJson(ctx.urls, ctx.state) }),
  "apps/list-installations": listInstallations,
  "apps/list-repos-accessible-to-installation": listInstallationRepos,
  "repos/get": withRepo((ctx, repo) => ({ status: 200, body: repoJson(ctx.urls, repo) })),
  "repos/get-content": getContent,
  "repos/create-or-update-file-contents": putContent,
  "repos/compare-commits": compareCommits,
  "issues/create": createIssue,
  "issues/list-for-repo": listIssues,
  "issues/get": getIssue,
  "issues/update": updateIssue,
  "issues/create-comment": createComment,
  "issues/list-comments": listComments,
  "issues/get-comment": getComment,
  "issues/update-comment": updateComment,
  "issues/delete-comment": deleteComment,
  "issues/list-labels-for-repo": listLabels,
  "issues/create-label": createLabel,
  "issues/get-label": getLabel,
  "issues/list-labels-on-issue": withIssue(issueLabels),
  "issues/add-labels": addLabels,
  "issues/set-labels": setLabels,
  "issues/remove-label": removeLabel,
  "reactions/list-for-issue": withIssue((ctx, repo, issue) => listReactions(ctx, repo, { kind: "issue", number: issue.number })),
  "reactions/create-for-issue": withIssue((ctx, repo, issue) => createReaction(ctx, repo, { kind: "issue", number: issue.number })),
  "reactions/list-for-issue-comment": withComment((ctx, repo, id) => listReactions(ctx, repo, { kind: "comment", id })),
  "reactions/create-for-issue-comment": withComment((ctx, repo, id) => createReaction(ctx, repo, { kind: "comment", id })),
  "checks/create": createCheckRun,
  "checks/update": updateCheckRun,
  "checks/get": getCheckRun,
  "checks/list-for-ref": listCheckRunsForRef,
  "git/get-ref": getRef,
  "git/create-ref": createRef,
  "git/update-ref": updateRef,
  "git/delete-ref": deleteRef,
  "git/get-commit": getCommit,
  "git/create-blob": createBlob,
  "git/get-blob": getBlob,
  "git/create-tree": createTree,
  "git/create-commit": createCommit,
  "pulls/get": getPull,
  "pulls/list-files": listPullFiles,
  "pulls/list-reviews": listPullReviews,
  ...accessRestHandlers,
  ...pullWriteHandlers,
};
