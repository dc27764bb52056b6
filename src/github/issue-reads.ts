/**
 * Reads of issues the proposal flow needs: the reactions on an issue (there
 * is no reaction webhook, so the app reads them when anything happens on the
 * issue and on the sweep), and the app's own open issues of one kind, found
 * by label and hidden marker (the fallback when the store has no record, e.g.
 * after a crash between creating an issue and recording it).
 */
import type { RepoRef } from "../plan/actions.js";
import { findMarker, type MarkerKey } from "../render/markers.js";
import type { ReadClient } from "./contents.js";

export interface IssueReaction {
  login: string;
  /** "Bot" for apps and bots; their reactions never count. */
  type: string;
  /** GitHub's reaction content: "+1", "-1", "laugh", … */
  content: string;
  /** When it was added (ISO-8601): approvals given before expiry still count on a late sweep. */
  createdAt?: string;
}

const PER_PAGE = 100;
/** A promotion issue with more than this many reactions is read only this far (10 requests); the excess is logged by callers. */
export const MAX_REACTION_PAGES = 10;

/**
 * Every reaction on the issue, oldest first, one request per 100 reactions
 * (at most MAX_REACTION_PAGES). Rejects on any failure: a tally must never be
 * computed from a partial read.
 */
export async function listIssueReactions(client: ReadClient, repo: RepoRef, issueNumber: number): Promise<IssueReaction[]> {
  const out: IssueReaction[] = [];
  for (let page = 1; page <= MAX_REACTION_PAGES; page++) {
    const res = await client.request("GET /repos/{owner}/{repo}/issues/{issue_number}/reactions", {
      owner: repo.owner,
      repo: repo.repo,
      issue_number: issueNumber,
      per_page: PER_PAGE,
      page,
    });
    const list = res.data as Array<{ content: string; created_at?: string; user: { login: string; type: string } | null }>;
    for (const r of list) if (r.user) out.push({ login: r.user.login, type: r.user.type, content: r.content, ...(r.created_at ? { createdAt: r.created_at } : {}) });
    if (list.length < PER_PAGE) break;
  }
  return out;
}

export interface MarkedIssue {
  number: number;
  title: string;
  body: string;
  key: MarkerKey;
}

/**
 * The open issues labelled `label`, written by `appLogin` (the app's bot
 * account; a marker in anyone else's issue is not trusted), whose body
 * carries a marker of `kind`. One request per 100 open issues with that
 * label. Rejects on any failure.
 */
export async function findOpenMarkedIssues(
  client: ReadClient,
  repo: RepoRef,
  opts: { label: string; kind: string; appLogin: string },
): Promise<MarkedIssue[]> {
  const out: MarkedIssue[] = [];
  for (let page = 1; ; page++) {
    const res = await client.request("GET /repos/{owner}/{repo}/issues", {
      owner: repo.owner,
      repo: repo.repo,
      state: "open",
      labels: opts.label,
      per_page: PER_PAGE,
      page,
    });
    const list = res.data as Array<{ number: number; title: string; body?: string | null; pull_request?: unknown; user: { login: string } | null }>;
    for (const issue of list) {
      if (issue.pull_request || issue.user?.login.toLowerCase() !== opts.appLogin.toLowerCase()) continue;
      const key = findMarker(issue.body ?? "", opts.kind);
      if (key) out.push({ number: issue.number, title: issue.title, body: issue.body ?? "", key });
    }
    if (list.length < PER_PAGE) break;
  }
  return out;
}

/**
 * findOpenMarkedIssues for the app's own issues, the app's login asked of
 * `appLogin` at each call (createApp's, which caches `GET /app`). Without
 * one (tests that do not set it) no issue is trusted, so none is found.
 */
export async function findOpenAppIssues(
  client: ReadClient,
  appLogin: (() => Promise<string>) | undefined,
  repo: RepoRef,
  opts: { label: string; kind: string },
): Promise<MarkedIssue[]> {
  return findOpenMarkedIssues(client, repo, { ...opts, appLogin: appLogin ? await appLogin() : "" });
}

/**
 * The first open issue (not pull request) labelled `label` whose body
 * `matches`, among the first 100 such issues; null when none is. One
 * request. Rejects on any failure.
 */
export async function findOpenIssueWhere(
  client: ReadClient,
  repo: RepoRef,
  opts: { label: string; matches: (body: string | null | undefined) => boolean },
): Promise<{ number: number; body: string } | null> {
  const res = await client.request("GET /repos/{owner}/{repo}/issues", { owner: repo.owner, repo: repo.repo, state: "open", labels: opts.label, per_page: PER_PAGE });
  const list = res.data as Array<{ number: number; body?: string | null; pull_request?: unknown }>;
  const found = list.find((i) => !i.pull_request && opts.matches(i.body));
  return found ? { number: found.number, body: found.body ?? "" } : null;
}
