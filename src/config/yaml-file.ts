/**
 * A YAML file read for validation: its plain data, its syntax problems with
 * lines, and a way back from a data path (`ladder[1].requires`) to the line
 * where that key is written. Pure: text in, data out.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { Document, Node, YAMLError } from "yaml";
import { code } from "./problems.js";
import type { ConfigProblem, PathSegment } from "./problems.js";

export interface Position {
  line: number;
  column: number;
}

export interface YamlFile {
  /** How the file is named in problems (`.github/governance.yml`, `acme/.github:.github/governance.yml`). */
  name: string;
  /**
   * The document as plain data; `{}` for an empty file (as Probot's loader
   * treats it); undefined when the YAML does not parse.
   */
  data: unknown;
  /** YAML syntax errors (severity error) and YAML warnings, each with its line. */
  problems: ConfigProblem[];
  /**
   * Where `path` is written: the line of the KEY for a mapping entry (so an
   * unknown key points at itself), of the item for a sequence entry.
   * When only a prefix of the path exists, the position of the deepest
   * existing node and `depth` = the number of segments found; null when not
   * even the first segment exists.
   */
  locate(path: readonly PathSegment[]): (Position & { depth: number }) | null;
}

export function readYamlFile(text: string, name: string): YamlFile {
  const lineCounter = new LineCounter();
  // prettyErrors off: its messages embed a code excerpt; we want the plain sentence and our own line.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const problems: ConfigProblem[] = [
    ...doc.errors.map((e) => yamlProblem(e, text, at, "error", name)),
    ...doc.warnings.map((e) => yamlProblem(e, text, at, "warning", name)),
  ];

  let data: unknown;
  if (doc.errors.length === 0) {
    if (doc.contents === null) {
      data = {};
    } else if (!isMap(doc.contents)) {
      problems.push({
        path: "",
        ...at(doc.contents.range?.[0] ?? 0),
        message: "the file must be a mapping of keys such as `version: 1` and `ladder:`, not a list or a single value",
        severity: "error",
        file: name,
      });
    } else {
      try {
        data = doc.toJS({ maxAliasCount: 100 });
      } catch (err) {
        problems.push({
          path: "",
          line: 1,
          column: 1,
          message: `the YAML could not be read: ${(err as Error).message}`,
          severity: "error",
          file: name,
        });
      }
    }
  }

  return {
    name,
    data,
    problems,
    locate: (path) => locateIn(doc, path, at),
  };
}

function yamlProblem(
  e: YAMLError,
  text: string,
  at: (offset: number) => Position,
  severity: "error" | "warning",
  file: string,
): ConfigProblem {
  let message = e.message.replace(/\s+at line \d+, column \d+[\s\S]*$/, "");
  if (e.code === "DUPLICATE_KEY") {
    // The error marks only the key's first character; read the key up to its colon.
    const key = (text.slice(e.pos[0]).split("\n")[0] ?? "").split(":")[0]!.trim().replace(/^["']|["']$/g, "");
    message = key ? `the key ${code(key)} is written twice in the same place; keep one` : "a key is written twice in the same place; keep one";
  } else {
    message = `YAML syntax: ${lowerFirst(message)}`;
  }
  return { path: "", ...at(e.pos[0]), message, severity, file };
}

function lowerFirst(s: string): string {
  return s.length > 0 ? s[0]!.toLowerCase() + s.slice(1) : s;
}

function locateIn(
  doc: Document,
  path: readonly PathSegment[],
  at: (offset: number) => Position,
): (Position & { depth: number }) | null {
  let node: unknown = doc.contents;
  let found: (Position & { depth: number }) | null = null;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyOf(p.key) === String(seg));
      if (!pair) break;
      const keyNode = pair.key as Node | null;
      const start = keyNode?.range?.[0] ?? (pair.value as Node | null)?.range?.[0];
      if (start === undefined) break;
      found = { ...at(start), depth: i + 1 };
      node = pair.value;
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg] as Node | undefined;
      const start = item?.range?.[0];
      if (start === undefined) break;
      found = { ...at(start), depth: i + 1 };
      node = item;
    } else {
      break;
    }
  }
  return found;
}

function keyOf(key: unknown): string | null {
  if (isScalar(key)) return String(key.value);
  return typeof key === "string" ? key : null;
}
