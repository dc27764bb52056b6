/**
 * The tally of an appeal's votes (SPEC "Appeals"): `/uphold` and
 * `/overturn <reason>` by panel members.
 *
 * - Only panel members vote; anyone else's vote is listed as ignored
 *   (`not-on-panel`) so the reply and the status comment can say so.
 * - A later vote by the same person replaces the earlier one (the order of
 *   `votes` is the order they were cast).
 * - A panel member who no longer holds an approver role stops counting
 *   (`lost-role`), and their seat no longer counts towards what is still
 *   possible: the tally says so instead of waiting for them.
 * - `appeals.quorum` overturn votes overturn. The decision is upheld once
 *   overturning can no longer reach the quorum (the overturns plus the
 *   members yet to vote fall short of it), or once a majority of the seated
 *   panel upholds. Otherwise it is pending. The caller applies an outcome
 *   once; it is final (later votes change nothing).
 */

export type AppealVoteKind = "uphold" | "overturn";

export interface AppealVote {
  login: string;
  vote: AppealVoteKind;
  /** The `/overturn` reason as written (escaped when rendered); null for `/uphold`. */
  reason: string | null;
  /** ISO-8601, for the log. */
  at: string;
}

export interface IgnoredAppealVote {
  login: string;
  why: "not-on-panel" | "lost-role" | "replaced";
}

export interface AppealTally {
  /** The vote that counts for each seated member who still may vote, in panel order. */
  counted: AppealVote[];
  ignored: IgnoredAppealVote[];
  overturn: number;
  uphold: number;
  /** Seated members who may still vote and have not. */
  waiting: string[];
  /** Seated members who lost the approver role meanwhile. */
  lostRole: string[];
  quorum: number;
  outcome: "overturned" | "upheld" | "pending";
}

export interface AppealTallyInput {
  /** The seated panel (from the filing). */
  panel: readonly string[];
  /** Every vote cast, oldest first. */
  votes: readonly AppealVote[];
  /** Holders of an approver role now (any case). */
  approvers: readonly string[];
  /** `appeals.quorum`. */
  quorum: number;
}

const key = (login: string) => login.toLowerCase();

export function tallyAppeal(input: AppealTallyInput): AppealTally {
  const seated = new Map(input.panel.map((l) => [key(l), l]));
  const holders = new Set(input.approvers.map(key));
  const lostRole = input.panel.filter((l) => !holders.has(key(l)));
  const ignored: IgnoredAppealVote[] = [];
  const latest = new Map<string, AppealVote>();
  for (const v of input.votes) {
    const k = key(v.login);
    if (!seated.has(k)) ignored.push({ login: v.login, why: "not-on-panel" });
    else if (!holders.has(k)) ignored.push({ login: v.login, why: "lost-role" });
    else {
      if (latest.has(k)) ignored.push({ login: latest.get(k)!.login, why: "replaced" });
      latest.set(k, v);
    }
  }
  const voting = input.panel.filter((l) => holders.has(key(l)));
  const counted = voting.flatMap((l) => latest.get(key(l)) ?? []);
  const overturn = counted.filter((v) => v.vote === "overturn").length;
  const uphold = counted.length - overturn;
  const waiting = voting.filter((l) => !latest.has(key(l)));
  const quorum = Math.max(1, input.quorum);
  const outcome = overturn >= quorum ? "overturned" : overturn + waiting.length < quorum || uphold > input.panel.length / 2 ? "upheld" : "pending";
  return { counted, ignored, overturn, uphold, waiting, lostRole, quorum, outcome };
}
