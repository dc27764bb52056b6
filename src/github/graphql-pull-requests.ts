/**
 * The one GraphQL query that reads a repository's merged PRs with their
 * reviews, newest update first, and the shape of its answer.
 *
 * Cost: GitHub charges (requests needed to fulfil every connection) / 100,
 * at least 1. One page asks `pullRequests(first: 100)` plus `reviews(first:
 * 100)` on each of those 100 PRs: 1 + 100 = 101 requests -> 1 point per 100
 * PRs. Each further nested connection (labels, files) adds 100 requests, about
 * one more point per page, which is why labels and paths are asked for only
 * when the ladder's counting needs them.
 */
import type { HistoryFields } from "../store/store.js";

export const PAGE_SIZE = 100;
export const REVIEWS_PER_PR = 100;
export const LABELS_PER_PR = 20;
export const FILES_PER_PR = 100;

/** Builds the query; variables are `owner`, `name`, `first` and `cursor` (null for the first page). */
export function mergedPullRequestsQuery(fields: HistoryFields): string {
  const labels = fields.labels ? `\n          labels(first: ${LABELS_PER_PR}) { totalCount nodes { name } }` : "";
  const files = fields.paths ? `\n          files(first: ${FILES_PER_PR}) { totalCount nodes { path } }` : "";
  return `query stewardsMergedPullRequests($owner: String!, $name: String!, $first: Int!, $cursor: String) {
  repository(owner: $owner, name: $name) {
    nameWithOwner
    pullRequests(states: MERGED, first: $first, after: $cursor, orderBy: { field: UPDATED_AT, direction: DESC }) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        number
        url
        author { __typename login }
        mergedAt
        updatedAt
        additions
        deletions
        reviews(first: ${REVIEWS_PER_PR}) {
          totalCount
          nodes { databaseId author { __typename login } state submittedAt url }
        }${labels}${files}
      }
    }
  }
  rateLimit { cost remaining resetAt }
}`;
}

export interface MergedPullRequestsVariables {
  owner: string;
  name: string;
  first: number;
  cursor: string | null;
  [key: string]: unknown;
}

/**
 * An actor as GraphQL names it. GraphQL spells an app's bot without the
 * `[bot]` suffix REST and webhooks use ("dependabot" for "dependabot[bot]");
 * `restLogin` gives the REST spelling, the one the ladder's `exclude_authors`,
 * the roster and every webhook use.
 */
export interface ActorNode {
  __typename?: string;
  login: string;
}

/** The login as REST and webhooks spell it: bots carry `[bot]`. */
export function restLogin(actor: ActorNode): string {
  return actor.__typename === "Bot" && !actor.login.endsWith("[bot]") ? `${actor.login}[bot]` : actor.login;
}

export interface ReviewNode {
  databaseId: number | null;
  author: ActorNode | null;
  state: string;
  submittedAt: string | null;
  url: string;
}

export interface PullRequestNode {
  number: number;
  url: string;
  /** null for a deleted account ("ghost"). */
  author: ActorNode | null;
  mergedAt: string | null;
  updatedAt: string;
  additions: number;
  deletions: number;
  reviews: { totalCount: number; nodes: Array<ReviewNode | null> | null } | null;
  labels?: { totalCount: number; nodes: Array<{ name: string } | null> | null } | null;
  files?: { totalCount: number; nodes: Array<{ path: string } | null> | null } | null;
}

export interface MergedPullRequestsResponse {
  repository: {
    nameWithOwner: string;
    pullRequests: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      nodes: Array<PullRequestNode | null> | null;
    };
  } | null;
  rateLimit: { cost: number; remaining: number; resetAt: string } | null;
}
