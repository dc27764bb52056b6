/**
 * The log's evidence table from the engine's result, in the same words the
 * promotion issue and `/ladder` use (standing-words.ts), so what the
 * approvers saw and what the log keeps cannot differ.
 */
import type { RungResult, Standing } from "../ladder/standing.js";
import { hasWords, neededWords, requirementName } from "../render/standing-words.js";
import { describeDuration, parseDuration } from "../config/duration.js";
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

/**
 * The evidence of a demotion (emeritus for inactivity, rotation past the term
 * limit): the measure that made it due, as the notice issue showed it, and
 * the notice that came first. `lastActivity` null: none known since `since`.
 */
export function demotionEvidenceRows(
  notice: { reason: "inactive" | "term"; role: string; since: string; endsAt: string; lastActivity: { at: string; url: string | null } | null },
  demotion: { inactive_after: string | null; term_limit: string | null; notice: string },
  now: Date,
): EvidenceRow[] {
  const words = (d: string | null) => (d === null ? "none" : describeDuration(parseDuration(d)));
  const last = notice.lastActivity;
  const measure: EvidenceRow =
    notice.reason === "inactive"
      ? {
          criterion: "last counted activity",
          threshold: `within ${words(demotion.inactive_after)}`,
          measured: last ? last.at.slice(0, 10) : `none since ${notice.since}`,
          met: false,
          links: last?.url ? [{ label: `last activity (${last.at.slice(0, 10)})`, url: last.url }] : [],
        }
      : {
          criterion: `time holding ${notice.role}`,
          threshold: `at most ${words(demotion.term_limit)}`,
          measured: `since ${notice.since} (${Math.floor((now.getTime() - Date.parse(`${notice.since}T00:00:00Z`)) / 86_400_000)} days)`,
          met: false,
          links: [],
        };
  return [measure, { criterion: "notice given", threshold: words(demotion.notice), measured: `ended ${notice.endsAt.slice(0, 10)}`, met: true, links: [] }];
}

/** The counted contribution that cancelled a demotion notice, as the log's evidence. */
export function cancellingActivityRow(activity: { at: string; url: string | null }): EvidenceRow {
  const day = activity.at.slice(0, 10);
  return { criterion: "counted activity during the notice", threshold: "any", measured: day, met: true, links: activity.url ? [{ label: `activity on ${day}`, url: activity.url }] : [] };
}
