/**
 * Keeps one repository's access in step with its roster and says so:
 * apply-access-plan (read → plan → execute), then remember which logins the app
 * added or removed (so it may take away later only what it gave), then — on
 * the sweep — keep one drift issue up to date with what was changed by hand,
 * held back by a safety floor, or could not be done.
 *
 * Called after every decision that changed the roster (the roster commit has
 * landed; the decision stands whatever happens here — access converges on
 * the next sweep if GitHub refuses now) and for every repository on the
 * periodic sweep. One sync per repository at a time across replicas (a store
 * lease): two plans made at once from the same snapshot would both add, or
 * one would remove what the other just decided to keep.
 */
import type { MarkedIssue } from "../github/issue-reads.js";
import type { Action, RepoRef } from "../plan/actions.js";
import { describeAction } from "../plan/actions.js";
import { accessReport, DRIFT_ISSUE_TITLE, isEmptyReport, renderDriftIssueBody, type AccessReport } from "../render/access-report.js";
import { renderMarker, stripMarkers } from "../render/markers.js";
import { withLease, type RecordStore } from "./proposal-records.js";
import { syncAccess, type SyncAccessDeps, type SyncAccessInput, type SyncAccessResult } from "./apply-access-plan.js";

export const DRIFT_LABEL = "stewards:drift";
export const DRIFT_MARKER = "access-drift";
const LEASE_TTL_MS = 5 * 60_000;
/** How long a sync waits for another replica's sync of the same repository before leaving it to the next sweep. */
const LEASE_WAIT_MS = 30_000;

export interface KeepAccessDeps extends SyncAccessDeps {
  store: RecordStore;
  /** This process's lease holder id. */
  holder: string;
  /** The app's open drift issue of `repo` (label + marker, written by the app), or null. Needed only with `report`. */
  findDriftIssue(repo: RepoRef): Promise<MarkedIssue | null>;
}

export interface KeepAccessInput extends Omit<SyncAccessInput, "managed"> {
  /** Also keep the drift issue in step (the sweep does; a decision leaves it to the sweep). */
  report: boolean;
  /** How long to wait for a concurrent sync of the same repository (default 30 s). */
  waitMs?: number;
}

export type KeepAccessOutcome = { kind: "busy" } | { kind: "synced"; sync: SyncAccessResult; report: AccessReport; reportActions: Action[] };

/** Logins the app manages per resource (`team:<slug>`, `branch:<name>`): it added them, so it may remove them. */
export function managedKey(repo: RepoRef): string {
  return `access-managed:${repo.owner.toLowerCase()}/${repo.repo.toLowerCase()}`;
}

export async function keepAccess(deps: KeepAccessDeps, input: KeepAccessInput): Promise<KeepAccessOutcome> {
  const fullName = `${input.repo.owner}/${input.repo.repo}`;
  const ran = await withLease(deps.store, `access:${fullName.toLowerCase()}`, deps.holder, LEASE_TTL_MS, () => run(deps, input), {
    waitMs: input.waitMs ?? LEASE_WAIT_MS,
  });
  if (!ran.ran) {
    deps.log.info({ repo: fullName }, "another replica is syncing this repository's access; the next sweep checks it again");
    return { kind: "busy" };
  }
  return ran.value;
}

async function run(deps: KeepAccessDeps, input: KeepAccessInput): Promise<KeepAccessOutcome> {
  const key = managedKey(input.repo);
  const managed = (await deps.store.getValue<Record<string, string[]>>(key)) ?? {};
  const sync = await syncAccess(deps, { ...syncInputOf(input), managed });
  const next = updateManaged(managed, sync.added, sync.removed);
  if (JSON.stringify(next) !== JSON.stringify(managed)) await deps.store.setValue(key, next);

  const failures = sync.results.flatMap((r) => (r.ok ? [] : [{ action: describeAction(r.action), error: r.error.message }]));
  const report = accessReport(sync.plan.notes, sync.plan.refusals, failures);
  const changed = sync.results.filter((r) => r.ok && !r.result.dryRun && !r.result.reused).length;
  deps.log.info(
    { actions: sync.plan.actions.length, changed, failed: failures.length, drift: report.drift.length, refused: report.refusals.length },
    "access in step with the roster",
  );
  let reportActions: Action[] = [];
  if (input.report) {
    reportActions = await driftIssueActions(deps, input, report);
    if (reportActions.length) await deps.execute(reportActions, deps.log);
  }
  return { kind: "synced", sync, report, reportActions };
}

function syncInputOf(input: KeepAccessInput): Omit<SyncAccessInput, "managed"> {
  const { report: _report, waitMs: _waitMs, ...rest } = input;
  return rest;
}

/** (managed ∪ added) ∖ removed, per resource, sorted, empty resources dropped. */
export function updateManaged(
  managed: Readonly<Record<string, readonly string[]>>,
  added: Readonly<Record<string, readonly string[]>>,
  removed: Readonly<Record<string, readonly string[]>>,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const resource of new Set([...Object.keys(managed), ...Object.keys(added)])) {
    const gone = new Set((removed[resource] ?? []).map((l) => l.toLowerCase()));
    const logins = new Map<string, string>();
    for (const l of [...(managed[resource] ?? []), ...(added[resource] ?? [])]) if (!gone.has(l.toLowerCase())) logins.set(l.toLowerCase(), l);
    if (logins.size) out[resource] = [...logins.values()].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** Create, update or close the one drift issue; nothing when it already says the same. */
async function driftIssueActions(deps: KeepAccessDeps, input: KeepAccessInput, report: AccessReport): Promise<Action[]> {
  const open = await deps.findDriftIssue(input.repo);
  if (isEmptyReport(report)) {
    if (!open) return [];
    return [
      { kind: "comment.create", repo: input.repo, issueNumber: open.number, body: "GitHub's access is in step with the roster again; closing." },
      { kind: "issue.close", repo: input.repo, number: open.number, reason: "completed" },
    ];
  }
  const body = `${renderDriftIssueBody(report, { rosterPath: input.governance.roster.path, repo: `${input.repo.owner}/${input.repo.repo}` })}\n\n${renderMarker(DRIFT_MARKER, { repo: `${input.repo.owner}/${input.repo.repo}`.toLowerCase() })}`;
  if (!open) return [{ kind: "issue.create", repo: input.repo, title: DRIFT_ISSUE_TITLE, body, labels: [DRIFT_LABEL] }];
  if (stripMarkers(open.body).trim() === stripMarkers(body).trim()) return [];
  return [{ kind: "issue.update", repo: input.repo, number: open.number, body }];
}
