/**
 * Opens promotion issues — exactly one per person and role, however many
 * events, duplicate deliveries or replicas race for the same fact:
 *
 * 1. the store's record says a proposal is open → nothing to do (no request);
 * 2. otherwise take the lease for (repo, login, role): a concurrent worker
 *    that holds it is opening the same issue, so this one stops;
 * 3. under the lease, look on GitHub for the app's own open issue with that
 *    marker (one request; covers a crash between creating and recording);
 * 4. read the roster at the branch head (one request): a person who holds the
 *    role, or one above it, there is not proposed, whatever the roster the
 *    caller measured with says (a cache can be behind the branch);
 * 5. only then open the issue, and record it.
 *
 * A proposal closed — decided either way: approved, rejected, expired,
 * withdrawn, merged by hand — is not opened again by the numbers for the
 * same person and role until `promotion.expires_after` has passed since it
 * closed: otherwise every merged PR of someone the approvers just turned
 * down would re-open the question (README: "Design choices"), and a roster
 * read before an approval landed would propose the person just promoted
 * (issue 10). After that, step 4 still stands between a decision and a
 * second issue.
 */
import { parseDuration } from "../config/duration.js";
import { parseRoster } from "../config/parse-roster.js";
import type { Governance, Roster } from "../config/schema.js";
import type { BranchSnapshot } from "../github/branch-files.js";
import type { ActionResult } from "../github/execute-actions.js";
import type { MarkedIssue } from "../github/issue-reads.js";
import type { Logger } from "../github/logger.js";
import type { Standing } from "../ladder/standing.js";
import type { Action, RepoRef } from "../plan/actions.js";
import { approvesByPullRequest } from "../plan/approval-modes.js";
import { proposalExpiresAt } from "../ladder/proposal-state.js";
import { eligibleApprovers } from "../ladder/tally.js";
import { PROMOTION_MARKER, promotionIssueTitle, renderPromotionIssue } from "../render/promotion-issue.js";
import { invalidateGovernance } from "./current-governance.js";
import { openPromotionPull } from "./manage-promotion-pull.js";
import { loadProposalFor, proposalKey, saveProposal, withLease, type ProposalKind, type ProposalRecord, type RecordStore } from "./proposal-records.js";

export interface ProposeGitHub {
  /** The app's own open issues labelled `stewards:promotion` with a `promotion` marker. Rejects on failure. */
  findOpenProposals(repo: RepoRef): Promise<MarkedIssue[]>;
  /** Runs the actions (or records them in dry run). */
  execute(actions: readonly Action[], log: Logger): Promise<ActionResult[]>;
  /**
   * The files at the default branch's head, read at one commit: the roster before opening a proposal, and
   * for the promotion pull request (see commit-change.ts). Rejects on failure.
   */
  readBranchFiles(repo: RepoRef, branch: string, paths: readonly string[]): Promise<BranchSnapshot>;
}

export interface ProposeDeps {
  store: RecordStore;
  github: ProposeGitHub;
  log: Logger;
  /** Identifies this worker in leases (process id + random). */
  holder: string;
  webUrl: string;
}

export interface ProposalRequest {
  repo: RepoRef;
  /** The default branch: the promotion pull request's base (`approve_with: pull_request | either`). */
  branch: string;
  standing: Standing;
  /** The role to propose: `standing.eligibleFor` for promotions; any rung for nominations. */
  role: string;
  kind: ProposalKind;
  governance: Governance;
  roster: Roster;
  now: Date;
  nominatedBy?: string;
  reason?: string | null;
}

export type ProposeOutcome =
  | { kind: "opened"; issue: number | null; dryRun: boolean }
  | { kind: "exists"; issue: number }
  | { kind: "cooling-off"; until: string }
  /** The roster at the branch head already gives the person `role` or one above it (`held`). */
  | { kind: "holds-role"; held: string }
  /** The roster at the branch head does not parse: nothing is proposed until it is fixed. */
  | { kind: "roster-invalid" }
  | { kind: "busy" };

const LEASE_MS = 60_000;

