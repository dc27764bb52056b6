/**
 * The stewards block of the CODEOWNERS file: where it sits, how a new block
 * replaces it with every other line kept byte for byte, and the write that
 * brings the file in step. A file whose block is broken is left alone and
 * reported, because guessing where the project's lines end could delete
 * them.
 */
import type { AccessSnapshot } from "./access-snapshot.js";
import type { DesiredAccess } from "./access-desired.js";
import { STAGE, type PlanPart } from "./access-parts.js";
import { BLOCK_BEGIN, BLOCK_END } from "./codeowners-block.js";

/** Where GitHub looks for CODEOWNERS, in its order; a new file goes to the first. */
export const CODEOWNERS_PATHS = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"] as const;

/** 1-based, inclusive line range of the block in a file's text. */
export interface BlockLines {
  start: number;
  end: number;
}

/** What to do with the CODEOWNERS file (see nextCodeowners). */
export type CodeownersChange = { kind: "unchanged" } | { kind: "malformed"; path: string } | { kind: "write"; path: string; text: string; blockLines: BlockLines };

/**
 * Where the stewards block sits in a CODEOWNERS text's lines (0-based line
 * indexes of its BEGIN and END lines), null when there is none, or
 * `malformed` (not exactly one BEGIN followed by exactly one END).
 */
export function findBlock(lines: readonly string[]): { begin: number; end: number } | null | "malformed" {
  const begins = lines.flatMap((l, i) => (l.trim() === BLOCK_BEGIN ? [i] : []));
  const ends = lines.flatMap((l, i) => (l.trim() === BLOCK_END ? [i] : []));
  if (begins.length === 0 && ends.length === 0) return null;
  if (begins.length !== 1 || ends.length !== 1 || ends[0]! < begins[0]!) return "malformed";
  return { begin: begins[0]!, end: ends[0]! };
}

/** The owners (lower case, without `@`) that the non-comment lines name, each once. */
function ownersIn(lines: readonly string[]): string[] {
  const out = new Set<string>();
  for (const line of lines) {
    if (line.trim().startsWith("#")) continue;
    for (const token of line.trim().split(/\s+/).slice(1)) if (token.startsWith("@")) out.add(token.slice(1).toLowerCase());
  }
  return [...out];
}

/** The owners the stewards block of `text` names now; none when there is no file, no block, or a broken one. */
function blockOwners(text: string | null): string[] {
  if (text === null || text === "") return [];
  const lines = text.split("\n");
  const found = findBlock(lines);
  if (found === null || found === "malformed") return [];
  return ownersIn(lines.slice(found.begin, found.end + 1));
}

/**
 * The CODEOWNERS text with the stewards block replaced (or appended, or a new
 * file), every other line byte for byte as it was; null when the file's
 * block is malformed (two BEGIN lines, no END…) and so is left alone.
 */
export function spliceCodeowners(text: string | null, block: string): { text: string; blockLines: BlockLines; previousBlock: string[] } | null {
  const blockLines = block.split("\n");
  if (text === null || text === "") return { text: `${block}\n`, blockLines: { start: 1, end: blockLines.length }, previousBlock: [] };
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split("\n");
  const cr = eol === "\r\n" ? "\r" : "";
  const found = findBlock(lines);
  if (found === "malformed") return null;
  if (found) {
    const previousBlock = lines.slice(found.begin, found.end + 1).map((l) => l.replace(/\r$/, ""));
    const next = [...lines.slice(0, found.begin), ...blockLines.map((l) => l + cr), ...lines.slice(found.end + 1)];
    return { text: next.join("\n"), blockLines: { start: found.begin + 1, end: found.begin + blockLines.length }, previousBlock };
  }
  let head = text.endsWith("\n") ? text : text + eol;
  if (!head.endsWith(`${eol}${eol}`) && head !== eol) head += eol;
  const start = head.split("\n").length;
  return { text: head + blockLines.join(eol) + eol, blockLines: { start, end: start + blockLines.length - 1 }, previousBlock: [] };
}

/**
 * What the CODEOWNERS file should become for `block` (a rendered stewards
 * block, renderCodeownersBlock): `current` is the file in use (`path` null
 * and `text` null when there is none). A new file goes to
 * `.github/CODEOWNERS`. `unchanged` when the text would come out the same,
 * `malformed` (with the file's path) when its block is broken and the file
 * must be left alone, else the whole new text and the block's 1-based line
 * range in it. Pure: the decision pipeline calls it to put the block into
 * the roster's own commit.
 */
export function nextCodeowners(block: string, current: { path: string | null; text: string | null }): CodeownersChange {
  const path = current.path ?? CODEOWNERS_PATHS[0];
  const spliced = spliceCodeowners(current.text, block);
  if (!spliced) return { kind: "malformed", path };
  if (spliced.text === current.text) return { kind: "unchanged" };
  return { kind: "write", path, text: spliced.text, blockLines: spliced.blockLines };
}

/**
 * The `codeowners.write` that brings the file at the snapshot's head in step
 * (one group, nothing when in step), or a note when its block is broken.
 * The group's `current` and `removals` are the owners the block names now
 * and those the new block drops, for the removal-share floor.
 */
export function planCodeowners(desired: DesiredAccess, snapshot: AccessSnapshot, message?: string): Pick<PlanPart, "groups" | "notes"> {
  const c = snapshot.codeowners;
  const next = nextCodeowners(desired.codeownersBlock, c);
  if (next.kind === "malformed") {
    const why = `${next.path} has a broken stewards block (it needs exactly one "${BLOCK_BEGIN}" line followed by one "${BLOCK_END}" line); the file is left as is until it is fixed.`;
    return { groups: [], notes: [{ code: "codeowners-block-malformed", resource: "codeowners", message: why }] };
  }
  if (next.kind === "unchanged") return { groups: [], notes: [] };
  const before = blockOwners(c.text);
  const after = ownersIn(desired.codeownersBlock.split("\n"));
  const write = {
    kind: "codeowners.write" as const,
    repo: snapshot.repo,
    branch: c.branch,
    parentSha: c.headSha,
    baseTreeSha: c.treeSha,
    path: next.path,
    text: next.text,
    message: message ?? `Stewards: ${c.path ? "update" : "add"} the stewards block of ${next.path} from the roster`,
    blockLines: next.blockLines,
  };
  return { notes: [], groups: [{ resource: "codeowners", roles: [], current: before, removals: before.filter((o) => !after.includes(o)), stage: STAGE.codeowners, actions: [write] }] };
}
