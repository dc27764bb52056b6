/**
 * What the app remembers about its proposals, in its own store, so that the
 * hot paths (a merged PR, a comment on any issue) cost no API request to
 * answer "is there an open proposal for this person and role?" and "is this
 * issue one of our proposals?". GitHub stays the record people see: the
 * issue carries a hidden marker with the same key, and when the store has no
 * record (a crash between creating the issue and recording it), the app finds
 * its issue by label and marker before it would open another.
 */

export type ProposalKind = "promotion" | "nomination";

export interface ProposalRecord {
  /** "owner/name" as GitHub spells it. */
  repo: string;
  login: string;
  role: string;
  kind: ProposalKind;
  issue: number;
  state: "open" | "closed";
  /** ISO-8601; the expiry counts from here. */
  openedAt: string;
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
  /** `manual`: the promotion pull request was merged without the approvals, logged as a manual roster change. */
  outcome?: "approved" | "rejected" | "expired" | "withdrawn" | "manual";
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

/** The record of the proposal an issue carries. */
export function proposalIssueKey(repo: string, issue: number): string {
  return `proposal-issue:${lower(repo)}#${issue}`;
}

export async function saveProposal(store: RecordStore, record: ProposalRecord): Promise<void> {
  // The issue key is written first: a reader that finds the person's key can always follow it to the issue.
  await store.setValue(proposalIssueKey(record.repo, record.issue), record);
  await store.setValue(proposalKey(record.repo, record.login, record.role), record);
}

export function loadProposalByIssue(store: RecordStore, repo: string, issue: number): Promise<ProposalRecord | null> {
  return store.getValue<ProposalRecord>(proposalIssueKey(repo, issue));
}

export function loadProposalFor(store: RecordStore, repo: string, login: string, role: string): Promise<ProposalRecord | null> {
  return store.getValue<ProposalRecord>(proposalKey(repo, login, role));
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
