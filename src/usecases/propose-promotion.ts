/**
 * Opens promotion issues — exactly one per person and role, however many
 * events, duplicate deliveries or replicas race for the same fact:
 *
 * 1. the store's record says a proposal is open → nothing to do (no request);
 * 2. otherwise take the lease for (repo, login, role): a concurrent worker
 *    that holds it is opening the same issue, so this one stops;
 * 3. under the lease, look on GitHub for the app's own open issue with that
 *    marker (one request; covers a crash between creating and recording);
 * 4. only then open the issue, and record it.
 *
 * A proposal closed without a promotion (rejected, expired, withdrawn) is not
 * opened again for the same person and role until `promotion.expires_after`
 * has passed since it closed — otherwise every merged PR of someone the
 * approvers just turned down would re-open the question (README: "Design
 * choices").
 */
import { parseDuration } from "../config/duration.js";
import type { Governance, Roster } from "../config/schema.js";
import type { ActionResult } from "../github/execute-actions.js";
import type { MarkedIssue } from "../github/issue-reads.js";
import type { Logger } from "../github/logger.js";
import type { Standing } from "../ladder/standing.js";
import type { Action, RepoRef } from "../plan/actions.js";
import { proposalExpiresAt } from "../ladder/proposal-state.js";
import { eligibleApprovers } from "../ladder/tally.js";
import { PROMOTION_MARKER, promotionIssueTitle, renderPromotionIssue } from "../render/promotion-issue.js";
import { loadProposalFor, proposalKey, saveProposal, withLease, type ProposalKind, type ProposalRecord, type RecordStore } from "./proposal-records.js";

export interface ProposeGitHub {
  /** The app's own open issues labelled `stewards:promotion` with a `promotion` marker. Rejects on failure. */
  findOpenProposals(repo: RepoRef): Promise<MarkedIssue[]>;
  /** Runs the actions (or records them in dry run). */
  execute(actions: readonly Action[], log: Logger): Promise<ActionResult[]>;
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
  if (known?.state === "open") return { kind: "exists", issue: known.issue };
  // A nomination is a person's explicit ask: it is not held back by an earlier proposal's close.
  if (known?.state === "closed" && known.outcome !== "approved" && req.kind === "promotion") {
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
    const title = promotionIssueTitle(login, req.role, req.kind === "nomination");
    const body = renderPromotionIssue({
      standing: req.standing,
      role: req.role,
      governance: req.governance,
      approvers: eligibleApprovers(req.roster, req.governance, login),
      expiresAt: proposalExpiresAt(req.now.toISOString(), req.governance.promotion.expires_after),
      webUrl: deps.webUrl,
      ...(req.kind === "nomination" ? { nomination: { by: req.nominatedBy ?? "", reason: req.reason ?? null } } : {}),
    });
    const [result] = await deps.github.execute([{ kind: "issue.create", repo: req.repo, title, body, labels: [PROMOTION_LABEL] }], deps.log);
    const number = result?.created?.number ?? null;
    if (number !== null) await saveProposal(deps.store, recordFor(req, number));
    deps.log.info({ repo, login, role: req.role, issue: number, kind: req.kind }, "promotion proposed");
    return { kind: "opened", issue: number, dryRun: result?.dryRun ?? false };
  });
  return leased.ran ? leased.value : { kind: "busy" };
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
