/**
 * Pushes and pull requests that change `.github/governance.yml` or the roster
 * get a check run on their head commit (`Stewards / governance.yml`); a push
 * to the default branch also keeps the "Action required" issue in step and
 * drops the cached ladder so the next measurement reads the new one.
 */
import type { Context } from "probot";
import type { RepoRef } from "../plan/actions.js";
import type { Services } from "../runtime/services.js";
import { githubFor } from "../runtime/services.js";
import { checkConfigChange } from "../usecases/check-config-change.js";
import { bumpOwnerGeneration, cacheKey, invalidateGovernance } from "../usecases/current-governance.js";

export const GOVERNANCE_PATH = ".github/governance.yml";
const DEFAULT_ROSTER_PATH = ".github/roster.yml";

async function rosterPathOf(services: Services, repo: RepoRef): Promise<string> {
  const cached = await services.store.getValue<{ governance: { roster: { path: string } } | null }>(cacheKey(repo));
  return cached?.governance?.roster.path ?? DEFAULT_ROSTER_PATH;
}

function touches(paths: Iterable<string>, watched: string[]): boolean {
  for (const p of paths) if (watched.includes(p)) return true;
  return false;
}

export async function onPush(services: Services, ctx: Context<"push">): Promise<void> {
  const { payload } = ctx;
  if (payload.deleted || !payload.ref.startsWith("refs/heads/")) return;
  const owner = payload.repository.owner?.login ?? payload.repository.full_name.split("/")[0]!;
  const repo = { owner, repo: payload.repository.name };
  const branch = payload.ref.slice("refs/heads/".length);
  const onDefaultBranch = branch === payload.repository.default_branch;
  const changed = new Set<string>();
  for (const c of payload.commits) for (const p of [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])]) changed.add(p);
  // The payload lists at most 20 commits; a bigger push may hide the file, so check anyway.
  const truncated = payload.commits.length >= 20;
  const watched = [GOVERNANCE_PATH, await rosterPathOf(services, repo)];
  if (!truncated && !touches(changed, watched)) return;
  // The app's own commits (roster and log after a decision) were planned on a valid roster and are cached
  // already: no check run, no re-read. It never writes governance.yml, so a push touching that is checked anyway.
  if (!truncated && !changed.has(GOVERNANCE_PATH) && (await isAppItself(services, payload.sender))) return;

  if (onDefaultBranch) {
    await invalidateGovernance(services.store, repo);
    // The org's `.github` repository holds the defaults every `_extends: .github` reads.
    if (payload.repository.name === ".github") await bumpOwnerGeneration(services.store, repo.owner);
  }
  const gh = githubFor(ctx.octokit, services);
  const verdict = await checkConfigChange(
    { source: gh.source, issues: gh.issues },
    {
      repo,
      headSha: payload.after,
      onDefaultBranch,
      fileUrl: `${payload.repository.html_url}/blob/${payload.after}/${GOVERNANCE_PATH}`,
    },
  );
  ctx.log.info({ outcome: verdict.result.kind, branch, actions: verdict.actions.length }, "checked a change to the ladder");
  await gh.execute(verdict.actions, ctx.log);
}

export async function onPullRequestChanged(
  services: Services,
  ctx: Context<"pull_request.opened" | "pull_request.synchronize" | "pull_request.reopened">,
): Promise<void> {
  const { payload } = ctx;
  const repo = { owner: payload.repository.owner.login, repo: payload.repository.name };
  const watched = [GOVERNANCE_PATH, await rosterPathOf(services, repo)];
  const files = await ctx.octokit.paginate("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", {
    ...repo,
    pull_number: payload.pull_request.number,
    per_page: 100,
  });
  const paths = files.flatMap((f) => [f.filename, ...(f.previous_filename ? [f.previous_filename] : [])]);
  if (!touches(paths, watched)) return;
  const gh = githubFor(ctx.octokit, services);
  const verdict = await checkConfigChange(
    { source: gh.source, issues: gh.issues },
    { repo, headSha: payload.pull_request.head.sha, onDefaultBranch: false },
  );
  ctx.log.info({ outcome: verdict.result.kind, pr: payload.pull_request.number }, "checked a pull request that changes the ladder");
  await gh.execute(verdict.actions, ctx.log);
}

async function isAppItself(services: Services, sender: { login: string; type?: string } | null | undefined): Promise<boolean> {
  if (!sender || sender.type !== "Bot" || !services.appLogin) return false;
  try {
    return sender.login.toLowerCase() === (await services.appLogin()).toLowerCase();
  } catch {
    return false; // cannot tell: check it like anyone's push
  }
}
