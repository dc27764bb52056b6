// A seeded, realistic year of one repository for the convergence suite
// (test/convergence/): a few heavy contributors and a long tail, merged PRs and
// reviews, a three-rung ladder, a starting roster, the stretch of events that is
// replayed as webhooks, and the humans' decisions keyed by (person, role).
// Pure and deterministic for a seed; no jest globals.
import { parseGovernance } from "../../src/config/parse-governance.js";
import { parseRoster } from "../../src/config/parse-roster.js";
import type { Governance, Roster } from "../../src/config/schema.js";
import type { MergedPullRequest, SubmittedReview } from "../../src/ladder/contributions.js";
import { measureAll } from "../../src/ladder/measure.js";
import { mulberry32 } from "./prng.js";

export const OWNER = "acme";
export const REPO = "widgets";
export const DAY = 86_400_000;
const HOUR = 3_600_000;

/** The seeded generator of the history (mulberry32). */
export const rng = mulberry32;

/** A stable hash of strings into [0, 1), for decisions keyed by name (never by issue number or order). */
export function unit(...parts: (string | number)[]): number {
  let h = 2166136261;
  for (const c of parts.join("\u0000")) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return rng(h)();
}

export interface SeedReview {
  id: number;
  author: string;
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED";
  submittedAt: string;
}

export interface SeedPr {
  number: number;
  author: string;
  mergedAt: string;
  additions: number;
  deletions: number;
  labels: string[];
  reviews: SeedReview[];
}

/** One webhook of the replayed stretch, in the order GitHub would send them. */
export type ReplayEvent = { kind: "review"; pr: SeedPr; review: SeedReview; at: number } | { kind: "merge"; pr: SeedPr; at: number };

export type Decision = "approve" | "reject" | "open";

export interface History {
  seed: number;
  now: number;
  /** Start of the replayed stretch: PRs merged after it are replayed, not seeded. */
  cutoff: number;
  contributors: string[];
  maintainers: string[];
  seeded: SeedPr[];
  replayed: SeedPr[];
  events: ReplayEvent[];
  governanceYml: string;
  rosterYml: string;
  codeownersText: string;
  governance: Governance;
  roster: Roster;
  /** Team slug → members, as the roster grants them today (each role implies those below it). */
  teams: Record<string, string[]>;
  decide(login: string, role: string): Decision;
  /** What the pure ladder says should happen if every fact arrives: the proposals in order, and the roster after the approvals. */
  model: { proposals: { login: string; role: string; decision: Decision }[]; roster: { login: string; role: string }[] };
  stats: Record<string, number>;
}

export const ROLES = ["member", "reviewer", "maintainer"] as const;
export const TEAM_OF: Record<string, string> = { member: "contributors", reviewer: "reviewers", maintainer: "maintainers" };

export const GOVERNANCE_YML = `# The ladder of acme/widgets (convergence suite).
version: 1
scope: repo
ladder:
  - role: member
    description: Regular contributor.
    requires:
      merged_prs: 6
      window: 365d
    grants:
      teams: [contributors]
  - role: reviewer
    requires:
      merged_prs: 20
      reviews: 25
      tenure: 90d
      window: 180d
    grants:
      teams: [reviewers]
      codeowners: ["/docs/"]
  - role: maintainer
    requires:
      merged_prs: 45
      reviews: 70
      time_in_role: 180d
    grants:
      teams: [maintainers]
      codeowners: ["*"]
counting:
  exclude_authors: ["dependabot[bot]", "renovate[bot]"]
  exclude_labels: [trivial]
  min_changed_lines: 1
promotion:
  approvers: [maintainer]
  quorum: 2
  approve_with: reaction
  objection: block
  expires_after: 30d
  announce_progress: false
log:
  path: GOVERNANCE-LOG.md
roster:
  path: .github/roster.yml
`;

const SYLLABLES = ["ka", "ri", "mo", "lu", "te", "sa", "no", "vi", "da", "pe", "zo", "ha", "ji", "ne", "to", "ra", "mi", "ko", "be", "lo"];

