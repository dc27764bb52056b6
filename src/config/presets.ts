/**
 * `preset: cncf` and `preset: kubernetes`: a full ladder in one line.
 *
 * A preset expands, BEFORE validation, into a layer beneath the file that
 * names it; everything written beside `preset:` is merged over it by the
 * rule in layers.ts: mappings merge key by key (so `promotion: {quorum: 3}`
 * changes only the quorum), lists are replaced whole — in particular a
 * `ladder:` written beside a preset REPLACES the preset's ladder entirely
 * (rungs are not merged one by one: which rung would `ladder[1]` override if
 * the lengths differ?). A preset also supplies `version: 1`, so
 * `preset: kubernetes` alone is a complete file.
 *
 * The numbers are ours where the source leaves them open; they are written
 * out here so anyone can check them against the source.
 */
import type { GovernanceInput, PresetName } from "./schema.js";

/**
 * CNCF contributor-ladder template (cncf/project-template, CONTRIBUTOR_LADDER.md).
 * The template names Community Participant, Contributor, Organization Member,
 * Reviewer and Maintainer, and leaves every number as a TODO. We keep the
 * three roles that carry permissions and can be measured from GitHub
 * (participant and contributor have no threshold and no grant), and fill the
 * TODOs as follows:
 * - member ("Organization Member"): "at least [N] accepted PRs", "contributing
 *   for at least [N] months" -> 5 merged PRs in the last year, 90 days tenure.
 *   (The template's two sponsors are what the approval quorum stands for.)
 * - reviewer: "experience as a Contributor for at least [N] months", "has
 *   reviewed at least [N] pull requests" -> 180 days tenure, 20 reviews and
 *   10 merged PRs in the last year.
 * - maintainer: "experience as a Reviewer for at least [N] months" -> 180 days
 *   as reviewer, 50 reviews and 30 merged PRs in the last year.
 * - promotion: the template's reviewer process asks two approvals; its
 *   maintainer process a majority of maintainers — we use quorum 2 of the
 *   maintainers, which a project can raise.
 * - inactivity: the template's "no contributions for [N] months" -> 365 days.
 */
const CNCF: GovernanceInput = {
  version: 1,
  ladder: [
    {
      role: "member",
      description: "Organization Member: an established contributor who regularly participates in the project.",
      requires: { merged_prs: 5, tenure: "90d", window: "365d" },
    },
    {
      role: "reviewer",
      description: "Reviewer: responsible for reviewing changes to a specific area of the project.",
      requires: { merged_prs: 10, reviews: 20, tenure: "180d", window: "365d" },
    },
    {
      role: "maintainer",
      description: "Maintainer: responsible for the entire project, its strategy and priorities.",
      requires: { merged_prs: 30, reviews: 50, tenure: "180d", time_in_role: "180d", window: "365d" },
    },
  ],
  promotion: { approvers: ["maintainer"], quorum: 2 },
  demotion: { inactive_after: "365d" },
};

/**
 * Kubernetes community membership (kubernetes/community, community-membership.md):
 * - member: "multiple contributions to the project" and sponsorship by two
 *   reviewers -> 5 merged PRs in the last year (sponsorship = the quorum).
 * - reviewer: "member for at least 3 months", "primary reviewer for at least
 *   5 PRs", "reviewed or merged at least 20 substantial PRs" -> 90 days as
 *   member and 20 reviews (we count reviews, which also covers the 5 as
 *   primary reviewer; "reviewed OR merged" cannot be expressed, so the
 *   stricter reading is used), merged PRs kept at the member's 5.
 * - approver: "reviewer for at least 3 months", "primary reviewer for at
 *   least 10 substantial PRs", "reviewed or merged at least 30 PRs" ->
 *   90 days as reviewer and 30 reviews.
 * Promotions are approved by approvers (they own the OWNERS files), two of them.
 */
const KUBERNETES: GovernanceInput = {
  version: 1,
  ladder: [
    {
      role: "member",
      description: "Member: a continuously active contributor, sponsored by two reviewers.",
      requires: { merged_prs: 5, window: "365d" },
    },
    {
      role: "reviewer",
      description: "Reviewer: reviews contributions from other members; has a history of review and authorship.",
      requires: { merged_prs: 5, reviews: 20, time_in_role: "90d", window: "365d" },
    },
    {
      role: "approver",
      description: "Approver: approves contributions for acceptance; a highly experienced, active reviewer.",
      requires: { merged_prs: 5, reviews: 30, time_in_role: "90d", window: "365d" },
    },
  ],
  promotion: { approvers: ["approver"], quorum: 2 },
};

const PRESETS: Record<PresetName, GovernanceInput> = { cncf: CNCF, kubernetes: KUBERNETES };

/** The preset's content as written in a file (a fresh copy each call), or null for an unknown name. */
export function expandPreset(name: string): Record<string, unknown> | null {
  const preset = (PRESETS as Record<string, GovernanceInput | undefined>)[name];
  return preset ? (structuredClone(preset) as unknown as Record<string, unknown>) : null;
}
