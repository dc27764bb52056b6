/**
 * The result of measuring one person against the ladder: a tree that explains
 * itself (person → rung → requirement → evidence), in the manner of
 * policy-bot's `{status, reasons, children}`. Every renderer (`/ladder`, the
 * preview CLI, the promotion issue, the health report) reads the same tree, so
 * what a person is told and what the app decides cannot drift apart.
 *
 * All values are plain JSON (strings, numbers, arrays): a result can be stored
 * or compared as is. Treat it as read-only: to stay small, parts are shared
 * (`next` is one of `rungs`; rungs with the same window share their counts and
 * window objects, across people too).
 */
import type { MergedPullRequest, SubmittedReview } from "./contributions.js";

/** What the engine reads: the contributions the caller chose for the ladder's scope. */
export interface Ledger {
  pullRequests: readonly MergedPullRequest[];
  reviews: readonly SubmittedReview[];
}

export type RequirementKey = "merged_prs" | "reviews" | "tenure" | "time_in_role";
export type RequirementUnit = "PRs" | "reviews" | "days";

/** One contribution that was counted, for a person to check by hand. */
export interface Evidence {
  url: string;
  /** "owner/repo#12": the PR merged, or the PR reviewed. */
  label: string;
  /** When it was merged or the (latest counted) review submitted, ISO-8601. */
  date: string;
}

/**
 * Why a contribution inside the window was not counted. Tallied so that a
 * person who expected a higher number can see where the difference went.
 */
export type SkipReason =
  | "excluded_label" // the PR carries a label of `counting.exclude_labels`
  | "unknown_labels" // `counting.exclude_labels` is set and the ledger does not know the PR's labels
  | "too_small" // additions + deletions below `counting.min_changed_lines`
  | "outside_paths" // touches none of `counting.paths`
  | "unknown_paths" // `counting.paths` is set and the ledger does not know the PR's paths
  | "own_pr" // a review of one's own PR
  | "dismissed" // a review that was dismissed
  | "same_pr"; // a further review on a PR already counted

export interface SkipTally {
  reason: SkipReason;
  count: number;
}

export interface RequirementResult {
  key: RequirementKey;
  /** A count for merged_prs and reviews; days (possibly fractional, e.g. 0.5 for 12h) for durations. */
  threshold: number;
  /** Same unit as `threshold`; durations are whole days, rounded down. */
  measured: number;
  unit: RequirementUnit;
  /** measured ≥ threshold (durations are compared to the millisecond, so ties are met). */
  met: boolean;
  /** For merged_prs and reviews: the counting window, [since, now]. */
  window?: { days: number; since: string };
  /** Newest first, at most a few (see `MeasureOptions.evidenceLimit`). */
  evidence: Evidence[];
  /** How many contributions were counted in all (evidence may be cut short). */
  evidenceTotal: number;
  /** Contributions inside the window that did not count, by reason; only non-zero tallies. */
  skipped: SkipTally[];
  /**
   * time_in_role only: the role whose holding time is measured (the rung
   * below), or null on the lowest rung, where there is no role below and the
   * requirement is met by definition (the semantic pass should warn about it).
   */
  roleBelow?: string | null;
  /** time_in_role only: the person holds a role above `roleBelow`, so the requirement is met. */
  holdsHigher?: boolean;
}

export type RungStatus = "held" | "met" | "unmet";

export interface RungResult {
  role: string;
  /** Position on the ladder, 0 = lowest. */
  index: number;
  /**
   * held: the person holds this role or a higher one (each role implies those
   * below it); met: every requirement is met; unmet: at least one is not.
   */
  status: RungStatus;
  /**
   * The rung names no requirement: it is reached by `/nominate` only and is
   * never proposed from the numbers (otherwise every contributor would be).
   */
  byNominationOnly: boolean;
  /** In the order merged_prs, reviews, tenure, time_in_role; only those the rung requires. */
  requirements: RequirementResult[];
}

/** Why a login's contributions count for nothing. */
export type ExclusionReason = "bot" | "exclude_authors";

export interface Standing {
  /** As the caller or the ledger spells it. */
  login: string;
  /** Non-null when the login's contributions never count: every rung is then unmet. */
  excluded: ExclusionReason | null;
  /** The person's role on the roster's `members`; emeritus counts as no role. */
  currentRole: string | null;
  /** The roster's `since` of that role, YYYY-MM-DD. */
  currentRoleSince: string | null;
  /** Every rung of the ladder, lowest first. */
  rungs: RungResult[];
  /** The first rung above the current role (the lowest rung for people without a role); null at the top. */
  next: RungResult | null;
  /**
   * The role to propose: `next.role` when all of next's requirements are met
   * and it is not by nomination only; otherwise null. Promotions go one rung
   * at a time, even when higher rungs are met too: each step is a decision
   * the approvers take and log on its own, and time_in_role of later rungs
   * counts from it.
   */
  eligibleFor: string | null;
  /** How many requirements of `next` are unmet (0 when there is no next rung). */
  missingForNext: number;
  /** First and last counted contribution (PR merged or review), at or before the clock; null when none. */
  firstCountedAt: string | null;
  lastCountedAt: string | null;
  /** The clock the standing was measured at, ISO-8601. */
  measuredAt: string;
}
