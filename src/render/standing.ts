/**
 * A person's standing on the ladder, rendered: markdown for the `/ladder`
 * reply (and later the promotion issue), plain text for the preview CLI.
 * Both read the same `Standing` tree; neither measures anything.
 *
 * Mentions: a reply must not notify the person it describes (nor anyone a
 * repository or label name could spell), so logins are written as links to
 * the profile, `[ana](https://github.com/ana)`, never as `@ana`; every other
 * text that came from outside (repository names, labels, roles) is escaped.
 * A link reads better than a zero-width-joined `@`, and is copy-safe.
 */
import type { Governance } from "../config/schema.js";
import type { Evidence, RequirementResult, RungResult, Standing } from "../ladder/standing.js";
import { daysUntilInactive } from "../ladder/inactivity.js";
import { describeDuration, parseDuration } from "../config/duration.js";
import { hasWords, listWords, neededWords, plural, requirementName, shortfallWords, skipWords } from "./standing-words.js";

export interface StandingMarkdownOptions {
  /** GitHub's web address (https://github.com, or the GHE host's), without a trailing slash: profile links start here. */
  webUrl: string;
  /** Unused: the standing carries the clock it was measured at. Accepted so callers can pass their context as is. */
  now?: Date;
  /** Evidence links shown per requirement before "and N more" (default 5). */
  evidenceShown?: number;
  /**
   * The closing line's wording when the next rung is met. Default: a factual
   * statement that leaves the decision to the approvers.
   */
  eligibleLine?: (role: string) => string;
  /** The repository's public health page (`/stewards/<owner>/<repo>`), linked at the end when given. */
  healthUrl?: string;
}

/** The `/ladder` reply's body: heading, held rungs in one line each, a table per rung not held, and what is missing. */
export function renderStandingMarkdown(standing: Standing, governance: Governance, opts: StandingMarkdownOptions): string {
  const shown = opts.evidenceShown ?? 5;
  const out: string[] = [];
  out.push(`### Ladder standing of ${profileLink(standing.login, opts.webUrl)}`, "");
  const role = standing.currentRole
    ? `Current role: **${escapeMarkdown(standing.currentRole)}** since ${standing.currentRoleSince ?? "an unknown date"}.`
    : "Current role: none.";
  out.push(`${role} Measured on ${standing.measuredAt.slice(0, 10)}.`, "");

  if (standing.excluded) {
    out.push(
      standing.excluded === "bot"
        ? "Contributions of bot accounts do not count: automation does not climb the ladder."
        : "Contributions of this account do not count: it is listed in `counting.exclude_authors`.",
    );
    return out.join("\n");
  }

  const held = standing.rungs.filter((r) => r.status === "held");
  if (held.length > 0) out.push(`Held: ${held.map((r) => `**${escapeMarkdown(r.role)}** ✅`).join(", ")}.`, "");
  const activity = inactivityLine(standing, governance, opts.now);
  if (activity) out.push(activity, "");

  for (const rung of standing.rungs) {
    if (rung.status === "held") continue;
    const isNext = standing.next?.index === rung.index;
    out.push(...rungSection(rung, standing, governance, isNext ? shown : 0, isNext), "");
  }
  out.push(closingLine(standing, opts));
  if (opts.healthUrl && /^https?:\/\/[^\s()<>]+$/i.test(opts.healthUrl)) {
    out.push("", `The whole ladder, everyone's progress and the repository's governance health: [${escapeMarkdown(opts.healthUrl)}](${opts.healthUrl})`);
  }
  return out.join("\n");
}

/**
 * For a role holder, how far they are from the inactivity threshold
 * (`demotion.inactive_after`): the last counted contribution and the days
 * left, or that the threshold has passed and a notice comes with the sweep.
 */
function inactivityLine(standing: Standing, governance: Governance, now: Date | undefined): string | null {
  const after = governance.demotion.inactive_after;
  if (!standing.currentRole || !standing.currentRoleSince || after === null || !now) return null;
  const days = daysUntilInactive(standing.lastCountedAt, standing.currentRoleSince, after, now);
  if (days === null) return null;
  const last = standing.lastCountedAt ? `Last counted contribution: ${standing.lastCountedAt.slice(0, 10)}` : "No counted contribution since the role was granted";
  const threshold = describeDuration(parseDuration(after));
  return days >= 0
    ? `${last}; ${days} day${days === 1 ? "" : "s"} left before the inactivity threshold (${threshold} without a counted contribution).`
    : `${last}: past the inactivity threshold (${threshold}), so the sweep tells the holder first with an emeritus notice.`;
}

/**
 * One rung's section as the `/ladder` reply shows it: a `####` heading with
 * how many requirements are met, the requirement table, and (when
 * `evidenceShown` > 0) the counted contributions and what was not counted.
 * The promotion issue shows its evidence with this, so the approvers read
 * exactly what the candidate reads.
 */
export function renderRungMarkdown(rung: RungResult, standing: Standing, governance: Governance, evidenceShown = 5): string {
  return rungSection(rung, standing, governance, evidenceShown, standing.next?.index === rung.index).join("\n");
}

