/**
 * Carries out planned Actions through an octokit, or — in dry run — logs each
 * as a plan line and makes no request at all. Actions run in order; the first
 * failure stops the rest and is rethrown (callers order actions so that a
 * partial run leaves nothing inconsistent, and re-running is idempotent).
 */
import type { AccessAction, Action } from "../plan/actions.js";
import { describeAction } from "../plan/actions.js";
import type { RulesetSpec } from "../plan/access-snapshot.js";
import { isStatus } from "./contents.js";
import { findMarkers, renderMarker } from "../render/markers.js";
import type { Logger } from "./logger.js";

/** The calls the executor makes; a Probot octokit satisfies it. */
export interface WriteClient {
  request(route: string, params: Record<string, unknown>): Promise<{ data: unknown; status: number }>;
  /**
   * GraphQL (octokit's `graphql`, which finds `/api/graphql` on GitHub
   * Enterprise Server). Resolves the `data`; rejects when GitHub answers with
   * errors, the error carrying them as `errors` (octokit's GraphqlResponseError).
   * Without it, commits are made with three REST requests instead of one.
   */
  graphql?<T>(query: string, variables: Record<string, unknown>): Promise<T>;
}

/** The branch moved since the commit was planned: re-read and plan again. */
export class BranchMovedError extends Error {
  constructor(readonly branch: string) {
    super(`branch ${branch} moved while the change was being written`);
    this.name = "BranchMovedError";
  }
}

export interface ActionResult {
  action: Action;
  /** Issue or comment number/id created, when the action created one. */
  created?: { id: number; number?: number; url?: string };
  /** The commit made by a `commit.files` action. */
  commit?: { sha: string; url?: string };
  dryRun: boolean;
  /** True when an earlier attempt had already made it (see `lookBeforeCreate`): nothing was written now. */
  reused?: boolean;
  /** `team.add-member`: `pending` when github.com invited the person (not in the organisation yet) instead of adding them; GHES always adds (`active`). */
  membership?: "active" | "pending";
}

export async function executeActions(
  client: WriteClient,
  actions: readonly Action[],
  opts: {
    dryRun: boolean;
    log: Logger;
    /**
     * Re-running work that may have run before (a retried job): a comment
     * whose body carries hidden markers is created only when no bot comment
     * on that issue carries the same markers yet; otherwise the earlier one
     * is returned as `created` with `reused: true`. Costs one read per page
     * of the issue's comments, so only retried work pays it.
     */
    lookBeforeCreate?: boolean;
  },
): Promise<ActionResult[]> {
  const results: ActionResult[] = [];
  for (const action of actions) {
    if (opts.dryRun) {
      opts.log.info({ plan: describeAction(action) }, `dry run: would ${describeAction(action)}`);
      results.push({ action, dryRun: true });
      continue;
    }
    if (opts.lookBeforeCreate && action.kind === "comment.create") {
      const earlier = await findEarlierComment(client, action);
      if (earlier) {
        opts.log.info({ commentId: earlier.id }, "an earlier attempt already wrote this comment; not writing it again");
        results.push({ action, dryRun: false, created: earlier, reused: true });
        continue;
      }
    }
    results.push({ action, dryRun: false, ...(await run(client, action)) });
  }
  return results;
}

