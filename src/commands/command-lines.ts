/**
 * Which lines of a comment could hold a command: the lines GitHub renders as
 * ordinary paragraph text starting at the left margin. Everything a person
 * shows rather than says is left out, so that quoting, documenting or pasting
 * a command never runs it:
 * - fenced code blocks (``` or ~~~, also when never closed),
 * - indented code blocks (4+ columns),
 * - block quotes (`>`), with their lazy continuation lines (a line right
 *   after a quoted line is part of the quote, as GitHub renders it),
 * - HTML comments and <pre>/<script>/<style>/<textarea> blocks,
 * - inline code spans and inline HTML comments that run across lines.
 *
 * This is a small line scanner that follows CommonMark where it matters for a
 * line starting with `/`, not a full markdown parser.
 */

export interface CandidateLine {
  /** 1-based line number in the comment. */
  line: number;
  /** The line as written (leading spaces kept, at most 3). */
  text: string;
}

type State =
  | { kind: "normal" }
  | { kind: "fence"; char: "`" | "~"; length: number }
  | { kind: "html"; end: RegExp };

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const BLANK = /^[ \t]*$/;
const QUOTE = /^ {0,3}>/;
const INDENTED = /^(?: {4}| {0,3}\t)/;
const HTML_COMMENT_START = /^ {0,3}<!--/;
const HTML_RAW_START = /^ {0,3}<(pre|script|style|textarea)(?:[\s>]|$)/i;
/** Lines that begin a block of their own, ending a paragraph (and a quote's laziness). */
const BLOCK_START = /^ {0,3}(?:#{1,6}(?:[ \t]|$)|(?:[-*_][ \t]*){3,}$|[-+*][ \t]|\d{1,9}[.)][ \t])/;
const THEMATIC_OR_HEADING = /^ {0,3}(?:#{1,6}(?:[ \t]|$)|(?:[-*_][ \t]*){3,}$)/;

/** Lines of `body` that GitHub renders as paragraph text, in order; see the module comment. */
export function commandCandidateLines(body: string): CandidateLine[] {
  const lines = body.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  const out: CandidateLine[] = [];
  let state: State = { kind: "normal" };
  let paragraph: { index: number; text: string }[] = [];
  // True while the previous line was quoted paragraph text, so a following text line is a lazy continuation.
  let lazyQuote = false;

  const flush = (): void => {
    if (paragraph.length > 0) out.push(...paragraphCandidates(paragraph));
    paragraph = [];
  };

  lines.forEach((text, index) => {
    if (state.kind === "fence") {
      if (closesFence(text, state.char, state.length)) state = { kind: "normal" };
      return;
    }
    if (state.kind === "html") {
      if (state.end.test(text)) state = { kind: "normal" };
      return;
    }
    if (BLANK.test(text)) {
      flush();
      lazyQuote = false;
      return;
    }
    const fence = opensFence(text);
    if (fence) {
      flush();
      lazyQuote = false;
      state = fence;
      return;
    }
    if (QUOTE.test(text)) {
      flush();
      const inner = text.replace(/^(?: {0,3}>[ \t]?)+/, "");
      lazyQuote = !BLANK.test(inner) && !opensFence(inner) && !THEMATIC_OR_HEADING.test(inner);
      return;
    }
    if (lazyQuote && !BLOCK_START.test(text) && !HTML_COMMENT_START.test(text) && !HTML_RAW_START.test(text)) return;
    lazyQuote = false;
    const htmlEnd = htmlBlockEnd(text);
    if (htmlEnd) {
      flush();
      if (!htmlEnd.test(text)) state = { kind: "html", end: htmlEnd };
      return;
    }
    if (THEMATIC_OR_HEADING.test(text)) {
      flush();
      return;
    }
    if (INDENTED.test(text) && paragraph.length === 0) return; // indented code block
    paragraph.push({ index, text });
  });
  flush();
  return out;
}

function opensFence(text: string): State | null {
  const m = FENCE_OPEN.exec(text);
  if (!m) return null;
  const run = m[1] ?? "";
  const info = m[2] ?? "";
  const char = run[0] === "`" ? "`" : "~";
  // A backtick fence's info string may not contain backticks (that line is inline code instead).
  if (char === "`" && info.includes("`")) return null;
  return { kind: "fence", char, length: run.length };
}

function closesFence(text: string, char: "`" | "~", length: number): boolean {
  const m = /^ {0,3}(`+|~+)[ \t]*$/.exec(text);
  const run = m?.[1];
  return !!run && run[0] === char && run.length >= length;
}

/** The pattern that ends the HTML block this line starts (types 1 and 2 of CommonMark), or null. */
function htmlBlockEnd(text: string): RegExp | null {
  if (HTML_COMMENT_START.test(text)) return /-->/;
  const raw = HTML_RAW_START.exec(text);
  if (raw) return new RegExp(`</${(raw[1] ?? "").toLowerCase()}>`, "i");
  return null;
}

/** Lines of one paragraph that start with `/` at the margin and outside inline code or comments. */
function paragraphCandidates(paragraph: { index: number; text: string }[]): CandidateLine[] {
  const joined = paragraph.map((p) => p.text).join("\n");
  const hidden = hiddenRanges(joined);
  const out: CandidateLine[] = [];
  let offset = 0;
  for (const p of paragraph) {
    const start = offset;
    offset += p.text.length + 1;
    if (!/^ {0,3}\//.test(p.text)) continue;
    if (hidden.some(([from, to]) => from < start && start < to)) continue;
    out.push({ line: p.index + 1, text: p.text });
  }
  return out;
}

/** [start, end) ranges of code spans and HTML comments in paragraph text, per CommonMark's left-to-right rules. */
function hiddenRanges(s: string): [number, number][] {
  const ranges: [number, number][] = [];
  // Once a search for a closer fails, every later search for it fails too: remembering that keeps
  // hostile input (thousands of unclosed `<!--` or backtick runs) linear instead of quadratic.
  const unclosedRuns = new Set<number>();
  let commentsUnclosed = false;
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === "\\") {
      i += 2;
      continue;
    }
    if (c === "`") {
      let n = 1;
      while (s[i + n] === "`") n++;
      const close = unclosedRuns.has(n) ? -1 : findBacktickRun(s, i + n, n);
      if (close < 0) unclosedRuns.add(n);
      if (close >= 0) {
        ranges.push([i, close + n]);
        i = close + n;
      } else {
        i += n; // no closer: the run is literal text
      }
      continue;
    }
    if (s.startsWith("<!--", i)) {
      const end = s.startsWith("<!-->", i)
        ? i + 2
        : s.startsWith("<!--->", i)
          ? i + 3
          : commentsUnclosed
            ? -1
            : s.indexOf("-->", i + 4);
      if (end >= 0) {
        ranges.push([i, end + 3]);
        i = end + 3;
        continue;
      }
      commentsUnclosed = true;
    }
    i++;
  }
  return ranges;
}

/** Index of the next run of exactly `n` backticks at or after `from`, or -1. */
function findBacktickRun(s: string, from: number, n: number): number {
  let i = from;
  while (i < s.length) {
    if (s[i] !== "`") {
      i++;
      continue;
    }
    let m = 1;
    while (s[i + m] === "`") m++;
    if (m === n) return i;
    i += m;
  }
  return -1;
}
