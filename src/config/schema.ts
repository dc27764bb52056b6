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
    merged_prs: count.optional(),
    reviews: count.optional(),
    tenure: duration.optional(),
    time_in_role: duration.optional(),
    window: duration.optional(),
  })
  .describe("What a person must have done to hold the rung. Missing keys are not required.");

export const branchProtectionGrantSchema = z.strictObject({
  branches: z.array(z.string().min(1)).min(1),
  bypass: z.boolean().default(false),
});

export const grantsSchema = z.strictObject({
  teams: z.array(z.string().min(1)).default([]),
  codeowners: z.array(z.string().min(1)).default([]),
  branch_protection: branchProtectionGrantSchema.optional(),
});

export const rungSchema = z.strictObject({
  role: z
    .string()
    .regex(/^[a-z][a-z0-9_-]*$/, { message: "a role name in lower case: letters, digits, - and _" }),
  description: z.string().optional(),
  requires: requiresSchema.default({}),
  grants: grantsSchema.default({ teams: [], codeowners: [] }),
});

export const countingSchema = z.strictObject({
  exclude_authors: z.array(login).default(["dependabot[bot]", "renovate[bot]"]),
  exclude_labels: z.array(z.string()).default([]),
  min_changed_lines: count.default(1),
  paths: z.array(z.string().min(1)).default([]),
});

export const promotionSchema = z.strictObject({
  approvers: z.array(z.string().min(1)).min(1).optional(),
  quorum: z.number().int().positive().default(2),
  approve_with: z.enum(["reaction", "pull_request", "either"]).default("reaction"),
  objection: z.enum(["block", "ignore"]).default("block"),
  expires_after: duration.default("30d"),
  announce_progress: z.boolean().default(true),
});

export const demotionSchema = z.strictObject({
  inactive_after: duration.nullable().default("365d"),
  term_limit: duration.nullable().default(null),
  notice: duration.default("14d"),
  max_share: z.number().min(0).max(1).default(0.25),
});

export const appealsSchema = z.strictObject({
  panel: z.number().int().positive().default(3),
  quorum: z.number().int().positive().default(2),
  within: duration.default("14d"),
  cooldown: duration.default("30d"),
});

export const floorsSchema = z
  .strictObject({
    quorum: z.number().int().positive().optional(),
    appeals_quorum: z.number().int().positive().optional(),
    merged_prs: count.optional(),
    reviews: count.optional(),
  })
  .describe(
    "Organisation minimums (set in the org .github repository): a repository file that goes below them is invalid. " +
      "Thresholds apply to the top rung.",
  );

export const PRESET_NAMES = ["cncf", "kubernetes"] as const;

export const governanceSchema = z.strictObject({
  version: z.literal(1),
  preset: z.enum(PRESET_NAMES).optional(),
  scope: z.enum(["repo", "org"]).default("repo"),
  ladder: z.array(rungSchema).min(1),
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
  demotion: demotionSchema.default({ inactive_after: "365d", term_limit: null, notice: "14d", max_share: 0.25 }),
  appeals: appealsSchema.default({ panel: 3, quorum: 2, within: "14d", cooldown: "30d" }),
  floors: floorsSchema.optional(),
  log: z.strictObject({ path: z.string().min(1).default("GOVERNANCE-LOG.md") }).default({ path: "GOVERNANCE-LOG.md" }),
  roster: z.strictObject({ path: z.string().min(1).default(".github/roster.yml") }).default({ path: ".github/roster.yml" }),
  dry_run: z.boolean().default(false),
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
