/**
 * The onboarding pull request's title and body (SPEC "Onboarding", issue
 * 14): what the proposed files say, in words — the ladder, who stands where,
 * who would be proposed once it lands, the CODEOWNERS block that would
 * follow, what was left out and why — and how to change any of it before
 * merging. Pure; plan/onboarding-files.ts plans the files, the caller
 * measures the standings against the planned ladder and roster.
 *
 * Nobody is mentioned: logins are profile links (escape.ts `userLink`), text
 * read from the repository (sources, skipped names, notes) is escaped
 * inline, and the CODEOWNERS preview sits in a code fence longer than any
 * run of backticks inside it (GitHub links no mention in code). Every list
 * is cut short with a count, so a large organisation cannot push the body
 * past GitHub's limit.
 */
import { describeDuration, tryParseDuration } from "../config/duration.js";
import type { Rung } from "../config/schema.js";
import { DEFAULT_WINDOW } from "../ladder/measure.js";
import type { RequirementResult, Standing } from "../ladder/standing.js";
import type { RepoRef } from "../plan/actions.js";
import type { OnboardingFiles, OnboardingSkip } from "../plan/onboarding-files.js";
import { codeSpan, escapeMarkdownInline, userLink } from "./escape.js";
import { renderMarker } from "./markers.js";
import { listWords, plural, shortfallWords } from "./standing-words.js";

export const ONBOARDING_MARKER = "onboarding";
export const ONBOARDING_TITLE = "Configure Stewards";

/** Limits on what the body lists; the rest is counted. */
interface Limits {
  holders: number;
  sources: number;
  skips: number;
  /** Characters of one piece of repository text (a source, a skipped name), before escaping. */
  text: number;
}
const ROOMY: Limits = { holders: 50, sources: 4, skips: 30, text: 200 };
/** Used when the roomy body would be too long: even hostile text (every character escaped five-fold) stays far below GitHub's limit. */
const TIGHT: Limits = { holders: 10, sources: 1, skips: 10, text: 60 };
/** GitHub refuses a pull request body over 65,536 characters; keep a margin. */
const MAX_BODY = 60_000;
/** The CODEOWNERS preview is cut (at a line) past this many characters: the whole file is in the pull request. */
const BLOCK_SHOWN = 6000;

export interface OnboardingPullInput {
  repo: RepoRef;
  files: Pick<OnboardingFiles, "governance" | "holders" | "topRole" | "codeownersBlock" | "codeowners" | "files" | "skipped">;
  /** How the ladder's numbers were chosen (FittedLadder.notes). */
  notes: readonly string[];
  /** Recent contributors (and the holders), measured against the planned ladder and roster. */
  standings: readonly Standing[];
  /** What the reader of the repository left out (unknown CODEOWNERS owners, …); the plan's own skips are added. */
  skipped: readonly OnboardingSkip[];
  webUrl: string;
  /** How many contributors and proposals are listed (default 20). */
  listLimit?: number;
}

/** "Configure Stewards": the spec's title, which the app also looks for. */
export function onboardingPullTitle(): string {
  return ONBOARDING_TITLE;
}

/** The hidden marker that lets the app find its own onboarding pull request. */
export function onboardingMarker(repo: RepoRef): string {
  return renderMarker(ONBOARDING_MARKER, { repo: `${repo.owner}/${repo.repo}`.toLowerCase() });
}

export function renderOnboardingPullBody(input: OnboardingPullInput): string {
  const roomy = renderBody(input, ROOMY);
  return roomy.length <= MAX_BODY ? roomy : renderBody(input, TIGHT);
}

