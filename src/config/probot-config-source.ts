/**
 * The ConfigSource the loader needs, made from the octokit Probot hands to a
 * handler (or any @octokit/core client: the CLI's, a test's). It reads files
 * exactly as Probot's config loader does — `GET /repos/{owner}/{repo}/contents/{path}`
 * with the raw media type — so the same permissions and the same GitHub
 * Enterprise base URL apply.
 */
import { loadGovernance } from "./load-governance.js";
import type { LoadResult } from "./load-governance.js";
import { NotAFileError } from "./resolve-extends.js";
import type { ConfigSource } from "./resolve-extends.js";

/** The one octokit call used; satisfied by ProbotOctokit and @octokit/rest. */
export interface RawRequestClient {
  request(
    route: "GET /repos/{owner}/{repo}/contents/{path}",
    params: { owner: string; repo: string; path: string; ref?: string; mediaType: { format: "raw" } },
  ): Promise<{ data: unknown; headers: Record<string, unknown> }>;
}

export function configSourceFromOctokit(octokit: RawRequestClient): ConfigSource {
  return {
    async getRawFile(owner, repo, path, ref) {
      let res: { data: unknown; headers: Record<string, unknown> };
      try {
        res = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
          owner,
          repo,
          path,
          ...(ref ? { ref } : {}),
          mediaType: { format: "raw" },
        });
      } catch (err) {
        if (typeof err === "object" && err !== null && (err as { status?: unknown }).status === 404) return null;
        throw err;
      }
      // A directory or submodule answers with JSON even when raw is asked for (the plugin checks the same).
      if (typeof res.data !== "string") {
        if (res.data instanceof ArrayBuffer) return new TextDecoder().decode(res.data);
        throw new NotAFileError(`${owner}/${repo}:${path}`);
      }
      return res.data;
    },
  };
}

/** Convenience for handlers and the CLI: load the ladder of `owner/repo` at `ref` through `octokit`. Never throws. */
export function loadGovernanceWithOctokit(
  octokit: RawRequestClient,
  target: { owner: string; repo: string; ref?: string; path?: string },
): Promise<LoadResult> {
  return loadGovernance(configSourceFromOctokit(octokit), target);
}
