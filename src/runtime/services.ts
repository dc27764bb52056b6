/**
 * The one place that builds clients: from a Probot octokit it makes the
 * narrow ports the use-cases depend on (STYLE habit 7).
 */
import type { ProbotOctokit } from "probot";
import { readRawFile } from "../github/contents.js";
import { executeActions, type ActionResult } from "../github/execute-actions.js";
import type { Logger } from "../github/logger.js";
import type { Action, RepoRef } from "../plan/actions.js";
import type { JobQueue } from "../queue/job-queue.js";
import type { LedgerStore } from "../store/store.js";
import { isConfigIssueBody, CONFIG_ISSUE_LABEL } from "../usecases/check-config-change.js";
import type { ConfigIssuePort } from "../usecases/check-config-change.js";
import type { GovernanceSource } from "../usecases/current-governance.js";
import { loadGovernanceWith } from "../github/governance-source.js";
import type { Settings } from "./settings.js";

export type Octokit = InstanceType<typeof ProbotOctokit>;

export interface Services {
  store: LedgerStore;
  settings: Settings;
  /** The clock, passed in so tests can fix it. */
  clock: () => Date;
  /** Background work started by handlers (backfills); awaited on shutdown and by tests. */
  background: Set<Promise<unknown>>;
  /**
   * The durable work queue (src/queue/). Present in the server: a webhook is
   * then acknowledged once its work is enqueued, and the work runs from the
   * queue. Absent (handler tests): handlers run inside the webhook request.
   */
  queue?: JobQueue;
  /**
   * True while running work that may have run before (a retried job: an
   * earlier attempt failed or its process died mid-run). Writes that create
   * something then first look for the copy an earlier attempt may have made.
   */
  rerun?: boolean;
}

export interface GitHubPorts {
  source: GovernanceSource;
  issues: ConfigIssuePort;
  /** Runs actions, or logs them as a plan when STEWARDS_DRY_RUN or the ladder's `dry_run` says so. */
  execute(actions: readonly Action[], log: Logger, opts?: { dryRun?: boolean }): Promise<ActionResult[]>;
  graphql<T>(query: string, variables: Record<string, unknown>): Promise<T>;
  request(route: string, params: Record<string, unknown>): Promise<{ data: unknown; status: number }>;
}

export function githubFor(octokit: Octokit, services: Pick<Services, "settings" | "rerun">): GitHubPorts {
  const request = (route: string, params: Record<string, unknown>) =>
    octokit.request(route, params) as Promise<{ data: unknown; status: number }>;
  return {
    request,
    graphql: <T>(query: string, variables: Record<string, unknown>) => octokit.graphql<T>(query, variables),
    source: {
      loadGovernance: (repo: RepoRef, ref?: string) => loadGovernanceWith(octokit, repo, ref),
      readFile: (repo: RepoRef, path: string, ref?: string) => readRawFile({ request }, repo, path, ref),
    },
    issues: {
      async findOpenConfigIssue(repo: RepoRef) {
        const res = await request("GET /repos/{owner}/{repo}/issues", {
          owner: repo.owner,
          repo: repo.repo,
          state: "open",
          labels: CONFIG_ISSUE_LABEL,
          per_page: 100,
        });
        const list = res.data as Array<{ number: number; body?: string | null; pull_request?: unknown }>;
        const found = list.find((i) => !i.pull_request && isConfigIssueBody(i.body));
        return found ? { number: found.number, body: found.body ?? "" } : null;
      },
    },
    execute: (actions, log, opts) =>
      executeActions({ request }, actions, {
        dryRun: services.settings.dryRun || opts?.dryRun === true,
        log,
        lookBeforeCreate: services.rerun === true,
      }),
  };
}
