/**
 * Loads the ladder through an octokit: the repository's `.github/governance.yml`
 * at `ref` (default branch when omitted) with its `_extends` chain and the
 * organisation's floors. Never throws: failures to load come back as
 * `{ kind: "load-error" }`.
 */
import type { LoadResult } from "../config/load-governance.js";
import { loadGovernanceWithOctokit } from "../config/probot-config-source.js";
import type { RepoRef } from "../plan/actions.js";

type OctokitLike = Parameters<typeof loadGovernanceWithOctokit>[0];

export function loadGovernanceWith(octokit: OctokitLike, repo: RepoRef, ref?: string): Promise<LoadResult> {
  return loadGovernanceWithOctokit(octokit, { owner: repo.owner, repo: repo.repo, ...(ref ? { ref } : {}) });
}
