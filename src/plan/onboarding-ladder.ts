/**
 * The ladder an onboarding pull request proposes (SPEC "Onboarding", issue
 * 14): a preset's rungs with thresholds fitted to the repository's measured
 * history, written out as `.github/governance.yml` with every field
 * commented in words. Pure: the caller measures the history.
 *
 * Fitting. The preset gives the rungs, their order and their tenure rules;
 * the numbers are moved to where this repository's contributors actually
 * are, over the last year:
 * - the first rung at the 75th percentile of merged PRs among people who
 *   merged at least one (a regular contributor, not everyone who passed by);
 * - the middle rung(s) at the 90th percentile of merged PRs and of reviews
 *   among people who reviewed at least one;
 * - the top rung at the 97th percentile;
 * - never below a floor (2 PRs for the first rung; 5 and 10 reviews above
 *   it), never above the preset's own number (a large project keeps the
 *   published thresholds), and never lower than the rung below, as the
 *   ladder's semantic checks require.
 * With no history at all, the preset's numbers stand, and the notes say so.
 */
import type { PresetName } from "../config/schema.js";
import { expandPreset } from "../config/presets.js";

/** One person's counted contributions over the last year. */
export interface YearOfContributions {
  login: string;
  mergedPrs: number;
  reviews: number;
}

export interface FittedLadder {
  preset: PresetName;
  /** Each rung's fitted numbers, lowest first. */
  rungs: Array<{ role: string; description: string; merged_prs: number; reviews: number | null; tenure: string | null; time_in_role: string | null; window: string }>;
  approvers: string[];
  quorum: number;
  /** In words, for the pull request's body: how each number was chosen. */
  notes: string[];
}

const PERCENTILES = [0.75, 0.9, 0.97];
const PR_FLOOR = 2;
const REVIEW_FLOORS = [0, 5, 10];

