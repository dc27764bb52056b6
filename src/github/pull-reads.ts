/**
 * Reads of the promotion pull request: its state (merged, by whom, the head
 * that was merged, whether it can still merge) and its reviews (approvals by
 * merge count approving reviews; see ladder/merge-votes.ts).
 */
import type { PullReview } from "../ladder/merge-votes.js";
import type { RepoRef } from "../plan/actions.js";
import type { ReadClient } from "./contents.js";

export interface PullState {
  number: number;
  url: string;
  state: "open" | "closed";
  merged: boolean;
  mergedAt: string | null;
  mergedBy: { login: string; type: string } | null;
  headRef: string;
  headSha: string;
  /** GitHub's `mergeable`: null while GitHub is still computing it. */
  mergeable: boolean | null;
}

interface PullJson {
  number: number;
  html_url: string;
  state: string;
  merged?: boolean;
  merged_at: string | null;
  merged_by?: { login: string; type: string } | null;
  head: { ref: string; sha: string };
  mergeable?: boolean | null;
}

/** The pull request's state from GET or from a webhook payload's `pull_request` (same shape). */
export function pullStateOf(data: PullJson): PullState {
  return {
    number: data.number,
    url: data.html_url,
    state: data.state === "open" ? "open" : "closed",
    merged: data.merged === true || data.merged_at !== null,
    mergedAt: data.merged_at,
    mergedBy: data.merged_by ? { login: data.merged_by.login, type: data.merged_by.type } : null,
    headRef: data.head.ref,
    headSha: data.head.sha,
    mergeable: data.mergeable ?? null,
  };
}

/** One request. Rejects on failure (a 404 too: the caller decides what a vanished pull request means). */
export async function getPull(client: ReadClient, repo: RepoRef, number: number): Promise<PullState> {
  const res = await client.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { owner: repo.owner, repo: repo.repo, pull_number: number });
  return pullStateOf(res.data as PullJson);
}

const PER_PAGE = 100;
/** Reviews read at most (10 requests); a promotion pull request with more is read this far. */
const MAX_REVIEW_PAGES = 10;

/** Every submitted review, oldest first, one request per 100. Rejects on any failure: a tally is never computed from a partial read. */
export async function listPullReviews(client: ReadClient, repo: RepoRef, number: number): Promise<PullReview[]> {
  const out: PullReview[] = [];
  for (let page = 1; page <= MAX_REVIEW_PAGES; page++) {
    const res = await client.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews", { owner: repo.owner, repo: repo.repo, pull_number: number, per_page: PER_PAGE, page });
    const list = res.data as Array<{ state: string; submitted_at?: string | null; user: { login: string; type: string } | null }>;
    for (const r of list) if (r.user) out.push({ login: r.user.login, type: r.user.type, state: r.state, ...(r.submitted_at ? { submittedAt: r.submitted_at } : {}) });
    if (list.length < PER_PAGE) break;
  }
  return out;
}

/**
 * The pull requests whose head is `branch` in the repository itself, open or
 * closed, newest first (one request: the app's own branch has few). Rejects
 * on failure. For the onboarding pull request: "opened once; closed unmerged,
 * never again" is checked against GitHub too, not only the store.
 */
export async function listPullsFromBranch(client: ReadClient, repo: RepoRef, branch: string): Promise<PullState[]> {
  const res = await client.request("GET /repos/{owner}/{repo}/pulls", { owner: repo.owner, repo: repo.repo, head: `${repo.owner}:${branch}`, state: "all", per_page: PER_PAGE });
  return (res.data as PullJson[]).map(pullStateOf);
}
