/**
 * Governance health figures (SPEC "Governance health"): from the ledger, the
 * roster and the parsed decision log, per report period, how authority is
 * spread, how many people advance and how many decisions are contested.
 * Pure: the clock is passed in; the same inputs give the same figures on
 * every replica, so the page, the JSON and (later) the report issue agree.
 *
 * Definitions, each written down because a person will check them by hand:
 * - period counts (promotions, demotions, appeals, manual changes) count log
 *   entries whose date falls in [start, end); a log entry without a readable
 *   date counts in no period;
 * - `demotions`: `demotion` and `emeritus` entries (decided by approvers);
 *   step-downs are a holder's own act and are kept apart (`stepDowns`);
 * - `contested_share`: appeals filed in the period ÷ appealable decisions in
 *   the period (promotion, rejection, expiry, demotion, emeritus, ladder
 *   change, manual roster change), at most 1; null when there were none;
 * - an `appeal outcome` entry is `overturned` when its words say "overturn",
 *   else `upheld` when they say "uphold"/"upheld"; neither counts neither;
 * - merges: this repository's merged PRs in the 90 days up to the figures'
 *   instant (the period's end, or now for the open period), by author — the
 *   ledger does not record who pressed the button — without accounts that
 *   never count (bots, `counting.exclude_authors`);
 * - `absence_factor`: the fewest authors whose merges make at least half of
 *   them (0 when there were none); shares are null when there were none;
 * - `near_next_rung`: people whose next rung (not one by nomination only)
 *   misses exactly one requirement;
 * - `stale_proposals`: open proposals opened more than 7 days before;
 * - `funnel`: holders per rung, every rung listed, lowest first;
 * - earlier periods use the roster entries whose `since` is on or before
 *   the period's end (the roster does not say who held what before) and the
 *   proposals still open now (closed ones are not remembered per period).
 */
import type { Governance, Roster } from "../config/schema.js";
import { sameLogin } from "../ladder/contributions.js";
import { countingRules } from "../ladder/counting-rules.js";
import type { Ledger, Standing } from "../ladder/measure.js";
import { measureAll } from "../ladder/measure.js";
import type { ParsedEntry } from "../log/parse-log.js";
import { periodContaining, previousPeriod, type Period } from "./periods.js";

const DAY_MS = 86_400_000;
export const MERGE_WINDOW_DAYS = 90;
export const STALE_AFTER_DAYS = 7;
/** Earlier periods reported at most (fewer when the history is shorter). */
export const DEFAULT_HISTORY_PERIODS = 12;

/** What the figures read of a log entry (a ParsedEntry without its evidence). */
export type LoggedDecision = Pick<ParsedEntry, "id" | "kind" | "kindText" | "date" | "subject" | "role" | "reason" | "decidedBy" | "link">;

export interface OpenProposal {
  issue: number;
  login: string;
  role: string;
  /** ISO-8601. */
  openedAt: string;
}

export interface HealthInputs {
  /** "owner/name" as GitHub spells it. */
  repository: string;
  governance: Governance;
  roster: Roster;
  /** The contributions the ladder's scope covers (the whole organisation for `scope: org`). */
  ledger: Ledger;
  log: readonly LoggedDecision[];
  openProposals: readonly OpenProposal[];
  now: Date;
  historyPeriods?: number;
}

/** The figures of one period: the keys and order of SPEC's health.json, less `repository` and `history`. */
export interface PeriodFigures {
  period: { start: string; end: string };
  promotions: number;
  demotions: number;
  contested_share: number | null;
  appeals: { filed: number; upheld: number; overturned: number };
  manual_changes: number;
  mergers_90d: number;
  top1_merge_share: number | null;
  top3_merge_share: number | null;
  absence_factor: number;
  near_next_rung: string[];
  stale_proposals: number[];
  funnel: Record<string, number>;
}

/** `/stewards/<owner>/<repo>/health.json`: exactly SPEC's keys. */
export interface HealthJson extends PeriodFigures {
  repository: string;
  /** Earlier periods, oldest first. */
  history: PeriodFigures[];
}

export interface HealthResult {
  json: HealthJson;
  /** Everyone measured now (for the page's progress table), by login. */
  standings: Standing[];
  /** Beside the JSON: step-downs in the open period and the authors' merge counts (90 days, most first). */
  stepDowns: number;
  emeritus: number;
  merges: Array<{ login: string; merges: number }>;
}

const APPEALABLE = new Set(["promotion", "rejection", "expiry", "demotion", "emeritus", "ladder change", "manual roster change"]);

