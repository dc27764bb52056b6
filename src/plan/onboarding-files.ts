/**
 * The files an onboarding pull request adds (SPEC "Onboarding", issue 14):
 * the proposed ladder, a roster seeded from who holds authority today, the
 * log with the one founding decision every roster entry points to, and the
 * CODEOWNERS file with the block that roster and ladder call for. Pure: the
 * caller reads who holds authority (CODEOWNERS owners, maintain and admin
 * teams, repository admins) and fits the ladder; this only plans.
 *
 * Every holder goes to the top role: they hold authority over the
 * repository today, and the top role is the one that approves, so nobody
 * loses the say they have. Lower rungs fill from proposals once the ladder
 * lands. What cannot go into the files safely (a login that is not a GitHub
 * username, a team slug GitHub would not have) is left out and returned in
 * `skipped`, for the pull request's body to say.
 */
import { botAppSlug, isUserLogin } from "../commands/github-login.js";
import { DEFAULT_GOVERNANCE_PATH, parseGovernance } from "../config/parse-governance.js";
import type { Governance, PresetName, Roster, RosterEntry } from "../config/schema.js";
import { countedInWindow } from "../ladder/inactivity.js";
import type { Ledger } from "../ladder/standing.js";
import { appendEntries } from "../log/append-entries.js";
import type { DecisionDraft } from "../log/decision-entry.js";
import { isTeamSlug } from "./access-desired.js";
import type { RepoRef } from "./actions.js";
import { renderCodeownersBlock } from "./codeowners-block.js";
import type { FittedLadder } from "./onboarding-ladder.js";
import { fitLadder, renderGovernanceYaml } from "./onboarding-ladder.js";
import { nextCodeowners } from "./plan-codeowners.js";
import { createRoster } from "./roster-edit.js";

/** The one decision of a new log: every seeded roster entry points to it. */
export const FOUNDING_DECISION = "D-0001";

/** Something left out of the proposal, and why, in words (both plain text: the body escapes them). */
export interface OnboardingSkip {
  what: string;
  why: string;
}

/** A person who holds authority today, and where that was read (e.g. "repository admin", "CODEOWNERS owner of /docs/"). */
export interface AuthorityHolder {
  login: string;
  sources: string[];
}

export interface OnboardingFilesInput {
  fitted: FittedLadder;
  /** Role → team slugs its holders are kept in (may be empty). */
  teams: Record<string, string[]>;
  holders: readonly AuthorityHolder[];
  /** The CODEOWNERS file in use (both null when there is none). */
  existingCodeowners: { path: string | null; text: string | null };
  repo: RepoRef;
  /** The UTC day of the plan, YYYY-MM-DD: each entry's `since` and the log entry's date. */
  today: string;
  /** GitHub's web root, for profile links in the log. */
  webUrl: string;
}

export interface OnboardingFiles {
  governanceYml: string;
  rosterYml: string;
  logMd: string;
  /** The stewards block of CODEOWNERS alone (the body previews it). */
  codeownersBlock: string;
  /** The whole CODEOWNERS file to write; null when the file already says it, or its block is broken (then in `skipped`). */
  codeowners: { path: string; text: string } | null;
  roster: Roster;
  governance: Governance;
  /** The holders written to the roster, one per person (sources merged), in roster order. */
  holders: AuthorityHolder[];
  /** The top role, which every holder got. */
  topRole: string;
  /** Every file of the pull request, path → text, in the order to show them. */
  files: Array<{ path: string; text: string }>;
  skipped: OnboardingSkip[];
}

