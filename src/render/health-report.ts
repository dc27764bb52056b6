/**
 * The health report issue (label `stewards:health`, one per period, SPEC
 * "Governance health"): the period's figures with the change from the period
 * before and the plain-language warnings, in markdown. The same stored
 * figures as the page and health.json, so the three cannot disagree.
 * Deterministic and free of the clock (`computedAt` is not shown), so the
 * issue is edited only when a figure changed. Logins are profile links, never
 * mentions: a report notifies nobody.
 */
import type { PeriodFigures } from "../health/figures.js";
import { escapeMarkdownInline, userLink } from "./escape.js";
import { periodLabel } from "./health-charts.js";
import type { HealthFigures } from "./health-page.js";
import { renderMarker } from "./markers.js";

export const HEALTH_LABEL = "stewards:health";
export const HEALTH_MARKER = "health-report";

export function healthReportTitle(figures: HealthFigures): string {
  return `Governance health: ${periodLabel(figures.json.period)}`;
}

const pct = (x: number | null) => (x === null ? "—" : `${Math.round(x * 100)} %`);

function change(now: number | null, before: number | null | undefined, asPct = false): string {
  if (before === undefined || before === null || now === null) return "—";
  const d = now - before;
  if (d === 0) return "±0";
  return asPct ? `${d > 0 ? "+" : "−"}${Math.round(Math.abs(d) * 100)} pts` : `${d > 0 ? "+" : "−"}${Math.abs(d)}`;
}

export function renderHealthReport(figures: HealthFigures, opts: { webUrl: string; pageUrl?: string }): string {
  const j = figures.json;
  const prev: PeriodFigures | undefined = j.history[j.history.length - 1];
  const web = opts.webUrl.replace(/\/+$/, "");
  const issue = (n: number) => `[#${n}](${web}/${j.repository}/issues/${n})`;
  const rows: Array<[string, string, string]> = [
    ["Promotions", String(j.promotions), change(j.promotions, prev?.promotions)],
    [`Demotions (emeritus: ${figures.emeritus}); step-downs apart: ${figures.stepDowns}`, String(j.demotions), change(j.demotions, prev?.demotions)],
    ["Decisions contested (appealed)", pct(j.contested_share), change(j.contested_share, prev?.contested_share, true)],
    ["Appeals filed / upheld / overturned", `${j.appeals.filed} / ${j.appeals.upheld} / ${j.appeals.overturned}`, "—"],
    ["Manual roster changes", String(j.manual_changes), change(j.manual_changes, prev?.manual_changes)],
    ["People with merged pull requests (90 days)", String(j.mergers_90d), change(j.mergers_90d, prev?.mergers_90d)],
    ["Merges by the top author", pct(j.top1_merge_share), change(j.top1_merge_share, prev?.top1_merge_share, true)],
    ["Merges by the top three authors", pct(j.top3_merge_share), change(j.top3_merge_share, prev?.top3_merge_share, true)],
    ["Absence factor (fewest people making half the merges)", String(j.absence_factor), change(j.absence_factor, prev?.absence_factor)],
    ...Object.entries(j.funnel).map(([role, n]): [string, string, string] => [`Holding ${escapeMarkdownInline(role)}`, String(n), change(n, prev?.funnel[role])]),
  ];
  const out = [
    `## Governance health of ${escapeMarkdownInline(j.repository)}, ${periodLabel(j.period)}`,
    "",
    `_Period ${j.period.start.slice(0, 10)} to ${j.period.end.slice(0, 10)} (end excluded). This issue is updated in place while the period is open, whenever a figure changes._`,
    "",
  ];
  if (figures.warnings.length > 0) out.push("**Warnings**", "", ...figures.warnings.map((w) => `- ⚠️ ${escapeMarkdownInline(w)}`), "");
  out.push(
    `| figure | this period | change from ${prev ? periodLabel(prev.period) : "the period before"} |`,
    "| --- | --- | --- |",
    ...rows.map(([a, b, c]) => `| ${a} | ${b} | ${c} |`),
    "",
    `**One requirement away from the next rung:** ${j.near_next_rung.length === 0 ? "nobody" : j.near_next_rung.map((l) => userLink(l, web)).join(", ")}`,
    "",
    `**Open proposals older than a week:** ${j.stale_proposals.length === 0 ? "none" : j.stale_proposals.map(issue).join(", ")}`,
    "",
  );
  if (opts.pageUrl) out.push(`Charts, the ladder, everyone's progress and the decision log: [the health page](${opts.pageUrl}) ([JSON](${opts.pageUrl}/health.json)).`, "");
  out.push(renderMarker(HEALTH_MARKER, { period: j.period.start }));
  return out.join("\n");
}