function rungSection(rung: RungResult, standing: Standing, governance: Governance, shown: number, isNext: boolean): string[] {
  const role = escapeMarkdown(rung.role);
  if (rung.byNominationOnly) return [`#### ${role}${isNext ? " (next rung)" : ""}`, "", "Reached by nomination only (`/nominate`): it names no requirement to measure."];
  const met = rung.requirements.filter((r) => r.met).length;
  const lines = [
    `#### ${role}${isNext ? " (next rung)" : ""}: ${met} of ${plural(rung.requirements.length, "requirement")} met`,
    "",
    "| requirement | needed | has | |",
    "| --- | --: | --: | :-: |",
    ...rung.requirements.map((r) => `| ${requirementName(r)} | ${neededWords(r)} | ${hasWords(r, standing)} | ${r.met ? "✅" : "❌"} |`),
  ];
  if (shown <= 0) return lines;
  const notes: string[] = [];
  for (const r of rung.requirements) {
    if (r.evidenceTotal === 0 || r.key === "time_in_role") continue;
    notes.push(`${evidenceTitle(r)}: ${evidenceLinks(r.evidence.slice(0, shown), r.evidenceTotal)}.`);
  }
  const counting = { ...governance.counting, exclude_labels: governance.counting.exclude_labels.map((l) => `\`${l.replace(/`/g, "'")}\``) };
  const skipped = rung.requirements.flatMap((r) => r.skipped).map((t) => skipWords(t, counting));
  if (skipped.length > 0) notes.push(`Not counted: ${listWords(skipped)}.`);
  return notes.length > 0 ? [...lines, "", ...notes.map((n) => `- ${n}`)] : lines;
}

function evidenceTitle(r: RequirementResult): string {
  if (r.key === "merged_prs") return "Merged PRs counted";
  if (r.key === "reviews") return "PRs reviewed";
  return "First counted contribution";
}

function evidenceLinks(items: readonly Evidence[], total: number): string {
  const links = items.map((e) => `[${escapeMarkdown(e.label)}](${e.url}) (${e.date.slice(0, 10)})`);
  const more = total - items.length;
  return more > 0 ? `${links.join(", ")} and ${more} more` : links.join(", ");
}

function closingLine(standing: Standing, opts: StandingMarkdownOptions): string {
  const next = standing.next;
  if (!next) return `**${escapeMarkdown(standing.currentRole ?? "")}** is the top of the ladder.`;
  const role = escapeMarkdown(next.role);
  if (standing.eligibleFor) {
    return opts.eligibleLine
      ? opts.eligibleLine(standing.eligibleFor)
      : `**Eligible for ${role}:** every requirement is met, so a promotion proposal will be opened for the approvers to decide.`;
  }
  if (next.byNominationOnly) return `**${role}** is reached by nomination only.`;
  const missing = next.requirements.filter((r) => !r.met).map(shortfallWords);
  return `**Missing for ${role}:** ${listWords(missing)}.`;
}

/** One line for the person, then one line per rung; for a terminal (the preview CLI). */
export function renderStandingText(standing: Standing): string {
  const role = standing.currentRole ? `${standing.currentRole} since ${standing.currentRoleSince ?? "?"}` : "no role";
  const verdict = standing.excluded
    ? `not counted (${standing.excluded === "bot" ? "bot" : "exclude_authors"})`
    : standing.eligibleFor
      ? `ELIGIBLE for ${standing.eligibleFor}`
      : standing.next
        ? standing.next.byNominationOnly
          ? `next: ${standing.next.role} (nomination only)`
          : `next: ${standing.next.role}, missing ${listWords(standing.next.requirements.filter((r) => !r.met).map(shortfallWords))}`
        : "top of the ladder";
  const width = Math.max(...standing.rungs.map((r) => r.role.length));
  const lines = [`${standing.login} (${role}): ${verdict}`];
  for (const rung of standing.rungs) {
    const head = `  ${rung.role.padEnd(width)}  ${rung.status.padEnd(5)}`;
    if (rung.status === "held" || rung.byNominationOnly) {
      lines.push(rung.byNominationOnly && rung.status !== "held" ? `${head}  nomination only` : head.trimEnd());
      continue;
    }
    lines.push(`${head}  ${rung.requirements.map(compactRequirement).join("  ")}`);
  }
  return lines.join("\n");
}

function compactRequirement(r: RequirementResult): string {
  const mark = r.met ? "✓" : "✗";
  const name = { merged_prs: "PRs", reviews: "reviews", tenure: "tenure", time_in_role: `as ${r.roleBelow ?? "-"}` }[r.key];
  const span = r.window ? `/${r.window.days}d` : "";
  const value = r.unit === "days" ? `${r.measured}/${r.threshold}d` : `${r.measured}/${r.threshold}`;
  return `${name}${span} ${value} ${mark}`;
}

// ---------------------------------------------------------------------------
// Private helpers until src/render/escape.ts lands (being written in parallel).

/** Escapes text so it renders literally in markdown (and in a table cell). */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]<>#|~]/g, (c) => `\\${c}`).replace(/@/g, "@\u200b");
}

/** A login as a link to its profile: no `@`, so nobody is notified. */
/**
 * The `/ladder` reply while the repository's history is still being read: no
 * numbers (any count would be wrong yet), and what happens next.
 */
export function renderHistoryPending(login: string, webUrl: string): string {
  return [
    `### Ladder standing of ${profileLink(login, webUrl)}`,
    "",
    "This repository's history is still being read, so there are no numbers to give yet: a count now would be incomplete.",
    "",
    "This comment will be edited with the standing as soon as the history is read; there is no need to ask again.",
  ].join("\n");
}

function profileLink(login: string, webUrl: string): string {
  return `[${escapeMarkdown(login)}](${webUrl.replace(/\/+$/, "")}/${encodeURIComponent(login)})`;
}
