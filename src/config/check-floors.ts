/**
 * Organisation floors: minimums set in the organisation defaults (the
 * `.github` repository's governance.yml, reached with `_extends`) that a
 * repository's own file cannot go below. Without them, anyone who can push
 * to a repository could lower the quorum to 1 and approve themselves.
 *
 * Floors are only ever taken from the extended (base) files, never from the
 * repository's own file — see parse-governance.ts — so a repository cannot
 * declare lower floors to escape them.
 */
import type { ConfigProblem } from "./problems.js";
import { problemAt } from "./semantic-checks.js";
import type { Locate } from "./semantic-checks.js";
import type { Floors, Governance } from "./schema.js";

export function checkFloors(gov: Governance, floors: Floors | undefined, locate: Locate, source?: string): ConfigProblem[] {
  if (!floors) return [];
  const from = source ? ` (set in \`${source}\`)` : "";
  const out: ConfigProblem[] = [];
  if (floors.quorum !== undefined && gov.promotion.quorum < floors.quorum) {
    out.push(
      problemAt(locate, ["promotion", "quorum"], `\`promotion.quorum\` is ${gov.promotion.quorum}, below the organisation's floor of ${floors.quorum}${from}`),
    );
  }
  if (floors.appeals_quorum !== undefined && gov.appeals.quorum < floors.appeals_quorum) {
    out.push(
      problemAt(locate, ["appeals", "quorum"], `\`appeals.quorum\` is ${gov.appeals.quorum}, below the organisation's floor of ${floors.appeals_quorum}${from}`),
    );
  }
  const topIndex = gov.ladder.length - 1;
  const top = gov.ladder[topIndex]!;
  for (const key of ["merged_prs", "reviews"] as const) {
    const floor = floors[key];
    const value = top.requires[key] ?? 0;
    if (floor !== undefined && value < floor) {
      const noun = key === "merged_prs" ? "merged PRs" : "reviews";
      const written = top.requires[key] === undefined ? `does not require ${noun}` : `requires ${value} ${noun}`;
      out.push(
        problemAt(
          locate,
          ["ladder", topIndex, "requires", key],
          `the top rung \`${top.role}\` ${written}, below the organisation's floor of ${floor}${from}`,
        ),
      );
    }
  }
  return out;
}
