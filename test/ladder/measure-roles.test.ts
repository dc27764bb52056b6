import { describe, expect, it } from "@jest/globals";
import type { Roster } from "../../src/config/schema.js";
import type { Ledger } from "../../src/ladder/measure.js";
import { measureAll, measureOne } from "../../src/ladder/measure.js";
import { EMPTY_ROSTER, NOW, pr, prs, review, reviews, roster, smallLadder } from "./builders.js";

const nothing: Ledger = { pullRequests: [], reviews: [] };

describe("time_in_role (maintainer: 20d as reviewer)", () => {
  const timeInRole = (r: Roster) =>
    measureOne("ana", nothing, smallLadder(), r, NOW).rungs[2]?.requirements.find((q) => q.key === "time_in_role");

  it.each([
    ["reviewer for exactly 20 days", roster([["ana", "reviewer", 20]]), 20, true, false],
    ["reviewer for 19 days", roster([["ana", "reviewer", 19]]), 19, false, false],
    ["reviewer since a future date", roster([["ana", "reviewer", -5]]), 0, false, false],
    ["member (below the role below) for 400 days", roster([["ana", "member", 400]]), 0, false, false],
    ["no role", EMPTY_ROSTER, 0, false, false],
    ["emeritus reviewer for 400 days", roster([], [["ana", "reviewer", 400]]), 0, false, false],
    ["maintainer (higher) for 3 days", roster([["ana", "maintainer", 3]]), 3, true, true],
  ])("%s", (_name, r, measured, met, holdsHigher) => {
    expect(timeInRole(r)).toMatchObject({ measured, met, holdsHigher, roleBelow: "reviewer", threshold: 20, unit: "days" });
  });

  it("is met by definition on the lowest rung, which has no role below", () => {
    const governance = smallLadder({ ladder: [{ role: "member", requires: { time_in_role: "30d" } }] });
    const s = measureOne("ana", nothing, governance, EMPTY_ROSTER, NOW);
    expect(s.rungs[0]?.requirements[0]).toMatchObject({ key: "time_in_role", met: true, roleBelow: null });
  });
});

describe("roles, next rung and eligibility", () => {
  const strongLedger: Ledger = { pullRequests: prs("ana", 5), reviews: reviews("ana", 5) };
  // ana has 5 PRs and 5 reviews in the last 30 days, first contribution 5 days ago (tenure 10d unmet).
  const tenured: Ledger = { pullRequests: [...prs("ana", 5), pr("ana", 60)], reviews: reviews("ana", 5) };

  it.each([
    ["no role, nothing done", nothing, EMPTY_ROSTER, null, ["unmet", "unmet", "unmet"], "member", null, 1],
    ["no role, member met", { pullRequests: prs("ana", 2), reviews: [] }, EMPTY_ROSTER, null, ["met", "unmet", "unmet"], "member", "member", 0],
    // Promotions go one rung at a time: reviewer is met too, but member is proposed.
    ["no role, member and reviewer met", tenured, EMPTY_ROSTER, null, ["met", "met", "unmet"], "member", "member", 0],
    ["member, reviewer unmet on tenure only", strongLedger, roster([["ana", "member", 100]]), "member", ["held", "unmet", "unmet"], "reviewer", null, 1],
    ["member, reviewer met", tenured, roster([["ana", "member", 100]]), "member", ["held", "met", "unmet"], "reviewer", "reviewer", 0],
    ["reviewer (implies member), maintainer met", tenured, roster([["ana", "reviewer", 20]]), "reviewer", ["held", "held", "met"], "maintainer", "maintainer", 0],
    ["reviewer too recently, maintainer unmet", tenured, roster([["ana", "reviewer", 5]]), "reviewer", ["held", "held", "unmet"], "maintainer", null, 1],
    ["maintainer: the top rung, nothing next", nothing, roster([["ana", "maintainer", 1]]), "maintainer", ["held", "held", "held"], null, null, 0],
    ["emeritus maintainer counts as no role", nothing, roster([], [["ana", "maintainer", 1]]), null, ["unmet", "unmet", "unmet"], "member", null, 1],
    ["listed twice: the higher role holds", nothing, roster([["ana", "member", 50], ["ANA", "reviewer", 10]]), "reviewer", ["held", "held", "unmet"], "maintainer", null, 2],
    ["a role not on the ladder counts as none", nothing, roster([["ana", "triager", 50]]), null, ["unmet", "unmet", "unmet"], "member", null, 1],
  ])("%s", (_name, ledger, r, currentRole, statuses, next, eligibleFor, missingForNext) => {
    const s = measureOne("ana", ledger, smallLadder(), r, NOW);
    expect(s.currentRole).toBe(currentRole);
    expect(s.rungs.map((x) => x.status)).toEqual(statuses);
    expect(s.next?.role ?? null).toBe(next);
    expect(s.eligibleFor).toBe(eligibleFor);
    expect(s.missingForNext).toBe(missingForNext);
  });

  it("gives the roster's since for the current role", () => {
    const s = measureOne("ana", nothing, smallLadder(), roster([["ana", "reviewer", 20]]), NOW);
    expect([s.currentRole, s.currentRoleSince]).toEqual(["reviewer", "2025-05-12"]);
  });

  it("never proposes a rung that names no requirement (nomination only)", () => {
    const governance = smallLadder({ ladder: [{ role: "member", requires: { merged_prs: 1 } }, { role: "admin" }] });
    const s = measureOne("ana", { pullRequests: prs("ana", 3), reviews: [] }, governance, roster([["ana", "member", 10]]), NOW);
    expect(s.next).toMatchObject({ role: "admin", byNominationOnly: true, requirements: [] });
    expect([s.eligibleFor, s.missingForNext]).toEqual([null, 0]);
  });

  it("lists every rung lowest first, each with the requirements it names in a fixed order", () => {
    const s = measureOne("ana", nothing, smallLadder(), EMPTY_ROSTER, NOW);
    expect(s.rungs.map((r) => [r.role, r.index, r.requirements.map((q) => q.key)])).toEqual([
      ["member", 0, ["merged_prs"]],
      ["reviewer", 1, ["merged_prs", "reviews", "tenure"]],
      ["maintainer", 2, ["reviews", "time_in_role"]],
    ]);
  });
});

