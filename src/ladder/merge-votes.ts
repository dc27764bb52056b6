/**
 * Approval by merge (`promotion.approve_with: pull_request | either`): which
 * votes a merged promotion pull request carries, and whether they make the
 * merge a promotion. Pure.
 *
 * The rule (README "Approval by merge"):
 * - the person who merged counts as one approval — if they hold an approver
 *   role on the roster at decision time, are not the candidate and not a bot;
 * - each approver's latest review counts: APPROVED approves, CHANGES_REQUESTED
 *   objects, DISMISSED withdraws their earlier review, COMMENTED changes
 *   nothing (as GitHub reads reviews for required approvals);
 * - with `either`, 👍 and 👎 on the proposal issue count too;
 * - the quorum and `objection` apply as for reactions (tally.ts): a merge is
 *   a promotion only when the approvals reach the quorum with no standing
 *   objection, and the merged head is the commit the app made.
 * A merge that falls short is not undone — a person merged it, and the app
 * never takes away authority on its own judgment — but it is logged as a
 * *manual roster change*, naming who merged and why it was not a promotion,
 * so nothing is ever granted silently.
 */
import type { Governance, Roster } from "../config/schema.js";
import { tallyReactions, type Reaction, type Tally } from "./tally.js";

export interface PullReview {
  login: string;
  /** GitHub's `user.type`. */
  type: string;
  /** GitHub's review state: APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED, PENDING. */
  state: string;
  submittedAt?: string;
}

export interface MergeFacts {
  /** Who merged (null when GitHub does not say). */
  mergedBy: { login: string; type: string } | null;
  mergedAt?: string;
  /** The pull request's reviews, oldest first (as GitHub lists them). */
  reviews: readonly PullReview[];
  /** Reactions on the proposal issue (`either`); empty otherwise. */
  reactions: readonly Reaction[];
  /** The head that was merged is the commit the app made (nobody else pushed to the branch). */
  headIsOurs: boolean;
}

export interface MergeVerdict {
  tally: Tally;
  /** True: log a promotion. False: log a manual roster change, for `why`. */
  approved: boolean;
  /** Why the merge is not a promotion, in words (empty when approved). */
  why: string;
}

/** The votes the merge carries, as reactions for tally.ts: the merger's, each reviewer's latest, then the issue's. */
export function mergeVotes(facts: Pick<MergeFacts, "mergedBy" | "mergedAt" | "reviews" | "reactions">): Reaction[] {
  const latest = new Map<string, Reaction | null>();
  for (const r of facts.reviews) {
    const key = r.login.toLowerCase();
    const at = r.submittedAt !== undefined ? { createdAt: r.submittedAt } : {};
    if (r.state === "APPROVED") latest.set(key, { login: r.login, type: r.type, content: "+1", ...at });
    else if (r.state === "CHANGES_REQUESTED") latest.set(key, { login: r.login, type: r.type, content: "-1", ...at });
    else if (r.state === "DISMISSED") latest.set(key, null);
  }
  const votes: Reaction[] = [...latest.values()].filter((v): v is Reaction => v !== null);
  if (facts.mergedBy) {
    // Merging is approving, whatever the merger's own review said before.
    const key = facts.mergedBy.login.toLowerCase();
    const i = votes.findIndex((v) => v.login.toLowerCase() === key);
    if (i >= 0) votes.splice(i, 1);
    votes.push({ login: facts.mergedBy.login, type: facts.mergedBy.type, content: "+1", ...(facts.mergedAt ? { createdAt: facts.mergedAt } : {}) });
  }
  return [...votes, ...facts.reactions];
}

/** Whether the merge is a promotion, against the roster at decision time; see the module comment. */
export function judgeMerge(
  facts: MergeFacts,
  input: { roster: Roster; governance: Pick<Governance, "ladder" | "promotion">; candidate: string },
): MergeVerdict {
  const tally = tallyReactions({ reactions: mergeVotes(facts), roster: input.roster, governance: input.governance, candidate: input.candidate });
  const reasons: string[] = [];
  const merger = facts.mergedBy;
  if (merger) {
    const ignored = tally.ignored.find((i) => i.login.toLowerCase() === merger.login.toLowerCase() && i.content === "+1");
    if (ignored?.why === "candidate") reasons.push(`${merger.login} is the candidate`);
    else if (ignored?.why === "bot") reasons.push(`${merger.login} is a bot`);
    else if (ignored?.why === "not-an-approver") reasons.push(`${merger.login} holds no approver role`);
  }
  if (tally.blocked) reasons.push(`held by ${tally.objections.length === 1 ? "an objection" : "objections"} from ${tally.objections.map((o) => o.login).join(", ")}`);
  else if (!tally.approved) reasons.push(`${tally.approvals.length} of ${tally.quorum} approvals`);
  if (!facts.headIsOurs) reasons.push("the merged branch had commits not made by Stewards");
  const approved = tally.approved && facts.headIsOurs;
  return { tally, approved, why: approved ? "" : reasons.join("; ") };
}