export interface HistoryOptions {
  seed: number;
  now?: number;
  contributors?: number;
  pullRequests?: number;
  /** Days before now where the replayed stretch starts. */
  replayDays?: number;
  /** At most this many proposals the whole run should make (each costs the app's throttled writes). */
  maxProposals?: number;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Keeps timestamps away (±3 h) from the edges the ladder measures against
 * (365, 180 and 90 days before now): the scenarios run minutes apart, and a
 * contribution sliding out of a window between them would be a real
 * difference, not a convergence failure.
 */
function awayFromEdges(t: number, now: number): number {
  for (const d of [365, 180, 90]) {
    const edge = now - d * DAY;
    if (Math.abs(t - edge) < 3 * HOUR) return edge + (t < edge ? -3 : 3) * HOUR - (t < edge ? 1 : -1) * 60_000;
  }
  return t;
}

export function generateHistory(opts: HistoryOptions): History {
  const r = rng(opts.seed);
  const now = opts.now ?? Date.now();
  const nContributors = opts.contributors ?? 240;
  const nPrs = opts.pullRequests ?? 2100;
  const replayDays = opts.replayDays ?? 21;
  const maxProposals = opts.maxProposals ?? 5;
  const cutoff = now - replayDays * DAY;
  const yearAgo = now - 364 * DAY;

  // People: a Zipf-like weight by rank (a few heavy contributors, a long tail), each active over a span of the year.
  const logins: string[] = [];
  const used = new Set<string>();
  while (logins.length < nContributors) {
    const name = `${SYLLABLES[Math.floor(r() * SYLLABLES.length)]}${SYLLABLES[Math.floor(r() * SYLLABLES.length)]}-${logins.length + 1}`;
    if (!used.has(name)) {
      used.add(name);
      logins.push(name);
    }
  }
  const weight = logins.map((_, i) => 1 / Math.pow(i + 1, 1.05));
  const span = logins.map((_, i) => {
    if (i < 12) return [yearAgo, now] as const;
    // Some newcomers arrive in the last months (they are the ones who cross a rung while the replay runs).
    const start = i % 7 === 0 ? now - (40 + r() * 80) * DAY : yearAgo + r() * 330 * DAY;
    const length = -Math.log(1 - r()) * 150 * DAY;
    return [start, Math.min(now, start + Math.max(10 * DAY, length))] as const;
  });
  const total = weight.reduce((a, b) => a + b, 0);
  const prTimes: { author: string; at: number }[] = [];
  logins.forEach((login, i) => {
    const n = Math.max(1, Math.round((nPrs * weight[i]!) / total));
    const [s, e] = span[i]!;
    for (let k = 0; k < n; k++) prTimes.push({ author: login, at: awayFromEdges(s + r() * (e - s), now) });
  });
  // Bots' PRs, which never count.
  for (let k = 0; k < Math.round(nPrs * 0.015); k++) prTimes.push({ author: "dependabot[bot]", at: awayFromEdges(yearAgo + r() * 364 * DAY, now) });
  prTimes.sort((a, b) => a.at - b.at);

  // Reviewers: heavier skew than authors (review load concentrates on a few people).
  const reviewWeight = logins.map((_, i) => 1 / Math.pow(i + 1, 1.25));
  const pickReviewer = (exclude: string, at: number): string | null => {
    for (let tries = 0; tries < 8; tries++) {
      const sum = reviewWeight.reduce((a, b, i) => a + (span[i]![0] <= at && at <= span[i]![1] + 5 * DAY ? b : 0), 0);
      let x = r() * sum;
      for (let i = 0; i < logins.length; i++) {
        if (!(span[i]![0] <= at && at <= span[i]![1] + 5 * DAY)) continue;
        x -= reviewWeight[i]!;
        if (x <= 0) {
          if (logins[i] !== exclude) return logins[i]!;
          break;
        }
      }
    }
    return null;
  };

  let reviewId = 700_000;
  const prs: SeedPr[] = prTimes.map((p, idx) => {
    const small = r() < 0.01;
    const additions = small ? 0 : Math.max(1, Math.round(Math.exp(2 + r() * 4)));
    const deletions = small ? 0 : Math.round(additions * r() * 0.6);
    const labels = r() < 0.04 ? ["trivial"] : r() < 0.15 ? ["docs"] : [];
    const nReviews = p.author.endsWith("[bot]") ? (r() < 0.5 ? 1 : 0) : r() < 0.15 ? 0 : r() < 0.7 ? 1 : r() < 0.8 ? 2 : 3;
    const reviews: SeedReview[] = [];
    const reviewers = new Set<string>();
    for (let k = 0; k < nReviews; k++) {
      const who = pickReviewer(p.author, p.at);
      if (!who || reviewers.has(who)) continue;
      reviewers.add(who);
      const at = awayFromEdges(p.at - (10 * 60_000 + r() * 2 * DAY), now);
      const x = r();
      reviews.push({ id: ++reviewId, author: who, state: x < 0.7 ? "APPROVED" : x < 0.9 ? "COMMENTED" : "CHANGES_REQUESTED", submittedAt: new Date(at).toISOString() });
    }
    reviews.sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
    return { number: idx + 1, author: p.author, mergedAt: new Date(p.at).toISOString(), additions, deletions, labels, reviews };
  });
  const seeded = prs.filter((p) => Date.parse(p.mergedAt) <= cutoff);
  const replayed = prs.filter((p) => Date.parse(p.mergedAt) > cutoff);

  const governanceResult = parseGovernance(GOVERNANCE_YML);
  if (!governanceResult.ok) throw new Error(`convergence ladder does not parse: ${JSON.stringify(governanceResult.errors)}`);
  const governance = governanceResult.governance;
  const fullName = `${OWNER}/${REPO}`;
  const ledgerOf = (list: SeedPr[]) => ({
    pullRequests: list.map(
      (p): MergedPullRequest => ({ repo: fullName, number: p.number, author: p.author, mergedAt: p.mergedAt, additions: p.additions, deletions: p.deletions, labels: p.labels, paths: null, url: "" }),
    ),
    reviews: list.flatMap((p) =>
      p.reviews.map((rv): SubmittedReview => ({ id: rv.id, repo: fullName, prNumber: p.number, prAuthor: p.author, reviewer: rv.author, state: rv.state, submittedAt: rv.submittedAt, url: "" })),
    ),
  });

  const decide = (login: string, role: string): Decision => {
    const x = unit(opts.seed, "decision", login.toLowerCase(), role);
    return x < 0.6 ? "approve" : x < 0.85 ? "reject" : "open";
  };

  // The starting roster: the four heaviest contributors are maintainers of long
  // standing; then everyone the seeded history already qualifies is given that role
  // (the project ran its ladder by hand before), except two people left for the app to find.
  const entries = new Map<string, { login: string; role: string; since: string }>();
  const maintainers = logins.slice(0, 4);
  maintainers.forEach((m, i) => entries.set(m, { login: m, role: "maintainer", since: day(now - (700 + 40 * i) * DAY) }));
  const rosterOf = (): Roster => ({ members: [...entries.values()].map((e) => ({ ...e })), emeritus: [] });
  const seededLedger = ledgerOf(seeded);
  const leftOut = new Set<string>();
  for (let pass = 0; pass < 6; pass++) {
    const eligible = measureAll(seededLedger, governance, rosterOf(), new Date(now)).filter((s) => s.eligibleFor);
    if (eligible.length === 0) break;
    for (const s of eligible) {
      const role = s.eligibleFor!;
      if (role === "member" && leftOut.size < 2 && unit(opts.seed, "left-out", s.login) < 0.3) {
        leftOut.add(s.login);
        continue;
      }
      if (leftOut.has(s.login)) continue;
      // Members and reviewers of long standing (time_in_role well past 180 days), so maintainer candidates exist.
      const since = role === "member" ? now - (420 + Math.floor(unit(opts.seed, "since", s.login) * 200)) * DAY : now - (260 + Math.floor(unit(opts.seed, "since2", s.login) * 100)) * DAY;
      entries.set(s.login, { login: s.login, role, since: day(since) });
    }
  }

  // The whole history, replayed: what the ladder says happens, with the humans' decisions.
  // Too many proposals cost the app minutes of throttled writes: people beyond the
  // budget are put on the starting roster in that role (recently nominated by hand).
  const fullLedger = ledgerOf(prs);
  const runModel = () => {
    const roster = rosterOf();
    const proposals: { login: string; role: string; decision: Decision }[] = [];
    const seen = new Set<string>();
    for (let pass = 0; pass < 6; pass++) {
      let changed = false;
      for (const s of measureAll(fullLedger, governance, roster, new Date(now))) {
        if (!s.eligibleFor || seen.has(`${s.login}:${s.eligibleFor}`)) continue;
        seen.add(`${s.login}:${s.eligibleFor}`);
        const decision = decide(s.login, s.eligibleFor);
        proposals.push({ login: s.login, role: s.eligibleFor, decision });
        if (decision === "approve") {
          const existing = roster.members.find((m) => m.login === s.login);
          if (existing) Object.assign(existing, { role: s.eligibleFor, since: day(now) });
          else roster.members.push({ login: s.login, role: s.eligibleFor, since: day(now) });
          changed = true;
        }
      }
      if (!changed) break;
    }
    return { proposals, roster };
  };
  let model = runModel();
  const untrimmed = model.proposals.length;
  for (let guard = 0; model.proposals.length > maxProposals && guard < 50; guard++) {
    // Drop the proposal the seed ranks last among the first-pass ones (never the two left-out people).
    // Drawn from the role with the most proposals, so the higher rungs keep theirs.
    const perRole = new Map<string, number>();
    for (const p of model.proposals) perRole.set(p.role, (perRole.get(p.role) ?? 0) + 1);
    const busiest = Math.max(...perRole.values());
    const candidates = model.proposals.filter((p) => !leftOut.has(p.login) && perRole.get(p.role) === busiest);
    const victim = candidates.sort((a, b) => unit(opts.seed, "keep", a.login, a.role) - unit(opts.seed, "keep", b.login, b.role))[candidates.length - 1];
    if (!victim) break;
    entries.set(victim.login, { login: victim.login, role: victim.role, since: day(now - (30 + Math.floor(unit(opts.seed, "since3", victim.login) * 20)) * DAY) });
    model = runModel();
  }

  const rosterLines = ["# Who holds which role. Maintained by Stewards; change it through a pull request.", "members:"];
  const ordered = [...entries.values()].sort((a, b) => ROLES.indexOf(b.role as never) - ROLES.indexOf(a.role as never) || a.since.localeCompare(b.since) || a.login.localeCompare(b.login));
  for (const e of ordered) rosterLines.push(`  - login: ${e.login}`, `    role: ${e.role}`, `    since: ${e.since}`);
  const rosterYml = rosterLines.join("\n") + "\n";
  const parsedRoster = parseRoster(rosterYml, governance);
  if (!parsedRoster.ok) throw new Error(`convergence roster does not parse: ${JSON.stringify(parsedRoster.errors)}`);

  const rank = (role: string) => ROLES.indexOf(role as never);
  const teams: Record<string, string[]> = {};
  for (const role of ROLES) teams[TEAM_OF[role]!] = ordered.filter((e) => rank(e.role) >= rank(role)).map((e) => e.login).sort();

  const events: ReplayEvent[] = replayed
    .flatMap((pr): ReplayEvent[] => [...pr.reviews.map((review) => ({ kind: "review" as const, pr, review, at: Date.parse(review.submittedAt) })), { kind: "merge" as const, pr, at: Date.parse(pr.mergedAt) }])
    .sort((a, b) => a.at - b.at || (a.kind === "review" ? -1 : 1));

  const modelRoster = model.roster.members.map((m) => ({ login: m.login, role: m.role })).sort((a, b) => a.login.localeCompare(b.login));
  const perAuthor = new Map<string, number>();
  for (const p of prs) perAuthor.set(p.author, (perAuthor.get(p.author) ?? 0) + 1);
  const counts = [...perAuthor.values()].sort((a, b) => b - a);
  return {
    seed: opts.seed,
    now,
    cutoff,
    contributors: logins,
    maintainers,
    seeded,
    replayed,
    events,
    governanceYml: GOVERNANCE_YML,
    rosterYml,
    codeownersText: "# Owners of acme/widgets. Lines outside the stewards block are the project's own.\n/ci/ @acme/infra-owner\n",
    governance,
    roster: parsedRoster.roster,
    teams,
    decide,
    model: { proposals: model.proposals, roster: modelRoster },
    stats: {
      contributors: logins.length,
      pullRequests: prs.length,
      reviews: prs.reduce((n, p) => n + p.reviews.length, 0),
      seededPullRequests: seeded.length,
      replayedPullRequests: replayed.length,
      replayEvents: events.length,
      topAuthorPrs: counts[0] ?? 0,
      top10SharePct: Math.round((100 * counts.slice(0, 10).reduce((a, b) => a + b, 0)) / prs.length),
      authorsWithOnePr: counts.filter((c) => c === 1).length,
      rosterSize: entries.size,
      expectedProposals: model.proposals.length,
      proposalsBeforeTrim: untrimmed,
    },
  };
}
