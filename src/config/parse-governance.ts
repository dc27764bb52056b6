/**
 * Text of `.github/governance.yml` (and the files it extends) -> a validated
 * Governance, or every problem found, each with its path and line. Pure.
 *
 * Steps, in order:
 * 1. YAML syntax (per file, with lines); any error stops here.
 * 2. Layers: for each file, lowest priority first, its preset expansion
 *    (see presets.ts) then the file itself; merged by the rule in layers.ts.
 *    `_extends` is the loader's business and is dropped here.
 * 3. Floors: taken ONLY from base files (reached through `_extends`, the
 *    organisation fallback, or given as `floorsOnly`) and from `opts.floors`
 *    — never from the repository's own file, so it cannot lower them. Each
 *    file's `floors` is still checked for shape.
 * 4. Phase 1, the zod schema (strict: unknown keys rejected, with a
 *    suggestion). Any error stops here.
 * 5. Phase 2, semantic-checks.ts, then the floors.
 */
import { checkFloors } from "./check-floors.js";
import type { Layer, Located } from "./layers.js";
import { deepMerge, locateInLayers, mergeLayers } from "./layers.js";
import { expandPreset } from "./presets.js";
import type { ConfigProblem, PathSegment } from "./problems.js";
import { sortProblems } from "./problems.js";
import { floorsSchema, governanceSchema } from "./schema.js";
import type { Floors, Governance } from "./schema.js";
import { semanticChecks } from "./semantic-checks.js";
import { readYamlFile } from "./yaml-file.js";
import type { YamlFile } from "./yaml-file.js";
import { describeIssues } from "./zod-problems.js";

export type { ConfigProblem } from "./problems.js";

export const DEFAULT_GOVERNANCE_PATH = ".github/governance.yml";

export type ParseGovernanceResult =
  | { ok: true; governance: Governance; warnings: ConfigProblem[] }
  | { ok: false; errors: ConfigProblem[]; warnings: ConfigProblem[] };

export interface GovernanceFileText {
  /** How the file is named in problems. */
  name: string;
  text: string;
  /**
   * True for a file this ladder extends (or the organisation default used
   * because the repository has none): its `floors` bind. False for the
   * repository's own file.
   */
  isBase: boolean;
  /**
   * Only this file's `floors` are read (implies isBase): the organisation
   * file, consulted for its floors even when the repository's file does not
   * extend it — otherwise deleting one `_extends` line would escape them.
   */
  floorsOnly?: boolean;
}

export interface ParseGovernanceOptions {
  /** Floors from elsewhere (the organisation) that this file must respect. */
  floors?: Floors;
  /** Where `floors` were set, named in messages. */
  floorsSource?: string;
}

/** One file on its own; `fileName` names it in problems (default `.github/governance.yml`). */
export function parseGovernance(
  text: string,
  opts: ParseGovernanceOptions & { fileName?: string } = {},
): ParseGovernanceResult {
  return parseGovernanceFiles([{ name: opts.fileName ?? DEFAULT_GOVERNANCE_PATH, text, isBase: false }], opts);
}

