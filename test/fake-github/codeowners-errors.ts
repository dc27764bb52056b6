// GitHub's CODEOWNERS check as GET /repos/{owner}/{repo}/codeowners/errors reports it
// (docs: "About code owners"; the error format follows the OpenAPI example). Pure: the
// caller says which owners exist and may own files.

/** Where GitHub looks for the file, in order; the first that exists on the ref is used. */
export const CODEOWNERS_PATHS = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"] as const;

/** One reported error, as the API returns it. */
export interface CodeownersError {
  line: number;
  column: number;
  kind: "Invalid pattern" | "Invalid owner" | "Unknown owner";
  source: string;
  suggestion: string | null;
  message: string;
  path: string;
}

/** An owner as written: a user, a team, or an e-mail address. */
export type CodeownersOwner = { kind: "user"; login: string } | { kind: "team"; org: string; slug: string } | { kind: "email"; email: string };

const USER = /^@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))$/;
const TEAM = /^@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9_.-]+)$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Parses one owner token, or undefined when it is not an owner GitHub accepts syntactically. */
export function parseOwner(token: string): CodeownersOwner | undefined {
  const team = TEAM.exec(token);
  if (team) return { kind: "team", org: team[1] as string, slug: team[2] as string };
  const user = USER.exec(token);
  if (user) return { kind: "user", login: user[1] as string };
  if (EMAIL.test(token)) return { kind: "email", email: token };
  return undefined;
}

/** Splits a line into whitespace-separated tokens with 1-based columns; `\ ` stays inside a token. */
function tokens(line: string): { text: string; column: number }[] {
  const out: { text: string; column: number }[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i] as string)) i++;
    if (i >= line.length) break;
    const start = i;
    let text = "";
    while (i < line.length && !/\s/.test(line[i] as string)) {
      if (line[i] === "\\" && i + 1 < line.length) {
        text += line.slice(i, i + 2);
        i += 2;
      } else text += line[i++];
    }
    out.push({ text, column: start + 1 });
  }
  return out;
}

/** What is wrong with a pattern, or undefined. GitHub drops gitignore's `!` negation and `[ ]` ranges. */
function patternProblem(pattern: string): { suggestion: string | null } | undefined {
  if (pattern === "/") return { suggestion: "The pattern `/` will never match anything, did you mean `*` instead?" };
  if (/\*{3,}/.test(pattern)) return { suggestion: `Did you mean \`${pattern.replace(/\*{3,}/g, "**")}\`?` };
  if (pattern.startsWith("!")) return { suggestion: "Negated patterns (`!`) are not supported in CODEOWNERS." };
  if (/[[\]]/.test(pattern)) return { suggestion: "Character ranges (`[ ]`) are not supported in CODEOWNERS." };
  return undefined;
}

function report(path: string, lineNumber: number, source: string, column: number, kind: CodeownersError["kind"], suggestion: string | null): CodeownersError {
  return {
    line: lineNumber,
    column,
    kind,
    source,
    suggestion,
    message: `${kind} on line ${lineNumber}:${suggestion ? ` ${suggestion}` : ""}\n\n  ${source}\n  ${" ".repeat(column - 1)}^`,
    path,
  };
}

/**
 * Every error in a CODEOWNERS file, in line order. Blank lines and comments are fine,
 * and so is a pattern with no owners (it un-owns those paths). `isKnown` says whether
 * a syntactically valid owner exists and has write access to the repository.
 */
export function codeownersErrors(text: string, path: string, isKnown: (owner: CodeownersOwner) => boolean): CodeownersError[] {
  const errors: CodeownersError[] = [];
  text.split("\n").forEach((rawLine, index) => {
    const source = rawLine.replace(/\r$/, "");
    const lineNumber = index + 1;
    const parts = tokens(source);
    const first = parts[0];
    if (!first || first.text.startsWith("#")) return;
    const problem = patternProblem(first.text);
    if (problem) errors.push(report(path, lineNumber, source, first.column, "Invalid pattern", problem.suggestion));
    for (const token of parts.slice(1)) {
      if (token.text.startsWith("#")) break; // the rest of the line is a comment
      const owner = parseOwner(token.text);
      if (!owner) errors.push(report(path, lineNumber, source, token.column, "Invalid owner", null));
      else if (!isKnown(owner)) errors.push(report(path, lineNumber, source, token.column, "Unknown owner", `make sure ${token.text} exists and has write access to the repository`));
    }
  });
  return errors;
}
