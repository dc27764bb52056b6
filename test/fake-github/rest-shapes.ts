// JSON shapes of GitHub's REST resources, close enough to the real ones that octokit
// and the app's own parsing see what they would see on github.com.
import { pullHead, pullMergeable } from "./pull-requests.js";
import type { FakeAccount, FakeCheckRun, FakeComment, FakeCommit, FakeIssue, FakeLabel, FakeReaction, FakeRepo, FakeState } from "./state.js";

/** Base URLs the fake answers on: API root (…/api/v3) and web root. */
export interface FakeUrls {
  api: string;
  html: string;
}

type Json = Record<string, unknown>;

function nodeId(kind: string, id: number): string {
  return Buffer.from(`0:${kind}${id}`).toString("base64").replace(/=+$/, "");
}

/** A simple user/bot/org object as embedded in other resources. */
export function accountJson(urls: FakeUrls, a: FakeAccount): Json {
  return {
    login: a.login,
    id: a.id,
    node_id: nodeId(a.type, a.id),
    avatar_url: `${urls.html}/avatars/u/${a.id}`,
    gravatar_id: "",
    url: `${urls.api}/users/${encodeURIComponent(a.login)}`,
    html_url: `${urls.html}/${a.type === "Bot" ? "apps/" + a.login.replace(/\[bot\]$/, "") : a.login}`,
    followers_url: `${urls.api}/users/${a.login}/followers`,
    following_url: `${urls.api}/users/${a.login}/following{/other_user}`,
    gists_url: `${urls.api}/users/${a.login}/gists{/gist_id}`,
    starred_url: `${urls.api}/users/${a.login}/starred{/owner}{/repo}`,
    subscriptions_url: `${urls.api}/users/${a.login}/subscriptions`,
    organizations_url: `${urls.api}/users/${a.login}/orgs`,
    repos_url: `${urls.api}/users/${a.login}/repos`,
    events_url: `${urls.api}/users/${a.login}/events{/privacy}`,
    received_events_url: `${urls.api}/users/${a.login}/received_events`,
    type: a.type,
    site_admin: false,
    user_view_type: "public",
  };
}

function repoApi(urls: FakeUrls, repo: FakeRepo): string {
  return `${urls.api}/repos/${repo.owner.login}/${repo.name}`;
}

function repoHtml(urls: FakeUrls, repo: FakeRepo): string {
  return `${urls.html}/${repo.owner.login}/${repo.name}`;
}

/** The full repository object of GET /repos/{owner}/{repo}. */
export function repoJson(urls: FakeUrls, repo: FakeRepo): Json {
  const api = repoApi(urls, repo);
  return {
    id: repo.id,
    node_id: nodeId("Repository", repo.id),
    name: repo.name,
    full_name: `${repo.owner.login}/${repo.name}`,
    private: repo.private,
    visibility: repo.private ? "private" : "public",
    owner: accountJson(urls, repo.owner),
    html_url: repoHtml(urls, repo),
    description: null,
    fork: false,
    url: api,
    issues_url: `${api}/issues{/number}`,
    pulls_url: `${api}/pulls{/number}`,
    contents_url: `${api}/contents/{+path}`,
    labels_url: `${api}/labels{/name}`,
    git_url: `git://${new URL(urls.html).host}/${repo.owner.login}/${repo.name}.git`,
    clone_url: `${repoHtml(urls, repo)}.git`,
    default_branch: repo.defaultBranch,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    pushed_at: repo.createdAt,
    archived: repo.archived === true,
    disabled: false,
    has_issues: true,
    has_projects: true,
    has_wiki: false,
    open_issues_count: [...repo.issues.values()].filter((i) => i.state === "open").length,
    stargazers_count: 0,
    watchers_count: 0,
    forks_count: 0,
    size: 0,
    language: null,
    topics: [],
    permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
  };
}