/** Several files, HIGHEST priority first (the repository's file, then what it extends, in order). */
export function parseGovernanceFiles(
  files: readonly GovernanceFileText[],
  opts: ParseGovernanceOptions = {},
): ParseGovernanceResult {
  const read = files.map((f) => ({ ...f, yaml: readYamlFile(f.text, f.name) }));
  const syntax = read.flatMap((f) => f.yaml.problems);
  const errors = syntax.filter((p) => p.severity === "error");
  const warnings = syntax.filter((p) => p.severity === "warning");
  if (errors.length > 0) return fail(errors, warnings);

  // Each file's data without the loader's key and without floors (handled apart).
  const fileData = read.map((f) => {
    const data = { ...(f.yaml.data as Record<string, unknown>) };
    delete data._extends;
    const floors = data.floors;
    delete data.floors;
    return { file: f, data, floors };
  });

  // Floors: shape of every file's floors; binding floors from base files only.
  let floors: Floors | undefined = opts.floors;
  const floorSources: string[] = opts.floors && opts.floorsSource ? [opts.floorsSource] : [];
  for (const { file, floors: raw } of [...fileData].reverse()) {
    if (raw === undefined) continue;
    const parsed = floorsSchema.safeParse(raw);
    if (!parsed.success) {
      errors.push(...describeIssues(parsed.error.issues, floorsSchema, raw, (p) => locateInFile(file.yaml, ["floors", ...p])).map(prefixFloors));
      continue;
    }
    if (file.isBase || file.floorsOnly) {
      floors = deepMerge(floors ?? {}, parsed.data) as Floors;
      floorSources.unshift(file.name);
    } else {
      warnings.push({
        path: "floors",
        ...lineOf(locateInFile(file.yaml, ["floors"])),
        message:
          "`floors` bind only the repositories that extend this file with `_extends`; they do not apply to this file itself",
        severity: "warning",
        file: file.name,
      });
    }
  }

  const layers: Layer[] = [];
  for (const { file, data } of [...fileData].reverse()) {
    if (file.floorsOnly) continue;
    const preset = typeof data.preset === "string" ? expandPreset(data.preset) : null;
    if (preset) {
      layers.push({
        data: preset,
        file: file.name,
        // A value that came from the preset is "written" where the preset is named.
        locate: (path) => {
          const at = file.yaml.locate(["preset"]);
          return at ? { ...at, depth: path.length } : null;
        },
      });
    }
    layers.push({ data, file: file.name, locate: (p) => file.yaml.locate(p) });
  }
  const merged = mergeLayers(layers);
  const locate = (path: readonly PathSegment[]): Located | null => locateInLayers(layers, path);

  const topName = files.find((f) => !f.floorsOnly)?.name;
  const parsed = governanceSchema.safeParse(merged);
  if (!parsed.success) {
    errors.push(...inFile(describeIssues(parsed.error.issues, governanceSchema, merged, locate), topName));
  }
  if (errors.length > 0 || !parsed.success) return fail(errors, warnings);

  const semantic = semanticChecks(parsed.data, locate);
  const problems = inFile(
    [...semantic.problems, ...checkFloors(semantic.governance, floors, locate, floorSources.join(", ") || undefined)],
    topName,
  );
  errors.push(...problems.filter((p) => p.severity === "error"));
  warnings.push(...problems.filter((p) => p.severity === "warning"));
  if (errors.length > 0) return fail(errors, warnings);

  const governance: Governance = { ...semantic.governance };
  if (floors && Object.keys(floors).length > 0) governance.floors = floors;
  else delete governance.floors;
  return { ok: true, governance, warnings: sortProblems(warnings) };
}

function fail(errors: ConfigProblem[], warnings: ConfigProblem[]): ParseGovernanceResult {
  return { ok: false, errors: sortProblems(errors), warnings: sortProblems(warnings) };
}

/** A problem that is written nowhere (a missing key, a default below a floor) belongs to the repository's file. */
function inFile(problems: ConfigProblem[], name: string | undefined): ConfigProblem[] {
  return name === undefined ? problems : problems.map((p) => (p.file === undefined ? { ...p, file: name } : p));
}

function locateInFile(yaml: YamlFile, path: readonly PathSegment[]): Located | null {
  const at = yaml.locate(path);
  return at ? { file: yaml.name, line: at.line, column: at.column } : null;
}

function lineOf(at: Located | null): { line: number | null; column: number | null } {
  return { line: at?.line ?? null, column: at?.column ?? null };
}

/** describeIssues formats paths relative to the floors schema; put them back under `floors`. */
function prefixFloors(p: ConfigProblem): ConfigProblem {
  return { ...p, path: p.path ? `floors.${p.path}` : "floors" };
}

