/**
 * The sweep's part for governance health, for one repository: refresh the
 * snapshot the health page is answered from (health-snapshot.ts) — the
 * decision log, the open proposals, the repository's visibility as the
 * sweep saw it, and the figures computed from them and the ledger — and
 * bring the period's report issue in step with those figures
 * (health-report.ts). The ladder is the cached one the sweep has just
 * refreshed: no request for it.
 */
import type { Governance } from "../config/schema.js";
import type { Logger } from "../github/logger.js";
import type { RepoRef } from "../plan/actions.js";
import { lastValidGovernance, type ValueStore } from "./current-governance.js";
import { upsertHealthReport, type HealthReportGitHub } from "./health-report.js";
import { refreshHealthSnapshot, type LedgerReads } from "./health-snapshot.js";

export interface SweepHealthDeps {
  kv: ValueStore;
  ledger: LedgerReads;
  /** The file's text at the default branch, null when it does not exist. Rejects on any other failure. */
  readFile(repo: RepoRef, path: string): Promise<string | null>;
  /** Issue numbers of the app's open promotion proposals under `governance`. Rejects on failure. */
  findOpenProposals(repo: RepoRef, governance: Governance): Promise<number[]>;
  /** The report issue's reads and writes under `governance` (its `dry_run` decides whether writes happen). */
  reports(governance: Governance): HealthReportGitHub;
  webUrl: string;
  /** The public health page of `repo`, when it has one (a public repository and a public URL). */
  pageUrl(repo: RepoRef, isPrivate: boolean): string | undefined;
  now: Date;
  log: Logger;
}

export async function sweepHealth(deps: SweepHealthDeps, repository: { full_name: string; private?: boolean }): Promise<void> {
  const [owner = "", name = ""] = repository.full_name.split("/");
  const repo = { owner, repo: name };
  const current = await lastValidGovernance(deps.kv, repo);
  const sources = {
    readFile: (r: RepoRef, path: string) => deps.readFile(r, path),
    findOpenProposals: async (r: RepoRef) => (current ? deps.findOpenProposals(r, current.governance) : []),
  };
  // A repository object without `private` is treated as private: never published by mistake.
  const isPrivate = repository.private !== false;
  const snapshot = await refreshHealthSnapshot({ kv: deps.kv, ledger: deps.ledger, sources, now: deps.now, log: deps.log }, { ...repo, private: isPrivate });
  if (!snapshot || !current) return;
  const pageUrl = deps.pageUrl(repo, isPrivate);
  await upsertHealthReport(
    { kv: deps.kv, github: deps.reports(current.governance), log: deps.log, webUrl: deps.webUrl, ...(pageUrl ? { pageUrl } : {}) },
    repo,
    snapshot.figures,
  );
}
