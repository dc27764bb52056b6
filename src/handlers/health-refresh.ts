/**
 * The sweep's governance-health part for one repository
 * (usecases/sweep-health.ts), wired to an installation octokit: the files
 * and open proposals it reads, the report issue it keeps, the page's URL.
 */
import type { Logger } from "../github/logger.js";
import { findOpenAppIssues } from "../github/issue-reads.js";
import { healthPageUrl } from "../render/health-page.js";
import { HEALTH_LABEL, HEALTH_MARKER } from "../render/health-report.js";
import { PROMOTION_LABEL, PROMOTION_MARKER } from "../usecases/propose-promotion.js";
import { githubFor, type Octokit, type Services } from "../runtime/services.js";
import { sweepHealth as sweepRepoHealth } from "../usecases/sweep-health.js";

/** The sweep's health part: `services.healthSweep` when set (tests of other concerns), else sweepHealth. */
export function healthSweepOf(services: Services): NonNullable<Services["healthSweep"]> {
  return services.healthSweep ?? ((octokit, log, repo) => sweepHealth(services, octokit, log, repo));
}

export async function sweepHealth(services: Services, octokit: Octokit, log: Logger, repo: { full_name: string; private?: boolean }): Promise<void> {
  const gh = githubFor(octokit, services);
  await sweepRepoHealth(
    {
      kv: services.store,
      ledger: services.store,
      readFile: (r, path) => gh.source.readFile(r, path),
      findOpenProposals: async (r) => (await findOpenAppIssues(gh, services.appLogin, r, { label: PROMOTION_LABEL, kind: PROMOTION_MARKER })).map((i) => i.number),
      reports: (governance) => ({
        findOpenReports: (r) => findOpenAppIssues(gh, services.appLogin, r, { label: HEALTH_LABEL, kind: HEALTH_MARKER }),
        execute: gh.executorFor(governance),
      }),
      webUrl: services.settings.webUrl,
      pageUrl: (r, isPrivate) => healthPageUrl(services.settings.publicUrl, r, isPrivate),
      now: services.clock(),
      log,
    },
    repo,
  );
}
