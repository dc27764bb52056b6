/**
 * The sweep's part for governance health: refresh the snapshot the health
 * page is answered from (usecases/health-snapshot.ts) — the decision log,
 * the open proposals, the repository's visibility as the sweep saw it, and
 * the figures computed from them and the ledger — and bring the period's
 * report issue in step with those figures (usecases/health-report.ts).
 */
import type { Logger } from "../github/logger.js";
import { githubFor, type Octokit, type Services } from "../runtime/services.js";
import { lastValidGovernance } from "../usecases/current-governance.js";
import { refreshHealthSnapshot } from "../usecases/health-snapshot.js";
import { upsertHealthReport } from "../usecases/health-report.js";
import { findOpenAppIssues } from "../github/issue-reads.js";
import { PROMOTION_LABEL, PROMOTION_MARKER } from "../usecases/propose-promotion.js";
import { healthPageUrl } from "../render/health-page.js";
import { HEALTH_LABEL, HEALTH_MARKER } from "../render/health-report.js";

/** The sweep's health part: `services.healthSweep` when set (tests of other concerns), else sweepHealth. */
export function healthSweepOf(services: Services): NonNullable<Services["healthSweep"]> {
  return services.healthSweep ?? ((octokit, log, repo) => sweepHealth(services, octokit, log, repo));
}

export async function sweepHealth(
  services: Services,
  octokit: Octokit,
  log: Logger,
  repo: { full_name: string; private?: boolean },
): Promise<void> {
  const [owner = "", name = ""] = repo.full_name.split("/");
  const ref = { owner, repo: name };
  const gh = githubFor(octokit, services);
  const current = await lastValidGovernance(services.store, ref);
  const sources = {
    readFile: (r: typeof ref, path: string) => gh.source.readFile(r, path),
    findOpenProposals: async (r: typeof ref) => {
      if (!current) return [];
      const issues = await findOpenAppIssues(gh, services.appLogin, r, { label: PROMOTION_LABEL, kind: PROMOTION_MARKER });
      return issues.map((i) => i.number);
    },
  };
  // A repository object without `private` is treated as private: never published by mistake.
  const isPrivate = repo.private !== false;
  const snapshot = await refreshHealthSnapshot({ kv: services.store, ledger: services.store, sources, now: services.clock(), log }, { ...ref, private: isPrivate });
  if (!snapshot || !current) return;
  const pageUrl = healthPageUrl(services.settings.publicUrl, ref, isPrivate);
  await upsertHealthReport(
    {
      kv: services.store,
      github: {
        findOpenReports: (r) => findOpenAppIssues(gh, services.appLogin, r, { label: HEALTH_LABEL, kind: HEALTH_MARKER }),
        execute: gh.executorFor(current.governance),
      },
      log,
      webUrl: services.settings.webUrl,
      ...(pageUrl ? { pageUrl } : {}),
    },
    ref,
    snapshot.figures,
  );
}
