/**
 * Phase 2 of validation: what the schema cannot say about one field alone.
 * Runs on a ladder that already passed the schema; reports path and line
 * through `locate`. Pure.
 *
 * Errors:
 * - two rungs with the same role;
 * - a role in `promotion.approvers` that is not on the ladder;
 * - `merged_prs`, `reviews` or `tenure` lower than on the rung below (a
 *   higher rung cannot ask for less);
 * - a duration that does not convert to a finite number of milliseconds;
 * - `appeals.quorum` larger than `appeals.panel` (no panel could decide);
 * - `time_in_role` on the lowest rung (there is no role below to have held).
 * Warnings:
 * - a higher rung that leaves out `merged_prs`/`reviews`/`tenure` the rung
 *   below requires (it then asks for none of it; usually a slip) — except
 *   `tenure` on a rung with `time_in_role`, which implies it.
 * And it fills in `promotion.approvers` (the top rung's role) when omitted.
 */
import { tryParseDuration } from "./duration.js";
import type { Located } from "./layers.js";
import { closest, code, formatPath } from "./problems.js";
import type { ConfigProblem, PathSegment } from "./problems.js";
import type { Governance, Roster } from "./schema.js";

export type Locate = (path: readonly PathSegment[]) => Located | null;

const noLocation: Locate = () => null;

export function problemAt(
  locate: Locate,
  path: readonly PathSegment[],
  message: string,
  severity: "error" | "warning" = "error",
): ConfigProblem {
  const at = locate(path);
  return {
    path: formatPath(path),
    line: at?.line ?? null,
    column: at?.column ?? null,
    message,
    severity,
    ...(at?.file !== undefined ? { file: at.file } : {}),
  };
}

export interface SemanticResult {
  /** The input with defaults that depend on other fields filled in (`promotion.approvers`). */
  governance: Governance;
  problems: ConfigProblem[];
}

