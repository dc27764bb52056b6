/**
 * The one preamble of every use-case that acts on a repository's ladder:
 * load the governance in force (cached: usually no request), and tell apart
 * "no ladder" (absent), "cannot say now" (unavailable), "a ladder, but the
 * roster is broken" (roster-invalid: the app must change nothing) and "ok".
 * The roster-invalid case is logged here, once per call, with what waits
 * for the fix, so callers do not each write their own warning.
 */
import type { Governance, Roster } from "../config/schema.js";
import type { Logger } from "../github/logger.js";
import type { RepoRef } from "../plan/actions.js";
import { currentGovernance, type GovernanceSource, type KeyValueStore } from "./current-governance.js";

/** What loading the ladder needs: where it is read from, the cache, a logger and the clock's reading. */
export interface GovernanceDeps {
  source: GovernanceSource;
  kv: KeyValueStore;
  log: Logger;
  now: Date;
}

/** A ladder and a valid roster: the use-case may go on. `currentlyInvalid`: the file on the branch is broken and this is the last valid ladder. */
export interface InForce {
  kind: "ok";
  governance: Governance;
  roster: Roster;
  currentlyInvalid: boolean;
}

export type NotInForce =
  | { kind: "absent" }
  | { kind: "unavailable"; reason: string }
  /** A ladder, but the roster on the default branch is broken: nothing may change until it is fixed. */
  | { kind: "roster-invalid"; governance: Governance; roster: Roster; currentlyInvalid: boolean };

export type GovernanceInForce = InForce | NotInForce;

/**
 * The ladder and roster in force for `repo`. With `waits` (what the caller
 * holds back, e.g. "no proposals"), a broken roster is logged as a warning
 * saying so; without it the caller answers a person about it itself.
 * Never rejects for a load failure (that is `unavailable`); rejects only
 * when the store does.
 */
export async function governanceInForce(deps: GovernanceDeps, repo: RepoRef, waits?: string): Promise<GovernanceInForce> {
  const current = await currentGovernance(deps, repo);
  if (current.kind !== "ok") return current;
  const { governance, roster, currentlyInvalid } = current;
  if (current.rosterValid) return { kind: "ok", governance, roster, currentlyInvalid };
  if (waits) deps.log.warn({ repo: `${repo.owner}/${repo.repo}` }, `the roster is invalid; ${waits} until it is fixed`);
  return { kind: "roster-invalid", governance, roster, currentlyInvalid };
}

/** The words for a person when there is no ladder to act on (absent or unavailable). */
export function noLadderReply(current: Extract<NotInForce, { kind: "absent" | "unavailable" }>): string {
  return current.kind === "absent"
    ? "This repository has no `.github/governance.yml`, so there is no ladder to measure against yet."
    : `No ladder is in force here: ${current.reason}.`;
}