function renderBody(input: OnboardingPullInput, limits: Limits): string {
  const { files } = input;
  const shortText = (text: string) => clip(text, limits.text);
  const gov = files.governance;
  const limit = input.listLimit ?? 20;
  const person = (login: string) => userLink(login, input.webUrl);
  const top = code(files.topRole);
  const rosterPath = gov.roster.path;

  const out = [
    "Stewards runs this repository's contributor ladder in the open: it measures each contributor's history against the ladder, proposes promotions as issues for the approvers to decide, keeps CODEOWNERS and teams in step with the roster, and logs every decision with its reasons.",
    "",
    "This pull request proposes how to start. **Nothing else happens in this repository until it is merged.** It adds:",
    ...files.files.map((f) => `- ${code(f.path)} — ${fileWords(f.path, input)}`),
    "",
    "### The ladder",
    "",
    ...gov.ladder.map((r, i) => `${i + 1}. **${escapeMarkdownInline(r.role)}** — ${rungWords(r, gov.ladder[i - 1])}.${r.description ? ` _${escapeMarkdownInline(r.description)}_` : ""}`),
    "",
    `Each role includes the ones below it. A promotion needs ${plural(gov.promotion.quorum, "approval")} from ${listWords((gov.promotion.approvers ?? [files.topRole]).map(code), "or")}.`,
  ];
  if (input.notes.length) out.push("", "How the numbers were chosen:", ...input.notes.map((n) => `- ${escapeMarkdownInline(n)}`));

  out.push("", "### Who stands where", "");
  if (files.holders.length === 0) {
    out.push(`**Nobody holds ${top}:** no authority holder was found. Add people to ${code(rosterPath)} before merging, or nobody can approve a proposal.`);
  } else {
    out.push(
      `**${top}** — everyone who holds authority over this repository today (${files.holders.length}), so nobody loses the say they have:`,
      "",
      ...files.holders.slice(0, limits.holders).map((h) => `- ${person(h.login)} — ${sourcesWords(h.sources, limits)}`),
    );
    if (files.holders.length > limits.holders) out.push(`- and ${files.holders.length - limits.holders} more (all in ${code(rosterPath)})`);
  }
  const holding = new Set(files.holders.map((h) => h.login.toLowerCase()));
  const climbing = input.standings.filter((s) => !s.excluded && s.next !== null && !holding.has(s.login.toLowerCase()));
  const ranked = [...climbing].sort((a, b) => progress(b) - progress(a) || a.login.toLowerCase().localeCompare(b.login.toLowerCase()));
  out.push("");
  if (ranked.length === 0) out.push("No other contributor was measured in the last year's history.");
  else {
    out.push(`Other recent contributors, nearest rung first (${ranked.length}):`, "", ...ranked.slice(0, limit).map((s) => `- ${person(s.login)} — ${nextWords(s)}`));
    if (ranked.length > limit) out.push(`- and ${ranked.length - limit} more`);
  }

  out.push("", "### Who would be proposed once this lands", "");
  const eligible = ranked.filter((s) => s.eligibleFor !== null);
  if (eligible.length === 0) out.push("Nobody yet: no contributor meets the next rung's requirements.");
  else {
    out.push(
      `Stewards would open a proposal issue for each, for the approvers to decide (${eligible.length}):`,
      "",
      ...eligible.slice(0, limit).map((s) => `- ${person(s.login)} for ${code(s.eligibleFor!)}`),
    );
    if (eligible.length > limit) out.push(`- and ${eligible.length - limit} more`);
  }

  out.push("", "### CODEOWNERS", "");
  out.push(
    files.codeowners
      ? `${code(files.codeowners.path)} gets this block; every other line of the file stays as it is. After merging, Stewards keeps the block in step with the roster.`
      : "This pull request does not change CODEOWNERS (see below if it was left out); the block Stewards would keep there reads:",
    "",
    ...codeFence(files.codeownersBlock),
  );

  const skips = [...input.skipped, ...files.skipped];
  if (skips.length) {
    out.push("", "### Left out", "", ...skips.slice(0, limits.skips).map((s) => `- ${shortText(s.what)} — ${shortText(s.why)}`));
    if (skips.length > limits.skips) out.push(`- and ${skips.length - limits.skips} more`);
  }

  out.push(
    "",
    "### Before merging",
    "",
    `- **Change anything by editing the files in this pull request:** a number or a role in ${code(".github/governance.yml")}, a person or their role in ${code(rosterPath)}. Keep ${code("decision: D-0001")} on each roster entry: it is the founding entry of ${code(gov.log.path)}.`,
    "- **Merging** starts Stewards here: it reads the history, opens proposals for the people above, and keeps CODEOWNERS and teams in step with the roster.",
    "- **Closing this pull request without merging** means Stewards will not open it again for this repository; a ladder added later by hand starts it all the same.",
    `- Whoever runs Stewards can turn onboarding pull requests off everywhere with ${code("STEWARDS_ONBOARDING=false")}.`,
    "",
    onboardingMarker(input.repo),
  );
  return out.join("\n");
}