/** The `p` quantile of `xs` (nearest rank); null for no values. */
export function percentile(xs: readonly number[], p: number): number | null {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

interface PresetRung {
  role: string;
  description?: string;
  requires: { merged_prs?: number; reviews?: number; tenure?: string; time_in_role?: string; window?: string };
}

export function fitLadder(preset: PresetName, year: readonly YearOfContributions[]): FittedLadder {
  // The presets are ours (config/presets.ts): every rung has `requires`, the promotion names approvers and a quorum.
  const base = expandPreset(preset) as unknown as { ladder: PresetRung[]; promotion: { approvers: string[]; quorum: number } };
  const authors = year.filter((p) => p.mergedPrs > 0).map((p) => p.mergedPrs);
  const reviewers = year.filter((p) => p.reviews > 0).map((p) => p.reviews);
  const notes: string[] = [];
  if (authors.length === 0) notes.push(`No merged pull requests in the last year: the ${preset} preset's numbers stand.`);
  let lastPrs = 0;
  let lastReviews = 0;
  const rungs = base.ladder.map((rung, i) => {
    const top = i === base.ladder.length - 1;
    const p = PERCENTILES[top ? 2 : Math.min(i, 1)]!;
    const presetPrs = rung.requires.merged_prs ?? PR_FLOOR;
    const measuredPrs = percentile(authors, p);
    // Never lower than the rung below (the ladder's semantic checks): a rung is at least as hard as the one under it.
    const prs = Math.max(lastPrs, measuredPrs === null ? presetPrs : Math.min(presetPrs, Math.max(PR_FLOOR, measuredPrs)));
    let reviews: number | null = null;
    if (rung.requires.reviews !== undefined) {
      const floor = REVIEW_FLOORS[Math.min(i, REVIEW_FLOORS.length - 1)]!;
      const measured = percentile(reviewers, p);
      reviews = Math.max(lastReviews, measured === null ? rung.requires.reviews : Math.min(rung.requires.reviews, Math.max(floor, measured)));
      lastReviews = reviews;
    }
    if (measuredPrs !== null) {
      notes.push(
        `${rung.role}: ${prs} merged PRs${reviews !== null ? ` and ${reviews} reviews` : ""} in a year — the ${Math.round(p * 100)}th percentile of this repository's contributors over the last year` +
          ` (the ${preset} preset asks ${presetPrs}${rung.requires.reviews !== undefined ? ` and ${rung.requires.reviews}` : ""}; never more than the preset, never less than the floor).`,
      );
    }
    lastPrs = prs;
    return {
      role: rung.role,
      description: rung.description ?? "",
      merged_prs: prs,
      reviews,
      tenure: rung.requires.tenure ?? null,
      time_in_role: rung.requires.time_in_role ?? null,
      window: rung.requires.window ?? "365d",
    };
  });
  return { preset, rungs, approvers: base.promotion.approvers, quorum: base.promotion.quorum, notes };
}

const yamlString = (s: string) => JSON.stringify(s);
/** A YAML line with its comment aligned, always at least one space before the `#` (YAML needs it). */
const commented = (line: string, comment: string) => `${line.padEnd(27)} # ${comment}`;

/**
 * `.github/governance.yml` for `fitted`, every field commented. Written out
 * in full (not `preset:` plus overrides), so the file says what it does and
 * a maintainer can change any number before merging.
 */
export function renderGovernanceYaml(fitted: FittedLadder, opts: { teams: Record<string, string[]> } = { teams: {} }): string {
  const out = [
    "# The contributor ladder of this repository, read by Stewards (https://github.com/apps/stewards).",
    `# Proposed from the ${fitted.preset} preset with thresholds fitted to the last year of this repository's history;`,
    "# change any number or role before merging. Every field is explained beside it.",
    "version: 1",
    "scope: repo                 # count contributions in this repository (org: across the organisation)",
    "ladder:                     # lowest rung first; each role includes the ones below it",
  ];
  for (const r of fitted.rungs) {
    out.push(`  - role: ${r.role}`);
    if (r.description) out.push(`    description: ${yamlString(r.description)}`);
    out.push("    requires:");
    out.push(commented(`      merged_prs: ${r.merged_prs}`, "pull requests authored and merged, inside the window"));
    if (r.reviews !== null) out.push(commented(`      reviews: ${r.reviews}`, "reviews given on other people's pull requests, inside the window"));
    if (r.tenure) out.push(commented(`      tenure: ${r.tenure}`, "time since the first counted contribution"));
    if (r.time_in_role) out.push(commented(`      time_in_role: ${r.time_in_role}`, "time holding the role below"));
    out.push(commented(`      window: ${r.window}`, "contributions older than this do not count"));
    const teams = opts.teams[r.role] ?? [];
    if (teams.length) {
      out.push("    grants:");
      out.push(commented(`      teams: [${teams.map(yamlString).join(", ")}]`, "organisation teams the role's holders are kept in"));
    }
  }
  out.push(
    "counting:                   # what counts as a contribution",
    '  exclude_authors: ["dependabot[bot]", "renovate[bot]"]   # accounts that never count (any [bot] never counts)',
    "  exclude_labels: []        # pull requests with these labels do not count",
    "  min_changed_lines: 1      # a pull request smaller than this does not count",
    "promotion:",
    commented(`  approvers: [${fitted.approvers.join(", ")}]`, "roles whose 👍 counts"),
    commented(`  quorum: ${fitted.quorum}`, "approvals needed"),
    "  approve_with: reaction    # reaction: 👍 on the issue | pull_request: merging a roster pull request | either",
    "  objection: block          # a 👎 from an approver holds the proposal (ignore: it does not)",
    "  expires_after: 30d        # an undecided proposal closes as expired",
    "  announce_progress: true   # comment on a merged pull request when its author reaches a new rung",
    "demotion:",
    "  inactive_after: 365d      # no counted contribution for this long: an emeritus notice",
    "  term_limit: null          # e.g. 540d: a rotation notice for a role held this long",
    "  notice: 14d               # the person is told first; counted activity inside it cancels",
    "  max_removal_share: 0.25   # one sweep proposes removing at most this share of a role's holders",
    "appeals:",
    "  panel: 3                  # people drawn in rotation from the approvers",
    "  quorum: 2                 # panel votes needed to overturn",
    "  within: 14d               # how long after a decision it may be appealed",
    "  cooldown: 30d             # one open appeal per person; a new one only after this",
    "health:",
    "  period: month             # one governance health report per month",
    "dry_run: false              # true: Stewards says what it would do and writes nothing",
    "",
  );
  return out.join("\n");
}
