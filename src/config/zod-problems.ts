/**
 * Turns zod issues into ConfigProblems a person can act on: plain words,
 * the path as written in the file, the line, and for an unknown key the
 * closest valid one ("unknown key `merged_pr`; did you mean `merged_prs`?").
 */
import type { z } from "zod";
import type { Located } from "./layers.js";
import { isPlainObject } from "./layers.js";
import { closest, code, formatPath } from "./problems.js";
import type { ConfigProblem, PathSegment } from "./problems.js";

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

export function describeIssues(
  issues: readonly Issue[],
  root: AnySchema,
  data: unknown,
  locate: (path: readonly PathSegment[]) => Located | null,
): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const issue of issues) {
    const base = issue.path.filter((s): s is PathSegment => typeof s !== "symbol");
    if (issue.code === "unrecognized_keys") {
      const valid = keysAt(root, base);
      for (const key of issue.keys) {
        const path = [...base, key];
        const suggestion = closest(key, valid);
        const where = base.length ? ` in \`${formatPath(base)}\`` : "";
        const hint = suggestion
          ? `; did you mean \`${suggestion}\`?`
          : valid.length
            ? `; valid keys here: ${valid.map((k) => `\`${k}\``).join(", ")}`
            : "";
        out.push(problem(path, `unknown key ${code(key)}${where}${hint}`, locate));
      }
      continue;
    }
    out.push(problem(base, describe(issue, valueAt(data, base)), locate));
  }
  return out;
}

function problem(
  path: readonly PathSegment[],
  message: string,
  locate: (path: readonly PathSegment[]) => Located | null,
): ConfigProblem {
  const at = locate(path);
  return {
    path: formatPath(path),
    line: at?.line ?? null,
    column: at?.column ?? null,
    message,
    severity: "error",
    ...(at?.file !== undefined ? { file: at.file } : {}),
  };
}

/** The sentence for one issue; the path is shown beside it, so the sentence starts with the verb. */
function describe(issue: Issue, value: unknown): string {
  if (value === undefined && (issue.code === "invalid_type" || issue.code === "invalid_value")) {
    return "is required";
  }
  const got = ` (found ${show(value)})`;
  switch (issue.code) {
    case "invalid_type":
      return `must be ${article(issue.expected)}${got}`;
    case "invalid_value":
      return issue.values.length === 1
        ? `must be ${show(issue.values[0])}${got}`
        : `must be one of ${issue.values.map(show).join(", ")}${got}`;
    case "invalid_format":
      // Our schema's regex checks carry a phrase such as "a duration such as 30d, 12h, 2w".
      return `must be ${issue.format === "regex" ? issue.message : `a valid ${issue.format}`}${got}`;
    case "too_small":
      if (issue.origin === "array") return `must list at least ${String(issue.minimum)} item${issue.minimum === 1 ? "" : "s"}`;
      if (issue.origin === "string") return "must not be empty";
      return issue.inclusive ? `must be at least ${String(issue.minimum)}${got}` : `must be greater than ${String(issue.minimum)}${got}`;
    case "too_big":
      if (issue.origin === "array") return `must list at most ${String(issue.maximum)} items`;
      return issue.inclusive ? `must be at most ${String(issue.maximum)}${got}` : `must be less than ${String(issue.maximum)}${got}`;
    case "invalid_union": {
      // Our unions are "a date as YYYY-MM-DD" (string or YAML date); use the first branch's phrase.
      const first = issue.errors[0]?.find((i) => i.code === "invalid_format");
      return first ? `must be ${first.message}${got}` : `has an unexpected form${got}`;
    }
    case "not_multiple_of":
      return `must be a multiple of ${String(issue.divisor)}${got}`;
    default:
      return `${issue.message}${got}`;
  }
}

function article(expected: string): string {
  const words: Record<string, string> = {
    number: "a number",
    int: "a whole number",
    string: "text",
    boolean: "true or false",
    array: "a list",
    object: "a mapping of keys",
    null: "empty",
    date: "a date",
  };
  return words[expected] ?? `a ${expected}`;
}

/** A value as it would look in YAML, short. */
export function show(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "`null`";
  if (Array.isArray(value)) return "a list";
  if (isPlainObject(value)) return "a mapping";
  if (typeof value === "string") {
    // Text that reads like a number or a boolean is shown quoted, so "must be a number (found `"5"`)" makes sense.
    const inner = JSON.stringify(value).slice(1, -1);
    return code(/^(-?\d+(\.\d+)?|true|false|null|~)$/i.test(value.trim()) ? `"${inner}"` : inner);
  }
  return `\`${String(value)}\``;
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let cur: unknown = data;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === "number") cur = cur[seg];
    else if (isPlainObject(cur) && typeof seg === "string") cur = cur[seg];
    else return undefined;
  }
  return cur;
}

/** The keys a strict object at `path` of `root` accepts (through optional, default, nullable, pipe, array). */
export function keysAt(root: AnySchema, path: readonly PathSegment[]): string[] {
  let schema: AnySchema | undefined = unwrap(root);
  for (const seg of path) {
    if (!schema) return [];
    const def = schema._zod.def as unknown as { type: string; shape?: Record<string, AnySchema>; element?: AnySchema };
    if (def.type === "object" && typeof seg === "string") schema = def.shape?.[seg];
    else if (def.type === "array" && typeof seg === "number") schema = def.element;
    else return [];
    schema = schema ? unwrap(schema) : undefined;
  }
  const def = schema?._zod.def as unknown as { type: string; shape?: Record<string, AnySchema> } | undefined;
  return def?.type === "object" && def.shape ? Object.keys(def.shape) : [];
}

function unwrap(schema: AnySchema): AnySchema {
  let cur = schema;
  for (let i = 0; i < 10; i++) {
    const def = cur._zod.def as unknown as { type: string; innerType?: AnySchema; in?: AnySchema };
    if (def.innerType && ["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional"].includes(def.type)) {
      cur = def.innerType;
    } else if (def.type === "pipe" && def.in) {
      cur = def.in;
    } else {
      break;
    }
  }
  return cur;
}