export function computeHealth(inputs: HealthInputs): HealthResult {
  const steps = healthSteps(inputs);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * computeHealth in steps: yields after each period measured (each measures
 * everyone once, the costly part), so a caller on a server can let other work
 * run in between (`await setImmediate` per step). Pure all the same.
 */
export function* healthSteps(inputs: HealthInputs): Generator<void, HealthResult, void> {
  const nowMs = inputs.now.getTime();
  const spec = inputs.governance.health?.period;
  const current = periodContaining(nowMs, spec);
  const rules = countingRules(inputs.governance.counting);
  const ownPrs = inputs.ledger.pullRequests.filter((p) => sameLogin(p.repo, inputs.repository) && rules.exclusion(p.author) === null);

  const standingsNow = measureAll(inputs.ledger, inputs.governance, inputs.roster, inputs.now, { evidenceLimit: 0 });
  const head = figuresAt(inputs, current, nowMs, inputs.roster, standingsNow, ownPrs);

  const earliest = earliestFact(inputs);
  const history: PeriodFigures[] = [];
  let p: Period = current;
  for (let i = 0; i < (inputs.historyPeriods ?? DEFAULT_HISTORY_PERIODS); i++) {
    p = previousPeriod(p, spec);
    if (earliest === null || p.end <= earliest) break;
    yield;
    const endDay = new Date(p.end - 1).toISOString().slice(0, 10);
    const roster: Roster = { members: inputs.roster.members.filter((m) => m.since <= endDay), emeritus: [] };
    const standings = measureAll(inputs.ledger, inputs.governance, roster, new Date(p.end - 1), { evidenceLimit: 0 });
    history.unshift(figuresAt(inputs, p, p.end - 1, roster, standings, ownPrs));
  }

  const inPeriod = entriesIn(inputs.log, current);
  return {
    json: { repository: inputs.repository, ...head, history },
    standings: standingsNow,
    stepDowns: inPeriod.filter((e) => e.kind === "step-down").length,
    emeritus: inPeriod.filter((e) => e.kind === "emeritus").length,
    merges: mergeCounts(ownPrs, nowMs),
  };
}

function figuresAt(
  inputs: HealthInputs,
  period: Period,
  atMs: number,
  roster: Roster,
  standings: readonly Standing[],
  ownPrs: Ledger["pullRequests"],
): PeriodFigures {
  const entries = entriesIn(inputs.log, period);
  const count = (...kinds: string[]) => entries.filter((e) => e.kind !== null && kinds.includes(e.kind)).length;
  const filed = count("appeal filed");
  const appealable = entries.filter((e) => e.kind !== null && APPEALABLE.has(e.kind)).length;
  let upheld = 0;
  let overturned = 0;
  for (const e of entries) {
    if (e.kind !== "appeal outcome") continue;
    const words = [e.subject, e.reason ?? "", e.decidedBy, e.role?.to ?? ""].join(" ");
    if (/overturn/i.test(words)) overturned++;
    else if (/uph(old|eld)/i.test(words)) upheld++;
  }

  const merges = mergeCounts(ownPrs, atMs);
  const total = merges.reduce((s, m) => s + m.merges, 0);
  const share = (n: number) => (total === 0 ? null : round(merges.slice(0, n).reduce((s, m) => s + m.merges, 0) / total));
  let absence = 0;
  for (let acc = 0; absence < merges.length && acc * 2 < total; absence++) acc += merges[absence]?.merges ?? 0;

  const funnel: Record<string, number> = {};
  for (const rung of inputs.governance.ladder) funnel[rung.role] = roster.members.filter((m) => m.role === rung.role).length;

  return {
    period: { start: new Date(period.start).toISOString(), end: new Date(period.end).toISOString() },
    promotions: count("promotion"),
    demotions: count("demotion", "emeritus"),
    contested_share: appealable === 0 ? null : round(Math.min(1, filed / appealable)),
    appeals: { filed, upheld, overturned },
    manual_changes: count("manual roster change"),
    mergers_90d: merges.length,
    top1_merge_share: share(1),
    top3_merge_share: share(3),
    absence_factor: absence,
    near_next_rung: standings
      .filter((s) => !s.excluded && s.next && !s.next.byNominationOnly && s.missingForNext === 1)
      .map((s) => s.login)
      .sort(byLower),
    stale_proposals: inputs.openProposals
      .filter((p) => Date.parse(p.openedAt) <= atMs - STALE_AFTER_DAYS * DAY_MS)
      .map((p) => p.issue)
      .sort((a, b) => a - b),
    funnel,
  };
}

/** Authors' merges in the 90 days up to `atMs` (both ends included), most first, then by login. */
function mergeCounts(prs: Ledger["pullRequests"], atMs: number): Array<{ login: string; merges: number }> {
  const since = atMs - MERGE_WINDOW_DAYS * DAY_MS;
  const byLogin = new Map<string, { login: string; merges: number }>();
  for (const pr of prs) {
    const t = Date.parse(pr.mergedAt);
    if (t < since || t > atMs) continue;
    const key = pr.author.toLowerCase();
    const entry = byLogin.get(key) ?? { login: pr.author, merges: 0 };
    entry.merges++;
    byLogin.set(key, entry);
  }
  return [...byLogin.values()].sort((a, b) => b.merges - a.merges || byLower(a.login, b.login));
}

function entriesIn(log: readonly LoggedDecision[], period: Period): LoggedDecision[] {
  return log.filter((e) => {
    if (e.date === null) return false;
    const t = Date.parse(`${e.date}T00:00:00Z`);
    return t >= period.start && t < period.end;
  });
}

/** The first instant anything is known about (a merge, a review, a decision, a roster entry); null for an empty history. */
function earliestFact(inputs: HealthInputs): number | null {
  const times = [
    ...inputs.ledger.pullRequests.map((p) => Date.parse(p.mergedAt)),
    ...inputs.ledger.reviews.map((r) => Date.parse(r.submittedAt)),
    ...inputs.log.flatMap((e) => (e.date ? [Date.parse(`${e.date}T00:00:00Z`)] : [])),
    ...inputs.roster.members.map((m) => Date.parse(`${m.since}T00:00:00Z`)),
  ].filter((t) => Number.isFinite(t));
  return times.length === 0 ? null : times.reduce((a, b) => Math.min(a, b));
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
const byLower = (a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0);
