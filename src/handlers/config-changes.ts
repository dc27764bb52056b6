/**
 * Pushes and pull requests that may change `.github/governance.yml` or the
 * roster (usecases/follow-config-change.ts): the check run on the head
 * commit; on the default branch also the cache, the hand-edit log and access.
 * The handler reads the payload into what the use-case needs (the pull
 * request's file list is one paginated request) and says who pushed.
 */
import type { Context } from "probot";
import type { Logger } from "../github/logger.js";
import { keepAccessOf, ownerTypeFrom } from "../runtime/access-ports.js";
import { githubFor, type Octokit, type Services } from "../runtime/services.js";
import { checkConfigPullRequest, followConfigPush, type FollowConfigDeps, type Pusher } from "../usecases/follow-config-change.js";

function followDepsOf(services: Services, octokit: Octokit, log: Logger): FollowConfigDeps {
  const gh = githubFor(octokit, services);
  const keep = keepAccessOf(services);
  return {
    store: services.store,
    files: gh.files,
    issues: gh.issues,
    execute: gh.execute,
    executorFor: gh.executorFor,
    readBranchFiles: gh.readBranchFiles,
    keepAccess: (input) => keep(octokit, log, input),
    webUrl: services.settings.webUrl,
    now: services.clock(),
    log,
  };
}

export async function onPush(services: Services, ctx: Context<"push">): Promise<void> {
  const { payload } = ctx;
  if (payload.deleted || !payload.ref.startsWith("refs/heads/")) return;
  const changed = new Set<string>();
  for (const c of payload.commits) for (const p of [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])]) changed.add(p);
  const ownerType = ownerTypeFrom(payload.repository.owner?.type);
  await followConfigPush(followDepsOf(services, ctx.octokit, ctx.log), {
    repo: { owner: payload.repository.owner?.login ?? payload.repository.full_name.split("/")[0]!, repo: payload.repository.name },
    branch: payload.ref.slice("refs/heads/".length),
    defaultBranch: payload.repository.default_branch,
    before: payload.before,
    after: payload.after,
    changed,
    truncated: payload.commits.length >= 20,
    pushedBy: () => whoPushed(services, payload.sender),
    htmlUrl: payload.repository.html_url,
    pusher: payload.sender?.login ?? payload.pusher.name,
    authors: payload.commits.flatMap((c) => (c.author?.username ? [c.author.username] : [])),
    message: payload.head_commit?.message ?? null,
    ...(ownerType ? { ownerType } : {}),
  });
}

export async function onPullRequestChanged(
  services: Services,
  ctx: Context<"pull_request.opened" | "pull_request.synchronize" | "pull_request.reopened">,
): Promise<void> {
  const { payload } = ctx;
  const repo = { owner: payload.repository.owner.login, repo: payload.repository.name };
  const files = await ctx.octokit.paginate("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", { ...repo, pull_number: payload.pull_request.number, per_page: 100 });
  await checkConfigPullRequest(followDepsOf(services, ctx.octokit, ctx.log), {
    repo,
    number: payload.pull_request.number,
    headSha: payload.pull_request.head.sha,
    baseBranch: payload.pull_request.base.ref,
    defaultBranch: payload.repository.default_branch,
    changed: files.flatMap((f) => [f.filename, ...(f.previous_filename ? [f.previous_filename] : [])]),
  });
}

async function whoPushed(services: Services, sender: { login: string; type?: string } | null | undefined): Promise<Pusher> {
  if (!sender || sender.type !== "Bot") return "other";
  if (!services.appLogin) return "unknown-bot";
  try {
    return sender.login.toLowerCase() === (await services.appLogin()).toLowerCase() ? "app" : "other";
  } catch {
    return "unknown-bot"; // cannot tell: check it like anyone's push, but do not log it as a hand edit
  }
}
