/**
 * The public health page, `/stewards/<owner>/<repo>`: one self-contained
 * HTML document — inline CSS, charts as inline SVG (health-charts.ts), no
 * script, no font, no image, nothing from another origin — that reads the
 * same without JavaScript. Every piece of text that came from people or
 * from GitHub (logins, log subjects, reasons, role names) goes through
 * `html()`; links are only ever http(s) addresses. Pure and deterministic:
 * the same model gives the same bytes (the ETag is their hash).
 */
import { describeDuration, tryParseDuration } from "../config/duration.js";
import type { Governance, Rung } from "../config/schema.js";
import type { HealthJson, HealthResult, LoggedDecision, PeriodFigures } from "../health/figures.js";
import { healthWarnings } from "../health/warnings.js";
import type { Standing } from "../ladder/standing.js";
import { healthCharts, periodLabel } from "./health-charts.js";
import { hasWords, neededWords, requirementName } from "./standing-words.js";

/** One person's line in the progress table, in words already (stored with the figures). */
export interface ProgressRow {
  login: string;
  role: string | null;
  next: string | null;
  /** "eligible", "1 requirement to go", "top rung", … */
  standing: string;
  requirements: Array<{ text: string; met: boolean }>;
}

/**
 * What the sweep computes and stores for the page and health.json, so that a
 * page view only reads it: the JSON, the figures beside it, the warnings and
 * the progress table (at most MAX_PROGRESS_ROWS rows, closest first).
 */
export interface HealthFigures {
  json: HealthJson;
  stepDowns: number;
  emeritus: number;
  warnings: string[];
  progress: ProgressRow[];
  /** Rows there would be without the cap. */
  progressTotal: number;
  /** The clock the figures were computed at (ISO-8601). */
  computedAt: string;
}

export interface HealthPageModel {
  /** "owner/name" as GitHub spells it. */
  repository: string;
  /** GitHub's web root, e.g. https://github.com. */
  webUrl: string;
  governance: Governance;
  figures: HealthFigures;
  /** The decision log as last read by the sweep, in file order. */
  log: readonly LoggedDecision[];
}

/** The health page's address under the app's public URL; undefined without one, or for a repository not known to be public (the page would answer 404). */
export function healthPageUrl(publicUrl: string | undefined, repo: { owner: string; repo: string }, isPrivate: boolean | undefined): string | undefined {
  if (!publicUrl || isPrivate !== false) return undefined;
  return `${publicUrl.replace(/\/+$/, "")}/stewards/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.repo)}`;
}

/** People shown in the progress table at most, and log entries at most. */
export const MAX_PROGRESS_ROWS = 200;
export const MAX_LOG_ROWS = 50;
const RECENT_DAYS = 90;
const DAY_MS = 86_400_000;

