/**
 * Where an open proposal stands: pending, approved or expired, with the
 * reasons in words (plain text; renderers escape what they show). Pure: the
 * clock is passed in. Rejection and withdrawal are commands, not states the
 * facts drift into, so the command handlers decide them, not this.
 *
 * Expiry: a proposal opened at `openedAt` expires `expires_after` later, at
 * `expiresAt` exactly (from then on it is expired). A sweep may run late, so
 * at or after expiry a proposal is still approved when the approvals that
 * reached the quorum were all given before `expiresAt` (their `createdAt`
 * shows it); approvals of unknown time count only before expiry.
 */
import { parseDuration } from "../config/duration.js";
import type { Tally } from "./tally.js";

export interface OpenProposal {
  candidate: string;
  role: string;
  /** When the proposal issue was opened, ISO-8601. */
  openedAt: string;
  /** `promotion.expires_after`, e.g. "30d". */
  expiresAfter: string;
}

export type ProposalStatus = "pending" | "approved" | "expired";

export interface ProposalState {
  status: ProposalStatus;
  /** Why, one sentence each, most important first. */
  reasons: string[];
  /** When the proposal expires (or expired), ISO-8601. */
  expiresAt: string;
}

/**
 * `openedAt` + `expiresAfter`. Throws on an unparseable date or duration
 * (the schema has validated the duration; the date comes from GitHub).
 */
export function proposalExpiresAt(openedAt: string, expiresAfter: string): Date {
  const opened = Date.parse(openedAt);
  if (!Number.isFinite(opened)) throw new RangeError(`proposal opened at ${JSON.stringify(openedAt)}: not a date`);
  return new Date(opened + parseDuration(expiresAfter));
}

/** The state of `proposal` given its current `tally`, at `now`. See the module comment. */
export function proposalState(proposal: OpenProposal, tally: Tally, now: Date): ProposalState {
  const expires = proposalExpiresAt(proposal.openedAt, proposal.expiresAfter);
  const expiresAt = expires.toISOString();
  const count = `${tally.approvals.length} of ${tally.quorum} approvals`;
  const beforeExpiry = now.getTime() < expires.getTime();

  if (tally.blocked) {
    const who = tally.objections.map((o) => o.login).join(", ");
    const held = `held by ${tally.objections.length === 1 ? "an objection" : "objections"} from ${who}`;
    return beforeExpiry
      ? { status: "pending", reasons: [`${count}, ${held}`], expiresAt }
      : { status: "expired", reasons: [`no decision by ${day(expiresAt)}: ${count}, ${held}`], expiresAt };
  }
  if (tally.approved) {
    const inTime = tally.approvals.filter((a) => a.createdAt !== undefined && Date.parse(a.createdAt) < expires.getTime());
    if (beforeExpiry || inTime.length >= tally.quorum) {
      return { status: "approved", reasons: [`${count}: ${tally.approvals.map((a) => a.login).join(", ")}`], expiresAt };
    }
  }
  if (!beforeExpiry) {
    return { status: "expired", reasons: [`no decision by ${day(expiresAt)} (${proposal.expiresAfter} after it was opened): ${count}`], expiresAt };
  }
  const reasons = [`waiting for approvals: ${count}`];
  if (!tally.reachable) {
    reasons.push(
      `only ${tally.eligible.length} ${tally.eligible.length === 1 ? "person" : "people"} may approve, fewer than the quorum of ${tally.quorum}: more people need an approver role, or the ladder a lower quorum`,
    );
  }
  return { status: "pending", reasons, expiresAt };
}

function day(iso: string): string {
  return iso.slice(0, 10);
}
