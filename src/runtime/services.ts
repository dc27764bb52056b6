/**
 * The one place that builds clients: from a Probot octokit it makes the
 * narrow ports the use-cases depend on (STYLE habit 7).
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Governance } from "../config/schema.js";
import { readRawFile } from "../github/contents.js";
import { executeActions, type ActionResult } from "../github/execute-actions.js";
import type { Logger } from "../github/logger.js";
import { installationClient, type InstallationOctokit } from "../github/installation-client.js";
import { findOpenIssueWhere } from "../github/issue-reads.js";
import type { Action, RepoRef } from "../plan/actions.js";
import type { JobQueue } from "../queue/job-queue.js";
import type { LedgerStore } from "../store/store.js";
import { isConfigIssueBody, CONFIG_ISSUE_LABEL } from "../usecases/check-config-change.js";
import type { ConfigFilesPort, ConfigIssuePort } from "../usecases/check-config-change.js";
import type { GovernanceSource } from "../usecases/current-governance.js";
import { loadGovernanceWith } from "../github/governance-source.js";
import type { InstallationAccounts } from "../github/installation-accounts.js";
import type { Metrics } from "./metrics.js";
import { readBranchFiles, readFilesAtRefs, type BranchSnapshot } from "../github/branch-files.js";
import { configSourceFromOctokit } from "../config/probot-config-source.js";
import type { Settings } from "./settings.js";
import type { KeepRepoAccess } from "./access-ports.js";
import type { ServerKindProbe } from "../github/server-kind.js";
import type { HistoryGate } from "../usecases/history-readiness.js";

export type Octokit = InstallationOctokit;

export interface Services {
  store: LedgerStore;
  settings: Settings;
  /** The clock, passed in so tests can fix it. */
  clock: () => Date;
  /** Background work started by handlers; awaited on shutdown and by tests. (Backfills are queue jobs.) */
  background: Set<Promise<unknown>>;
  /** Prometheus metrics of this process (served at /metrics). */
  metrics: Metrics;
  /** Which account each installation belongs to, for refusing deliveries that name other accounts' resources. */
  installationAccounts: InstallationAccounts;
  /** This process, in leases: unique per process (see workerId). */
  holder?: string;
  /**
   * The app's bot login (`<slug>[bot]`), the author of every issue it opens:
   * markers are trusted only in its issues. Set by createApp from `GET /app`.
   */
  appLogin?: () => Promise<string>;
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
  /**
   * Says whether a repository's history is read enough to measure (see
   * usecases/history-readiness.ts). Set per job by the worker: a history not
   * read gets its backfill job and the job waits. Absent (no queue): the
   * history is read inline first (runtime/history-ports.ts `historyGateOf`).
   */
  historyGate?: HistoryGate;
  /**
   * Brings a repository's access in step with its roster (default: keepRepoAccess of
   * runtime/access-ports.ts, called through `keepAccessOf`). Handler tests of other
   * concerns record the calls here instead of answering every access read.
   */
  keepAccess?: (octokit: Octokit, log: Logger, input: KeepRepoAccess) => Promise<unknown>;
  /**
   * The sweep's governance-health part for one repository (default: sweepHealth of
   * handlers/health-refresh.ts: the page's snapshot and the report issue). Handler
   * tests of other concerns record the calls here instead.
   */
  healthSweep?: (octokit: Octokit, log: Logger, repo: { full_name: string; private?: boolean }) => Promise<unknown>;
  /**
   * Whether GitHub is github.com or GitHub Enterprise Server, from its answers
   * (github/server-kind.ts; the server's octokit class feeds it). Absent
   * (handler tests): github.com.
   */
  serverKind?: ServerKindProbe;
}

/** A lease holder id unique to this process. */
export function workerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
}

/** Runs actions in order; see github/execute-actions.ts. */
export type ExecuteActions = (actions: readonly Action[], log: Logger) => Promise<ActionResult[]>;

export interface GitHubPorts {
  source: GovernanceSource;
  /** The files a change to the ladder is checked on: both sides in one GraphQL request, other repositories' files one request each. */
  files: ConfigFilesPort;
  issues: ConfigIssuePort;
  /**
   * Runs actions, or logs them as a plan when STEWARDS_DRY_RUN says so. For
   * work a repository's ladder governs, use `executorFor`, which also honours
   * the ladder's `dry_run`.
   */
  execute: ExecuteActions;
  /**
   * The one executor for work on a repository governed by `governance`: dry
   * run when STEWARDS_DRY_RUN or the ladder's `dry_run` says so (STYLE habit 1
   * — nothing else decides dry run). Null: no ladder, only STEWARDS_DRY_RUN.
   */
  executorFor(governance: Pick<Governance, "dry_run"> | null): ExecuteActions;
  graphql<T>(query: string, variables: Record<string, unknown>): Promise<T>;
  /** A consistent snapshot of files at a branch head (one GraphQL request). */
  readBranchFiles(repo: RepoRef, branch: string, paths: readonly string[]): Promise<BranchSnapshot>;
  request(route: string, params: Record<string, unknown>): Promise<{ data: unknown; status: number }>;
}

export function githubFor(octokit: Octokit, services: Pick<Services, "settings" | "rerun">): GitHubPorts {
  const client = installationClient(octokit);
  const run = (dryRun: boolean): ExecuteActions => (actions, log) =>
    executeActions(client, actions, { dryRun: services.settings.dryRun || dryRun, log, lookBeforeCreate: services.rerun === true });
  return {
    ...client,
    readBranchFiles: (repo, branch, paths) => readBranchFiles(client, repo, branch, paths),
    files: {
      readFilesAtRefs: (repo, reads) => readFilesAtRefs(client, repo, reads),
      getRawFile: configSourceFromOctokit(octokit).getRawFile,
    },
    source: {
      loadGovernance: (repo: RepoRef, ref?: string) => loadGovernanceWith(octokit, repo, ref),
      readFile: (repo: RepoRef, path: string, ref?: string) => readRawFile(client, repo, path, ref),
    },
    issues: {
      findOpenConfigIssue: (repo: RepoRef) => findOpenIssueWhere(client, repo, { label: CONFIG_ISSUE_LABEL, matches: isConfigIssueBody }),
    },
    execute: run(false),
    executorFor: (governance) => run(governance?.dry_run === true),
  };
}
