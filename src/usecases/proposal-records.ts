/**
 * What the app remembers about its proposals, in its own store, so that the
 * hot paths (a merged PR, a comment on any issue) cost no API request to
 * answer "is there an open proposal for this person and role?" and "is this
 * issue one of our proposals?". GitHub stays the record people see: the
 * issue carries a hidden marker with the same key, and when the store has no
 * record (a crash between creating the issue and recording it), the app finds
 * its issue by label and marker before it would open another.
 *
 * Demotions (emeritus for inactivity, rotation past a term limit) are
 * proposals too — one issue per person and role, decided by the same rules —
 * but their person key lives apart (`demotion:…`): a demotion of alice as
 * maintainer must not overwrite the record of the promotion that made her
 * one, which the promotion flow's cooling-off reads.
 */

export type ProposalKind = "promotion" | "nomination" | "demotion";

/** Why a demotion was proposed, and its notice (SPEC "Demotion and rotation"). */
export interface DemotionNotice {
  /** `inactive`: no counted activity for `inactive_after` (emeritus); `term`: held past `term_limit` (rotation). */
  reason: "inactive" | "term";
  /** ISO-8601: the notice ends here; approvals count from then, and the expiry counts from then. */
  endsAt: string;
  /** The last counted contribution measured when the notice opened; null when none was known. */
  lastActivity: { at: string; url: string | null } | null;
  /** The roster's `since` for the role, when the notice opened. */
  since: string;
}

export interface ProposalRecord {
  /** "owner/name" as GitHub spells it. */
  repo: string;
  login: string;
  role: string;
  kind: ProposalKind;
  issue: number;
  state: "open" | "closed";
  /** ISO-8601; the expiry counts from here (a demotion's from its notice's end: `decisionOpensAt`). */
  openedAt: string;
  /** Demotions only: why, and when the notice ends. */
  notice?: DemotionNotice;
  /** Who nominated (nominations only). */
  nominatedBy?: string;
  /** The nominator's reason, as written (escaped when rendered). */
  reason?: string | null;
  /** The app's status comment on the issue, updated in place. */
  statusCommentId?: number;
  statusBody?: string;
  /** The promotion pull request (`approve_with: pull_request | either`), once opened. */
  pullRequest?: PromotionPullRecord;
  /** Set when closed. */
  closedAt?: string;
  /**
   * `manual`: the promotion pull request was merged without the approvals, logged as a manual roster change.
   * `cancelled`: a demotion closed by counted activity during its notice, or because the person no longer holds the role.
   */
  outcome?: "approved" | "rejected" | "expired" | "withdrawn" | "manual" | "cancelled";
  decision?: string;
}

export interface PromotionPullRecord {
  number: number;
  url: string;
  /** `stewards/promote/<login>/<role>` (plan/approval-modes.ts). */
  branch: string;
  /** The branch head the app made: a merge of any other head includes someone else's commits. */
  headSha: string;
  /** The candidate's role when the pull request was planned (null: none), for the log's role line. */
  from: string | null;
  /** As last seen; a closed one may be reopened. */
  state: "open" | "closed";
}

/** The slice of the store the records use. */
export interface RecordStore {
  /** Null when absent. */
  getValue<T>(key: string): Promise<T | null>;
  setValue<T>(key: string, value: T): Promise<void>;
  /** See LedgerStore.acquireLease: atomic across replicas; `key` starts with "lease:". */
  acquireLease(key: string, holder: string, ttlMs: number): Promise<boolean>;
  releaseLease(key: string, holder: string): Promise<void>;
}

const lower = (s: string) => s.toLowerCase();

/** The record of the latest proposal for (repo, login, role). */
export function proposalKey(repo: string, login: string, role: string): string {
  return `proposal:${lower(repo)}:${lower(login)}:${role}`;
}

/** The record of the latest demotion proposal for (repo, login, role). */
export function demotionKey(repo: string, login: string, role: string): string {
  return `demotion:${lower(repo)}:${lower(login)}:${role}`;
}

/** The person key of `record`: its kind's key for (repo, login, role); also the name of its lease. */
export function recordKey(record: Pick<ProposalRecord, "repo" | "login" | "role" | "kind">): string {
  return record.kind === "demotion" ? demotionKey(record.repo, record.login, record.role) : proposalKey(record.repo, record.login, record.role);
}

/** When approvals start to count and the expiry starts to run: the end of a demotion's notice, a promotion's opening. */
export function decisionOpensAt(record: Pick<ProposalRecord, "openedAt" | "notice">): string {
  return record.notice?.endsAt ?? record.openedAt;
}

/** The record of the proposal an issue carries. */
export function proposalIssueKey(repo: string, issue: number): string {
  return `proposal-issue:${lower(repo)}#${issue}`;
}

export async function saveProposal(store: RecordStore, record: ProposalRecord): Promise<void> {
  // The issue key is written first: a reader that finds the person's key can always follow it to the issue.
  await store.setValue(proposalIssueKey(record.repo, record.issue), record);
  await store.setValue(recordKey(record), record);
}

export function loadProposalByIssue(store: RecordStore, repo: string, issue: number): Promise<ProposalRecord | null> {
  return store.getValue<ProposalRecord>(proposalIssueKey(repo, issue));
}

export function loadProposalFor(store: RecordStore, repo: string, login: string, role: string): Promise<ProposalRecord | null> {
  return store.getValue<ProposalRecord>(proposalKey(repo, login, role));
}

export function loadDemotionFor(store: RecordStore, repo: string, login: string, role: string): Promise<ProposalRecord | null> {
  return store.getValue<ProposalRecord>(demotionKey(repo, login, role));
}

/**
 * Runs `fn` holding the lease `lease:<key>` (ttl `ttlMs`). When another
 * worker holds it: with no `waitMs`, returns `{ ran: false }` at once (that
 * worker is doing the same idempotent work — opening the same issue); with
 * `waitMs`, polls for the lease that long first (re-reading a proposal: the
 * other worker may have read the reactions before the one that triggered us).
 */
let leaseCalls = 0;

export async function withLease<T>(
  store: RecordStore,
  key: string,
  holder: string,
  ttlMs: number,
  fn: () => Promise<T>,
  opts: { waitMs?: number; pollMs?: number } = {},
): Promise<{ ran: true; value: T } | { ran: false }> {
  const lease = `lease:${key}`;
  // Unique per call: a lease is re-entrant for its holder, and two tasks of one process must exclude each other too.
  holder = `${holder}#${++leaseCalls}`;
  const deadline = Date.now() + (opts.waitMs ?? 0);
  while (!(await store.acquireLease(lease, holder, ttlMs))) {
    if (Date.now() >= deadline) return { ran: false };
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 200));
  }
  try {
    return { ran: true, value: await fn() };
  } finally {
    await store.releaseLease(lease, holder).catch(() => undefined);
  }
}
