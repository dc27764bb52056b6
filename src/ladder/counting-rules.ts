/**
 * `counting:` of the ladder file, compiled once: which logins never count,
 * and whether a merged PR counts.
 */
import picomatch from "picomatch";
import type { Counting } from "../config/schema.js";
import type { MergedPullRequest } from "./contributions.js";
import type { ExclusionReason, SkipReason } from "./standing.js";

export interface CountingRules {
  /** Null when the login's contributions count; otherwise why they never do. */
  exclusion(login: string): ExclusionReason | null;
  /** Null when the merged PR counts; otherwise the first rule it fails. */
  skipPullRequest(pr: MergedPullRequest): SkipReason | null;
}

const compiled = new WeakMap<Counting, CountingRules>();

/** Rules for a parsed `counting:` block; cached per block object, so calling it per person is cheap. */
export function countingRules(counting: Counting): CountingRules {
  const cached = compiled.get(counting);
  if (cached) return cached;
  const rules = compile(counting);
  compiled.set(counting, rules);
  return rules;
}

function compile(counting: Counting): CountingRules {
  const excluded = new Set(counting.exclude_authors.map((l) => l.toLowerCase()));
  const labels = new Set(counting.exclude_labels.map((l) => l.toLowerCase()));
  // dot: true so ".github/**" and "docs/.vuepress/**" match as people expect.
  // Globs are anchored at the repository root, as in GitHub Actions' `paths:`
  // ("*.md" is a root file, "**/*.md" any markdown file).
  const matchers = counting.paths.map((glob) => picomatch(glob.replace(/^\//, ""), { dot: true }));
  return {
    exclusion(login) {
      const lower = login.toLowerCase();
      if (excluded.has(lower)) return "exclude_authors";
      // GitHub Apps always act as "<slug>[bot]": automation never climbs the ladder,
      // whether or not the file lists that particular bot.
      if (lower.endsWith("[bot]")) return "bot";
      return null;
    },
    skipPullRequest(pr) {
      if (labels.size > 0) {
        // Unknown labels are never read as "no labels": the PR may carry an excluded one.
        if (pr.labels === null) return "unknown_labels";
        if (pr.labels.some((l) => labels.has(l.toLowerCase()))) return "excluded_label";
      }
      if (pr.additions + pr.deletions < counting.min_changed_lines) return "too_small";
      if (matchers.length > 0) {
        if (pr.paths === null) return "unknown_paths";
        if (!pr.paths.some((p) => matchers.some((m) => m(p)))) return "outside_paths";
      }
      return null;
    },
  };
}