async function run(client: WriteClient, a: Action): Promise<Pick<ActionResult, "created" | "commit" | "membership">> {
  const base = { owner: a.repo.owner, repo: a.repo.repo };
  switch (a.kind) {
    case "check-run.create": {
      const res = await client.request("POST /repos/{owner}/{repo}/check-runs", {
        ...base,
        name: a.name,
        head_sha: a.headSha,
        status: "completed",
        conclusion: a.conclusion,
        output: a.output,
      });
      const data = res.data as { id: number; html_url?: string };
      return { created: { id: data.id, ...(data.html_url ? { url: data.html_url } : {}) } };
    }
    case "issue.create": {
      const res = await client.request("POST /repos/{owner}/{repo}/issues", {
        ...base,
        title: a.title,
        body: a.body,
        labels: a.labels,
        ...(a.assignees?.length ? { assignees: a.assignees } : {}),
      });
      const data = res.data as { id: number; number: number; html_url: string };
      return { created: { id: data.id, number: data.number, url: data.html_url } };
    }
    case "issue.update": {
      const params: Record<string, unknown> = { ...base, issue_number: a.number };
      if (a.title !== undefined) params.title = a.title;
      if (a.body !== undefined) params.body = a.body;
      if (a.state !== undefined) params.state = a.state;
      await client.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", params);
      return {};
    }
    case "comment.create": {
      const res = await client.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
        ...base,
        issue_number: a.issueNumber,
        body: a.body,
      });
      const data = res.data as { id: number; html_url: string };
      return { created: { id: data.id, url: data.html_url } };
    }
    case "comment.update": {
      await client.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
        ...base,
        comment_id: a.commentId,
        body: a.body,
      });
      return {};
    }
    case "issue.close": {
      await client.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
        ...base,
        issue_number: a.number,
        state: "closed",
        state_reason: a.reason,
      });
      return {};
    }
    case "commit.files":
      return { commit: await commitFiles(client, a) };
    case "branch.create":
      return { commit: await createBranch(client, a) };
    case "branch.delete":
      await deleteBranch(client, a);
      return {};
    case "pull.create":
      return { created: await createPull(client, a) };
    case "pull.close":
      await client.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", { ...base, pull_number: a.number, state: "closed" });
      return {};
    default:
      return runAccess(client, a);
  }
}

// --- Access actions (plan/access-plan.ts) ---

/**
 * A CODEOWNERS file was committed but GitHub reports errors in it: the write
 * failed its check. The commit stays (it is on the branch); the errors say
 * which lines, and whether they are in the stewards block or people's lines.
 */
export class CodeownersErrorsError extends Error {
  constructor(
    readonly path: string,
    readonly commitSha: string,
    readonly errors: ReadonlyArray<{ line: number; kind: string; message: string; inBlock: boolean }>,
  ) {
    super(
      `GitHub reports ${errors.length} CODEOWNERS error${errors.length === 1 ? "" : "s"} in ${path} after commit ${commitSha.slice(0, 7)}: ` +
        errors.map((e) => `line ${e.line} (${e.inBlock ? "stewards block" : "outside the stewards block"}): ${e.kind}`).join("; "),
    );
    this.name = "CodeownersErrorsError";
  }
}

function rulesetBody(r: RulesetSpec): Record<string, unknown> {
  return {
    name: r.name,
    target: r.target,
    enforcement: r.enforcement,
    bypass_actors: r.bypassActors.map((b) => ({ actor_id: b.actorId, actor_type: b.actorType, bypass_mode: b.bypassMode })),
    ...(r.conditions ? { conditions: { ref_name: { include: r.conditions.refName.include, exclude: r.conditions.refName.exclude } } } : {}),
    rules: r.rules,
  };
}

