/**
 * The words shared by the standing renderers (markdown and terminal): what a
 * requirement is called, what a threshold reads as, what is still missing.
 */
import { describeDuration } from "../config/duration.js";
import type { Counting } from "../config/schema.js";
import type { RequirementResult, SkipReason, SkipTally, Standing } from "../ladder/standing.js";

const DAY_MS = 86_400_000;

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "in the last 180 days" */
export function windowWords(r: RequirementResult): string {
  return r.window ? `in the last ${describeDuration(r.window.days * DAY_MS)}` : "";
}

/** What the requirement measures, e.g. "merged PRs in the last 180 days". */
export function requirementName(r: RequirementResult): string {
  switch (r.key) {
    case "merged_prs":
      return `merged PRs ${windowWords(r)}`;
    case "reviews":
      return `PRs of others reviewed ${windowWords(r)}`;
    case "tenure":
      return "time since the first counted contribution";
    case "time_in_role":
      return r.roleBelow ? `time as ${r.roleBelow}` : "time in the role below (none: lowest rung)";
  }
}

/** The threshold: "15" or "90 days". */
export function neededWords(r: RequirementResult): string {
  return r.unit === "days" ? describeDuration(Math.round(r.threshold * DAY_MS)) : String(r.threshold);
}

/** The measured value: "17", "120 days", or why a duration is met without one. */
export function hasWords(r: RequirementResult, standing: Standing): string {
  if (r.key === "time_in_role" && r.roleBelow === null) return "—";
  if (r.key === "time_in_role" && r.holdsHigher) return `holds ${standing.currentRole ?? "a higher role"}`;
  return r.unit === "days" ? plural(r.measured, "day") : String(r.measured);
}

/** What closes the gap of one unmet requirement: "2 more merged PRs", "30 more days as member". */
export function shortfallWords(r: RequirementResult): string {
  const gap = Math.max(1, Math.ceil(r.threshold - r.measured));
  switch (r.key) {
    case "merged_prs":
      return `${gap} more merged ${gap === 1 ? "PR" : "PRs"}`;
    case "reviews":
      return `${gap} more ${gap === 1 ? "review" : "reviews"}`;
    case "tenure":
      return `${plural(gap, "more day", "more days")} since the first counted contribution`;
    case "time_in_role":
      return `${plural(gap, "more day", "more days")} as ${r.roleBelow ?? "the role below"}`;
  }
}

/** "a, b and c" (or "a, b or c" with `conjunction` "or") */
export function listWords(items: readonly string[], conjunction: "and" | "or" = "and"): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${conjunction} ${items[items.length - 1]}`;
}

/** One skip tally in words: "2 PRs with an excluded label (trivial)". */
export function skipWords(t: SkipTally, counting: Counting): string {
  const prs = plural(t.count, "PR");
  const reviews = plural(t.count, "review");
  const words: Record<SkipReason, string> = {
    excluded_label: `${prs} with an excluded label (${counting.exclude_labels.join(", ")})`,
    too_small: counting.min_changed_lines === 1 ? `${prs} with no changed lines` : `${prs} smaller than ${counting.min_changed_lines} changed lines`,
    outside_paths: `${prs} touching none of the counted paths`,
    unknown_labels: `${prs} whose labels are not known yet`,
    unknown_paths: `${prs} whose changed paths are not known yet`,
    own_pr: `${reviews} of their own ${t.count === 1 ? "PR" : "PRs"}`,
    dismissed: `${plural(t.count, "dismissed review")}`,
    same_pr: `${plural(t.count, "further review")} of PRs already counted`,
  };
  return words[t.reason];
}
