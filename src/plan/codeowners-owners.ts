/**
 * The owners a CODEOWNERS file names outside the app's own block: who held
 * authority before Stewards wrote anything (onboarding seeds the roster
 * from them). Pure; the adapter (github/authority-reader.ts) looks each
 * one up.
 *
 * GitHub's syntax: one rule a line, a pattern then owners separated by
 * whitespace (`\ ` escapes a space inside the pattern); a line whose first
 * token starts with `#` is a comment, and so is the rest of a line from a
 * token starting with `#`. Owners are `@user`, `@org/team-slug` or an
 * e-mail address.
 */
import { findBlock } from "./plan-codeowners.js";

export interface CodeownersOwners {
  /** `@user` owners without the `@`, each once (case-insensitive, first spelling kept), in file order. */
  users: string[];
  /** `@org/team` owners, each once (case-insensitive), in file order. */
  teams: Array<{ org: string; slug: string }>;
  /** Everything else in an owner's place, as written, each once: e-mail addresses and tokens that are no owner at all. */
  others: string[];
}

const USER = /^@([A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38})$/;
const TEAM = /^@([A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38})\/([A-Za-z0-9_.-]+)$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** A line's tokens: split on whitespace that no backslash escapes. */
function tokensOf(line: string): string[] {
  return line.trim().split(/(?<!\\)\s+/).filter((t) => t !== "");
}

/**
 * The owners `text` names, leaving out comments and the lines of a
 * well-formed stewards block (`# BEGIN stewards` … `# END stewards`,
 * codeowners-block.ts). A broken block (two BEGIN lines, no END…) is not
 * skipped: where the project's own lines end cannot be told, and counting
 * an owner too many is safer than dropping the project's.
 */
export function codeownersOwners(text: string): CodeownersOwners {
  const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
  const block = findBlock(lines);
  const inBlock = (i: number) => block !== null && block !== "malformed" && i >= block.begin && i <= block.end;
  const users = new Map<string, string>();
  const teams = new Map<string, { org: string; slug: string }>();
  const others = new Set<string>();
  lines.forEach((line, i) => {
    if (inBlock(i)) return;
    const [pattern, ...owners] = tokensOf(line);
    if (pattern === undefined || pattern.startsWith("#")) return;
    for (const owner of owners) {
      if (owner.startsWith("#")) break;
      const team = TEAM.exec(owner);
      const user = USER.exec(owner);
      if (team) {
        const key = `${team[1]!}/${team[2]!}`.toLowerCase();
        if (!teams.has(key)) teams.set(key, { org: team[1]!, slug: team[2]! });
      } else if (user) {
        if (!users.has(user[1]!.toLowerCase())) users.set(user[1]!.toLowerCase(), user[1]!);
      } else others.add(owner);
    }
  });
  return { users: [...users.values()], teams: [...teams.values()], others: [...others] };
}

/** Why an owner from `others` cannot be a roster holder, in words for the onboarding pull request. */
export function otherOwnerWhy(token: string): string {
  if (EMAIL.test(token)) return "an e-mail address: GitHub does not say whose account it is, so it is left for you to add by login";
  return "not an owner CODEOWNERS understands (`@user`, `@org/team` or an e-mail address)";
}
