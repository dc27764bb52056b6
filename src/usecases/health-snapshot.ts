/**
 * What the health page and health.json need beyond the ledger and the cached
 * ladder, kept in the store so that a page view costs no GitHub request
 * (SPEC: "answered from the app's store, never by calling GitHub while a
 * person waits"): the repository's visibility, the parsed decision log and
 * the open proposals. The sweep refreshes it (`refreshHealthSnapshot`); the
 * page reads it with the ledger and the ladder cache (`loadHealthView`).
 *
 * A repository is served only while its snapshot says it is public and a
 * valid ladder is cached; anything else — never swept, private, no ladder,
 * unknown — reads as null, so the page answers the same 404 for all.
 */
import type { Governance, Roster } from "../config/schema.js";
import type { Logger } from "../github/logger.js";
import type { LoggedDecision, OpenProposal } from "../health/figures.js";
import type { MergedPullRequest, SubmittedReview } from "../ladder/contributions.js";
import type { Ledger } from "../ladder/standing.js";
import { parseLog } from "../log/parse-log.js";
import type { RepoRef } from "../plan/actions.js";
import type { ContributionQuery } from "../store/store.js";
import { lastValidGovernance, type KeyValueStore } from "./current-governance.js";
import { proposalIssueKey, type ProposalRecord } from "./proposal-records.js";
import { contributionQuery } from "./reply-ladder.js";

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
 * 100 open proposals) and replaces the snapshot, unless the snapshot is younger
 * than `maxAgeMs` (default HEALTH_SNAPSHOT_MAX_AGE_MS) and the visibility is
 * unchanged; for a repository with no valid ladder, forgets it.
 * The ladder is read from the cache the sweep has just refreshed. Rejects
 * when GitHub or the store fails (the previous snapshot is kept).
 */
export async function refreshHealthSnapshot(
  deps: { kv: KeyValueStore; sources: HealthSnapshotSources; now: Date; log: Logger; maxAgeMs?: number },
  repo: RepoRef & { private: boolean },
): Promise<HealthSnapshot | null> {
  const fullName = `${repo.owner}/${repo.repo}`;
  const key = healthSnapshotKey(fullName);
  const [current, previous] = await Promise.all([lastValidGovernance(deps.kv, repo), deps.kv.getValue<HealthSnapshot>(key)]);
  if (!current) {
    if (previous !== null) await deps.kv.setValue(key, null);
    return null;
  }
  const age = previous ? deps.now.getTime() - Date.parse(previous.refreshedAt) : Infinity;
  if (previous && previous.private === repo.private && age >= 0 && age < (deps.maxAgeMs ?? HEALTH_SNAPSHOT_MAX_AGE_MS)) return previous;
  const [text, issues] = await Promise.all([deps.sources.readFile(repo, current.governance.log.path), deps.sources.findOpenProposals(repo)]);
  const openProposals: OpenProposal[] = [];
  for (const issue of issues) {
    const record = await deps.kv.getValue<ProposalRecord>(proposalIssueKey(fullName, issue));
    if (record && record.state === "open") openProposals.push({ issue, login: record.login, role: record.role, openedAt: record.openedAt });
  }
  const snapshot: HealthSnapshot = {
    repo: fullName,
    private: repo.private,
    log: text === null ? [] : parseLog(text).map(({ id, kind, kindText, date, subject, role, reason, decidedBy, link }) => ({ id, kind, kindText, date, subject, role, reason, decidedBy, link })),
    openProposals: openProposals.sort((a, b) => a.issue - b.issue),
    refreshedAt: deps.now.toISOString(),
  };
  await deps.kv.setValue(key, snapshot);
  deps.log.debug({ repo: fullName, entries: snapshot.log.length, proposals: openProposals.length }, "health snapshot refreshed");
  return snapshot;
}

export interface HealthView {
  snapshot: HealthSnapshot;
  governance: Governance;
  roster: Roster;
  ledger: Ledger;
}

/** The store's reads a page view makes, and no others. */
export interface HealthViewStore extends KeyValueStore {
  /** As LedgerStore.listPullRequests. */
  listPullRequests(query: ContributionQuery): Promise<MergedPullRequest[]>;
  /** As LedgerStore.listReviews. */
  listReviews(query: ContributionQuery): Promise<SubmittedReview[]>;
}

/** Everything a page view needs, from the store alone; null when the repository is not served (see the file comment). */
export async function loadHealthView(store: HealthViewStore, repo: RepoRef): Promise<HealthView | null> {
  const snapshot = await store.getValue<HealthSnapshot>(healthSnapshotKey(`${repo.owner}/${repo.repo}`));
  if (!snapshot || snapshot.private !== false) return null;
  const current = await lastValidGovernance(store, repo);
  if (!current) return null;
  const query = contributionQuery(current.governance, repo);
  const [pullRequests, reviews] = await Promise.all([store.listPullRequests(query), store.listReviews(query)]);
  return { snapshot, governance: current.governance, roster: current.roster, ledger: { pullRequests, reviews } };
}
