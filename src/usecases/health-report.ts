/**
 * The health report issue: one per period (label `stewards:health`),
 * updated in place while the period is open and only when its text would
 * change (the figures, not the clock); when a new period starts, the previous
 * period's issue is closed and a new one opened. The store remembers the
 * current issue, so a sweep with nothing new costs no request; without a
 * record (a first run, or a crash between creating and recording), the app
 * looks for its own open issue by label and marker before it opens another.
 */
import type { ActionResult } from "../github/execute-actions.js";
import type { MarkedIssue } from "../github/issue-reads.js";
import type { Logger } from "../github/logger.js";
import type { Action, RepoRef } from "../plan/actions.js";
import type { HealthFigures } from "../render/health-page.js";
import { HEALTH_LABEL, healthReportTitle, renderHealthReport } from "../render/health-report.js";
import type { ValueStore } from "./current-governance.js";

export interface HealthReportGitHub {
  /** The app's own open issues labelled `stewards:health` with a `health-report` marker. Rejects on failure. */
  findOpenReports(repo: RepoRef): Promise<MarkedIssue[]>;
  /** Runs the actions (or records them in dry run). */
  execute(actions: readonly Action[], log: Logger): Promise<ActionResult[]>;
}

interface ReportRecord {
  /** The period's start (ISO-8601), as in the marker. */
  period: string;
  issue: number;
  title: string;
  body: string;
}

export function healthReportKey(repo: RepoRef): string {
  return `health-report:${repo.owner.toLowerCase()}/${repo.repo.toLowerCase()}`;
}

export type ReportOutcome = { kind: "unchanged" | "updated" | "opened"; issue: number | null; closed: number[] };

export async function upsertHealthReport(
  deps: { kv: ValueStore; github: HealthReportGitHub; log: Logger; webUrl: string; pageUrl?: string },
  repo: RepoRef,
  figures: HealthFigures,
): Promise<ReportOutcome> {
  const period = figures.json.period.start;
  const title = healthReportTitle(figures);
  const body = renderHealthReport(figures, { webUrl: deps.webUrl, ...(deps.pageUrl ? { pageUrl: deps.pageUrl } : {}) });
  const key = healthReportKey(repo);
  const record = await deps.kv.getValue<ReportRecord>(key);
  if (record && record.period === period) {
    if (record.body === body && record.title === title) return { kind: "unchanged", issue: record.issue, closed: [] };
    await deps.github.execute([{ kind: "issue.update", repo, number: record.issue, title, body }], deps.log);
    await deps.kv.setValue<ReportRecord>(key, { period, issue: record.issue, title, body });
    return { kind: "updated", issue: record.issue, closed: [] };
  }

  // A new period (or no record): close the earlier periods' reports, adopt this period's if one is open.
  const open = await deps.github.findOpenReports(repo);
  const mine = open.find((i) => i.key.period === period);
  const stale = open.filter((i) => i !== mine).map((i) => i.number);
  const actions: Action[] = stale.map((number) => ({ kind: "issue.close", repo, number, reason: "completed" }));
  if (mine) {
    if (mine.body !== body || mine.title !== title) actions.push({ kind: "issue.update", repo, number: mine.number, title, body });
    await deps.github.execute(actions, deps.log);
    await deps.kv.setValue<ReportRecord>(key, { period, issue: mine.number, title, body });
    return { kind: actions.some((a) => a.kind === "issue.update") ? "updated" : "unchanged", issue: mine.number, closed: stale };
  }
  const results = await deps.github.execute([...actions, { kind: "issue.create", repo, title, body, labels: [HEALTH_LABEL] }], deps.log);
  const number = results[results.length - 1]?.created?.number ?? null;
  // Dry run creates nothing: nothing to remember, and the next sweep plans the same again.
  if (number !== null) await deps.kv.setValue<ReportRecord>(key, { period, issue: number, title, body });
  deps.log.info({ repo: `${repo.owner}/${repo.repo}`, period, issue: number, closed: stale }, "health report opened");
  return { kind: "opened", issue: number, closed: stale };
}