async function runAccess(client: WriteClient, a: AccessAction): Promise<Pick<ActionResult, "created" | "commit" | "membership">> {
  const base = { owner: a.repo.owner, repo: a.repo.repo };
  switch (a.kind) {
    case "team.add-member": {
      // role "member": the request would otherwise also change a team maintainer's role (the planner adds only people not in the team).
      const res = await client.request("PUT /orgs/{org}/teams/{team_slug}/memberships/{username}", { org: a.org, team_slug: a.team, username: a.login, role: "member" });
      return { membership: (res.data as { state?: string } | null)?.state === "pending" ? "pending" : "active" };
    }
    case "team.remove-member":
      try {
        await client.request("DELETE /orgs/{org}/teams/{team_slug}/memberships/{username}", { org: a.org, team_slug: a.team, username: a.login });
      } catch (err) {
        // Already gone (someone removed them, or a retried job): the goal is met.
        if (!isStatus(err, 404)) throw err;
      }
      return {};
    case "branch-protection.update": {
      // Granular endpoints rather than the whole-configuration PUT: each touches only its list, so a setting changed by
      // someone between our read and this write is not overwritten with what we read.
      const branch = { ...base, branch: a.branch };
      if (a.restrictionUsers?.add.length) {
        await client.request("POST /repos/{owner}/{repo}/branches/{branch}/protection/restrictions/users", { ...branch, users: a.restrictionUsers.add });
      }
      if (a.restrictionUsers?.remove.length) {
        await client.request("DELETE /repos/{owner}/{repo}/branches/{branch}/protection/restrictions/users", { ...branch, users: a.restrictionUsers.remove });
      }
      const reviews = a.after.requiredPullRequestReviews;
      if (a.pullRequestBypass && reviews) {
        // The review section as read, bypass users changed: every field is sent, so no default can stand in for one we left out.
        const lists = (l: { users: string[]; teams: string[]; apps: string[] }) => ({ users: l.users, teams: l.teams, apps: l.apps });
        await client.request("PATCH /repos/{owner}/{repo}/branches/{branch}/protection/required_pull_request_reviews", {
          ...branch,
          dismiss_stale_reviews: reviews.dismissStaleReviews,
          require_code_owner_reviews: reviews.requireCodeOwnerReviews,
          required_approving_review_count: reviews.requiredApprovingReviewCount,
          require_last_push_approval: reviews.requireLastPushApproval,
          ...(reviews.dismissalRestrictions ? { dismissal_restrictions: lists(reviews.dismissalRestrictions) } : {}),
          bypass_pull_request_allowances: lists({ users: a.pullRequestBypass.users, teams: a.pullRequestBypass.teams, apps: a.pullRequestBypass.apps }),
        });
      }
      return {};
    }
    case "ruleset.create": {
      const res = await client.request("POST /repos/{owner}/{repo}/rulesets", { ...base, ...rulesetBody(a.ruleset) });
      const data = res.data as { id: number; _links?: { html?: { href?: string } } };
      return { created: { id: data.id, ...(data._links?.html?.href ? { url: data._links.html.href } : {}) } };
    }
    case "ruleset.update":
      await client.request("PUT /repos/{owner}/{repo}/rulesets/{ruleset_id}", { ...base, ruleset_id: a.id, ...rulesetBody(a.ruleset) });
      return {};
    case "codeowners.write": {
      const commit = await commitFiles(client, {
        repo: a.repo,
        branch: a.branch,
        parentSha: a.parentSha,
        baseTreeSha: a.baseTreeSha,
        files: { [a.path]: a.text },
        message: a.message,
      });
      await checkCodeowners(client, a, commit.sha);
      return { commit };
    }
  }
}

/**
 * GitHub's verdict on the CODEOWNERS file at `sha`: resolves when it reports
 * no error, rejects with CodeownersErrorsError otherwise (also when it
 * answers 404, which at a commit that has the file means it did not find it).
 */
async function checkCodeowners(client: WriteClient, a: Extract<AccessAction, { kind: "codeowners.write" }>, sha: string): Promise<void> {
  let errors: Array<{ line: number; kind: string; message: string; path?: string }>;
  try {
    const res = await client.request("GET /repos/{owner}/{repo}/codeowners/errors", { owner: a.repo.owner, repo: a.repo.repo, ref: sha });
    errors = (res.data as { errors?: typeof errors }).errors ?? [];
  } catch (err) {
    if (!isStatus(err, 404)) throw err;
    errors = [{ line: 0, kind: "Not found", message: `GitHub found no CODEOWNERS file at ${sha}` }];
  }
  const mine = errors.filter((e) => !e.path || e.path === a.path);
  if (mine.length === 0) return;
  throw new CodeownersErrorsError(
    a.path,
    sha,
    mine.map((e) => ({ line: e.line, kind: e.kind, message: e.message, inBlock: e.line >= a.blockLines.start && e.line <= a.blockLines.end })),
  );
}

/**
 * One commit of whole files on a branch, only if the branch is still at
 * `parentSha`; BranchMovedError when it is not (someone pushed: re-read and
 * plan again).
 *
 * With GraphQL, one request: `createCommitOnBranch`, whose `expectedHeadOid`
 * makes it a compare-and-swap (GitHub answers STALE_DATA and writes nothing
 * when the branch moved), and whose commits GitHub signs as the app. A merge
 * (two parents) cannot be made that way, and neither can a commit without a
 * GraphQL client: then the Git Data API — tree (inline contents on the base
 * tree) → commit → ref update with `force: false`, three requests; a 422 on
 * the ref update means the branch moved. The tree and commit objects left
 * behind by a failed move are unreachable and harmless (GitHub collects them).
 */
