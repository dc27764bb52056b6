/**
 * Keeps GitHub's access in step with the roster: read what GitHub holds →
 * plan (pure, plan/access-plan.ts) → execute. One use-case for every caller:
 *
 * - after a decision changed the roster (promotion, demotion, step-down,
 *   appeal outcome): call it with the new roster once the roster commit
 *   landed; `results` say what changed (for the outcome comment) and
 *   `plan.refusals` what a safety floor held back;
 * - on the periodic sweep, for drift: `plan.notes` with code `drift` are the
 *   hand-made differences to report in the drift issue, and `plan.actions`
 *   (run here) the corrections the ladder allows.
 *
 * Not wired into any handler yet (the integrator does that); it needs only
 * an AccessReader, the executor and a logger, so a handler, the sweep and a
 * CLI can all call it. From the ports of runtime/services.ts:
 *
 *   const gh = githubFor(octokit, services);
 *   syncAccess({ reader: githubAccessReader(gh), execute: gh.executorFor(governance), log },
 *              { repo, ownerType: payload.repository.owner.type, defaultBranch: payload.repository.default_branch, governance, roster })
 *
 * `ownerType` and `defaultBranch` come from the payload (or the sweep's
 * `GET /installation/repositories` entries), so no request is spent on them.
 *
 * Each action runs on its own: one that fails (a person who cannot be
 * invited, a 403 for a missing permission) is reported in its result and the
 * rest still run. A CODEOWNERS write whose branch moved meanwhile is planned
 * again on the new head (up to three times). In dry run the executor records
 * the plan and makes no request, so nothing here checks a dry-run flag.
 */
import type { Governance, Roster } from "../config/schema.js";
import type { AccessReader } from "../github/access-reader.js";
import { readAccessSnapshot, readNeeds } from "../github/access-reader.js";
import type { ActionResult } from "../github/execute-actions.js";
import type { Logger } from "../github/logger.js";
import { desiredAccess, planAccess, resourcesToRead, type AccessPlan, type AccessPlanOptions } from "../plan/access-plan.js";
import { applyToSnapshot, type AccessSnapshot } from "../plan/access-snapshot.js";
import type { AccessAction, Action, RepoRef } from "../plan/actions.js";

export interface SyncAccessDeps {
  /** What GitHub holds (github/access-reader.ts); each method's contract is stated there. */
  reader: AccessReader;
  /**
   * Runs actions in order, or records them in dry run. Rejects on the first
   * failure; a `codeowners.write` whose branch moved rejects with an error
   * named "BranchMovedError", one whose result GitHub finds invalid with
   * "CodeownersErrorsError".
   */
  execute(actions: readonly Action[], log: Logger): Promise<ActionResult[]>;
  log: Logger;
}

export interface SyncAccessInput extends Pick<AccessPlanOptions, "managed" | "exclusiveTeams" | "codeownersMessage"> {
  repo: RepoRef;
  /** The payload's `repository.owner.type` (or the installation account's type). */
  ownerType: "Organization" | "User";
  defaultBranch: string;
  governance: Governance;
  roster: Roster;
}

export type SyncActionResult =
  | { action: AccessAction; ok: true; result: ActionResult }
  | { action: AccessAction; ok: false; error: Error };

export interface SyncAccessResult {
  /** The plan that was executed (after any facts it needed were read). */
  plan: AccessPlan;
  /** What GitHub held before. */
  snapshot: AccessSnapshot;
  results: SyncActionResult[];
  /**
   * Logins the app added and removed (not in dry run), per resource key
   * (`team:<slug>`, `branch:<name>`): what a caller records to pass back as
   * `managed` next time.
   */
  added: Record<string, string[]>;
  removed: Record<string, string[]>;
}

/** Rounds of reading what a plan needs; a plan needs at most owners/admins, invitations and team ids, in two rounds. */
const MAX_READ_ROUNDS = 4;
const MAX_CODEOWNERS_ATTEMPTS = 3;

