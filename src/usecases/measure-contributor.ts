/**
 * One person's standing on the ladder, measured from the ledger: their
 * merged pull requests and reviews in the ladder's scope (this repository,
 * or the organisation for `scope: org`), against the ladder and the roster.
 * `measureContributor` first asks the history gate, so a number is never
 * measured from a history not read yet (it rejects with HistoryPendingError
 * and the job waits); `standingFromLedger` is the measuring alone, for a
 * caller that has asked already (`/ladder`, which says "still reading"
 * instead of waiting).
 */
import type { Governance, Roster } from "../config/schema.js";
import { measureOne } from "../ladder/measure.js";
import type { Standing } from "../ladder/standing.js";
import type { RepoRef } from "../plan/actions.js";
import type { ContributionQuery } from "../store/store.js";
import { fieldsFor, type HistoryGate } from "./history-readiness.js";
import type { LedgerReader } from "./reply-ladder.js";

/** The ledger rows the ladder counts for `repo`: this repository's, or the organisation's for `scope: org`; only `logins`' when given. */
export function contributionQuery(governance: Governance, repo: RepoRef, logins?: string[]): ContributionQuery {
  const base: ContributionQuery = governance.scope === "org" ? { owner: repo.owner } : { repos: [`${repo.owner}/${repo.repo}`] };
  return logins ? { ...base, logins } : base;
}

export interface MeasureInput {
  repo: RepoRef;
  governance: Governance;
  roster: Roster;
  login: string;
  now: Date;
  /** One pull request to leave out ("owner/name" and number): the standing before it merged. */
  without?: { repo: string; number: number };
}

/** The standing from what the ledger holds now, whether or not the history is read (see measureContributor). Two ledger reads. */
export async function standingFromLedger(ledger: Pick<LedgerReader, "listPullRequests" | "listReviews">, input: MeasureInput): Promise<Standing> {
  const query = contributionQuery(input.governance, input.repo, [input.login]);
  // Both lists are restricted to this person (as author or reviewer): reviews count only on other people's
  // pull requests, but the engine needs the person's own for tenure.
  const [all, reviews] = await Promise.all([ledger.listPullRequests(query), ledger.listReviews(query)]);
  const left = input.without;
  const pullRequests = left ? all.filter((p) => !(p.number === left.number && p.repo.toLowerCase() === left.repo.toLowerCase())) : all;
  return measureOne(input.login, { pullRequests, reviews }, input.governance, input.roster, input.now);
}

export interface MeasureDeps {
  ledger: Pick<LedgerReader, "listPullRequests" | "listReviews">;
  /** Resolves once the repository's history is read with the fields the ladder counts by; see HistoryGate. */
  gate: HistoryGate;
}

/** The standing, never from a history not read (yet): rejects with HistoryPendingError, and the job waits for it. */
export async function measureContributor(deps: MeasureDeps, input: MeasureInput): Promise<Standing> {
  await deps.gate.require(input.repo, fieldsFor(input.governance.counting));
  return standingFromLedger(deps.ledger, input);
}