export function semanticChecks(input: Governance, locate: Locate = noLocation): SemanticResult {
  const problems: ConfigProblem[] = [];
  const ladder = input.ladder;
  const roles = ladder.map((r) => r.role);

  // Role names unique.
  const firstAt = new Map<string, number>();
  ladder.forEach((rung, i) => {
    const seen = firstAt.get(rung.role);
    if (seen === undefined) firstAt.set(rung.role, i);
    else problems.push(problemAt(locate, ["ladder", i, "role"], `the role \`${rung.role}\` is already defined at \`ladder[${seen}]\`; each rung needs its own role`));
  });

  // No role below the lowest rung.
  if (ladder[0]?.requires.time_in_role !== undefined) {
    problems.push(
      problemAt(locate, ["ladder", 0, "requires", "time_in_role"], `\`time_in_role\` counts time in the role below, but \`${ladder[0].role}\` is the lowest rung; use \`tenure\` for time since the first contribution`),
    );
  }

  // Durations convert (the schema checked their shape; this catches overflow).
  const durationFields: Array<[readonly PathSegment[], string | null | undefined]> = [];
  ladder.forEach((rung, i) => {
    for (const k of ["tenure", "time_in_role", "window"] as const) durationFields.push([["ladder", i, "requires", k], rung.requires[k]]);
  });
  durationFields.push(
    [["promotion", "expires_after"], input.promotion.expires_after],
    [["demotion", "inactive_after"], input.demotion.inactive_after],
    [["demotion", "term_limit"], input.demotion.term_limit],
    [["demotion", "notice"], input.demotion.notice],
    [["appeals", "within"], input.appeals.within],
    [["appeals", "cooldown"], input.appeals.cooldown],
  );
  for (const [path, value] of durationFields) {
    if (typeof value === "string" && tryParseDuration(value) === null) {
      problems.push(problemAt(locate, path, `\`${value}\` is not a usable duration (too large); use something like 365d`));
    }
  }

  // Thresholds do not fall going up.
  const numeric = (v: string | number | undefined): number | undefined =>
    typeof v === "number" ? v : typeof v === "string" ? (tryParseDuration(v) ?? undefined) : undefined;
  for (const key of ["merged_prs", "reviews", "tenure"] as const) {
    // Compare with the highest value set on any rung below, so a dip is caught even after a gap.
    let floor: { value: number; raw: string | number; role: string } | null = null;
    ladder.forEach((rung, i) => {
      const raw = rung.requires[key];
      const value = numeric(raw);
      // Holding the role below (time_in_role) already implies its tenure, so that omission is no slip.
      const implied = key === "tenure" && rung.requires.time_in_role !== undefined;
      if (floor && value === undefined && !implied) {
        problems.push(
          problemAt(
            locate,
            ["ladder", i, "requires"],
            `\`${rung.role}\` does not set \`${key}\` although \`${floor.role}\` below it requires ${String(floor.raw)}; a rung without it asks for none — write it out if that is intended`,
            "warning",
          ),
        );
      } else if (floor && value !== undefined && value < floor.value) {
        problems.push(
          problemAt(
            locate,
            ["ladder", i, "requires", key],
            `\`${rung.role}\` requires ${key} ${String(raw)}, less than the ${String(floor.raw)} of \`${floor.role}\` below it; thresholds must not fall going up the ladder`,
          ),
        );
      }
      if (value !== undefined && raw !== undefined && (!floor || value > floor.value)) floor = { value, raw, role: rung.role };
    });
  }

  // Approvers exist; default to the top rung's role.
  const top = ladder[ladder.length - 1]!;
  const approvers = input.promotion.approvers ?? [top.role];
  input.promotion.approvers?.forEach((role, i) => {
    if (!roles.includes(role)) {
      const suggestion = closest(role, roles);
      problems.push(
        problemAt(
          locate,
          ["promotion", "approvers", i],
          `${code(role)} is not a role on the ladder${suggestion ? `; did you mean \`${suggestion}\`?` : `; roles are ${roles.map((r) => `\`${r}\``).join(", ")}`}`,
        ),
      );
    }
  });

  if (input.appeals.quorum > input.appeals.panel) {
    problems.push(
      problemAt(locate, ["appeals", "quorum"], `an appeal needs ${input.appeals.quorum} panel votes but the panel has only ${input.appeals.panel} people; lower \`appeals.quorum\` or raise \`appeals.panel\``),
    );
  }

  return { governance: { ...input, promotion: { ...input.promotion, approvers } }, problems };
}

/**
 * Warnings when the roster cannot supply what the ladder asks: fewer people
 * hold an approving role (or a role above it — each role implies those below)
 * than `promotion.quorum`, or than `appeals.panel`. Not errors: a new project
 * grows into its quorum, but until then nothing can be approved, and people
 * should be told. Lines come from `locate` when given.
 */
export function checkQuorumAgainstRoster(gov: Governance, roster: Roster, locate: Locate = noLocation): ConfigProblem[] {
  const index = new Map(gov.ladder.map((r, i) => [r.role, i] as const));
  const approverRoles = gov.promotion.approvers ?? [gov.ladder[gov.ladder.length - 1]!.role];
  const lowest = Math.min(...approverRoles.map((r) => index.get(r) ?? Infinity));
  const holders = new Set(
    roster.members.filter((m) => (index.get(m.role) ?? -1) >= lowest).map((m) => m.login.toLowerCase()),
  );
  const who = approverRoles.map((r) => `\`${r}\``).join(" or ");
  const out: ConfigProblem[] = [];
  if (holders.size < gov.promotion.quorum) {
    out.push(
      problemAt(
        locate,
        ["promotion", "quorum"],
        `a promotion needs ${gov.promotion.quorum} approvals but only ${holders.size} ${holders.size === 1 ? "person holds" : "people hold"} ${who} (or a role above) in the roster; no proposal can be approved until more do`,
        "warning",
      ),
    );
  }
  if (holders.size < gov.appeals.panel) {
    out.push(
      problemAt(
        locate,
        ["appeals", "panel"],
        `an appeal panel has ${gov.appeals.panel} seats but only ${holders.size} ${holders.size === 1 ? "person holds" : "people hold"} ${who} (or a role above) in the roster; panels will be smaller`,
        "warning",
      ),
    );
  }
  return out;
}