/** A label object. */
export function labelJson(urls: FakeUrls, repo: FakeRepo, label: FakeLabel): Json {
  return {
    id: label.id,
    node_id: nodeId("Label", label.id),
    url: `${repoApi(urls, repo)}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    default: false,
    description: label.description,
  };
}

function reactionSummary(urls: FakeUrls, repo: FakeRepo, reactions: FakeReaction[], url: string): Json {
  const count = (c: string) => reactions.filter((r) => r.content === c).length;
  return {
    url,
    total_count: reactions.length,
    "+1": count("+1"),
    "-1": count("-1"),
    laugh: count("laugh"),
    hooray: count("hooray"),
    confused: count("confused"),
    heart: count("heart"),
    rocket: count("rocket"),
    eyes: count("eyes"),
  };
}

/** An issue (or a pull request seen through the issues API, with `pull_request`). */
export function issueJson(urls: FakeUrls, state: FakeState, repo: FakeRepo, issue: FakeIssue): Json {
  const api = `${repoApi(urls, repo)}/issues/${issue.number}`;
  const kind = issue.pull ? "pull" : "issues";
  const reactions = repo.reactions.filter((r) => r.target.kind === "issue" && r.target.number === issue.number);
  return {
    id: issue.id,
    node_id: nodeId(issue.pull ? "PullRequest" : "Issue", issue.id),
    url: api,
    repository_url: repoApi(urls, repo),
    labels_url: `${api}/labels{/name}`,
    comments_url: `${api}/comments`,
    events_url: `${api}/events`,
    html_url: `${repoHtml(urls, repo)}/${kind}/${issue.number}`,
    number: issue.number,
    state: issue.state,
    state_reason: issue.stateReason,
    title: issue.title,
    body: issue.body,
    user: accountJson(urls, issue.user),
    labels: issue.labels.map((name) => labelJson(urls, repo, state.ensureLabel(repo, name))),
    assignee: issue.assignees[0] ? accountJson(urls, state.account(issue.assignees[0])) : null,
    assignees: issue.assignees.map((login) => accountJson(urls, state.account(login))),
    milestone: null,
    locked: issue.locked,
    active_lock_reason: null,
    comments: [...repo.comments.values()].filter((c) => c.issueNumber === issue.number).length,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    author_association: authorAssociation(repo, issue.user),
    reactions: reactionSummary(urls, repo, reactions, `${api}/reactions`),
    ...(issue.pull
      ? {
          pull_request: {
            url: `${repoApi(urls, repo)}/pulls/${issue.number}`,
            html_url: `${repoHtml(urls, repo)}/pull/${issue.number}`,
            diff_url: `${repoHtml(urls, repo)}/pull/${issue.number}.diff`,
            patch_url: `${repoHtml(urls, repo)}/pull/${issue.number}.patch`,
            merged_at: issue.pull.mergedAt,
          },
        }
      : {}),
  };
}

function authorAssociation(repo: FakeRepo, user: FakeAccount): string {
  return user.login.toLowerCase() === repo.owner.login.toLowerCase() ? "OWNER" : "NONE";
}

/** A pull request object of GET /repos/{owner}/{repo}/pulls/{n}. */
export function pullJson(urls: FakeUrls, state: FakeState, repo: FakeRepo, issue: FakeIssue): Json {
  const pull = issue.pull;
  if (!pull) throw new Error(`#${issue.number} is not a pull request`);
  const base = issueJson(urls, state, repo, issue);
  return {
    ...base,
    url: `${repoApi(urls, repo)}/pulls/${issue.number}`,
    html_url: `${repoHtml(urls, repo)}/pull/${issue.number}`,
    issue_url: `${repoApi(urls, repo)}/issues/${issue.number}`,
    pull_request: undefined,
    merged: pull.mergedAt !== null,
    merged_at: pull.mergedAt,
    merged_by: pull.mergedBy ? accountJson(urls, pull.mergedBy) : null,
    merge_commit_sha: pull.mergeCommitSha ?? null,
    draft: pull.draft ?? false,
    ...mergeability(state, repo, issue),
    head: { label: `${repo.owner.login}:${pull.headRef}`, ref: pull.headRef, sha: pullHead(repo, issue), user: accountJson(urls, repo.owner), repo: repoJson(urls, repo) },
    base: { label: `${repo.owner.login}:${pull.baseRef}`, ref: pull.baseRef, sha: repo.refs.get(`heads/${pull.baseRef}`) ?? pull.headSha, user: accountJson(urls, repo.owner), repo: repoJson(urls, repo) },
    additions: pull.additions,
    deletions: pull.deletions,
    changed_files: pull.files.length,
    commits: 1,
    review_comments: 0,
    requested_reviewers: [],
    requested_teams: [],
  };
}

/** `mergeable` and friends, as GET pulls/{n} reports them (pull-requests.ts decides). */
function mergeability(state: FakeState, repo: FakeRepo, issue: FakeIssue): Json {
  const mergeable = pullMergeable(state, repo, issue);
  return { mergeable, rebaseable: mergeable, mergeable_state: mergeable === null ? "unknown" : mergeable ? "clean" : "dirty", maintainer_can_modify: false };
}

/** An issue comment. */
export function commentJson(urls: FakeUrls, repo: FakeRepo, comment: FakeComment): Json {
  const api = `${repoApi(urls, repo)}/issues/comments/${comment.id}`;
  const reactions = repo.reactions.filter((r) => r.target.kind === "comment" && r.target.id === comment.id);
  return {
    id: comment.id,
    node_id: nodeId("IssueComment", comment.id),
    url: api,
    html_url: `${repoHtml(urls, repo)}/issues/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${repoApi(urls, repo)}/issues/${comment.issueNumber}`,
    body: comment.body,
    user: accountJson(urls, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: authorAssociation(repo, comment.user),
    reactions: reactionSummary(urls, repo, reactions, `${api}/reactions`),
  };
}

/** A reaction. */
export function reactionJson(urls: FakeUrls, reaction: FakeReaction): Json {
  return { id: reaction.id, node_id: nodeId("Reaction", reaction.id), user: accountJson(urls, reaction.user), content: reaction.content, created_at: reaction.createdAt };
}

/** A check run. */
export function checkRunJson(urls: FakeUrls, state: FakeState, repo: FakeRepo, run: FakeCheckRun): Json {
  const api = `${repoApi(urls, repo)}/check-runs/${run.id}`;
  return {
    id: run.id,
    node_id: nodeId("CheckRun", run.id),
    head_sha: run.headSha,
    external_id: run.externalId ?? "",
    url: api,
    html_url: `${repoHtml(urls, repo)}/runs/${run.id}`,
    details_url: run.detailsUrl ?? `${repoHtml(urls, repo)}/runs/${run.id}`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    name: run.name,
    output: { title: run.output.title, summary: run.output.summary, text: run.output.text, annotations_count: run.annotations.length, annotations_url: `${api}/annotations` },
    check_suite: { id: run.id + 1 },
    app: appJson(urls, state),
    pull_requests: [],
  };
}

/** The GitHub App object (GET /app, and `app` in check runs). */
export function appJson(urls: FakeUrls, state: FakeState): Json {
  const app = state.app;
  return {
    id: app.id,
    slug: app.slug,
    node_id: nodeId("Integration", app.id),
    client_id: `Iv1.${app.id}`,
    owner: accountJson(urls, app.owner),
    name: app.name,
    description: "",
    external_url: urls.html,
    html_url: `${urls.html}/apps/${app.slug}`,
    created_at: "2024-01-01T00:00:00Z",
    updated_at: "2024-01-01T00:00:00Z",
    permissions: { checks: "write", contents: "write", issues: "write", metadata: "read", pull_requests: "write" },
    events: ["issues", "issue_comment", "pull_request", "pull_request_review", "push", "installation"],
    installations_count: new Set([...state.repos.values()].map((r) => r.installationId)).size,
  };
}

/** An installation object. */
export function installationJson(urls: FakeUrls, state: FakeState, installationId: number, account: FakeAccount): Json {
  return {
    id: installationId,
    account: accountJson(urls, account),
    repository_selection: "selected",
    access_tokens_url: `${urls.api}/app/installations/${installationId}/access_tokens`,
    repositories_url: `${urls.api}/installation/repositories`,
    html_url: `${urls.html}/settings/installations/${installationId}`,
    app_id: state.app.id,
    app_slug: state.app.slug,
    target_id: account.id,
    target_type: account.type === "Organization" ? "Organization" : "User",
    permissions: { checks: "write", contents: "write", issues: "write", metadata: "read", pull_requests: "write" },
    events: ["issues", "issue_comment", "pull_request", "pull_request_review", "push"],
    created_at: "2024-01-01T00:00:00Z",
    updated_at: "2024-01-01T00:00:00Z",
    single_file_name: null,
    suspended_at: null,
    suspended_by: null,
  };
}

/** A git commit object (GET /repos/{o}/{r}/git/commits/{sha}). */
export function gitCommitJson(urls: FakeUrls, repo: FakeRepo, commit: FakeCommit): Json {
  return {
    sha: commit.sha,
    node_id: nodeId("Commit", parseInt(commit.sha.slice(0, 8), 16)),
    url: `${repoApi(urls, repo)}/git/commits/${commit.sha}`,
    html_url: `${repoHtml(urls, repo)}/commit/${commit.sha}`,
    author: commit.author,
    committer: commit.author,
    message: commit.message,
    tree: { sha: commit.treeSha, url: `${repoApi(urls, repo)}/git/trees/${commit.treeSha}` },
    parents: commit.parents.map((sha) => ({ sha, url: `${repoApi(urls, repo)}/git/commits/${sha}`, html_url: `${repoHtml(urls, repo)}/commit/${sha}` })),
    verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
  };
}

/** A git reference (GET/PATCH …/git/ref(s)/{ref}). `ref` is without the "refs/" prefix. */
export function gitRefJson(urls: FakeUrls, repo: FakeRepo, ref: string, sha: string): Json {
  return {
    ref: `refs/${ref}`,
    node_id: nodeId("Ref", ref.length),
    url: `${repoApi(urls, repo)}/git/refs/${ref}`,
    object: { type: "commit", sha, url: `${repoApi(urls, repo)}/git/commits/${sha}` },
  };
}

/** A tree listing as returned by POST …/git/trees (flat trees are shown flat, as `recursive=1` would). */
export function gitTreeJson(urls: FakeUrls, repo: FakeRepo, sha: string, entries: Map<string, string>): Json {
  return {
    sha,
    url: `${repoApi(urls, repo)}/git/trees/${sha}`,
    truncated: false,
    tree: [...entries.entries()].map(([path, blob]) => ({
      path,
      mode: "100644",
      type: "blob",
      sha: blob,
      size: repo.blobs.get(blob)?.length ?? 0,
      url: `${repoApi(urls, repo)}/git/blobs/${blob}`,
    })),
  };
}

/** Base64 the way the contents API sends it: wrapped at 60 characters with "\n". */
export function githubBase64(content: Buffer): string {
  return (content.toString("base64").match(/.{1,60}/g) ?? [""]).join("\n") + "\n";
}

/** A file entry of the contents API; with `content` for a single file, without it in directory listings. */
export function contentFileJson(urls: FakeUrls, repo: FakeRepo, path: string, blobSha: string, ref: string, withContent: boolean): Json {
  const content = repo.blobs.get(blobSha) ?? Buffer.alloc(0);
  const api = `${repoApi(urls, repo)}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const html = `${repoHtml(urls, repo)}/blob/${ref}/${path}`;
  const git = `${repoApi(urls, repo)}/git/blobs/${blobSha}`;
  return {
    type: "file",
    ...(withContent ? { encoding: "base64" } : {}),
    size: content.length,
    name: path.split("/").pop(),
    path,
    ...(withContent ? { content: githubBase64(content) } : {}),
    sha: blobSha,
    url: api,
    git_url: git,
    html_url: html,
    download_url: `${urls.html}/raw/${repo.owner.login}/${repo.name}/${ref}/${path}`,
    _links: { self: api, git, html },
  };
}

/** A directory entry in a contents listing. */
export function contentDirJson(urls: FakeUrls, repo: FakeRepo, path: string, ref: string): Json {
  const api = `${repoApi(urls, repo)}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const html = `${repoHtml(urls, repo)}/tree/${ref}/${path}`;
  return { type: "dir", size: 0, name: path.split("/").pop(), path, sha: "0".repeat(40), url: api, git_url: null, html_url: html, download_url: null, _links: { self: api, git: null, html } };
}
