/**
 * Which handler serves which webhook events, by a stable route name. The
 * name is part of each queued job (the worker finds the handler by it) and
 * of each delivery's de-duplication key, so renaming a route re-runs the
 * deliveries still queued under the old name as unknown (logged, dropped).
 */
import type { EmitterWebhookEventName } from "@octokit/webhooks";
import type { Context } from "probot";
import type { Services } from "../runtime/services.js";
import { onPullRequestChanged, onPush } from "./config-changes.js";
import { onPullRequestClosed, onReviewSubmitted } from "./contributions.js";
import { onInstallation, onRepositoriesAdded } from "./installation.js";
import { onIssueComment } from "./issue-comment.js";
import { onPromotionPullClosed } from "./promotion-pull-closed.js";
import { onIssueActivity } from "./issue-activity.js";

export interface Route {
  /** Stable name: de-duplication key part, job field and log field `handler`. */
  name: string;
  events: EmitterWebhookEventName[];
  run(services: Services, ctx: Context): Promise<void> | void;
}

/**
 * Erases the handler's event type so that routes fit in one list. Sound
 * because a route's handler only ever receives contexts of its own events:
 * Probot dispatches by `events`, and the worker runs a job only through the
 * route that enqueued it.
 */
function route<E extends EmitterWebhookEventName>(name: string, events: E[], run: (services: Services, ctx: Context<E>) => Promise<void> | void): Route {
  return { name, events, run: run as Route["run"] };
}

export const ROUTES: readonly Route[] = [
  route("ledger-pr", ["pull_request.closed"], onPullRequestClosed),
  route("ledger-review", ["pull_request_review.submitted"], onReviewSubmitted),
  route("config-push", ["push"], onPush),
  route("config-pr", ["pull_request.opened", "pull_request.synchronize", "pull_request.reopened"], onPullRequestChanged),
  route("commands", ["issue_comment.created"], onIssueComment),
  route("proposal-review", ["issues.edited", "issues.labeled", "issues.unlabeled"], onIssueActivity),
  route("proposal-pull", ["pull_request.closed"], onPromotionPullClosed),
  route("backfill", ["installation.created"], onInstallation),
  route("backfill-added", ["installation_repositories.added"], onRepositoriesAdded),
];

export function findRoute(name: string): Route | undefined {
  return ROUTES.find((r) => r.name === name);
}
