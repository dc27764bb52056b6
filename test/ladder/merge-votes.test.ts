import { describe, expect, it } from "@jest/globals";
import type { PullReview } from "../../src/ladder/merge-votes.js";
import { judgeMerge, mergeVotes } from "../../src/ladder/merge-votes.js";
import type { Reaction } from "../../src/ladder/tally.js";
import { roster, specLadder } from "./builders.js";

const GOV = specLadder(); // approvers: [maintainer], quorum 2, objection: block
const ROSTER = roster([
  ["mia", "maintainer", 400],
  ["max", "maintainer", 300],
  ["mo", "maintainer", 200],
  ["rita", "reviewer", 100],
  ["cand", "member", 30],
]);
const rv = (login: string, state: string, type = "User"): PullReview => ({ login, type, state });
const user = (login: string) => ({ login, type: login.endsWith("[bot]") ? "Bot" : "User" });
const up = (login: string): Reaction => ({ login, type: "User", content: "+1" });

describe("mergeVotes", () => {
  it("keeps each reviewer's latest review that says something, and counts the merger once as approving", () => {
    const votes = mergeVotes({
      mergedBy: user("mo"),
      reviews: [rv("mia", "CHANGES_REQUESTED"), rv("mia", "COMMENTED"), rv("max", "APPROVED"), rv("max", "DISMISSED"), rv("mo", "CHANGES_REQUESTED"), rv("rita", "APPROVED")],
      reactions: [up("max")],
    });
    expect(votes.map((v) => `${v.login}${v.content}`)).toEqual(["mia-1", "rita+1", "mo+1", "max+1"]);
  });
});

describe("judgeMerge", () => {
  const judge = (mergedBy: string | null, reviews: PullReview[], over: { reactions?: Reaction[]; headIsOurs?: boolean; quorum?: number } = {}) =>
    judgeMerge(
      { mergedBy: mergedBy ? user(mergedBy) : null, reviews, reactions: over.reactions ?? [], headIsOurs: over.headIsOurs ?? true },
      { roster: ROSTER, governance: over.quorum ? { ...GOV, promotion: { ...GOV.promotion, quorum: over.quorum } } : GOV, candidate: "cand" },
    );

  it.each<[string, string | null, PullReview[], { quorum?: number; reactions?: Reaction[]; headIsOurs?: boolean }, boolean, string]>([
    ["an approver's merge with quorum 1", "mia", [], { quorum: 1 }, true, ""],
    ["an approver's merge and another approver's approving review", "mia", [rv("max", "APPROVED")], {}, true, ""],
    ["an approver's merge and a 👍 on the issue (either)", "mia", [], { reactions: [up("max")] }, true, ""],
    ["an admin's merge after two approvers approved", "root", [rv("max", "APPROVED"), rv("mo", "APPROVED")], {}, true, ""],
    ["an approver's merge alone with quorum 2", "mia", [], {}, false, "1 of 2 approvals"],
    ["an admin's merge with one approving review", "root", [rv("max", "APPROVED")], {}, false, "root holds no approver role; 1 of 2 approvals"],
    ["a reviewer-role merge (not an approver role)", "rita", [rv("max", "APPROVED")], {}, false, "rita holds no approver role; 1 of 2 approvals"],
    ["the candidate's own merge", "cand", [rv("max", "APPROVED"), rv("cand", "APPROVED")], {}, false, "cand is the candidate; 1 of 2 approvals"],
    ["a bot's merge", "merge-queue[bot]", [rv("max", "APPROVED")], {}, false, "merge-queue[bot] is a bot; 1 of 2 approvals"],
    ["a merge while an approver requests changes", "mia", [rv("max", "APPROVED"), rv("mo", "CHANGES_REQUESTED")], {}, false, "held by an objection from mo"],
    ["a merge with someone else's commits on the branch", "mia", [rv("max", "APPROVED")], { headIsOurs: false }, false, "the merged branch had commits not made by Stewards"],
    ["a merge GitHub names no merger for", null, [rv("max", "APPROVED"), rv("mo", "APPROVED")], {}, true, ""],
  ])("%s", (_name, mergedBy, reviews, over, approved, why) => {
    const verdict = judge(mergedBy, reviews, over);
    expect({ approved: verdict.approved, why: verdict.why }).toEqual({ approved, why });
  });

  it("counts the approvals it names, at decision time", () => {
    const verdict = judge("mia", [rv("max", "APPROVED"), rv("rita", "APPROVED")]);
    expect(verdict.tally.approvals.map((v) => v.login)).toEqual(["max", "mia"]);
    expect(verdict.tally.ignored).toEqual([{ login: "rita", content: "+1", why: "not-an-approver", role: "reviewer" }]);
  });
});
