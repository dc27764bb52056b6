/**
 * Text of `.github/roster.yml` -> the Roster, or every problem with its line.
 * Pure. A roster that fails here is a config error like a broken ladder: the
 * app changes nothing until it is fixed (SPEC section 1).
 *
 * Checked: YAML syntax; the schema (strict, unknown keys rejected); every
 * `role` is a role on the ladder (emeritus entries too: they name the role
 * that was held); a login appears at most once in `members` (logins compared
 * without case, as GitHub does). An empty file is an empty roster.
 */
import type { ConfigProblem, PathSegment } from "./problems.js";
import { closest, code, formatPath, sortProblems } from "./problems.js";
import { rosterSchema } from "./schema.js";
import type { Governance, Roster } from "./schema.js";
import { readYamlFile } from "./yaml-file.js";
import { describeIssues } from "./zod-problems.js";

export type ParseRosterResult =
  | { ok: true; roster: Roster; warnings: ConfigProblem[] }
  | { ok: false; errors: ConfigProblem[]; warnings: ConfigProblem[] };

export function parseRoster(
  text: string,
  governance: Pick<Governance, "ladder" | "roster">,
  opts: { fileName?: string } = {},
): ParseRosterResult {
  const name = opts.fileName ?? governance.roster.path;
  const yaml = readYamlFile(text, name);
  const errors = yaml.problems.filter((p) => p.severity === "error");
  const warnings = yaml.problems.filter((p) => p.severity === "warning");
  if (errors.length > 0) return { ok: false, errors, warnings };

  const locate = (path: readonly PathSegment[]) => {
    const at = yaml.locate(path);
    return at ? { file: name, line: at.line, column: at.column } : null;
  };
  const at = (path: readonly PathSegment[], message: string): ConfigProblem => {
    const where = locate(path);
    return { path: formatPath(path), line: where?.line ?? null, column: where?.column ?? null, message, severity: "error", file: name };
  };

  const parsed = rosterSchema.safeParse(yaml.data);
  if (!parsed.success) {
    return { ok: false, errors: sortProblems(describeIssues(parsed.error.issues, rosterSchema, yaml.data, locate)), warnings };
  }
  const roster = parsed.data;
  const roles = governance.ladder.map((r) => r.role);

  for (const list of ["members", "emeritus"] as const) {
    roster[list].forEach((entry, i) => {
      if (!roles.includes(entry.role)) {
        const suggestion = closest(entry.role, roles);
        errors.push(
          at(
            [list, i, "role"],
            `${code(entry.role)} is not a role on the ladder${suggestion ? `; did you mean \`${suggestion}\`?` : `; roles are ${roles.map((r) => `\`${r}\``).join(", ")}`}`,
          ),
        );
      }
    });
  }

  const firstAt = new Map<string, number>();
  roster.members.forEach((entry, i) => {
    const key = entry.login.toLowerCase();
    const seen = firstAt.get(key);
    if (seen === undefined) firstAt.set(key, i);
    else errors.push(at(["members", i, "login"], `${code(entry.login)} is already listed at \`members[${seen}]\`; one entry per person, with their highest role`));
  });

  if (errors.length > 0) return { ok: false, errors: sortProblems(errors), warnings };
  return { ok: true, roster, warnings };
}
