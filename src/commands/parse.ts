/**
 * Reading slash commands out of an issue or pull-request comment.
 *
 * A command is a line of ordinary text that starts (after at most 3 spaces)
 * with `/name`; lines in code, quotes and HTML comments are never commands
 * (see command-lines.ts). Names are case-insensitive. Arguments follow the
 * command's declaration in the registry. What comes back is one entry per
 * command line addressed to the app, in order, at most 10 (from the first
 * 500 lines starting with `/`):
 * - `ok`: a declared command with well-formed arguments (whether the author
 *   may use it, and whether its role or decision exists, is the handler's call);
 * - `malformed`: a declared command with arguments that do not fit its usage;
 * - `unknown`: `/stewards <something else>`, or a near-miss of a declared
 *   name such as `/ladders`. Other `/words` (other bots' commands, paths)
 *   are not returned at all.
 */
import { commandCandidateLines } from "./command-lines.js";
import { isUserLogin } from "./github-login.js";
import type { ArgSpec, CommandArgs, CommandName, CommandSpec } from "./registry.js";
import { registry } from "./registry.js";
import { closestKnown } from "./typos.js";

export type OkCommand = {
  [N in CommandName]: { kind: "ok"; name: N; args: CommandArgs[N]; line: number };
}[CommandName];

export interface MalformedCommand {
  kind: "malformed";
  name: CommandName;
  /** What is wrong, in plain words (may quote the author's text; escape before rendering). */
  problem: string;
  /** The declared usage, e.g. `/ladder [@user]`. */
  usage: string;
  /** The command line as written, trimmed and shortened to at most 100 characters. */
  text: string;
  line: number;
}

export interface UnknownCommand {
  kind: "unknown";
  /** The command words as written, e.g. `/ladders` or `/stewards frobnicate` (at most 100 characters). */
  text: string;
  /** The declared command that was probably meant, or null. */
  suggestion: CommandName | null;
  line: number;
}

export type ParsedCommand = OkCommand | MalformedCommand | UnknownCommand;

/** At most this many commands are read from one comment; the rest are ignored. */
export const MAX_COMMANDS_PER_COMMENT = 10;

/**
 * At most this many lines starting with `/` are looked at, so a hostile 64 KB
 * comment of `/word` lines costs milliseconds, not a typo check per line.
 */
export const MAX_SLASH_LINES_READ = 500;

const COMMAND_LINE = /^ {0,3}\/([A-Za-z][A-Za-z0-9_-]*)(?=\s|$)(.*)$/;
const ROLE = /^[a-z][a-z0-9_-]{0,49}$/i;
const DECISION = /^D-(\d{1,9})$/i;

/** The word after `/` that starts each declared command (`help` starts with `/stewards`). */
const HEAD_WORD = "stewards";
const headWords = new Map<string, CommandName>(
  registry.map((spec) => [spec.invocation.slice(1).split(" ")[0] ?? "", spec.name]),
);

/**
 * The commands in `commentBody`, in the order written, at most
 * MAX_COMMANDS_PER_COMMENT. Never throws; any text yields a (possibly empty) list.
 */
export function parseCommands(commentBody: string): ParsedCommand[] {
  const out: ParsedCommand[] = [];
  for (const candidate of commandCandidateLines(commentBody).slice(0, MAX_SLASH_LINES_READ)) {
    if (out.length >= MAX_COMMANDS_PER_COMMENT) break;
    const parsed = parseLine(candidate.text, candidate.line);
    if (parsed) out.push(parsed);
  }
  return out;
}

function parseLine(text: string, line: number): ParsedCommand | null {
  const m = COMMAND_LINE.exec(text);
  if (!m) return null;
  const typed = m[1] ?? "";
  const word = typed.toLowerCase();
  const rest = m[2] ?? "";

  if (word === HEAD_WORD) {
    const sub = /^\s*(\S*)/.exec(rest)?.[1] ?? "";
    // `/stewards help please` still gets help: asking for help should never earn a usage error.
    if (sub === "" || sub.toLowerCase() === "help") return { kind: "ok", name: "help", args: {}, line };
    const subWord = sub.toLowerCase();
    const suggestion = headWords.get(subWord) ?? suggestFor(subWord, true);
    return { kind: "unknown", text: shorten(`/${typed} ${sub}`, 100), suggestion, line };
  }

  const name = headWords.get(word);
  if (name) {
    const spec = registry.find((s) => s.name === name);
    if (spec) return parseDeclared(spec, rest, text.trim(), line);
  }

  const suggestion = suggestFor(word, false);
  return suggestion ? { kind: "unknown", text: shorten(`/${typed}`, 100), suggestion, line } : null;
}

