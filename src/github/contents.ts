/**
 * Reading files from a repository through the contents API.
 */
import type { RepoRef } from "../plan/actions.js";

export interface ReadClient {
  request(route: string, params: Record<string, unknown>): Promise<{ data: unknown; status: number }>;
}

/**
 * The file's text at `ref` (default branch when omitted), or null when the
 * file (or the ref) does not exist. Any other failure (5xx, 403, network)
 * rejects with the original error: callers must treat it as "could not load",
 * never as "absent" or "invalid". One request.
 */
export async function readRawFile(client: ReadClient, repo: RepoRef, path: string, ref?: string): Promise<string | null> {
  try {
    const res = await client.request("GET /repos/{owner}/{repo}/contents/{path}", {
      owner: repo.owner,
      repo: repo.repo,
      path,
      ...(ref ? { ref } : {}),
      mediaType: { format: "raw" },
    });
    if (typeof res.data === "string") return res.data;
    // A directory listing or a JSON answer: not a file we can read as text.
    const data = res.data as { content?: string; encoding?: string; type?: string };
    if (data && data.type === "file" && typeof data.content === "string" && data.encoding === "base64") {
      return Buffer.from(data.content, "base64").toString("utf8");
    }
    return null;
  } catch (err) {
    if (isStatus(err, 404)) return null;
    throw err;
  }
}

export function isStatus(err: unknown, status: number): boolean {
  return typeof err === "object" && err !== null && (err as { status?: unknown }).status === status;
}