/** The label of promotion issues (SPEC "Proposing"); GitHub creates it on first use. */
export const PROMOTION_LABEL = "stewards:promotion";
export { PROMOTION_MARKER };

export function fullName(repo: RepoRef): string {
  return `${repo.owner}/${repo.repo}`;
}

/** The proposals the numbers call for among `standings` (people eligible for their next rung). */
export function eligibleProposals(standings: readonly Standing[]): { standing: Standing; role: string }[] {
  return standings.flatMap((s) => (s.eligibleFor ? [{ standing: s, role: s.eligibleFor }] : []));
}

export async function openProposal(deps: ProposeDeps, req: ProposalRequest): Promise<ProposeOutcome> {
  const repo = fullName(req.repo);
  const login = req.standing.login;
  const known = await loadProposalFor(deps.store, repo, login, req.role);
  if (known?.state === "open") {
    // Opened, but its pull request not (a crash or a failure in between): open it now.
    if (approvesByPullRequest(req.governance) && !known.pullRequest) {
      await withLease(deps.store, proposalKey(repo, login, req.role), deps.holder, LEASE_MS, async () => {
        const again = await loadProposalFor(deps.store, repo, login, req.role);
        if (again?.state === "open" && !again.pullRequest) await attachPull(deps, req, again, req.standing);
      });
    }
    return { kind: "exists", issue: known.issue };
  }
  // A nomination is a person's explicit ask: it is not held back by an earlier proposal's close.
  if (known?.state === "closed" && req.kind === "promotion") {
    const until = new Date(Date.parse(known.closedAt ?? known.openedAt) + parseDuration(req.governance.promotion.expires_after));
    if (until > req.now) return { kind: "cooling-off", until: until.toISOString() };
  }

  const leased = await withLease(deps.store, proposalKey(repo, login, req.role), deps.holder, LEASE_MS, async (): Promise<ProposeOutcome> => {
    const again = await loadProposalFor(deps.store, repo, login, req.role);
    if (again?.state === "open") return { kind: "exists", issue: again.issue };
    const onGitHub = (await deps.github.findOpenProposals(req.repo)).find(
      (i) => String(i.key.login).toLowerCase() === login.toLowerCase() && i.key.role === req.role,
    );
    if (onGitHub) {
      await saveProposal(deps.store, recordFor(req, onGitHub.number));
      deps.log.info({ repo, login, role: req.role, issue: onGitHub.number }, "found the open proposal on GitHub; recorded it");
      return { kind: "exists", issue: onGitHub.number };
    }
    const atHead = await heldAtHead(deps, req);
    if (atHead) return atHead;
    const title = promotionIssueTitle(login, req.role, req.kind === "nomination");
    const draft = recordFor(req, 0);
    const body = proposalBody(draft, req.standing, req, deps.webUrl);
    const [result] = await deps.github.execute([{ kind: "issue.create", repo: req.repo, title, body, labels: [PROMOTION_LABEL] }], deps.log);
    const number = result?.created?.number ?? null;
    const record = number !== null ? recordFor(req, number) : null;
    if (record) await saveProposal(deps.store, record);
    deps.log.info({ repo, login, role: req.role, issue: number, kind: req.kind }, "promotion proposed");
    if (approvesByPullRequest(req.governance)) {
      if (record) await attachPull(deps, req, record, req.standing);
      // Dry run: no issue, so no record; the executor still logs the branch and pull request it would make.
      else await openPromotionPull(deps, { repo: req.repo, base: req.branch, governance: req.governance, login, role: req.role, issue: null, now: req.now });
    }
    return { kind: "opened", issue: number, dryRun: result?.dryRun ?? false };
  });
  return leased.ran ? leased.value : { kind: "busy" };
}

/**
 * Step 4: the person's role in the roster at the branch head. Null when it is
 * below `req.role` (propose); otherwise why not. A roster at the head that
 * differs from the caller's on this point means the caller's (cached) roster
 * is behind the branch: it is expired, so the next reader reads the branch.
 */
