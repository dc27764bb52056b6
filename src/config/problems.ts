/**
 * One thing wrong (or worth a second look) in a configuration file, in words,
 * with where it is. This is what reaches people: check-run annotations, the
 * "Action required" issue and the logs all render it.
 */

export interface ConfigProblem {
  /** Where in the document, e.g. `ladder[1].requires.merged_prs`; "" for the whole file. */
  path: string;
  /** 1-based line in `file`, or null when the problem has no single place (a missing top-level key). */
  line: number | null;
  /** 1-based column, or null with `line`. */
  column: number | null;
  /** Plain words, never raw validator output. May contain `code spans`. */
  message: string;
  severity: "error" | "warning";
  /** The file the line refers to (e.g. `.github/governance.yml` or `acme/.github:.github/governance.yml`). */
  file?: string;
}

export type PathSegment = string | number;

/** `["ladder", 1, "requires"]` -> `ladder[1].requires`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? seg : `.${seg}`;
  }
  return out;
}

/** Errors first, then by file, line and path: the order people read them in. */
export function sortProblems(problems: readonly ConfigProblem[]): ConfigProblem[] {
  const rank = (p: ConfigProblem) => (p.severity === "error" ? 0 : 1);
  return [...problems].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.file ?? "").localeCompare(b.file ?? "") ||
      (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      a.path.localeCompare(b.path),
  );
}

/** Levenshtein distance, for "did you mean" suggestions. */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/**
 * The candidate closest to `word`, when it is close enough to be a likely
 * typo (a third of the word's length, at least 2 edits), or a case/separator
 * variant (`mergedPrs` for `merged_prs`). Null otherwise.
 */
export function closest(word: string, candidates: readonly string[]): string | null {
  const norm = (s: string) => s.toLowerCase().replace(/[-_\s]/g, "");
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of candidates) {
    if (norm(c) === norm(word)) return c;
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  return best !== null && bestD <= limit ? best : null;
}

/**
 * `text` as a markdown code span that nothing can break out of: one line,
 * at most 60 characters, backticks replaced (a span cannot contain its own
 * fence without extra rules). Inside a span, `<b>` and `@someone` are inert.
 */
export function code(text: string): string {
  let s = text.replace(/[\r\n\t]+/g, " ").replace(/`/g, "'");
  if (s.length > 60) s = `${s.slice(0, 57)}...`;
  return `\`${s}\``;
}
