/**
 * Appending decisions to `GOVERNANCE-LOG.md`. The log is append-only (SPEC
 * section 1): the new text always starts with the old text byte for byte, so
 * a hand-written log is continued, never rewritten.
 *
 * Exactly once: a draft with a `key` that the log already holds is not
 * written again (a commit retried after a lost response, a redelivered
 * webhook). Two decisions landing at once are the caller's to serialise: the
 * commit that writes the log is made with `force: false`, and a rejected one
 * re-reads the log and calls this again, which allocates fresh ids.
 */
import type { DecisionDraft, DecisionEntry } from "./decision-entry.js";
import { decisionNumber, formatDecisionId } from "./decision-entry.js";
import { nextDecisionIdAfter, parseLog } from "./parse-log.js";
import type { RenderEntryOptions } from "./render-entry.js";
import { renderEntry } from "./render-entry.js";

/** The opening of a log the app creates. */
export const LOG_HEADER = [
  "# Governance log",
  "",
  "Every decision about roles in this project, newest last: what changed, why, who decided and where it was discussed.",
  "Written by Stewards from `.github/governance.yml`; entries are appended, never rewritten.",
  "To contest a decision, comment `/appeal D-0042 <reason>` (with its id) on any issue.",
].join("\n");

export interface AppendResult {
  /** The new file text; equal to the old text when every draft was already logged. */
  text: string;
  /**
   * One entry per draft, in order, with its id. A draft whose key is already
   * in the log (or earlier in the same call) comes back with the id it was
   * logged under, and is not written again.
   */
  entries: DecisionEntry[];
  /** How many entries were written. */
  appended: number;
}

/**
 * `existing` (null when the file does not exist) with `drafts` appended in
 * order, each with the next id: the first new one gets `nextDecisionId(existing)`,
 * the next one more, without gaps. A log that is absent or blank gets
 * LOG_HEADER first. Line endings follow the existing text (CRLF stays CRLF).
 * Throws RangeError only for drafts with a malformed date or kind (see renderEntry).
 */
export function appendEntries(existing: string | null, drafts: readonly DecisionDraft[], opts: RenderEntryOptions = {}): AppendResult {
  const old = existing ?? "";
  const parsed = old.trim() === "" ? [] : parseLog(old);
  const logged = new Map<string, string>();
  for (const e of parsed) if (e.key !== undefined && !logged.has(e.key)) logged.set(e.key, e.id);

  // From the entries already parsed, so a long log is read once.
  let next = decisionNumber(nextDecisionIdAfter(parsed)) ?? 1;
  const entries: DecisionEntry[] = [];
  const sections: string[] = [];
  for (const draft of drafts) {
    const known = draft.key !== undefined ? logged.get(draft.key) : undefined;
    if (known !== undefined) {
      entries.push({ ...draft, id: known });
      continue;
    }
    const entry: DecisionEntry = { ...draft, id: formatDecisionId(next++) };
    if (entry.key !== undefined) logged.set(entry.key, entry.id);
    entries.push(entry);
    sections.push(renderEntry(entry, opts));
  }
  if (sections.length === 0) return { text: old, entries, appended: 0 };

  const eol = old.includes("\r\n") ? "\r\n" : "\n";
  const blocks = old.trim() === "" ? [LOG_HEADER, ...sections] : sections;
  const body = blocks.join("\n\n").replace(/\n/g, eol) + eol;
  const separator = old === "" ? "" : old.endsWith(`${eol}${eol}`) || old.endsWith("\n\n") ? "" : old.endsWith("\n") ? eol : eol + eol;
  return { text: old + separator + body, entries, appended: sections.length };
}
