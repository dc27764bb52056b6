/**
 * Report periods (`health.period`): `month` and `week` are calendar periods
 * in UTC (weeks start on Monday, as ISO 8601 has it); a duration such as
 * `30d` cuts time into equal slices counted from 1970-01-01T00:00Z, so every
 * replica and every sweep finds the same boundaries without remembering any.
 * Pure: the instant is passed in.
 */
import { tryParseDuration } from "../config/duration.js";

const DAY_MS = 86_400_000;

/** A half-open interval [start, end) of instants, in epoch milliseconds. */
export interface Period {
  start: number;
  end: number;
}

/** `month` for anything that is not `week` or a positive duration (a ladder cached before `health` existed). */
export function periodContaining(at: number, spec: string | undefined): Period {
  if (spec === "week") {
    const midnight = Math.floor(at / DAY_MS) * DAY_MS;
    const sinceMonday = (new Date(midnight).getUTCDay() + 6) % 7;
    const start = midnight - sinceMonday * DAY_MS;
    return { start, end: start + 7 * DAY_MS };
  }
  const ms = spec && spec !== "month" ? tryParseDuration(spec) : null;
  if (ms !== null && ms > 0) {
    const start = Math.floor(at / ms) * ms;
    return { start, end: start + ms };
  }
  const d = new Date(at);
  return { start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
}

/** The period just before `period`. */
export function previousPeriod(period: Period, spec: string | undefined): Period {
  return periodContaining(period.start - 1, spec);
}
