import { describe, expect, it } from "@jest/globals";
import { approvesByPullRequest, approvesByReaction, parsePromotionBranch, promotionBranch } from "../../src/plan/approval-modes.js";

describe("promotion branches", () => {
  it("names the branch for the person (lower case) and role, and reads it back", () => {
    expect(promotionBranch("Ana-B", "maintainer")).toBe("stewards/promote/ana-b/maintainer");
    expect(parsePromotionBranch("stewards/promote/ana-b/maintainer")).toEqual({ login: "ana-b", role: "maintainer" });
    expect(parsePromotionBranch("refs/heads/stewards/promote/ana/core_team")).toEqual({ login: "ana", role: "core_team" });
  });

  it.each(["main", "stewards/promote/ana", "stewards/promote/ana/member/x", "stewards/promote/-ana/member", "stewards/promote/ana/Member", "feature/stewards/promote/ana/member"])(
    "is not a promotion branch: %s",
    (ref) => {
      expect(parsePromotionBranch(ref)).toBeNull();
    },
  );

  it.each([
    ["reaction", false, true],
    ["pull_request", true, false],
    ["either", true, true],
  ] as const)("approve_with: %s → pull request %s, reactions %s", (approveWith, byPull, byReaction) => {
    const gov = { promotion: { approve_with: approveWith } } as Parameters<typeof approvesByPullRequest>[0];
    expect([approvesByPullRequest(gov), approvesByReaction(gov)]).toEqual([byPull, byReaction]);
  });
});