// eslint-disable-next-line no-control-regex -- removing control characters is the point
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/** Text safe inside an HTML element or a quoted attribute. */
export function html(text: string): string {
  return text.replace(CONTROLS, "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

/** A link when `url` is an http(s) address, the escaped label otherwise. */
function link(label: string, url: string | null | undefined): string {
  return url && /^https?:\/\/[^\s"'<>]+$/i.test(url) ? `<a href="${html(url)}">${html(label)}</a>` : html(label);
}

function person(login: string, webUrl: string): string {
  return /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/.test(login) ? link(login, `${webUrl.replace(/\/+$/, "")}/${login}`) : html(login);
}

const pct = (x: number | null) => (x === null ? "—" : `${Math.round(x * 100)} %`);

/** The stored figures from a computed result: warnings and the progress table in words. */
export function healthFigures(result: HealthResult, now: Date): HealthFigures {
  const recent = recentStandings(result.standings, now);
  return {
    json: result.json,
    stepDowns: result.stepDowns,
    emeritus: result.emeritus,
    warnings: healthWarnings(result.json),
    progress: recent.slice(0, MAX_PROGRESS_ROWS).map(progressRow),
    progressTotal: recent.length,
    computedAt: now.toISOString(),
  };
}

function progressRow(s: Standing): ProgressRow {
  const next = s.next;
  const standing = !next ? "top rung" : s.eligibleFor ? "eligible" : next.byNominationOnly ? "by nomination" : s.missingForNext === 1 ? "1 requirement to go" : `${s.missingForNext} requirements to go`;
  return {
    login: s.login,
    role: s.currentRole,
    next: next?.role ?? null,
    standing,
    requirements: (next?.requirements ?? []).map((r) => ({ text: `${requirementName(r)}: ${hasWords(r, s)} of ${neededWords(r)}`, met: r.met })),
  };
}

export function renderHealthPage(m: HealthPageModel): string {
  const j = m.figures.json;
  const periods: PeriodFigures[] = [...j.history, j];
  const charts = healthCharts(periods, m.governance.ladder.map((r) => r.role));
  const repoUrl = `${m.webUrl.replace(/\/+$/, "")}/${m.repository}`;
  const title = `Governance health — ${m.repository}`;
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${html(title)}</title>`,
    `<style>${CSS}</style>`,
    "</head>",
    "<body>",
    "<header>",
    `<h1>Governance health of ${link(m.repository, repoUrl)}</h1>`,
    `<p class="meta">Period ${html(periodLabel(j.period))} (${html(j.period.start.slice(0, 10))} to ${html(j.period.end.slice(0, 10))}, end excluded). Figures as of ${html(m.figures.computedAt.slice(0, 16).replace("T", " "))} UTC (refreshed by the app's periodic sweep). Also as <a href="${html(`/stewards/${m.repository.split("/").map(encodeURIComponent).join("/")}/health.json`)}">JSON</a>.</p>`,
    "</header>",
    "<main>",
    warningsSection(m.figures.warnings),
    figuresSection(m, periods),
    '<section id="charts"><h2>Over time</h2>',
    `<div class="charts">${charts.map((c) => `<figure id="chart-${c.id}"><figcaption>${html(c.title)}</figcaption>${c.svg}</figure>`).join("")}</div>`,
    "</section>",
    ladderSection(m.governance),
    progressSection(m),
    logSection(m),
    "</main>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

function warningsSection(warnings: readonly string[]): string {
  if (warnings.length === 0) return "";
  return `<section id="warnings" aria-label="Warnings"><ul class="warnings">${warnings.map((w) => `<li>${html(w)}</li>`).join("")}</ul></section>`;
}

function figuresSection(m: HealthPageModel, periods: PeriodFigures[]): string {
  const j = m.figures.json;
  const prev = periods.length > 1 ? periods[periods.length - 2] : undefined;
  const change = (now: number | null, before: number | null | undefined, asPct = false) => {
    if (before === undefined || before === null || now === null) return "";
    const d = now - before;
    if (d === 0) return "±0";
    return asPct ? `${d > 0 ? "+" : "−"}${Math.round(Math.abs(d) * 100)} pts` : `${d > 0 ? "+" : "−"}${Math.abs(d)}`;
  };
  const issues = (ns: number[]) => (ns.length === 0 ? "none" : ns.map((n) => link(`#${n}`, `${m.webUrl.replace(/\/+$/, "")}/${m.repository}/issues/${n}`)).join(", "));
  const rows: Array<[string, string, string]> = [
    ["Promotions", String(j.promotions), change(j.promotions, prev?.promotions)],
    [`Demotions (of which emeritus: ${m.figures.emeritus}); step-downs: ${m.figures.stepDowns}`, String(j.demotions), change(j.demotions, prev?.demotions)],
    ["Share of decisions contested (appealed)", pct(j.contested_share), change(j.contested_share, prev?.contested_share, true)],
    ["Appeals filed / upheld / overturned", `${j.appeals.filed} / ${j.appeals.upheld} / ${j.appeals.overturned}`, ""],
    ["Manual roster changes", String(j.manual_changes), change(j.manual_changes, prev?.manual_changes)],
    ["People with merged pull requests, last 90 days", String(j.mergers_90d), change(j.mergers_90d, prev?.mergers_90d)],
    ["Share of merges by the top author", pct(j.top1_merge_share), change(j.top1_merge_share, prev?.top1_merge_share, true)],
    ["Share of merges by the top three authors", pct(j.top3_merge_share), change(j.top3_merge_share, prev?.top3_merge_share, true)],
    ["Absence factor (fewest people making half the merges)", String(j.absence_factor), change(j.absence_factor, prev?.absence_factor)],
    ["One requirement away from the next rung", j.near_next_rung.length === 0 ? "nobody" : j.near_next_rung.map((l) => person(l, m.webUrl)).join(", "), ""],
    ["Open proposals older than a week", issues(j.stale_proposals), ""],
    ...m.governance.ladder.map((r): [string, string, string] => [`Holding ${html(r.role)}`, String(j.funnel[r.role] ?? 0), change(j.funnel[r.role] ?? 0, prev?.funnel[r.role])]),
  ];
  return [
    '<section id="figures"><h2>This period</h2>',
    '<table class="figures"><thead><tr><th scope="col">figure</th><th scope="col">now</th><th scope="col">change from the period before</th></tr></thead><tbody>',
    // Row labels are the app's own words (role names escaped above); values are escaped where built.
    ...rows.map(([label, value, delta]) => `<tr><th scope="row">${label}</th><td>${value}</td><td>${html(delta)}</td></tr>`),
    "</tbody></table></section>",
  ].join("\n");
}

function requirementWords(rung: Rung, below: string | null): string[] {
  const r = rung.requires;
  const window = describeDuration(tryParseDuration(r.window ?? "365d") ?? 365 * DAY_MS);
  const words: string[] = [];
  if (r.merged_prs !== undefined) words.push(`${r.merged_prs} merged pull requests in the last ${window}`);
  if (r.reviews !== undefined) words.push(`${r.reviews} reviews of others' pull requests in the last ${window}`);
  if (r.tenure) words.push(`${describeDuration(tryParseDuration(r.tenure) ?? 0)} since the first counted contribution`);
  if (r.time_in_role) words.push(`${describeDuration(tryParseDuration(r.time_in_role) ?? 0)} as ${below ?? "the role below"}`);
  return words;
}

function ladderSection(g: Governance): string {
  const rungs = g.ladder.map((rung, i) => {
    const words = requirementWords(rung, g.ladder[i - 1]?.role ?? null);
    return [
      `<li class="rung"><h3>${html(rung.role)}</h3>`,
      rung.description ? `<p>${html(rung.description)}</p>` : "",
      words.length === 0 ? "<p>By nomination only.</p>" : `<ul>${words.map((w) => `<li>${html(w)}</li>`).join("")}</ul>`,
      "</li>",
    ].join("");
  });
  return `<section id="ladder"><h2>The ladder</h2><p>Lowest rung first; each role includes those below it.</p><ol class="ladder">${rungs.join("")}</ol></section>`;
}

/** Recent contributors (a counted contribution in the last 90 days) and everyone holding a role, closest to their next rung first. */
export function recentStandings(standings: readonly Standing[], now: Date): Standing[] {
  const since = now.getTime() - RECENT_DAYS * DAY_MS;
  const order = (s: Standing) => (s.next === null ? 1_000 : s.missingForNext);
  return standings
    .filter((s) => !s.excluded && (s.currentRole !== null || (s.lastCountedAt !== null && Date.parse(s.lastCountedAt) >= since)))
    .sort((a, b) => order(a) - order(b) || (a.login.toLowerCase() < b.login.toLowerCase() ? -1 : 1));
}

function progressSection(m: HealthPageModel): string {
  const shown = m.figures.progress;
  const total = m.figures.progressTotal;
  const rows = shown.map((r) => {
    const reqs = r.requirements.map((q) => `<li class="${q.met ? "met" : "unmet"}">${q.met ? "✓" : "✗"} ${html(q.text)}</li>`).join("");
    return `<tr><td>${person(r.login, m.webUrl)}</td><td>${html(r.role ?? "—")}</td><td>${html(r.next ?? "—")}</td><td>${reqs ? `<ul class="reqs">${reqs}</ul>` : "—"}</td><td>${html(r.standing)}</td></tr>`;
  });
  return [
    '<section id="progress"><h2>Progress toward the next rung</h2>',
    `<p>Everyone holding a role, and everyone with a counted contribution in the last ${RECENT_DAYS} days${total > shown.length ? ` (the ${shown.length} closest of ${total})` : ""}.</p>`,
    shown.length === 0
      ? "<p>Nobody yet.</p>"
      : `<table class="progress"><thead><tr><th scope="col">person</th><th scope="col">role</th><th scope="col">next rung</th><th scope="col">requirements</th><th scope="col">standing</th></tr></thead><tbody>${rows.join("")}</tbody></table>`,
    "</section>",
  ].join("\n");
}

function logSection(m: HealthPageModel): string {
  const logUrl = `${m.webUrl.replace(/\/+$/, "")}/${m.repository}/blob/HEAD/${m.governance.log.path.split("/").map(encodeURIComponent).join("/")}`;
  const entries = [...m.log].reverse().slice(0, MAX_LOG_ROWS);
  const rows = entries.map((e) => {
    const role = e.role ? `${e.role.from ?? "—"} → ${e.role.to ?? "—"}` : "";
    return `<tr><td>${html(e.id)}</td><td>${html(e.date ?? "—")}</td><td>${html(e.kind ?? e.kindText)}</td><td>${html(e.subject)}</td><td>${html(role)}</td><td>${e.link ? link(e.link.label || "discussion", e.link.url) : ""}</td></tr>`;
  });
  return [
    `<section id="log"><h2>Decision log</h2><p>Newest first${m.log.length > entries.length ? `, the last ${entries.length} of ${m.log.length}` : ""}; the whole log is ${link(m.governance.log.path, logUrl)}.</p>`,
    entries.length === 0
      ? "<p>No decisions logged yet.</p>"
      : `<table class="log"><thead><tr><th scope="col">id</th><th scope="col">date</th><th scope="col">kind</th><th scope="col">subject</th><th scope="col">role</th><th scope="col">discussion</th></tr></thead><tbody>${rows.join("")}</tbody></table>`,
    "</section>",
  ].join("\n");
}

const CSS = [
  "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;max-width:72rem;padding:1rem 1.5rem;color:#1f2328;background:#fff;line-height:1.45}",
  "a{color:#0969da}",
  "h1{font-size:1.6rem;margin:.5rem 0}",
  "h2{font-size:1.25rem;border-bottom:1px solid #d0d7de;padding-bottom:.25rem;margin-top:2rem}",
  ".meta{color:#59636e;font-size:.9rem}",
  "table{border-collapse:collapse;width:100%;font-size:.92rem}",
  "th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}",
  "thead th{background:#f6f8fa}",
  ".figures th[scope=row]{font-weight:normal}",
  ".warnings{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:.5rem 1rem .5rem 2rem}",
  ".charts{display:flex;flex-wrap:wrap;gap:1rem}",
  "figure{margin:0;border:1px solid #d0d7de;border-radius:6px;padding:.5rem}",
  "figcaption{font-size:.9rem;color:#59636e}",
  ".ladder{display:flex;flex-wrap:wrap;gap:1rem;padding-left:1.2rem}",
  ".rung{border:1px solid #d0d7de;border-radius:6px;padding:.5rem 1rem;min-width:14rem}",
  ".rung h3{margin:.2rem 0}",
  ".reqs{margin:0;padding-left:0;list-style:none}",
  ".met{color:#1a7f37}",
  ".unmet{color:#cf222e}",
].join("");
