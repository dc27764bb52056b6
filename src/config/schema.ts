/**
 * The v1 contract of `.github/governance.yml`: one zod schema gives the
 * TypeScript types, the runtime parsing and the JSON Schema shipped in
 * `schema/governance.schema.json` for editors.
 *
 * Every object is strict: an unknown key is an error (a typo such as
 * `merged_pr:` must not silently mean "no requirement").
 *
 * Durations are strings like `365d`, `12h`, `30m`, `2w`; they are validated
 * here by shape and converted by `parseDuration` in `duration.ts`.
 */
import { z } from "zod";

export const DURATION_PATTERN = /^\d+(\.\d+)?(ms|s|m|h|d|w)$/;
export const duration = z
  .string()
  .regex(DURATION_PATTERN, { message: "a duration such as 30d, 12h, 2w" });

const count = z.number().int().nonnegative();
const login = z.string().min(1);

export const requiresSchema = z
  .strictObject({
    merged_prs: count.optional().describe("Pull requests authored and merged, inside `window`."),
    reviews: count.optional().describe("Reviews submitted on other people's pull requests, inside `window`."),
    tenure: duration.optional().describe("Time since the first counted contribution, e.g. 90d."),
    time_in_role: duration.optional().describe("Time holding the role of the rung below (not allowed on the lowest rung)."),
    window: duration.optional().describe("Contributions are counted inside this window (default 365d)."),
  })
  .describe("What a person must have done to hold the rung. Missing keys are not required.");

export const branchProtectionGrantSchema = z.strictObject({
  branches: z.array(z.string().min(1)).min(1).describe("Branch names or patterns."),
  bypass: z.boolean().default(false).describe("May push or merge past the rules on these branches."),
});

export const grantsSchema = z.strictObject({
  teams: z.array(z.string().min(1)).default([]).describe("Organisation team slugs the role's holders belong to."),
  codeowners: z.array(z.string().min(1)).default([]).describe("CODEOWNERS patterns the role's holders own."),
  branch_protection: branchProtectionGrantSchema.optional(),
});

export const rungSchema = z.strictObject({
  role: z
    .string()
    .regex(/^[a-z][a-z0-9_-]*$/, { message: "a role name in lower case: letters, digits, - and _" })
    .describe("The role's name, unique on the ladder."),
  description: z.string().optional().describe("What the role is, in a sentence."),
  requires: requiresSchema.default({}),
  grants: grantsSchema.default({ teams: [], codeowners: [] }),
});

export const countingSchema = z.strictObject({
  exclude_authors: z.array(login).default(["dependabot[bot]", "renovate[bot]"]).describe("Logins whose contributions never count."),
  exclude_labels: z.array(z.string()).default([]).describe("A pull request with one of these labels does not count."),
  min_changed_lines: count.default(1).describe("A pull request smaller than this does not count."),
  paths: z.array(z.string().min(1)).default([]).describe("When set, only pull requests touching these globs count."),
});

export const promotionSchema = z.strictObject({
  approvers: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe("Roles whose approval counts (holders of higher roles count too). Default: the top rung's role."),
  quorum: z.number().int().positive().default(2).describe("Approvals needed."),
  approve_with: z.enum(["reaction", "pull_request", "either"]).default("reaction").describe("How approvers approve."),
  objection: z.enum(["block", "ignore"]).default("block").describe("block: a thumbs-down from an approver holds the proposal."),
  expires_after: duration.default("30d").describe("An undecided proposal closes as expired after this long."),
  announce_progress: z.boolean().default(true).describe("Comment on a merged PR when its author reaches a new rung."),
});

export const demotionSchema = z.strictObject({
  inactive_after: duration.nullable().default("365d").describe("No counted activity for this long: propose emeritus. null: never."),
  term_limit: duration.nullable().default(null).describe("Propose rotation for a role held this long. null: no limit."),
  notice: duration.default("14d").describe("Notice period in which counted activity cancels a demotion proposal."),
  max_removal_share: z.number().min(0).max(1).default(0.25).describe("At most this share of a role's holders proposed for removal in one sweep."),
});