/** The declared command `word` was probably meant to be, matching head words and, after `/stewards`, names. */
function suggestFor(word: string, afterHeadWord: boolean): CommandName | null {
  const words = [...headWords.keys()];
  const close = closestKnown(word, afterHeadWord ? [...words, "help"] : words);
  if (close === "help") return "help";
  return close ? (headWords.get(close) ?? null) : null;
}

type Values = Record<string, string | null>;

function parseDeclared(spec: CommandSpec, rest: string, text: string, line: number): ParsedCommand {
  const result = readArgs(spec.args, rest);
  if ("problem" in result) {
    return { kind: "malformed", name: spec.name, problem: result.problem, usage: spec.usage, text: shorten(text, 100), line };
  }
  return build(spec.name, result.values, line);
}

function readArgs(args: readonly ArgSpec[], rest: string): { values: Values } | { problem: string } {
  const values: Values = {};
  let cursor = 0;
  const peek = (): { token: string; end: number } | null => {
    const m = /\S+/.exec(rest.slice(cursor));
    return m ? { token: m[0], end: cursor + m.index + m[0].length } : null;
  };

  for (const arg of args) {
    if (arg.kind === "reason") {
      const reason = rest.slice(cursor).trim();
      if (reason === "" && arg.required) return { problem: "a reason is required" };
      values[arg.field] = reason === "" ? null : reason;
      cursor = rest.length;
      continue;
    }
    const next = peek();
    if (arg.kind === "decision") {
      const d = next ? DECISION.exec(next.token) : null;
      if (d && next) {
        values[arg.field] = `D-${(d[1] ?? "").replace(/^0+(?=\d)/, "").padStart(4, "0")}`;
        cursor = next.end;
      } else if (arg.required) {
        return { problem: next ? `${quote(next.token)} is not a decision id like D-0042` : "a decision id like D-0042 is required" };
      } else {
        values[arg.field] = null;
      }
      continue;
    }
    if (!next) {
      if (arg.required) return { problem: arg.kind === "user" ? "a username is required" : "a role is required" };
      values[arg.field] = null;
      continue;
    }
    if (arg.kind === "user") {
      const login = next.token.startsWith("@") ? next.token.slice(1) : next.token;
      if (!isUserLogin(login)) return { problem: `${quote(next.token)} is not a GitHub username` };
      values[arg.field] = login;
    } else {
      if (!ROLE.test(next.token)) return { problem: `${quote(next.token)} is not a role name (letters, digits, - and _)` };
      values[arg.field] = next.token.toLowerCase();
    }
    cursor = next.end;
  }

  const extra = rest.slice(cursor).trim();
  if (extra !== "") {
    return { problem: args.length === 0 ? `it takes no arguments, but got ${quote(extra)}` : `unexpected ${quote(extra)} at the end` };
  }
  return { values };
}

/** Typed arguments from the values readArgs checked against the command's declaration. */
function build(name: CommandName, v: Values, line: number): OkCommand {
  const req = (field: string): string => {
    const value = v[field];
    // readArgs returns a problem for every missing required argument, so this is a declaration bug.
    if (value == null) throw new Error(`/${name}: required argument ${field} missing after parsing`);
    return value;
  };
  const opt = (field: string): string | null => v[field] ?? null;
  switch (name) {
    case "ladder":
      return { kind: "ok", name, args: { user: opt("user") }, line };
    case "appeal":
      return { kind: "ok", name, args: { decision: opt("decision"), reason: req("reason") }, line };
    case "reject":
      return { kind: "ok", name, args: { reason: req("reason") }, line };
    case "overturn":
      return { kind: "ok", name, args: { reason: req("reason") }, line };
    case "nominate":
      return { kind: "ok", name, args: { user: req("user"), role: req("role"), reason: opt("reason") }, line };
    case "step-down":
      return { kind: "ok", name, args: { role: opt("role") }, line };
    case "withdraw":
    case "uphold":
    case "help":
      return { kind: "ok", name, args: {}, line };
  }
}

function quote(s: string): string {
  return `“${shorten(s, 40)}”`;
}

function shorten(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join("")}…`;
}
