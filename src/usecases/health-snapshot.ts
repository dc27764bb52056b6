/**
 * What the health page and health.json are answered from, kept in the store
 * so that a page view costs no GitHub request (SPEC: "answered from the
 * app's store, never by calling GitHub while a person waits") and no
 * measuring either (the figures measure everyone once per period reported,
 * seconds for a large project): the repository's visibility, the parsed
 * decision log, the open proposals and the figures computed from them, the
 * ledger and the cached ladder. The sweep refreshes it
 * (`refreshHealthSnapshot`); a page view reads it and the ladder cache
 * (`loadHealthView`): two reads of the key-value store.
 *
 * A repository is served only while its snapshot says it is public and a
 * valid ladder is cached; anything else — never swept, private, no ladder,
 * unknown — reads as null, so the page answers the same 404 for all.
 */
import type { Governance } from "../config/schema.js";
import type { Logger } from "../github/logger.js";
import { healthSteps, type LoggedDecision, type OpenProposal } from "../health/figures.js";
import { healthFigures, type HealthFigures } from "../render/health-page.js";
import type { MergedPullRequest, SubmittedReview } from "../ladder/contributions.js";
import { parseLog } from "../log/parse-log.js";
import type { RepoRef } from "../plan/actions.js";
import type { ContributionQuery, SyncState } from "../store/store.js";
import { lastValidGovernance, type ValueStore } from "./current-governance.js";
import { proposalIssueKey, type ProposalRecord } from "./proposal-records.js";
import { contributionQuery } from "./measure-contributor.js";

export interface HealthSnapshot {
  /** "owner/name" as GitHub spells it. */
  repo: string;
  /** From GitHub's repository object (`private`) when last swept. */
  private: boolean;
  /** The decision log as parsed when last swept, file order, without evidence tables. */
  log: LoggedDecision[];
  openProposals: OpenProposal[];
  /** When the sweep wrote this (ISO-8601). */
  refreshedAt: string;
  /** The ledger's sync mark the figures were computed on (`backfilled:updatedThrough`): a new one refreshes them at once. */
  ledgerMark?: string;
  figures: HealthFigures;
}

export function healthSnapshotKey(fullName: string): string {
  return `health:${fullName.toLowerCase()}`;
}

export interface HealthSnapshotSources {
  /** The file's text at the default branch, null when it does not exist. Rejects on any other failure. */
  readFile(repo: RepoRef, path: string): Promise<string | null>;
  /** Issue numbers of the app's open promotion proposals in `repo`. Rejects on failure. */
  findOpenProposals(repo: RepoRef): Promise<number[]>;
}

/**
 * How old a snapshot may be before the sweep reads the log and the proposals
 * again: with the default 15-minute sweep every sweep refreshes it; a faster
 * sweep does not multiply the requests (and a sweep with nothing new stays at
 * its usual cost).
 */
export const HEALTH_SNAPSHOT_MAX_AGE_MS = 10 * 60 * 1000;

/**
 * Re-reads the log and the open proposals (two requests, or more for more than
 * 100 open proposals), recomputes the figures and replaces the snapshot —
 * unless the snapshot is younger than `maxAgeMs` (default
 * HEALTH_SNAPSHOT_MAX_AGE_MS) and neither the visibility nor the ledger's
 * sync mark changed (so the figures follow a backfill or catch-up at once);
 * for a repository with no valid ladder, forgets it.
 * The ladder is read from the cache the sweep has just refreshed. Rejects
 * when GitHub or the store fails (the previous snapshot is kept).
 */
export async function refreshHealthSnapshot(
  deps: { kv: ValueStore; ledger: LedgerReads; sources: HealthSnapshotSources; now: Date; log: Logger; maxAgeMs?: number },
  repo: RepoRef & { private: boolean },
): Promise<HealthSnapshot | null> {
  const fullName = `${repo.owner}/${repo.repo}`;
  const key = healthSnapshotKey(fullName);
  const [current, previous, sync] = await Promise.all([lastValidGovernance(deps.kv, repo), deps.kv.getValue<HealthSnapshot>(key), deps.ledger.getSyncState(fullName)]);
  const ledgerMark = `${sync?.backfilled ?? false}:${sync?.updatedThrough ?? ""}`;
  if (!current) {
    if (previous !== null) await deps.kv.setValue(key, null);
    return null;
  }
  const age = previous ? deps.now.getTime() - Date.parse(previous.refreshedAt) : Infinity;
  if (previous?.figures && previous.private === repo.private && previous.ledgerMark === ledgerMark && age >= 0 && age < (deps.maxAgeMs ?? HEALTH_SNAPSHOT_MAX_AGE_MS)) return previous;
  const [text, issues] = await Promise.all([deps.sources.readFile(repo, current.governance.log.path), deps.sources.findOpenProposals(repo)]);
  const openProposals: OpenProposal[] = [];
  for (const issue of issues) {
    const record = await deps.kv.getValue<ProposalRecord>(proposalIssueKey(fullName, issue));
    if (record && record.state === "open") openProposals.push({ issue, login: record.login, role: record.role, openedAt: record.openedAt });
  }
  const log = text === null ? [] : parseLog(text).map(({ id, kind, kindText, date, subject, role, reason, decidedBy, link }) => ({ id, kind, kindText, date, subject, role, reason, decidedBy, link }));
  openProposals.sort((a, b) => a.issue - b.issue);
  const query = contributionQuery(current.governance, repo);
  const [pullRequests, reviews] = await Promise.all([deps.ledger.listPullRequests(query), deps.ledger.listReviews(query)]);
  const steps = healthSteps({ repository: fullName, governance: current.governance, roster: current.roster, ledger: { pullRequests, reviews }, log, openProposals, now: deps.now });
  let step = steps.next();
  while (!step.done) {
    // Each step measures everyone once: let webhooks and page views in between.
    await new Promise((r) => setImmediate(r));
    step = steps.next();
  }
  const snapshot: HealthSnapshot = {
    repo: fullName,
    private: repo.private,
    log,
    openProposals,
    refreshedAt: deps.now.toISOString(),
    ledgerMark,
    figures: healthFigures(step.value, deps.now),
  };
  await deps.kv.setValue(key, snapshot);
  deps.log.debug({ repo: fullName, entries: log.length, proposals: openProposals.length }, "health snapshot refreshed");
  return snapshot;
}

/** The ledger reads a refresh makes. */
export interface LedgerReads {
  /** As LedgerStore.listPullRequests. */
  listPullRequests(query: ContributionQuery): Promise<MergedPullRequest[]>;
  /** As LedgerStore.listReviews. */
  listReviews(query: ContributionQuery): Promise<SubmittedReview[]>;
  /** As LedgerStore.getSyncState. */
  getSyncState(repo: string): Promise<SyncState | null>;
}

export interface HealthView {
  snapshot: HealthSnapshot;
  governance: Governance;
}

/** Everything a page view needs: two reads of the key-value store; null when the repository is not served (see the file comment). */
export async function loadHealthView(kv: ValueStore, repo: RepoRef): Promise<HealthView | null> {
  const [snapshot, current] = await Promise.all([kv.getValue<HealthSnapshot>(healthSnapshotKey(`${repo.owner}/${repo.repo}`)), lastValidGovernance(kv, repo)]);
  if (!snapshot || snapshot.private !== false || !snapshot.figures || !current) return null;
  return { snapshot, governance: current.governance };
}
