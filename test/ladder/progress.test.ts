import { describe, expect, it } from "@jest/globals";
import { measureOne } from "../../src/ladder/measure.js";
import { progressBetween } from "../../src/ladder/progress.js";
import type { Ledger } from "../../src/ladder/standing.js";
import { EMPTY_ROSTER, NOW, pr, review, roster, smallLadder } from "./builders.js";

// smallLadder: member 2 PRs/30d; reviewer 3 PRs + 2 reviews/30d + 10d tenure; maintainer 3 reviews + 20d as reviewer.
const GOV = smallLadder();

function standing(login: string, ledger: Ledger, r = EMPTY_ROSTER) {
  return measureOne(login, ledger, GOV, r, NOW);
}

const first = pr("ana", 20, { number: 1 });
const second = pr("ana", 1, { number: 2 });
const third = pr("ana", 0, { number: 3 });
const rev = (n: number) => review("ana", "bo", 2 + n, { prNumber: 500 + n, id: 700 + n });

describe("progressBetween", () => {
  it("announces becoming eligible for the next rung", () => {
    const before = standing("ana", { pullRequests: [first], reviews: [] });
    const after = standing("ana", { pullRequests: [first, second], reviews: [] });
    expect(progressBetween(before, after)).toEqual({ kind: "eligible", login: "ana", role: "member" });
  });

  it("announces being one requirement away, with the requirement", () => {
    const member = roster([["ana", "member", 40]]);
    const before = standing("ana", { pullRequests: [first, second], reviews: [rev(1)] }, member);
    const after = standing("ana", { pullRequests: [first, second, third], reviews: [rev(1)] }, member);
    expect(before.missingForNext).toBe(2);
    expect(progressBetween(before, after)).toMatchObject({ kind: "one-away", role: "reviewer", missing: { key: "reviews", measured: 1, threshold: 2 } });
  });

  it.each([
    ["no change", { pullRequests: [first], reviews: [] }, { pullRequests: [first], reviews: [] }],
    ["still one requirement away (0 PRs, then 1, of 2)", { pullRequests: [], reviews: [] }, { pullRequests: [first], reviews: [] }],
    ["already eligible before", { pullRequests: [first, second], reviews: [] }, { pullRequests: [first, second, third], reviews: [] }],
    ["going backwards", { pullRequests: [first, second], reviews: [] }, { pullRequests: [first], reviews: [] }],
  ])("stays quiet on %s", (_name, beforeLedger, afterLedger) => {
    expect(progressBetween(standing("ana", beforeLedger), standing("ana", afterLedger))).toBeNull();
  });

  it("stays quiet for excluded accounts and rungs by nomination only", () => {
    const bot = (n: number) => standing("renovate[bot]", { pullRequests: Array.from({ length: n }, (_, i) => pr("renovate[bot]", i + 1)), reviews: [] });
    expect(progressBetween(bot(0), bot(2))).toBeNull();
    const nominationOnly = { ...GOV, ladder: [{ ...GOV.ladder[0]!, requires: {} }] };
    const s = measureOne("ana", { pullRequests: [first, second], reviews: [] }, nominationOnly, EMPTY_ROSTER, NOW);
    expect(progressBetween(measureOne("ana", { pullRequests: [], reviews: [] }, nominationOnly, EMPTY_ROSTER, NOW), s)).toBeNull();
  });

  it("announces again towards a new rung after a promotion", () => {
    const before = standing("ana", { pullRequests: [first, second, third], reviews: [rev(1), rev(2)] });
    const after = standing("ana", { pullRequests: [first, second, third], reviews: [rev(1), rev(2)] }, roster([["ana", "member", 40]]));
    expect(before.eligibleFor).toBe("member");
    expect(progressBetween(before, after)).toEqual({ kind: "eligible", login: "ana", role: "reviewer" });
  });
});