/** Throws only on a programming error: a rendered ladder or roster that does not read back. */
export function planOnboardingFiles(input: OnboardingFilesInput): OnboardingFiles {
  const skipped: OnboardingSkip[] = [];
  const teams: Record<string, string[]> = {};
  for (const [role, slugs] of Object.entries(input.teams)) {
    const valid = slugs.filter((slug) => {
      if (isTeamSlug(slug)) return true;
      skipped.push({ what: `team ${slug}`, why: `not a GitHub team slug, so it is not granted to ${role}` });
      return false;
    });
    if (valid.length) teams[role] = [...new Set(valid)];
  }

  const governanceYml = renderGovernanceYaml(input.fitted, { teams });
  const parsed = parseGovernance(governanceYml);
  if (!parsed.ok) throw new Error(`the proposed ladder does not parse: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`);
  const governance = parsed.governance;
  const topRole = governance.ladder[governance.ladder.length - 1]!.role;

  const holders = mergeHolders(input.holders, skipped);
  const members: RosterEntry[] = holders.map((h) => ({ login: h.login, role: topRole, since: input.today, decision: FOUNDING_DECISION }));
  const created = createRoster({ members, emeritus: [] }, governance);
  if (!created.ok) throw new Error(`the seeded roster does not read back: ${created.error.message}`);
  if (holders.length === 0) skipped.push({ what: "the roster", why: `nobody was found holding authority today, so nobody holds ${topRole} and nobody can approve a proposal; add people to the roster before merging` });

  const log = appendEntries(null, [foundingDraft(input, holders, topRole)], { webUrl: input.webUrl });
  if (log.entries[0]?.id !== FOUNDING_DECISION) throw new Error(`the founding decision came out as ${log.entries[0]?.id ?? "nothing"}`);

  const codeownersBlock = renderCodeownersBlock(governance, created.roster, DEFAULT_GOVERNANCE_PATH);
  const change = nextCodeowners(codeownersBlock, input.existingCodeowners);
  if (change.kind === "malformed") skipped.push({ what: change.path, why: "its Stewards block is broken (BEGIN and END lines do not pair), so it is left as it is; fix it and Stewards writes the block after merging" });
  const codeowners = change.kind === "write" ? { path: change.path, text: change.text } : null;

  const files = [
    { path: DEFAULT_GOVERNANCE_PATH, text: governanceYml },
    { path: governance.roster.path, text: created.text },
    { path: governance.log.path, text: log.text },
    ...(codeowners ? [codeowners] : []),
  ];
  return { governanceYml, rosterYml: created.text, logMd: log.text, codeownersBlock, codeowners, roster: created.roster, governance, holders, topRole, files, skipped };
}

/** One holder per person (GitHub logins ignore case; the first spelling stays), sources in the order met; invalid logins skipped. Sorted by login. */
function mergeHolders(holders: readonly AuthorityHolder[], skipped: OnboardingSkip[]): AuthorityHolder[] {
  const byLogin = new Map<string, AuthorityHolder>();
  for (const h of holders) {
    if (!isUserLogin(h.login)) {
      const what = botAppSlug(h.login) ? "a bot account (apps hold no roles)" : "not a GitHub username";
      skipped.push({ what: h.login, why: `${what}${h.sources.length ? `, from ${h.sources.join("; ")}` : ""}; not on the roster` });
      continue;
    }
    const key = h.login.toLowerCase();
    const seen = byLogin.get(key);
    if (!seen) {
      byLogin.set(key, { login: h.login, sources: [...new Set(h.sources)] });
      continue;
    }
    for (const s of h.sources) if (!seen.sources.includes(s)) seen.sources.push(s);
  }
  return [...byLogin.values()].sort((a, b) => (a.login.toLowerCase() < b.login.toLowerCase() ? -1 : 1));
}

function foundingDraft(input: OnboardingFilesInput, holders: readonly AuthorityHolder[], topRole: string): DecisionDraft {
  const full = `${input.repo.owner}/${input.repo.repo}`;
  const who = holders.map((h) => `${h.login} (${h.sources.length ? h.sources.join("; ") : "no source recorded"})`);
  return {
    kind: "manual roster change",
    date: input.today,
    subject: "founding roster",
    role: { from: null, to: topRole },
    evidence: [],
    approvers: [],
    objectors: [],
    reason:
      `The roster Stewards started from, seeded with who held authority over ${full} when it was installed, each as ${topRole}: ` +
      (who.length ? `${who.join(", ")}.` : "nobody was found."),
    link: null,
    decidedBy: "onboarding pull request (merged by a maintainer)",
    key: `onboarding:${full.toLowerCase()}`,
  };
}

/** The last year's history, the window the onboarding ladder is fitted to. */
const YEAR_MS = 365 * 86_400_000;
/** The counting rules of a repository that has no ladder yet: bots never count, every merged PR does. */
const DEFAULT_COUNTING = { exclude_authors: ["dependabot[bot]", "renovate[bot]"], exclude_labels: [], min_changed_lines: 1, paths: [] };

/**
 * Everything the onboarding pull request proposes, from the repository's
 * ledger and who holds authority today: the preset fitted to the last year
 * (with its notes), then the files. One function for the app's onboarding
 * (usecases/onboard-repository.ts) and `stewards init`, so both propose the
 * same. Pure: the clock is `now`.
 */
export function planOnboarding(input: {
  ledger: Ledger;
  holders: readonly AuthorityHolder[];
  existingCodeowners: { path: string | null; text: string | null };
  repo: RepoRef;
  preset: PresetName;
  now: Date;
  webUrl: string;
}): { fitted: FittedLadder; files: OnboardingFiles } {
  const fitted = fitLadder(input.preset, countedInWindow(input.ledger, DEFAULT_COUNTING, input.now, YEAR_MS));
  const files = planOnboardingFiles({ fitted, teams: {}, holders: input.holders, existingCodeowners: input.existingCodeowners, repo: input.repo, today: input.now.toISOString().slice(0, 10), webUrl: input.webUrl });
  return { fitted, files };
}