describe("measureAll", () => {
  const ledger: Ledger = {
    pullRequests: [...prs("zoe", 2), ...prs("Ana", 1), ...prs("dependabot[bot]", 4), ...prs("other-app[bot]", 1)],
    reviews: [review("Bo", "zoe", 1), review("github-actions[bot]", "zoe", 1)],
  };

  it("measures everyone in the ledger and on the roster, except bots, sorted by login", () => {
    const all = measureAll(ledger, smallLadder(), roster([["carol", "maintainer", 100]]), NOW);
    expect(all.map((s) => s.login)).toEqual(["Ana", "Bo", "carol", "zoe"]);
    expect(all.map((s) => s.eligibleFor)).toEqual([null, null, null, "member"]);
  });

  it("measures the logins asked, in order, once each, bots included when asked", () => {
    const all = measureAll(ledger, smallLadder(), EMPTY_ROSTER, NOW, { logins: ["zoe", "nobody", "ZOE", "dependabot[bot]"] });
    expect(all.map((s) => [s.login, s.excluded, s.rungs[0]?.requirements[0]?.measured])).toEqual([
      ["zoe", null, 2],
      ["nobody", null, 0],
      ["dependabot[bot]", "exclude_authors", 0],
    ]);
  });

  it("gives the same standing as measureOne", () => {
    const [fromAll] = measureAll(ledger, smallLadder(), EMPTY_ROSTER, NOW, { logins: ["zoe"] });
    expect(fromAll).toEqual(measureOne("zoe", ledger, smallLadder(), EMPTY_ROSTER, NOW));
  });

  it("keeps the newest evidence up to the limit and the full total", () => {
    const s = measureOne("ana", { pullRequests: prs("ana", 25), reviews: [] }, smallLadder(), EMPTY_ROSTER, NOW, { evidenceLimit: 3 });
    const merged = s.rungs[0]?.requirements[0];
    expect(merged?.evidenceTotal).toBe(25);
    expect(merged?.evidence.map((e) => e.date)).toEqual(["2025-05-31T00:00:00.000Z", "2025-05-30T00:00:00.000Z", "2025-05-29T00:00:00.000Z"]);
  });

  it("keeps 10 evidence items by default", () => {
    const s = measureOne("ana", { pullRequests: prs("ana", 25), reviews: [] }, smallLadder(), EMPTY_ROSTER, NOW);
    expect(s.rungs[0]?.requirements[0]?.evidence).toHaveLength(10);
  });

  it("does not depend on the order of the ledger", () => {
    const forward: Ledger = { pullRequests: prs("ana", 6), reviews: reviews("ana", 4) };
    const backward: Ledger = { pullRequests: [...forward.pullRequests].reverse(), reviews: [...forward.reviews].reverse() };
    expect(measureOne("ana", backward, smallLadder(), EMPTY_ROSTER, NOW)).toEqual(measureOne("ana", forward, smallLadder(), EMPTY_ROSTER, NOW));
  });

  it("stamps the clock it was measured at", () => {
    expect(measureOne("ana", nothing, smallLadder(), EMPTY_ROSTER, NOW).measuredAt).toBe("2025-06-01T00:00:00.000Z");
  });

  it("rejects an invalid clock instead of measuring nonsense", () => {
    expect(() => measureAll(nothing, smallLadder(), EMPTY_ROSTER, new Date(Number.NaN))).toThrow(/clock/);
  });
});
