/**
 * Making text that came from people (reasons, titles, logins, commands they
 * typed) safe to put into markdown the app writes: it must not mention or
 * notify anyone, inject HTML, links, images or headings, or break out of the
 * line, table cell or log entry it was put in. Every renderer that places
 * user text goes through one of these functions.
 */
import { botAppSlug, isUserLogin } from "../commands/github-login.js";

const ZWJ = "\u200D";

/** `@` and the look-alikes and entities that render as one. */
const AT_SIGNS = /&#0*64;?|&#x0*40;?|&commat;|[@\uFF20\uFE6B]/gi;

/**
 * Text with a zero-width joiner after every `@` (and fullwidth `＠`, small `﹫`,
 * and the entities `&#64;`, `&#x40;`, `&commat;`, which become `@`), so no
 * login or `@org/team` after it is linked or notified. Every `@` is treated,
 * not only those before a login: whether one starts a mention depends on text
 * around it that a caller may add later. Idempotent.
 */
export function neutralizeMentions(text: string): string {
  return text.replace(AT_SIGNS, (m, offset: number, whole: string) => {
    const at = m.length === 1 ? m : "@";
    return whole[offset + m.length] === ZWJ ? at : `${at}${ZWJ}`;
  });
}

/** Characters that break a line in markdown or in an editor showing it. */
const LINE_BREAKS = /\r\n|[\n\r\u2028\u2029\u0085\v\f]/g;
/**
 * Control characters other than tab, and the bidirectional embedding,
 * override and isolate characters that make displayed text read differently
 * from what is stored (as in "Trojan Source").
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000E-\u001F\u007F-\u0084\u0086-\u009F\u202A-\u202E\u2066-\u2069]/g;

/** One line: line breaks and tabs become spaces, other control characters go. */
function oneLine(text: string): string {
  return text.replace(LINE_BREAKS, " ").replace(/\t/g, " ").replace(CONTROLS, "");
}

const MARKDOWN_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  "\\": "\\\\",
  "*": "\\*",
  _: "\\_",
  "[": "\\[",
  "]": "\\]",
  "|": "\\|",
  "#": "\\#",
  "~": "\\~",
  "`": "\\`",
  // GitHub renders $…$ as math, which can restyle or fake surrounding text.
  $: "\\$",
};

/**
 * `text` as literal inline markdown, for a paragraph, list item or table
 * cell: mentions neutralized; `\ * _ [ ] | # ~ \` $` backslash-escaped; `& < >`
 * as HTML entities (so no tag, entity or autolink survives); line breaks
 * collapsed to spaces and control characters removed, so it stays on its line
 * and in its cell; surrounding whitespace trimmed; and a leading list, heading
 * or quote marker escaped in case the caller puts it at the start of a line.
 */
export function escapeMarkdownInline(text: string): string {
  const escaped = neutralizeMentions(oneLine(text))
    .trim()
    .replace(/[&<>\\*_[\]|#~`$]/g, (c) => MARKDOWN_ESCAPES[c] ?? c);
  // `-`, `+`, `=` and `1.` / `1)` only mean something at the start of a line.
  return escaped.replace(/^([-+=])/, "\\$1").replace(/^(\d{1,9})([.)])/, "$1\\$2");
}

/**
 * `text` for a GFM table cell. escapeMarkdownInline already escapes `|` and
 * keeps the text on one line, which is all a cell needs; this name says at
 * the call site that the text is going into a table.
 */
export function escapeTableCell(text: string): string {
  return escapeMarkdownInline(text);
}

/**
 * An inline code span showing `text` literally: fenced with one backtick more
 * than the longest run inside, padded with spaces where CommonMark would
 * otherwise eat or merge characters, on one line. With `table: true`, pipes
 * are escaped as GFM requires inside table cells (a backslash run right
 * before a pipe is made even so it cannot escape the escape; it then shows
 * one backslash more). Mentions are not touched: GitHub does not link them in code.
 */
export function codeSpan(text: string, options: { table?: boolean } = {}): string {
  let content = oneLine(text);
  if (options.table) content = content.replace(/(\\*)\|/g, (_m, run: string) => `${run.length % 2 === 1 ? `${run}\\` : run}\\|`);
  if (content === "") return "` `";
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad =
    content.startsWith("`") || content.endsWith("`") || (content.startsWith(" ") && content.endsWith(" ") && content.trim() !== "");
  return pad ? `${fence} ${content} ${fence}` : `${fence}${content}${fence}`;
}

/**
 * A login as a link to the profile that does not mention the person:
 * `[alice](https://github.com/alice)`; a bot account links to its app,
 * `[renovate\[bot\]](https://github.com/apps/renovate)`. `webUrl` is the
 * GitHub web root (GitHub Enterprise Server's, where used). A string that is
 * not a valid login is returned as escaped text, never as a link.
 */
export function userLink(login: string, webUrl = "https://github.com"): string {
  const base = webUrl.replace(/\/+$/, "");
  if (isUserLogin(login)) return `[${login}](${base}/${login})`;
  const slug = botAppSlug(login);
  if (slug) return `[${slug}\\[bot\\]](${base}/apps/${slug})`;
  return escapeMarkdownInline(login);
}

/**
 * A deliberate mention, `@alice`, for the places where the app means to
 * notify someone (e.g. an appeal panel). A string that is not a valid user
 * login is returned as escaped, non-mentioning text.
 */
export function mentionUser(login: string): string {
  return isUserLogin(login) ? `@${login}` : escapeMarkdownInline(login);
}
