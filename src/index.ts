/**
 * The Probot application: registers handlers. No logic lives here.
 */
import type { ApplicationFunction, Context, Probot } from "probot";
import { onPullRequestClosed, onReviewSubmitted } from "./handlers/contributions.js";
import { onPullRequestChanged, onPush } from "./handlers/config-changes.js";
import { guarded } from "./handlers/guard.js";
import { healthHandler } from "./handlers/http.js";
import { onInstallation, onRepositoriesAdded } from "./handlers/installation.js";
import { onIssueComment } from "./handlers/issue-comment.js";
import { metricsHandler } from "./handlers/metrics-endpoint.js";
import { onIssueActivity } from "./handlers/proposals.js";
import { scheduleSweeps } from "./handlers/sweep.js";
import type { Services } from "./runtime/services.js";

export interface AppOptions {
  /** Start the periodic sweep timer (off in unit tests). */
  sweep?: boolean;
  /** Register the HTTP endpoints (/healthz, /metrics); needs Probot's server, so off under `probot.receive` tests. Default true. */
  http?: boolean;
}

export function createApp(base: Services, options: AppOptions = {}): ApplicationFunction {
  return (app, { addHandler }) => {
    const services: Services = { ...base, appLogin: base.appLogin ?? appLoginOf(app) };
    app.on("pull_request.closed", guarded(services, "ledger-pr", onPullRequestClosed));
    app.on("pull_request_review.submitted", guarded(services, "ledger-review", onReviewSubmitted));
    app.on("push", guarded(services, "config-push", onPush));
    app.on(
      ["pull_request.opened", "pull_request.synchronize", "pull_request.reopened"],
      guarded(services, "config-pr", (s, ctx: Context<"pull_request.opened" | "pull_request.synchronize" | "pull_request.reopened">) =>
        onPullRequestChanged(s, ctx),
      ),
    );
    app.on("issue_comment.created", guarded(services, "commands", onIssueComment));
    app.on(
      ["issues.edited", "issues.labeled", "issues.unlabeled"],
      guarded(services, "proposal-review", (s, ctx: Context<"issues.edited" | "issues.labeled" | "issues.unlabeled">) => onIssueActivity(s, ctx)),
    );
    app.on("installation.created", guarded(services, "backfill", onInstallation));
    app.on("installation_repositories.added", guarded(services, "backfill", onRepositoriesAdded));
    if (options.http !== false) addHandler(healthHandler(services));
    if (options.http !== false) addHandler(metricsHandler(services));
    if (options.sweep) scheduleSweeps(app, services, services.settings.sweepIntervalMs);
  };
}

/** The app's bot login, read once from `GET /app` (JWT) and kept; a failed read is retried next time. */
function appLoginOf(app: Probot): () => Promise<string> {
  let known: Promise<string> | null = null;
  return () => {
    known ??= app
      .auth()
      .then((octokit) => octokit.request("GET /app"))
      .then((res) => `${(res.data as { slug: string }).slug}[bot]`)
      .catch((err: unknown) => {
        known = null;
        throw err;
      });
    return known;
  };
}
