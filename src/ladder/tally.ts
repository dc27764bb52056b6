/**
 * The approval tally of a proposal: reactions on the promotion issue, read
 * against the roster as it is at decision time (SPEC "Deciding").
 *
 * Rules:
 * - 👍 (`+1`) is an approval, 👎 (`-1`) an objection; other reactions are not
 *   votes and are left out entirely (a 🎉 is not worth a line saying it did not count);
 * - only holders of an approver role vote. Each role implies those below it
 *   (SPEC, the ladder's first comment), so `approvers: [reviewer]` lets
 *   maintainers approve too: a maintainer holds reviewer. With no `approvers`
 *   the top rung approves. Emeritus entries hold no role;
 * - the candidate, bots (type `Bot` or a `[bot]` login) and people without an
 *   approver role do not count, and are listed as ignored with the reason,
 *   so the status comment can say so;
 * - one person counts once per kind of vote (logins compared without case);
 * - an approver who both approves and objects is read as objecting while
 *   `objection: block` (holding a proposal is the safe reading of a
 *   contradiction; they can remove the 👎); with `ignore` both are recorded;
 * - with `countFrom` (a demotion's notice end), a 👍 given before it, or at a
 *   time not known, does not count: during the notice a demotion cannot be
 *   approved, and an approval given then is not carried past it. A 👎 counts
 *   whenever it was given: holding a removal is the safe reading;
 * - `approved` needs the quorum of approvals and no counted objection under
 *   `block`. The quorum is never lowered to the approvers available: when
 *   fewer people can approve than the quorum asks, `reachable` is false and
 *   the proposal waits (the status comment says why) — lowering it would let
 *   the app decide what the ladder did not say.
 */
import type { Governance, Roster } from "../config/schema.js";

export interface Reaction {
  /** The reacting account's login. */
  login: string;
  /** GitHub's `user.type`: "User", "Bot", … */
  type: string;
  /** GitHub's reaction content: "+1", "-1", "laugh", "heart", … */
  content: string;
  /** When it was added, ISO-8601, if known (see proposal-state.ts: approvals after expiry). */
  createdAt?: string;
}

export interface Vote {
  /** As the reaction spells it. */
  login: string;
  /** The role the voter holds on the roster at decision time. */
  role: string;
  createdAt?: string;
}

export type IgnoredReason =
  | "bot" // a bot account
  | "candidate" // the person the proposal is about
  | "not-an-approver" // holds no approver role (or no role at all)
  | "duplicate" // the same person's same vote, seen again
  | "before-notice-end" // a 👍 given before a demotion's notice ended (TallyInput.countFrom)
  | "also-objected"; // an approval from someone who objects too, under `objection: block`

export interface IgnoredVote {
  login: string;
  content: "+1" | "-1";
  why: IgnoredReason;
  /** The role they hold, null when none. */
  role: string | null;
}

export interface Tally {
  /** Counted approvals, by login (case-insensitive order). */
  approvals: Vote[];
  /** Objections from approvers, by login; they hold the proposal when `blocks`. */
  objections: Vote[];
  /** Votes that did not count, by login then content, each with why. */
  ignored: IgnoredVote[];
  quorum: number;
  /** Whether an objection holds the proposal (`objection: block`). */
  objectionBlocks: boolean;
  /** The roles whose holders may approve, lowest first (the configured ones and every role above them). */
  approverRoles: string[];
  /** Who may approve this proposal: approver role holders except the candidate, by login. */
  eligible: string[];
  /** approvals ≥ quorum and not blocked. */
  approved: boolean;
  /** A counted objection holds the proposal. */
  blocked: boolean;
  /** At least `quorum` people are eligible, so the quorum can be reached at all. */
  reachable: boolean;
}

export interface TallyInput {
  reactions: readonly Reaction[];
  /** The roster at decision time (re-read right before applying). */
  roster: Roster;
  governance: Pick<Governance, "ladder" | "promotion">;
  /** The proposal's candidate. */
  candidate: string;
  /** ISO-8601: approvals given before this (or at an unknown time) do not count (a demotion's notice end). */
  countFrom?: string;
}

/** Logins without case, then as spelled: a total order, so results never depend on the order GitHub listed reactions in. */
const byLogin = (a: { login: string }, b: { login: string }) => cmp(a.login.toLowerCase(), b.login.toLowerCase()) || cmp(a.login, b.login);
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The roles that may approve, lowest first: every role at or above the lowest
 * configured approver role (default: the top rung). Roles in
 * `promotion.approvers` that are not on the ladder are ignored (the semantic
 * checks report them).
 */
