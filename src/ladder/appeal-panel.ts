/**
 * Drawing an appeal panel in rotation (SPEC "Appeals"): `appeals.panel`
 * people holding an approver role, the next ones after the previous panel in
 * a stable order, excluding whoever made the decision and the appellant.
 *
 * - The order is the logins compared without case (`a` < `B` < `c`), not the
 *   roster's order (which people edit) and never the clock: any replica, and
 *   any restart, draws the same panel from the same facts.
 * - The position is a login (`cursor`: the last person seated), recorded in
 *   the log with the filing. The next draw starts with the first login after
 *   it and wraps round. A login, not an index, so people joining or leaving
 *   the roster between two appeals do not shift who comes next.
 * - Excluded people are skipped but do not move the rotation past them: they
 *   are first in line for the next panel they may sit on.
 * - Too few eligible people: everyone eligible is seated and `short` says by
 *   how many the panel falls short, so the issue can say so.
 */

export interface PanelDrawInput {
  /** Holders of an approver role now (ladder/tally.ts `eligibleApprovers`), any order, any case. */
  approvers: readonly string[];
  /** The decision's deciders (approvers, the rejecter, the merger) and the appellant. */
  exclude: readonly string[];
  /** `appeals.panel`. */
  size: number;
  /** The last person seated on the previous panel (from the log), null for the first appeal. */
  after: string | null;
}

export interface PanelDraw {
  /** Seated, in the order drawn. */
  panel: string[];
  /** Where the next draw continues (the last person seated; `after` when nobody could be). */
  cursor: string | null;
  /** How many seats stay empty for want of eligible people (0 when the panel is full). */
  short: number;
  /** Approvers who may sit at all (not excluded). */
  eligible: number;
}

const key = (login: string) => login.toLowerCase();

/** Compares logins without case, by code unit: the same on every machine and Node version. */
export function compareLogins(a: string, b: string): number {
  const x = key(a);
  const y = key(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function drawPanel(input: PanelDrawInput): PanelDraw {
  const excluded = new Set(input.exclude.map(key));
  const order = [...new Map(input.approvers.map((l) => [key(l), l])).values()].sort(compareLogins);
  const eligible = order.filter((l) => !excluded.has(key(l)));
  const size = Math.max(0, Math.floor(input.size));
  const start = input.after === null ? 0 : firstAfter(eligible, input.after);
  const panel: string[] = [];
  for (let i = 0; i < eligible.length && panel.length < size; i++) panel.push(eligible[(start + i) % eligible.length]!);
  return { panel, cursor: panel.at(-1) ?? input.after, short: Math.max(0, size - panel.length), eligible: eligible.length };
}

/** Index of the first login ordered after `after` (wrapping to 0). */
function firstAfter(sorted: readonly string[], after: string): number {
  const i = sorted.findIndex((l) => compareLogins(l, after) > 0);
  return i < 0 ? 0 : i;
}
