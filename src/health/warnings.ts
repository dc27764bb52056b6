/**
 * Plain-language warnings where a health figure signals decay (SPEC
 * "Governance health"), shared by the page and the report issue. Pure.
 * Thresholds are written here, once: half the merges by one person, fewer
 * than three people merging, a proposal waiting more than a week, nobody
 * promoted for three periods, a quarter fewer people merging than the period
 * before.
 */
import type { HealthJson } from "./figures.js";

export function healthWarnings(h: HealthJson): string[] {
  const out: string[] = [];
  const pct = (x: number) => `${Math.round(x * 100)} %`;
  if (h.mergers_90d === 0) out.push("Nobody had a pull request merged in the last 90 days.");
  else {
    if (h.top1_merge_share !== null && h.top1_merge_share >= 0.5 && h.mergers_90d > 1)
      out.push(`The top author made ${pct(h.top1_merge_share)} of merges in the last 90 days.`);
    if (h.mergers_90d < 3) out.push(`Only ${h.mergers_90d === 1 ? "one person" : `${h.mergers_90d} people`} had pull requests merged in the last 90 days.`);
  }
  if (h.stale_proposals.length > 0) {
    const n = h.stale_proposals.length;
    out.push(`${n === 1 ? "One proposal has" : `${n} proposals have`} waited more than a week for a decision: ${h.stale_proposals.map((i) => `#${i}`).join(", ")}.`);
  }
  const recent = [...h.history.slice(-2), h];
  if (recent.length === 3 && recent.every((p) => p.promotions === 0)) out.push("Nobody was promoted in the last three periods.");
  const before = h.history[h.history.length - 1];
  if (before && before.mergers_90d >= 4 && h.mergers_90d <= before.mergers_90d * 0.75)
    out.push(`Fewer people had pull requests merged than the period before: ${h.mergers_90d}, down from ${before.mergers_90d}.`);
  return out;
}