export const appealsSchema = z.strictObject({
  panel: z.number().int().positive().default(3).describe("Panel size, drawn in rotation from the approvers."),
  quorum: z.number().int().positive().default(2).describe("Panel votes needed to overturn (at most `panel`)."),
  within: duration.default("14d").describe("How long after a decision it may be appealed."),
  cooldown: duration.default("30d").describe("One open appeal per person; a new one only after this."),
});

export const HEALTH_PERIODS = ["month", "week"] as const;

export const healthSchema = z.strictObject({
  period: z
    .union([z.enum(HEALTH_PERIODS), duration])
    .default("month")
    .describe("One health report per period: month and week are calendar periods (UTC, weeks from Monday); a duration such as 30d counts from 1970-01-01."),
});

export const floorsSchema = z
  .strictObject({
    quorum: z.number().int().positive().optional().describe("Minimum promotion.quorum."),
    appeals_quorum: z.number().int().positive().optional().describe("Minimum appeals.quorum."),
    merged_prs: count.optional().describe("Minimum merged_prs of the top rung."),
    reviews: count.optional().describe("Minimum reviews of the top rung."),
  })
  .describe(
    "Organisation minimums (set in the org .github repository): a repository file that goes below them is invalid. " +
      "Thresholds apply to the top rung.",
  );

export const PRESET_NAMES = ["cncf", "kubernetes"] as const;

export const governanceSchema = z.strictObject({
  version: z.literal(1).describe("Format version: 1. A preset supplies it."),
  preset: z
    .enum(PRESET_NAMES)
    .optional()
    .describe("Start from a published ladder; keys written beside it override it (a `ladder` replaces the preset's whole)."),
  scope: z.enum(["repo", "org"]).default("repo").describe("Count contributions in this repository or across the organisation."),
  ladder: z.array(rungSchema).min(1).describe("The rungs, lowest first; each role includes those below it."),
  counting: countingSchema.default({
    exclude_authors: ["dependabot[bot]", "renovate[bot]"],
    exclude_labels: [],
    min_changed_lines: 1,
    paths: [],
  }),
  promotion: promotionSchema.default({
    quorum: 2,
    approve_with: "reaction",
    objection: "block",
    expires_after: "30d",
    announce_progress: true,
  }),
  demotion: demotionSchema.default({ inactive_after: "365d", term_limit: null, notice: "14d", max_removal_share: 0.25 }),
  appeals: appealsSchema.default({ panel: 3, quorum: 2, within: "14d", cooldown: "30d" }),
  floors: floorsSchema.optional(),
  health: healthSchema.default({ period: "month" }),
  log: z.strictObject({ path: z.string().min(1).default("GOVERNANCE-LOG.md") }).default({ path: "GOVERNANCE-LOG.md" }),
  roster: z.strictObject({ path: z.string().min(1).default(".github/roster.yml") }).default({ path: ".github/roster.yml" }),
  dry_run: z.boolean().default(false).describe("Do everything except writes; say what would happen."),
});

/** The ladder after parsing, defaults filled in. */
export type Governance = z.output<typeof governanceSchema>;
/** What a person writes in the file. */
export type GovernanceInput = z.input<typeof governanceSchema>;
export type Rung = z.output<typeof rungSchema>;
export type Requires = z.output<typeof requiresSchema>;
export type Grants = z.output<typeof grantsSchema>;
export type Counting = z.output<typeof countingSchema>;
export type Floors = z.output<typeof floorsSchema>;
export type HealthSettings = z.output<typeof healthSchema>;
export type PresetName = (typeof PRESET_NAMES)[number];

// ---------------------------------------------------------------------------
// `.github/roster.yml`

const isoDate = z
  .union([z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: "a date as YYYY-MM-DD" }), z.date()])
  .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v));

export const rosterEntrySchema = z.strictObject({
  login: login,
  role: z.string().min(1),
  since: isoDate,
  decision: z
    .string()
    .regex(/^D-\d{4,}$/, { message: "a decision id such as D-0001" })
    .optional(),
});

export const rosterSchema = z.strictObject({
  members: z.array(rosterEntrySchema).nullable().default([]).transform((v) => v ?? []),
  emeritus: z.array(rosterEntrySchema).nullable().default([]).transform((v) => v ?? []),
});

export type RosterEntry = z.output<typeof rosterEntrySchema>;
export type Roster = z.output<typeof rosterSchema>;
