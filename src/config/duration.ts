/**
 * Durations as people write them in governance.yml and the environment:
 * a number and a unit, `365d`, `12h`, `30m`, `2w`, `1.5h`, `500ms`.
 *
 * There is no month or year unit on purpose: "3 months" is 90 or 92 days
 * depending on when you count, and a ladder must be checkable by hand.
 */

const UNIT_MS = {
  ms: 1,
  s: 1000,
  m: 60 * 1000,
  h: 60 * 60 * 1000,
  d: 24 * 60 * 60 * 1000,
  w: 7 * 24 * 60 * 60 * 1000,
} as const;

type Unit = keyof typeof UNIT_MS;

const PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;

export class DurationError extends Error {
  constructor(readonly input: string) {
    super(`${JSON.stringify(input)} is not a duration such as 30d, 12h, 15m or 2w`);
    this.name = "DurationError";
  }
}

/**
 * Milliseconds in `text` (surrounding spaces allowed). Throws DurationError
 * for anything else, including values too large to be a finite number of ms.
 */
export function parseDuration(text: string): number {
  const ms = tryParseDuration(text);
  if (ms === null) throw new DurationError(text);
  return ms;
}

/** Like parseDuration, but null instead of throwing. */
export function tryParseDuration(text: string): number | null {
  const m = PATTERN.exec(text.trim());
  if (!m) return null;
  const value = Number(m[1]) * UNIT_MS[m[2] as Unit];
  // Whole milliseconds: `1.0005s` is not a meaningful setting.
  const ms = Math.round(value);
  return Number.isSafeInteger(ms) ? ms : null;
}

/**
 * The shortest exact form of `ms` in the largest unit that divides it:
 * 90 days -> "90d", 14 days -> "2w", 36 hours -> "36h", 1500 -> "1500ms".
 * Round-trips: parseDuration(formatDuration(x)) === x for whole ms >= 0.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot format ${ms} as a duration`);
  const whole = Math.round(ms);
  if (whole === 0) return "0s";
  for (const unit of ["w", "d", "h", "m", "s"] as const) {
    if (whole % UNIT_MS[unit] === 0) return `${whole / UNIT_MS[unit]}${unit}`;
  }
  return `${whole}ms`;
}

/**
 * A duration in words for people: "90 days", "1 day", "36 hours". Weeks are
 * shown as days ("14 days"), the unit thresholds are usually written in.
 */
export function describeDuration(ms: number): string {
  const short = formatDuration(ms);
  const m = PATTERN.exec(short);
  if (!m) return short;
  let n = Number(m[1]);
  let unit = m[2] as Unit;
  if (unit === "w") {
    n *= 7;
    unit = "d";
  }
  const words: Record<Unit, string> = { ms: "millisecond", s: "second", m: "minute", h: "hour", d: "day", w: "week" };
  return `${n} ${words[unit]}${n === 1 ? "" : "s"}`;
}
