/**
 * One decision of the governance log (`GOVERNANCE-LOG.md`, SPEC section 1):
 * the data the app writes, and reads back for appeals and the health report.
 * Plain JSON values only, so an entry can be stored, compared and rendered.
 *
 * Kinds: the spec's list, plus two the lifecycle needs to log (SPEC "Expired,
 * rejected, withdrawn: log it"; "/step-down … takes effect at once"):
 * - `withdrawal`, not a `rejection`: nobody decided against the candidate, so
 *   there is no decision against them to appeal, and the health report must
 *   not count it as a proposal the approvers turned down;
 * - `step-down`, not a `demotion`: it is the holder's own act, needing no
 *   quorum and open to no appeal, and the health report shows voluntary
 *   departures apart from demotions the approvers decided.
 */

export const DECISION_KINDS = [
  "promotion",
  "rejection",
  "expiry",
  "withdrawal",
  "demotion",
  "emeritus",
  "step-down",
  "appeal filed",
  "appeal outcome",
  "ladder change",
  "manual roster change",
] as const;

export type DecisionKind = (typeof DECISION_KINDS)[number];

/** One criterion of the evidence table, as words a person can check by hand. */
export interface EvidenceRow {
  /** What was measured, e.g. "merged PRs in the last 180 days". */
  criterion: string;
  /** The threshold in words, e.g. "15" or "90 days". */
  threshold: string;
  /** The measured value in words, e.g. "17" or "holds maintainer". */
  measured: string;
  met: boolean;
  /** Contributions counted, for checking (may be cut short). */
  links: Link[];
}

export interface Link {
  /** Shown text, e.g. "acme/widgets#12". */
  label: string;
  /** An http(s) address; anything else is rendered as the label alone. */
  url: string;
}

export interface RoleChange {
  /** The role held before; null when none (first rung, or a ladder change). */
  from: string | null;
  /** The role held after; null when none (emeritus, stepped down from the lowest rung). */
  to: string | null;
}

/** One panel member's vote, as the appeal outcome records it. */
export interface AppealVoteRecord {
  login: string;
  vote: "uphold" | "overturn";
  /** The `/overturn` reason as written; null for `/uphold`. */
  reason: string | null;
}

/**
 * What an `appeal filed` or `appeal outcome` entry records beyond the common
 * fields: the decision contested, the appellant, the panel drawn and where the
 * rotation stands after it (so any replica, after any restart, draws the next
 * panel from the log alone), and — for the outcome — each vote and the result.
 */
export interface AppealFacts {
  /** The decision contested, e.g. `D-0007`. */
  decision: string;
  appellant: string;
  panel: string[];
  /** The last person seated: the next panel starts after this login (ladder/appeal-panel.ts). */
  rotation: string | null;
  /** The appeal issue. */
  issue: number | null;
  votes?: AppealVoteRecord[];
  outcome?: "upheld" | "overturned";
}

export interface DecisionEntry {
  /** `D-0001`, `D-0002`, …; five digits and more once past 9999. */
  id: string;
  kind: DecisionKind;
  /** The UTC day of the decision, YYYY-MM-DD. */
  date: string;
  /** Whom the decision is about: a login, or for a ladder change the file or rung changed. */
  subject: string;
  /** The role change; null when the decision changes no role (rejection, expiry, appeal filed …). */
  role: RoleChange | null;
  /** The criteria and the measured values at decision time (empty when none apply). */
  evidence: EvidenceRow[];
  /** Logins whose approval counted, in the order the tally lists them. */
  approvers: string[];
  /** Logins who objected (counted or not, as the tally says). */
  objectors: string[];
  /** Free text from a person (`/reject <reason>`, a nomination's reason); null when none. */
  reason: string | null;
  /** Where it was discussed: the proposal issue, the pull request, the appeal. */
  link: Link | null;
  /** Who or what decided, in words, e.g. "quorum of 2 approvers", "alice (/withdraw)". */
  decidedBy: string;
  /**
   * An idempotency key chosen by the caller, e.g. `promotion:acme/widgets#12`:
   * `appendEntries` writes a decision with a key already in the log no second
   * time. Stored in a hidden marker, never shown. Optional for hand-written entries.
   */
  key?: string;
  /** For `appeal filed` and `appeal outcome` entries. */
  appeal?: AppealFacts;
  /**
   * Everyone who made the decision (approvers, the rejecter, the merger): an appeal's panel leaves
   * them out. Kept in the entry's marker (the visible "Decided by" says it in words); absent in old
   * or hand-written entries, where the approvers and objectors stand in.
   */
  deciders?: string[];
  /** The role a rejected, expired or withdrawn proposal was for (what an overturned rejection grants); marker only. */
  proposed?: string;
}

/** A decision before it has an id: what callers hand to `appendEntries`, which allocates the id. */
export type DecisionDraft = Omit<DecisionEntry, "id">;

const ID = /^D-(\d{4,})$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `D-0007` for 7; throws RangeError for numbers that are not positive safe integers. */
export function formatDecisionId(n: number): string {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`decision number ${n} is not a positive integer`);
  return `D-${String(n).padStart(4, "0")}`;
}

/** 7 for `D-0007` (also `d-7`, as people write ids by hand); null for anything else. */
export function decisionNumber(id: string): number | null {
  const m = /^D-(\d{1,15})$/i.exec(id.trim());
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) && n >= 1 ? n : null;
}

/** True when `id` is written the canonical way (`D-` and at least four digits). */
export function isDecisionId(id: string): boolean {
  return ID.test(id) && decisionNumber(id) !== null;
}

/** True when `date` is a real calendar day written YYYY-MM-DD. */
export function isDecisionDate(date: string): boolean {
  if (!DAY.test(date)) return false;
  const parsed = new Date(`${date}T00:00:00Z`);
  return Number.isFinite(parsed.getTime()) && parsed.toISOString().slice(0, 10) === date;
}

export function isDecisionKind(kind: string): kind is DecisionKind {
  return (DECISION_KINDS as readonly string[]).includes(kind);
}
