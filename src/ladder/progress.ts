/**
 * Whether a merged pull request moved its author to a new standing worth one
 * short comment (`promotion.announce_progress`, checked by the caller): they
 * became eligible for the next rung, or are now one requirement away from it.
 * Never for no change, never for going backwards (a contribution sliding out
 * of the window), never for excluded accounts or rungs reached by nomination
 * only, so most merged PRs get no comment at all.
 */
import type { RequirementResult, Standing } from "./standing.js";

export type Progress =
  /** `after` meets every requirement of `role` and `before` did not. */
  | { kind: "eligible"; login: string; role: string }
  /** `after` misses exactly one requirement of `role` (`missing`), and `before` missed more, or was working towards another rung. */
  | { kind: "one-away"; login: string; role: string; missing: RequirementResult };

/** The progress between two standings of the same person (before and after the merge), or null. */
export function progressBetween(before: Standing, after: Standing): Progress | null {
  if (after.excluded || !after.next || after.next.byNominationOnly) return null;
  const role = after.next.role;
  const sameTarget = before.next?.role === role && before.currentRole === after.currentRole;
  if (after.eligibleFor === role) return sameTarget && before.eligibleFor === role ? null : { kind: "eligible", login: after.login, role };
  if (after.missingForNext !== 1) return null;
  if (sameTarget && before.missingForNext <= 1) return null;
  const missing = after.next.requirements.find((r) => !r.met);
  return missing ? { kind: "one-away", login: after.login, role, missing } : null;
}