async function commitFiles(client: WriteClient, a: Omit<Extract<Action, { kind: "commit.files" }>, "kind">): Promise<{ sha: string; url?: string }> {
  if (client.graphql && !a.mergeSha) return commitOnBranch(client.graphql.bind(client), a);
  const base = { owner: a.repo.owner, repo: a.repo.repo };
  const tree = await client.request("POST /repos/{owner}/{repo}/git/trees", {
    ...base,
    base_tree: a.baseTreeSha,
    tree: Object.entries(a.files).map(([path, content]) => ({ path, mode: "100644", type: "blob", content })),
  });
  const commit = await client.request("POST /repos/{owner}/{repo}/git/commits", {
    ...base,
    message: a.message,
    tree: (tree.data as { sha: string }).sha,
    parents: a.mergeSha ? [a.parentSha, a.mergeSha] : [a.parentSha],
  });
  const made = commit.data as { sha: string; html_url?: string };
  try {
    await client.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", { ...base, ref: `heads/${a.branch}`, sha: made.sha, force: false });
  } catch (err) {
    // GitHub answers 422 "Update is not a fast forward" when the branch moved; any other 422 (a missing ref) is a real failure.
    if (isNotFastForward(err)) throw new BranchMovedError(a.branch);
    throw err;
  }
  return { sha: made.sha, ...(made.html_url ? { url: made.html_url } : {}) };
}

const CREATE_COMMIT_ON_BRANCH = /* GraphQL */ `
  mutation StewardsCommit($input: CreateCommitOnBranchInput!) {
    createCommitOnBranch(input: $input) { commit { oid url } }
  }
`;

async function commitOnBranch(
  graphql: NonNullable<WriteClient["graphql"]>,
  a: Omit<Extract<Action, { kind: "commit.files" }>, "kind">,
): Promise<{ sha: string; url?: string }> {
  // The first line is the headline, the rest the body (GitHub joins them with a blank line).
  const [headline = "", ...rest] = a.message.split("\n");
  const body = rest.join("\n").replace(/^\n+/, "");
  try {
    const res = await graphql<{ createCommitOnBranch: { commit: { oid: string; url: string } } }>(CREATE_COMMIT_ON_BRANCH, {
      input: {
        branch: { repositoryNameWithOwner: `${a.repo.owner}/${a.repo.repo}`, branchName: a.branch },
        expectedHeadOid: a.parentSha,
        message: body ? { headline, body } : { headline },
        fileChanges: { additions: Object.entries(a.files).map(([path, content]) => ({ path, contents: Buffer.from(content, "utf8").toString("base64") })) },
      },
    });
    const made = res.createCommitOnBranch.commit;
    return { sha: made.oid, url: made.url };
  } catch (err) {
    if (isStaleHead(err)) throw new BranchMovedError(a.branch);
    throw err;
  }
}

/** GitHub's answer to `createCommitOnBranch` when the branch is not at `expectedHeadOid` any more. */
function isStaleHead(err: unknown): boolean {
  const errors = (err as { errors?: Array<{ type?: unknown; message?: unknown }> }).errors;
  return (errors ?? []).some((e) => e.type === "STALE_DATA" || (typeof e.message === "string" && /^Expected branch to point to/.test(e.message)));
}

// ---- promotion pull requests

function errorMessage(err: unknown): string {
  const data = (err as { response?: { data?: { message?: unknown; errors?: Array<{ message?: unknown }> } } }).response?.data;
  return [data?.message, ...(data?.errors ?? []).map((e) => e.message), (err as Error).message].filter((m) => typeof m === "string").join(" ");
}

function hasStatus(err: unknown, status: number): boolean {
  return typeof err === "object" && err !== null && (err as { status?: unknown }).status === status;
}

/**
 * Tree → commit → `POST git/refs` (three requests). GitHub answers 422
 * "Reference already exists" when the branch is there: only an interrupted
 * earlier attempt of the app leaves one (the names are the app's own), so it
 * is moved to the new commit (one more request).
 */
