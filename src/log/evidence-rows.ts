/**
 * The log's evidence table from the engine's result, in the same words the
 * promotion issue and `/ladder` use (standing-words.ts), so what the
 * approvers saw and what the log keeps cannot differ.
 */
import type { RungResult, Standing } from "../ladder/standing.js";
import { hasWords, neededWords, requirementName } from "../render/standing-words.js";
import type { EvidenceRow } from "./decision-entry.js";

/**
 * One row per requirement of `rung` (in the ladder's order), with the
 * counted contributions as links, at most `linksPerRow` (default 5) of them,
 * newest first. A rung reached by nomination only has no rows.
 */
export function evidenceRows(rung: RungResult, standing: Standing, linksPerRow = 5): EvidenceRow[] {
  return rung.requirements.map((r) => ({
    criterion: requirementName(r),
    threshold: neededWords(r),
    measured: hasWords(r, standing),
    met: r.met,
    links: r.key === "time_in_role" ? [] : r.evidence.slice(0, linksPerRow).map((e) => ({ label: e.label, url: e.url })),
  }));
}