export async function syncAccess(deps: SyncAccessDeps, input: SyncAccessInput): Promise<SyncAccessResult> {
  const desired = desiredAccess(input.governance, input.roster);
  const opts: AccessPlanOptions = {
    ...(input.managed ? { managed: input.managed } : {}),
    ...(input.exclusiveTeams ? { exclusiveTeams: input.exclusiveTeams } : {}),
    ...(input.codeownersMessage ? { codeownersMessage: input.codeownersMessage } : {}),
  };
  const toRead = resourcesToRead(desired);
  const snapshot = await readAccessSnapshot(deps.reader, {
    repo: input.repo,
    ownerType: input.ownerType,
    defaultBranch: input.defaultBranch,
    teams: toRead.teams,
    branches: toRead.branches,
    bypass: desired.bypass.length > 0,
  });
  let current = snapshot;
  let plan = planAccess(desired, current, opts);
  for (let round = 1; plan.needs.length > 0 && round <= MAX_READ_ROUNDS; round++) {
    current = await readNeeds(deps.reader, current, plan.needs);
    plan = planAccess(desired, current, opts);
  }
  if (plan.needs.length) deps.log.warn({ needs: plan.needs }, "access plan still needs facts after reading them; nothing changed");

  const results: SyncActionResult[] = [];
  for (const action of plan.actions) {
    if (action.kind === "codeowners.write") {
      results.push(await writeCodeowners(deps, action, () => applyToSnapshot(current, succeeded(results)), desired, input, opts));
      continue;
    }
    results.push(await runOne(deps, action));
  }
  for (const r of results) {
    if (!r.ok) deps.log.warn({ action: r.action.kind, err: r.error.message }, `access change failed: ${r.error.message}`);
  }
  return { plan, snapshot, results, ...changedLogins(results) };
}

async function runOne(deps: SyncAccessDeps, action: AccessAction): Promise<SyncActionResult> {
  try {
    const [result] = await deps.execute([action], deps.log);
    return { action, ok: true, result: result! };
  } catch (err) {
    return { action, ok: false, error: err instanceof Error ? err : new Error(String(err)) };
  }
}

/** The CODEOWNERS write, planned again on the new head when the branch moved under it. */
async function writeCodeowners(
  deps: SyncAccessDeps,
  first: Extract<AccessAction, { kind: "codeowners.write" }>,
  afterOthers: () => AccessSnapshot,
  desired: ReturnType<typeof desiredAccess>,
  input: SyncAccessInput,
  opts: AccessPlanOptions,
): Promise<SyncActionResult> {
  let action = first;
  for (let attempt = 1; ; attempt++) {
    const outcome = await runOne(deps, action);
    if (outcome.ok || outcome.error.name !== "BranchMovedError" || attempt >= MAX_CODEOWNERS_ATTEMPTS) return outcome;
    deps.log.info({ attempt, branch: action.branch }, "the branch moved while writing CODEOWNERS; reading it again");
    const codeowners = await deps.reader.readCodeowners(input.repo, input.defaultBranch);
    const again = planAccess(desired, { ...afterOthers(), codeowners }, opts).actions.find((a) => a.kind === "codeowners.write");
    // Someone else wrote the same block meanwhile: nothing left to do.
    if (!again) return { action, ok: true, result: { action, dryRun: false, reused: true } };
    action = again as Extract<AccessAction, { kind: "codeowners.write" }>;
  }
}

function succeeded(results: readonly SyncActionResult[]): AccessAction[] {
  return results.filter((r) => r.ok).map((r) => r.action);
}

function changedLogins(results: readonly SyncActionResult[]): Pick<SyncAccessResult, "added" | "removed"> {
  const added: Record<string, string[]> = {};
  const removed: Record<string, string[]> = {};
  const push = (into: Record<string, string[]>, key: string, logins: readonly string[]) => {
    if (logins.length) (into[key] ??= []).push(...logins);
  };
  for (const r of results) {
    if (!r.ok || r.result.dryRun) continue;
    const a = r.action;
    if (a.kind === "team.add-member") push(added, `team:${a.team}`, [a.login]);
    if (a.kind === "team.remove-member") push(removed, `team:${a.team}`, [a.login]);
    if (a.kind === "branch-protection.update") {
      push(added, `branch:${a.branch}`, [...new Set([...(a.restrictionUsers?.add ?? []), ...(a.pullRequestBypass?.add ?? [])])]);
      push(removed, `branch:${a.branch}`, [...new Set([...(a.restrictionUsers?.remove ?? []), ...(a.pullRequestBypass?.remove ?? [])])]);
    }
  }
  return { added, removed };
}