// ---------------------------------------------------------------------------

const code = (text: string) => codeSpan(text);

/** Repository text escaped, cut first to `max` characters (cutting after escaping could split an escape). */
function clip(text: string, max: number): string {
  const one = text.length > max ? `${text.slice(0, max)}…` : text;
  return escapeMarkdownInline(one) || "—";
}

function sourcesWords(sources: readonly string[], limits: Limits): string {
  if (sources.length === 0) return "no source recorded";
  const shown = sources.slice(0, limits.sources).map((s) => clip(s, limits.text));
  return sources.length > limits.sources ? `${shown.join("; ")}; and ${sources.length - limits.sources} more` : shown.join("; ");
}

function fileWords(path: string, input: OnboardingPullInput): string {
  const gov = input.files.governance;
  if (path === ".github/governance.yml") return "the ladder: its rungs, what each requires, and who approves; every field is explained beside it";
  if (path === gov.roster.path) return `who holds which role: ${plural(input.files.holders.length, "person", "people")} as ${code(input.files.topRole)}`;
  if (path === gov.log.path) return `the governance log, with the founding decision ${code("D-0001")} every roster entry points to`;
  return "the Stewards block of CODEOWNERS";
}

function durationWords(text: string): string {
  const ms = tryParseDuration(text);
  return ms === null ? code(text) : describeDuration(ms);
}

/** "10 merged PRs and 9 reviews of others' PRs in the last 180 days; 90 days since the first counted contribution". */
function rungWords(r: Rung, below: Rung | undefined): string {
  const q = r.requires;
  const counted = [q.merged_prs !== undefined ? plural(q.merged_prs, "merged PR") : "", q.reviews !== undefined ? `${plural(q.reviews, "review")} of others' PRs` : ""].filter(Boolean);
  const parts: string[] = [];
  if (counted.length) parts.push(`requires ${counted.join(" and ")} in the last ${durationWords(q.window ?? DEFAULT_WINDOW)}`);
  if (q.tenure) parts.push(`${durationWords(q.tenure)} since the first counted contribution`);
  if (q.time_in_role) parts.push(`${durationWords(q.time_in_role)} as ${below ? code(below.role) : "the role below"}`);
  const words = parts.length ? parts.join("; ") : "by nomination only";
  const teams = r.grants.teams;
  return teams.length ? `${words}; its holders are kept in ${teams.length === 1 ? "team" : "teams"} ${listWords(teams.map(code))}` : words;
}

/** How far along the next rung a person is, 0 to 1: the mean of each requirement's share met. */
function progress(s: Standing): number {
  const reqs = s.next?.requirements ?? [];
  if (reqs.length === 0) return 0;
  return reqs.reduce((sum, r) => sum + share(r), 0) / reqs.length;
}

function share(r: RequirementResult): number {
  if (r.met) return 1;
  return r.threshold > 0 ? Math.min(1, Math.max(0, r.measured / r.threshold)) : 1;
}

function nextWords(s: Standing): string {
  const next = s.next!;
  const role = code(next.role);
  if (next.byNominationOnly) return `${role}: by nomination only`;
  if (s.eligibleFor !== null) return `${role}: every requirement met`;
  const missing = next.requirements.filter((r) => !r.met).map(shortfallWords);
  return `${role}: ${listWords(missing)} to go`;
}

/** `text` in a fenced block whose fence no line inside can close; cut at a line past BLOCK_SHOWN characters. */
function codeFence(text: string): string[] {
  let shown = text;
  let cut = 0;
  if (text.length > BLOCK_SHOWN) {
    const lines = text.split("\n");
    const kept: string[] = [];
    let size = 0;
    for (const line of lines) {
      if (size + line.length + 1 > BLOCK_SHOWN) break;
      kept.push(line);
      size += line.length + 1;
    }
    cut = lines.length - kept.length;
    shown = kept.join("\n");
  }
  const longest = Math.max(0, ...(shown.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  const out = [`${fence}text`, shown, fence];
  if (cut > 0) out.push(`_and ${plural(cut, "more line")}: the whole file is in this pull request._`);
  return out;
}