async function heldAtHead(deps: ProposeDeps, req: ProposalRequest): Promise<ProposeOutcome | null> {
  const path = req.governance.roster.path;
  const snapshot = await deps.github.readBranchFiles(req.repo, req.branch, [path]);
  const parsed = parseRoster(snapshot.files.get(path) ?? "members: []\n", req.governance);
  if (!parsed.ok) {
    deps.log.warn({ repo: fullName(req.repo), head: snapshot.headSha }, "the roster at the branch head is invalid; not proposing");
    return { kind: "roster-invalid" };
  }
  const roles = req.governance.ladder.map((r) => r.role);
  const rank = (roster: Roster) => {
    const held = roster.members.find((m) => m.login.toLowerCase() === req.standing.login.toLowerCase());
    return held ? { role: held.role, rank: roles.indexOf(held.role) } : null;
  };
  const head = rank(parsed.roster);
  if (!head || head.rank < roles.indexOf(req.role)) return null;
  if ((rank(req.roster)?.rank ?? -1) < head.rank) {
    deps.log.info({ repo: fullName(req.repo), login: req.standing.login, held: head.role, head: snapshot.headSha }, "the cached roster is behind the branch; expiring it");
    await invalidateGovernance(deps.store, req.repo);
  }
  return { kind: "holds-role", held: head.role };
}

/** What `attachPull` needs: the store for the record, and a GitHub that reads the branch and runs actions. */
export interface AttachPullDeps {
  store: RecordStore;
  github: Pick<ProposeGitHub, "execute" | "readBranchFiles">;
  log: Logger;
  webUrl: string;
}

/**
 * Opens the promotion pull request of the open proposal `record`, links it
 * from the issue (the body rendered again, with the link) and records it.
 * Returns the record as it now is (unchanged when the pull request could not
 * be planned). The caller holds the proposal's lease.
 */
export async function attachPull(
  deps: AttachPullDeps,
  ctx: { repo: RepoRef; branch: string; governance: Governance; roster: Roster; now: Date },
  record: ProposalRecord,
  standing: Standing,
): Promise<ProposalRecord> {
  const pull = await openPromotionPull(deps, { repo: ctx.repo, base: ctx.branch, governance: ctx.governance, login: record.login, role: record.role, issue: record.issue, now: ctx.now });
  if (!pull) return record;
  const next: ProposalRecord = { ...record, pullRequest: pull };
  // Recorded before the issue is edited: a failed edit must not lose which pull request belongs to the proposal.
  await saveProposal(deps.store, next);
  await deps.github.execute([{ kind: "issue.update", repo: ctx.repo, number: record.issue, body: proposalBody(record, standing, ctx, deps.webUrl, pull) }], deps.log);
  return next;
}

/** The promotion issue's body for `record` (see render/promotion-issue.ts); the same input renders the same text. */
export function proposalBody(
  record: Pick<ProposalRecord, "login" | "role" | "kind" | "openedAt" | "nominatedBy" | "reason">,
  standing: Standing,
  ctx: { governance: Governance; roster: Roster },
  webUrl: string,
  pull?: { number: number; url: string },
): string {
  return renderPromotionIssue({
    standing,
    role: record.role,
    governance: ctx.governance,
    approvers: eligibleApprovers(ctx.roster, ctx.governance, record.login),
    expiresAt: proposalExpiresAt(record.openedAt, ctx.governance.promotion.expires_after),
    webUrl,
    ...(record.kind === "nomination" ? { nomination: { by: record.nominatedBy ?? "", reason: record.reason ?? null } } : {}),
    ...(pull ? { pullRequest: { number: pull.number, url: pull.url } } : {}),
  });
}

function recordFor(req: ProposalRequest, issue: number): ProposalRecord {
  return {
    repo: fullName(req.repo),
    login: req.standing.login,
    role: req.role,
    kind: req.kind,
    issue,
    state: "open",
    openedAt: req.now.toISOString(),
    ...(req.nominatedBy ? { nominatedBy: req.nominatedBy } : {}),
    ...(req.reason !== undefined ? { reason: req.reason } : {}),
  };
}
