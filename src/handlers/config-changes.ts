/**
 * Pushes and pull requests that change `.github/governance.yml` or the roster
 * get a check run on their head commit (`Stewards / governance.yml`) saying
 * whether the files are valid and what the change does compared with its
 * base; a push to the default branch also keeps the "Action required" issue
 * in step, drops the cached ladder so the next measurement reads the new one,
 * logs a hand edit of the roster or the ladder as a decision, and brings
 * access in step with the roster that landed.
 */
import type { Context } from "probot";
import type { RepoRef } from "../plan/actions.js";
import { codeSpan } from "../render/escape.js";
import { keepAccessOf, ownerTypeFrom } from "../runtime/access-ports.js";
import type { Services } from "../runtime/services.js";
import { githubFor } from "../runtime/services.js";
import { checkConfigChange, type ConfigVerdict } from "../usecases/check-config-change.js";
import { bumpOwnerGeneration, expireUnlessAt, invalidateGovernance, lastValidGovernance } from "../usecases/current-governance.js";
import { promotionPullFor } from "../usecases/approve-by-merge.js";
import { logManualChange } from "../usecases/log-manual-change.js";

export const GOVERNANCE_PATH = ".github/governance.yml";
const DEFAULT_ROSTER_PATH = ".github/roster.yml";
const DEFAULT_LOG_PATH = "GOVERNANCE-LOG.md";
const NO_COMMIT = /^0{40}$/;

/** Where the roster and the log are, as the cached ladder says (the defaults when nothing is cached). No request. */
async function pathsOf(services: Services, repo: RepoRef): Promise<{ roster: string; log: string }> {
  const cached = await lastValidGovernance(services.store, repo);
  return { roster: cached?.governance.roster.path ?? DEFAULT_ROSTER_PATH, log: cached?.governance.log.path ?? DEFAULT_LOG_PATH };
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
  const defaultBranch = payload.repository.default_branch;
  const onDefaultBranch = branch === defaultBranch;
  const changed = new Set<string>();
  for (const c of payload.commits) for (const p of [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])]) changed.add(p);
  // The payload lists at most 20 commits; a bigger push may hide the file, so check anyway.
  const truncated = payload.commits.length >= 20;
  const paths = await pathsOf(services, repo);
  if (!truncated && !touches(changed, [GOVERNANCE_PATH, paths.roster])) return;
  // The app's own commits (roster and log after a decision) were planned on a valid roster and are cached
  // already: no check run, no re-read. It never writes governance.yml, so a push touching that is checked anyway.
  // Unless the cache holds exactly that commit's roster (the refresh after the commit was lost, or came in
  // another order), it is expired, so the next reader reads the branch; this push may come late, or twice.
  const pushedBy = await whoPushed(services, payload.sender);
  if (!truncated && !changed.has(GOVERNANCE_PATH) && pushedBy === "app") {
    if (onDefaultBranch) await expireUnlessAt(services.store, repo, payload.after);
    return;
  }

  const lastValid = await lastValidGovernance(services.store, repo);
  if (onDefaultBranch) {
    await invalidateGovernance(services.store, repo);
    // The org's `.github` repository holds the defaults every `_extends: .github` reads.
    if (payload.repository.name === ".github") await bumpOwnerGeneration(services.store, repo.owner);
  }
  const gh = githubFor(ctx.octokit, services);
  const webUrl = services.settings.webUrl;
  // On the default branch a push is compared with the commit before it; elsewhere with the default branch.
  const before = onDefaultBranch && !NO_COMMIT.test(payload.before) ? payload.before : null;
  const verdict = await checkConfigChange(
    { files: gh.files, issues: gh.issues, ledger: services.store },
    {
      repo,
      headSha: payload.after,
      baseRef: onDefaultBranch ? before : `refs/heads/${defaultBranch}`,
      baseLabel: onDefaultBranch ? (before ? `the commit before this push (${before.slice(0, 7)})` : "nothing (a new branch)") : `${codeSpan(defaultBranch)}, the default branch`,
      onDefaultBranch,
      fileUrl: `${payload.repository.html_url}/blob/${payload.after}/${GOVERNANCE_PATH}`,
      rosterPath: paths.roster,
      logPath: paths.log,
      lastValid,
      now: services.clock(),
      webUrl,
    },
  );
  ctx.log.info({ outcome: verdict.result.kind, branch, actions: verdict.actions.length, concerns: verdict.effect?.concerns.length ?? 0 }, "checked a change to the ladder");
  await gh.execute(verdict.actions, ctx.log);

  if (onDefaultBranch) {
    await logHandEdit(services, ctx, verdict, { repo, branch, pushedBy, ladderTouched: truncated || changed.has(GOVERNANCE_PATH) });
    // The roster is the source of truth, however it changed: bring access in step with what landed
    // (the app's own decision commits did so already and returned above, unless governance.yml changed).
    // Only when someone's access changes (the effect compares grants × roster before and after); the sweep checks the rest.
    const head = verdict.compared?.head;
    if (head && verdict.effect && (!verdict.effect.compared || verdict.effect.access.length > 0)) {
      const ownerType = ownerTypeFrom(payload.repository.owner?.type);
      await keepAccessOf(services)(ctx.octokit, ctx.log, {
        repo,
        governance: head.governance,
        roster: head.roster,
        defaultBranch: branch,
        report: false,
        ...(ownerType ? { ownerType } : {}),
      }).catch((err: unknown) => ctx.log.warn({ err }, "could not bring access in step with the pushed roster; the next sweep retries"));
    }
  }
}

