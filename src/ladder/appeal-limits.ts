/**
 * Whether `/appeal` may open an appeal (SPEC "Appeals", limits): pure, so
 * the reply that refuses says exactly why and, where one would be possible
 * later, from when.
 *
 * - Appealable: decisions people made about someone's authority — promotion,
 *   rejection, expiry, demotion, emeritus — and the changes to the rules or
 *   the roster made outside a proposal: ladder change, manual roster change.
 *   Not appealable: a withdrawal or a step-down (the person's own act, no
 *   decision against them), and the appeal entries themselves (an appeal's
 *   outcome is final).
 * - Who: the decision's subject; for a ladder change or a manual roster
 *   change, anyone with a counted contribution.
 * - When: until the end of the decision's day plus `appeals.within` (the log
 *   records days, so a decision made late in the day keeps its full window).
 * - One open appeal per person; a new one only `appeals.cooldown` after
 *   their previous filing. A decision already appealed (open, or decided)
 *   is not appealed again.
 */
import { parseDuration } from "../config/duration.js";
import type { Governance } from "../config/schema.js";
import type { DecisionKind } from "../log/decision-entry.js";

const DAY_MS = 86_400_000;

export const APPEALABLE: readonly DecisionKind[] = ["promotion", "rejection", "expiry", "demotion", "emeritus", "ladder change", "manual roster change"];
const ANYONE_WITH_CONTRIBUTION: readonly DecisionKind[] = ["ladder change", "manual roster change"];

/** The decision appealed, as the log has it. */
export interface AppealedDecision {
  id: string;
  kind: DecisionKind;
  subject: string;
  /** YYYY-MM-DD. */
  date: string;
}

/** An appeal already filed (from the log and the store). */
export interface PriorAppeal {
  appellant: string;
  /** The decision it contests. */
  decision: string;
  /** ISO-8601. */
  filedAt: string;
  open: boolean;
  /** Its issue, for the reply. */
  issue: number | null;
}

export interface AppealRequest {
  /** The decision, or null when the id names none in the log. */
  decision: AppealedDecision | null;
  /** The id as written, for the reply when there is no such decision. */
  requestedId: string | null;
  appellant: string;
  reason: string | null;
  /** Whether the appellant has a counted contribution (for ladder and manual roster changes). */
  hasContribution: boolean;
  prior: readonly PriorAppeal[];
  appeals: Pick<Governance["appeals"], "within" | "cooldown">;
  now: Date;
}

export type AppealRefusalCode =
  | "no-decision" // no id given where none is implied
  | "unknown-decision" // the id names no decision in the log
  | "not-appealable" // a withdrawal, a step-down, an appeal entry
  | "not-the-subject"
  | "no-contribution"
  | "no-reason"
  | "too-late"
  | "already-appealed" // this decision has an appeal (open or decided)
  | "open-appeal" // the appellant has another appeal open
  | "cooldown";

export type AppealCheck =
  | { ok: true; deadline: string }
  | { ok: false; code: AppealRefusalCode; /** ISO-8601: when an appeal would be possible, if it ever would. */ retryAt?: string; /** The appeal issue in the way, if any. */ issue?: number | null };

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The last moment `decision` may be appealed: the end of its day plus `within`. */
export function appealDeadline(date: string, within: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS + parseDuration(within));
}

export function checkAppeal(req: AppealRequest): AppealCheck {
  const d = req.decision;
  if (!d) return { ok: false, code: req.requestedId ? "unknown-decision" : "no-decision" };
  if (!APPEALABLE.includes(d.kind)) return { ok: false, code: "not-appealable" };
  if (ANYONE_WITH_CONTRIBUTION.includes(d.kind)) {
    if (!req.hasContribution) return { ok: false, code: "no-contribution" };
  } else if (!same(d.subject, req.appellant)) return { ok: false, code: "not-the-subject" };
  if (!req.reason || req.reason.trim() === "") return { ok: false, code: "no-reason" };
  const deadline = appealDeadline(d.date, req.appeals.within);
  if (req.now.getTime() > deadline.getTime()) return { ok: false, code: "too-late" };
  const onThis = req.prior.find((p) => same(p.decision, d.id));
  if (onThis) return { ok: false, code: "already-appealed", issue: onThis.issue };
  const mine = req.prior.filter((p) => same(p.appellant, req.appellant));
  const open = mine.find((p) => p.open);
  if (open) return { ok: false, code: "open-appeal", issue: open.issue };
  const last = mine.map((p) => Date.parse(p.filedAt)).filter(Number.isFinite).sort((a, b) => b - a)[0];
  if (last !== undefined) {
    const retry = last + parseDuration(req.appeals.cooldown);
    if (req.now.getTime() < retry) {
      // Past the decision's deadline by then: never, so no date to offer.
      return retry <= deadline.getTime() ? { ok: false, code: "cooldown", retryAt: new Date(retry).toISOString() } : { ok: false, code: "cooldown" };
    }
  }
  return { ok: true, deadline: deadline.toISOString() };
}