export function approverRoles(governance: Pick<Governance, "ladder" | "promotion">): string[] {
  const roles = governance.ladder.map((r) => r.role);
  const configured = governance.promotion.approvers ?? [roles[roles.length - 1] ?? ""];
  const ranks = configured.map((r) => roles.indexOf(r)).filter((i) => i >= 0);
  if (ranks.length === 0) return [];
  return roles.slice(Math.min(...ranks));
}

/** Holders of an approver role on `roster` except `candidate` (if given), by login; each login once. */
export function eligibleApprovers(roster: Roster, governance: Pick<Governance, "ladder" | "promotion">, candidate?: string): string[] {
  const roles = new Set(approverRoles(governance));
  const seen = new Set<string>();
  const out: string[] = [];
  for (const m of roster.members) {
    const key = m.login.toLowerCase();
    if (!roles.has(m.role) || seen.has(key) || (candidate !== undefined && key === candidate.toLowerCase())) continue;
    seen.add(key);
    out.push(m.login);
  }
  return out.sort((a, b) => cmp(a.toLowerCase(), b.toLowerCase()));
}

/** The tally of `input.reactions`; see the module comment. Pure, deterministic for any order of reactions. */
export function tallyReactions(input: TallyInput): Tally {
  const { governance, roster } = input;
  const roles = approverRoles(governance);
  const approverSet = new Set(roles);
  const ladderRank = new Map(governance.ladder.map((r, i) => [r.role, i] as const));
  const heldRole = new Map<string, string>();
  for (const m of roster.members) {
    const key = m.login.toLowerCase();
    const previous = heldRole.get(key);
    if (!ladderRank.has(m.role)) continue;
    if (previous === undefined || (ladderRank.get(m.role) ?? -1) > (ladderRank.get(previous) ?? -1)) heldRole.set(key, m.role);
  }
  const candidate = input.candidate.toLowerCase();
  const blocks = governance.promotion.objection === "block";
  const countFrom = input.countFrom === undefined ? null : Date.parse(input.countFrom);
  const early = (r: Reaction) => countFrom !== null && r.content === "+1" && !(Date.parse(r.createdAt ?? "") >= countFrom);

  const approvals = new Map<string, Vote>();
  const objections = new Map<string, Vote>();
  const ignored: IgnoredVote[] = [];
  // Sorted first, so which of two duplicates counts does not depend on the order GitHub listed them.
  const votes = input.reactions
    .filter((r): r is Reaction & { content: "+1" | "-1" } => r.content === "+1" || r.content === "-1")
    .slice()
    .sort((a, b) => byLogin(a, b) || cmp(a.content, b.content) || cmp(a.createdAt ?? "", b.createdAt ?? ""));
  for (const r of votes) {
    const key = r.login.toLowerCase();
    const role = heldRole.get(key) ?? null;
    const ignore = (why: IgnoredReason) => ignored.push({ login: r.login, content: r.content, why, role });
    if (r.type === "Bot" || /\[bot\]$/i.test(r.login)) ignore("bot");
    else if (key === candidate) ignore("candidate");
    else if (role === null || !approverSet.has(role)) ignore("not-an-approver");
    else if (early(r)) ignore("before-notice-end");
    else {
      const into = r.content === "+1" ? approvals : objections;
      if (into.has(key)) ignore("duplicate");
      else into.set(key, { login: r.login, role, ...(r.createdAt !== undefined ? { createdAt: r.createdAt } : {}) });
    }
  }
  if (blocks) {
    for (const key of [...approvals.keys()]) {
      const vote = approvals.get(key);
      if (!vote || !objections.has(key)) continue;
      approvals.delete(key);
      ignored.push({ login: vote.login, content: "+1", why: "also-objected", role: vote.role });
    }
  }

  const quorum = governance.promotion.quorum;
  const eligible = eligibleApprovers(roster, governance, input.candidate);
  const blocked = blocks && objections.size > 0;
  return {
    approvals: [...approvals.values()].sort(byLogin),
    objections: [...objections.values()].sort(byLogin),
    ignored: ignored.sort((a, b) => byLogin(a, b) || cmp(a.content, b.content) || cmp(a.why, b.why)),
    quorum,
    objectionBlocks: blocks,
    approverRoles: roles,
    eligible,
    approved: approvals.size >= quorum && !blocked,
    blocked,
    reachable: eligible.length >= quorum,
  };
}