/** A push to the default branch that changed who holds what, or the rules, without a proposal: one log entry per change. */
async function logHandEdit(
  services: Services,
  ctx: Context<"push">,
  verdict: ConfigVerdict,
  push: { repo: RepoRef; branch: string; pushedBy: Pusher; ladderTouched: boolean },
): Promise<void> {
  const { payload } = ctx;
  if (!verdict.effect || !verdict.compared || push.pushedBy === "app") return;
  if (push.pushedBy === "unknown-bot") {
    // Could be the app's own commit, whose decision is logged already: logging it again would be wrong, and a loop.
    ctx.log.warn({ sender: payload.sender?.login }, "a bot pushed a roster or ladder change and the app could not tell whether it was itself; not logged as a hand edit");
    return;
  }
  const head = verdict.compared.head;
  // A merged promotion pull request's grant is logged by the merge handler (approve-by-merge.ts), not as a hand edit.
  const fullName = `${push.repo.owner}/${push.repo.repo}`;
  const byPromotionPull = new Set<string>();
  for (const c of verdict.effect.roster) {
    if (c.raises && c.after && (await promotionPullFor(services.store, fullName, c.login, c.after.role))) byPromotionPull.add(c.login.toLowerCase());
  }
  const effect = byPromotionPull.size ? { ...verdict.effect, roster: verdict.effect.roster.filter((c) => !byPromotionPull.has(c.login.toLowerCase())) } : verdict.effect;
  if (byPromotionPull.size) ctx.log.info({ logins: [...byPromotionPull] }, "roster change of a merged promotion pull request: logged by the merge, not as a hand edit");
  const gh = githubFor(ctx.octokit, services);
  const authors = payload.commits.flatMap((c) => (c.author?.username ? [c.author.username] : []));
  const outcome = await logManualChange(
    {
      github: { readBranchFiles: gh.readBranchFiles, execute: gh.executorFor(head.governance) },
      log: ctx.log,
      webUrl: services.settings.webUrl,
    },
    {
      repo: push.repo,
      branch: push.branch,
      commitSha: payload.after,
      pusher: payload.sender?.login ?? payload.pusher.name,
      authors,
      message: payload.head_commit?.message ?? null,
      effect,
      head,
      ladderTouched: push.ladderTouched,
      governancePath: GOVERNANCE_PATH,
      now: services.clock(),
    },
  );
  if (outcome.kind === "not-logged") ctx.log.warn({ reason: outcome.reason }, "the hand edit could not be logged");
  else if (outcome.kind !== "nothing") ctx.log.info({ outcome: outcome.kind, ids: outcome.ids }, "hand edit of the roster or ladder logged");
}

export async function onPullRequestChanged(
  services: Services,
  ctx: Context<"pull_request.opened" | "pull_request.synchronize" | "pull_request.reopened">,
): Promise<void> {
  const { payload } = ctx;
  const repo = { owner: payload.repository.owner.login, repo: payload.repository.name };
  const paths = await pathsOf(services, repo);
  const files = await ctx.octokit.paginate("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", {
    ...repo,
    pull_number: payload.pull_request.number,
    per_page: 100,
  });
  const changed = files.flatMap((f) => [f.filename, ...(f.previous_filename ? [f.previous_filename] : [])]);
  if (!touches(changed, [GOVERNANCE_PATH, paths.roster])) return;
  const gh = githubFor(ctx.octokit, services);
  const baseBranch = payload.pull_request.base.ref;
  const verdict = await checkConfigChange(
    { files: gh.files, issues: gh.issues, ledger: services.store },
    {
      repo,
      headSha: payload.pull_request.head.sha,
      baseRef: `refs/heads/${baseBranch}`,
      baseLabel: codeSpan(baseBranch),
      onDefaultBranch: false,
      rosterPath: paths.roster,
      logPath: paths.log,
      // The cache knows the default branch only.
      lastValid: baseBranch === payload.repository.default_branch ? await lastValidGovernance(services.store, repo) : null,
      now: services.clock(),
      webUrl: services.settings.webUrl,
    },
  );
  ctx.log.info({ outcome: verdict.result.kind, pr: payload.pull_request.number, concerns: verdict.effect?.concerns.length ?? 0 }, "checked a pull request that changes the ladder");
  await gh.execute(verdict.actions, ctx.log);
}

/** "app": the app itself; "unknown-bot": a bot, and the app's own login could not be learnt; "other": anyone else. */
type Pusher = "app" | "unknown-bot" | "other";

async function whoPushed(services: Services, sender: { login: string; type?: string } | null | undefined): Promise<Pusher> {
  if (!sender || sender.type !== "Bot") return "other";
  if (!services.appLogin) return "unknown-bot";
  try {
    return sender.login.toLowerCase() === (await services.appLogin()).toLowerCase() ? "app" : "other";
  } catch {
    return "unknown-bot"; // cannot tell: check it like anyone's push, but do not log it as a hand edit
  }
}
