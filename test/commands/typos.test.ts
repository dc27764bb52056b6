import { closestKnown, editDistance, FOREIGN_COMMANDS } from "../../src/commands/typos.js";

const KNOWN = ["ladder", "appeal", "reject", "withdraw", "uphold", "overturn", "nominate", "step-down", "stewards"];

describe("editDistance", () => {
  it.each<[string, string, number]>([
    ["", "", 0],
    ["", "abc", 3],
    ["abc", "", 3],
    ["ladder", "ladder", 0],
    ["ladders", "ladder", 1],
    ["apeal", "appeal", 1],
    ["laddre", "ladder", 1],
    ["stepdown", "step-down", 1],
    ["retest", "reject", 2],
    ["hold", "uphold", 2],
    ["kitten", "sitting", 3],
    ["ca", "abc", 3], // optimal string alignment: no edits of a transposed pair
  ])("%j → %j is %i", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe("closestKnown", () => {
  it.each<[string, string | null]>([
    ["ladders", "ladder"],
    ["LADDERS", "ladder"],
    ["apeal", "appeal"],
    ["stepdown", "step-down"],
    ["ladr", null], // two edits, but short words get only one
    ["hold", null],
    ["unhold", null], // Prow's command, one edit from uphold
    ["retest", null], // Prow's command, two edits from reject
    ["x", null],
    ["a".repeat(41), null],
  ])("%j → %j", (word, expected) => {
    expect(closestKnown(word, KNOWN)).toBe(expected);
  });

  it("never claims another bot's command", () => {
    const claimed = [...FOREIGN_COMMANDS].filter((w) => closestKnown(w, KNOWN) !== null);
    expect(claimed).toEqual([]);
    expect([...FOREIGN_COMMANDS].filter((w) => KNOWN.includes(w))).toEqual([]);
  });
});
