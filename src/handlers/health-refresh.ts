/**
 * The sweep's part for governance health: refresh the snapshot the health
 * page is answered from (usecases/health-snapshot.ts) — the decision log,
 * the open proposals, the repository's visibility as the sweep saw it, and
 * the figures computed from them and the ledger.
 */
import type { Logger } from "../github/logger.js";
import { proposalPorts } from "../runtime/proposal-ports.js";
import { githubFor, type Octokit, type Services } from "../runtime/services.js";
import { lastValidGovernance } from "../usecases/current-governance.js";
import { refreshHealthSnapshot } from "../usecases/health-snapshot.js";

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
      const issues = await proposalPorts(octokit, services, log, r, current.governance).propose.github.findOpenProposals(r);
      return issues.map((i) => i.number);
    },
  };
  // A repository object without `private` is treated as private: never published by mistake.
  await refreshHealthSnapshot({ kv: services.store, ledger: services.store, sources, now: services.clock(), log }, { ...ref, private: repo.private !== false });
}