async function createBranch(client: WriteClient, a: Extract<Action, { kind: "branch.create" }>): Promise<{ sha: string; url?: string }> {
  const base = { owner: a.repo.owner, repo: a.repo.repo };
  const tree = await client.request("POST /repos/{owner}/{repo}/git/trees", {
    ...base,
    base_tree: a.baseTreeSha,
    tree: Object.entries(a.files).map(([path, content]) => ({ path, mode: "100644", type: "blob", content })),
  });
  const commit = await client.request("POST /repos/{owner}/{repo}/git/commits", { ...base, message: a.message, tree: (tree.data as { sha: string }).sha, parents: [a.parentSha] });
  const made = commit.data as { sha: string; html_url?: string };
  try {
    await client.request("POST /repos/{owner}/{repo}/git/refs", { ...base, ref: `refs/heads/${a.branch}`, sha: made.sha });
  } catch (err) {
    if (!hasStatus(err, 422) || !/already exists/i.test(errorMessage(err))) throw err;
    await client.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", { ...base, ref: `heads/${a.branch}`, sha: made.sha, force: true });
  }
  return { sha: made.sha, ...(made.html_url ? { url: made.html_url } : {}) };
}

async function deleteBranch(client: WriteClient, a: Extract<Action, { kind: "branch.delete" }>): Promise<void> {
  try {
    await client.request("DELETE /repos/{owner}/{repo}/git/refs/{ref}", { owner: a.repo.owner, repo: a.repo.repo, ref: `heads/${a.branch}` });
  } catch (err) {
    // Gone already: deleted by GitHub after the merge, or by a person.
    if ((hasStatus(err, 422) || hasStatus(err, 404)) && /does not exist|not found/i.test(errorMessage(err))) return;
    throw err;
  }
}

/**
 * `POST pulls`; when GitHub answers 422 "A pull request already exists for
 * owner:branch" (an earlier attempt opened it), the open pull request for
 * that head is looked up and returned instead (one more request).
 */
async function createPull(client: WriteClient, a: Extract<Action, { kind: "pull.create" }>): Promise<{ id: number; number: number; url: string }> {
  const base = { owner: a.repo.owner, repo: a.repo.repo };
  try {
    const res = await client.request("POST /repos/{owner}/{repo}/pulls", { ...base, title: a.title, body: a.body, head: a.head, base: a.base });
    const data = res.data as { id: number; number: number; html_url: string };
    return { id: data.id, number: data.number, url: data.html_url };
  } catch (err) {
    if (!hasStatus(err, 422) || !/already exists/i.test(errorMessage(err))) throw err;
    const res = await client.request("GET /repos/{owner}/{repo}/pulls", { ...base, state: "open", head: `${a.repo.owner}:${a.head}`, base: a.base, per_page: 1 });
    const [open] = res.data as Array<{ id: number; number: number; html_url: string }>;
    if (!open) throw err;
    return { id: open.id, number: open.number, url: open.html_url };
  }
}

function isNotFastForward(err: unknown): boolean {
  if (typeof err !== "object" || err === null || (err as { status?: unknown }).status !== 422) return false;
  const message = String((err as { response?: { data?: { message?: unknown } } }).response?.data?.message ?? (err as Error).message ?? "");
  return /fast.forward/i.test(message);
}

/** Pages read at most when looking for an earlier comment (100 comments each). */
const MAX_COMMENT_PAGES = 30;

/** A bot comment on the action's issue carrying every marker of the action's body, or null (also when the body has none). */
async function findEarlierComment(
  client: WriteClient,
  a: Extract<Action, { kind: "comment.create" }>,
): Promise<{ id: number; url: string } | null> {
  const canonical = (body: string) => findMarkers(body).map((m) => renderMarker(m.kind, m.key));
  const wanted = canonical(a.body);
  if (wanted.length === 0) return null;
  for (let page = 1; page <= MAX_COMMENT_PAGES; page++) {
    const res = await client.request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      owner: a.repo.owner,
      repo: a.repo.repo,
      issue_number: a.issueNumber,
      per_page: 100,
      page,
    });
    const comments = res.data as Array<{ id: number; html_url: string; body?: string | null; user?: { type?: string } | null }>;
    for (const c of comments) {
      if (c.user?.type !== "Bot") continue;
      const have = new Set(canonical(c.body ?? ""));
      if (wanted.every((m) => have.has(m))) return { id: c.id, url: c.html_url };
    }
    if (comments.length < 100) break;
  }
  return null;
}
