import { describe, expect, it } from "@jest/globals";
import { parseRoster } from "../../src/config/parse-roster.js";
import type { RosterChange } from "../../src/plan/roster-edit.js";
import { applyRosterChange, fillDecisionIds, ROSTER_HEADER } from "../../src/plan/roster-edit.js";
import { specLadder } from "../ladder/builders.js";

const GOV = specLadder();
const on = { since: "2026-12-01", decision: "D-0042" };

const ROSTER = `# Who holds which role.
members:   # current holders
  # the founders
  - login: alice   # founder
    role: maintainer
    since: 2024-01-15
    decision: D-0001

  - { login: "bob", role: maintainer, since: '2024-02-01', decision: D-0002 }
  - login: Dana
    role: member
    since: "2025-03-01"
emeritus: []   # nobody yet
# trailing comment
`;

function ok(text: string | null, change: RosterChange) {
  const result = applyRosterChange(text, change, GOV);
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  // Whatever the path, the text is a valid roster that parses to the roster returned.
  const reparsed = parseRoster(result.text, GOV);
  expect(reparsed.ok && reparsed.roster).toEqual(result.roster);
  return result;
}

/** Lines of `after` that are not in `before` (a line-set diff, enough to show what an edit touched). */
function newLines(before: string, after: string): string[] {
  const old = new Set(before.split("\n"));
  return after.split("\n").filter((l) => !old.has(l));
}

describe("applyRosterChange: editing in place", () => {
  it("creates the roster from nothing", () => {
    const r = ok(null, { kind: "grant", login: "alice", role: "member", ...on });
    expect(r.text).toMatchInlineSnapshot(`
"# Who holds which role on the ladder of .github/governance.yml.
# Maintained by Stewards through commits; change it by pull request. Every change is a decision in the governance log.
members:
  - login: alice
    role: member
    since: 2026-12-01
    decision: D-0042
emeritus: []
"
`);
    expect(r.text.startsWith(ROSTER_HEADER)).toBe(true);
    expect([r.from, r.to]).toEqual([null, "member"]);
    expect(ok("", { kind: "grant", login: "alice", role: "member", ...on }).text).toBe(r.text);
  });

  it("adds a new member after the last one with its indentation, touching nothing else", () => {
    const r = ok(ROSTER, { kind: "grant", login: "erin", role: "member", ...on });
    expect(r.text).toBe(
      ROSTER.replace('    since: "2025-03-01"\n', '    since: "2025-03-01"\n  - login: erin\n    role: member\n    since: 2026-12-01\n    decision: D-0042\n'),
    );
    expect(r.roster.members.map((m) => m.login)).toEqual(["alice", "bob", "Dana", "erin"]);
  });

  it("promotes in place: only the values that change, plus a missing decision line", () => {
    const r = ok(ROSTER, { kind: "grant", login: "dana", role: "reviewer", ...on });
    expect(newLines(ROSTER, r.text)).toEqual(["    role: reviewer", "    since: 2026-12-01", "    decision: D-0042"]);
    expect(r.text.split("\n")).toHaveLength(ROSTER.split("\n").length + 1);
    expect(r.roster.members[2]).toEqual({ login: "Dana", role: "reviewer", since: "2026-12-01", decision: "D-0042" });
    expect([r.from, r.to]).toEqual(["member", "reviewer"]);
  });

  it("rewrites a flow-style entry as a flow map", () => {
    const r = ok(ROSTER, { kind: "step-down", login: "bob", role: null, ...on });
    expect(newLines(ROSTER, r.text)).toEqual(['  - { login: "bob", role: reviewer, since: 2026-12-01, decision: D-0042 }']);
    expect([r.from, r.to]).toEqual(["maintainer", "reviewer"]);
  });

  it("moves a member to emeritus, turning `emeritus: []` into a list", () => {
    const r = ok(ROSTER, { kind: "emeritus", login: "alice", ...on });
    expect(r.text).toMatchInlineSnapshot(`
"# Who holds which role.
members:   # current holders
  # the founders

  - { login: "bob", role: maintainer, since: '2024-02-01', decision: D-0002 }
  - login: Dana
    role: member
    since: "2025-03-01"
emeritus:
  - login: alice
    role: maintainer
    since: 2026-12-01
    decision: D-0042
# trailing comment
"
`);
    expect([r.from, r.to]).toEqual(["maintainer", null]);
  });

  it("steps down from the lowest rung to emeritus, appending to an existing emeritus list", () => {
    const text = "members:\n- login: a\n  role: maintainer\n  since: 2024-01-01\n- login: m\n  role: member\n  since: 2024-01-01\nemeritus:\n- login: z\n  role: member\n  since: 2020-01-01\n";
    const r = ok(text, { kind: "step-down", login: "m", role: "member", ...on });
    expect(r.text).toBe(
      "members:\n- login: a\n  role: maintainer\n  since: 2024-01-01\nemeritus:\n- login: z\n  role: member\n  since: 2020-01-01\n- login: m\n  role: member\n  since: 2026-12-01\n  decision: D-0042\n",
    );
  });

  it("takes a returning holder off the emeritus list", () => {
    const text = "members:\n  - login: a\n    role: maintainer\n    since: 2024-01-01\nemeritus:\n  - login: carol\n    role: maintainer\n    since: 2025-01-01\n  - login: zed\n    role: member\n    since: 2025-01-01\n";
    const r = ok(text, { kind: "grant", login: "Carol", role: "member", ...on });
    expect(r.roster).toEqual({
      members: [
        { login: "a", role: "maintainer", since: "2024-01-01" },
        { login: "Carol", role: "member", ...on },
      ],
      emeritus: [{ login: "zed", role: "member", since: "2025-01-01" }],
    });
    expect(r.text).toContain("emeritus:\n  - login: zed\n");
  });

  it("adds the members key to a file that has only comments or no lists", () => {
    expect(ok("# just a comment\n", { kind: "grant", login: "a", role: "member", ...on }).text).toBe(
      "# just a comment\nmembers:\n  - login: a\n    role: member\n    since: 2026-12-01\n    decision: D-0042\n",
    );
    expect(ok("emeritus:", { kind: "grant", login: "a", role: "member", ...on }).text).toBe(
      "emeritus:\nmembers:\n  - login: a\n    role: member\n    since: 2026-12-01\n    decision: D-0042\n",
    );
  });

  it("keeps CRLF line endings", () => {
    const r = ok("members:\r\n  - login: a\r\n    role: maintainer\r\n    since: 2024-01-01\r\n", { kind: "grant", login: "b", role: "member", ...on });
    expect(r.text.replace(/\r\n/g, "")).not.toContain("\n");
    expect(r.roster.members.map((m) => m.login)).toEqual(["a", "b"]);
  });

  it("falls back to editing the document for shapes it does not splice, with the same result", () => {
    const text = "# flow\nmembers: [{login: a, role: maintainer, since: 2024-01-01}, {login: b, role: member, since: 2024-01-01}]\n";
    const r = ok(text, { kind: "emeritus", login: "b", ...on });
    expect(r.roster).toEqual({ members: [{ login: "a", role: "maintainer", since: "2024-01-01" }], emeritus: [{ login: "b", role: "member", ...on }] });
    expect(r.text).toContain("# flow");
    const aliased = "members:\n  - login: a\n    role: maintainer\n    since: &d 2024-01-01\n  - login: b\n    role: member\n    since: *d\n";
    const r2 = ok(aliased, { kind: "grant", login: "b", role: "reviewer", ...on });
    expect(r2.roster.members).toEqual([{ login: "a", role: "maintainer", since: "2024-01-01" }, { login: "b", role: "reviewer", ...on }]);
  });
});

describe("applyRosterChange: refusals", () => {
  it.each<[string, string | null, RosterChange, string]>([
    ["a role already held", ROSTER, { kind: "grant", login: "ALICE", role: "maintainer", ...on }, "already-held"],
    ["a role implied by the one held", ROSTER, { kind: "grant", login: "alice", role: "member", ...on }, "already-held"],
    ["a role not on the ladder", ROSTER, { kind: "grant", login: "erin", role: "owner", ...on }, "unknown-role"],
    ["stepping down without a role", ROSTER, { kind: "step-down", login: "erin", role: null, ...on }, "not-a-member"],
    ["emeritus of nobody", null, { kind: "emeritus", login: "erin", ...on }, "not-a-member"],
    ["stepping down from a role not held", ROSTER, { kind: "step-down", login: "dana", role: "reviewer", ...on }, "role-not-held"],
    ["a bad login", ROSTER, { kind: "grant", login: "@erin", role: "member", ...on }, "invalid-change"],
    ["a bad date", ROSTER, { kind: "grant", login: "erin", role: "member", since: "1 Dec", decision: "D-0042" }, "invalid-change"],
    ["a bad decision id", ROSTER, { kind: "grant", login: "erin", role: "member", since: "2026-12-01", decision: "42" }, "invalid-change"],
    ["a roster that does not parse", "members: [", { kind: "grant", login: "erin", role: "member", ...on }, "invalid-roster"],
    ["a roster naming an unknown role", "members:\n  - login: a\n    role: boss\n    since: 2024-01-01\n", { kind: "grant", login: "erin", role: "member", ...on }, "invalid-roster"],
  ])("refuses %s", (_name, text, change, code) => {
    const r = applyRosterChange(text, change, GOV);
    expect(r).toEqual({ ok: false, error: { code, message: expect.any(String) } });
  });

  it("never takes away the last holder of the top role", () => {
    const one = "members:\n  - login: a\n    role: maintainer\n    since: 2024-01-01\n";
    for (const change of [{ kind: "emeritus", login: "a", ...on }, { kind: "step-down", login: "a", role: null, ...on }] as RosterChange[]) {
      const r = applyRosterChange(one, change, GOV);
      expect(r.ok === false && r.error.code).toBe("last-top-holder");
    }
    // With a second maintainer it is allowed.
    expect(ok(ROSTER, { kind: "emeritus", login: "bob", ...on }).roster.members.map((m) => m.login)).toEqual(["alice", "Dana"]);
  });

  it("says where a broken roster is broken", () => {
    const r = applyRosterChange("members:\n  - login: a\n    role: boss\n    since: 2024-01-01\n", { kind: "grant", login: "b", role: "member", ...on }, GOV);
    expect(r.ok === false && r.error.message).toMatch(/line 3.*`boss` is not a role/);
  });
});

describe("fillDecisionIds (after a hand edit is logged)", () => {
  it("writes the id into the entries that have none, and leaves every other byte alone", () => {
    const text = `${ROSTER.replace("emeritus: []   # nobody yet", "emeritus:\n  - login: carol\n    role: maintainer\n    since: 2026-06-01")}`;
    const out = fillDecisionIds(
      text,
      [
        { login: "dana", list: "members", decision: "D-0043" },
        { login: "carol", list: "emeritus", decision: "D-0044" },
        // alice names her decision already: her words stay.
        { login: "alice", list: "members", decision: "D-0045" },
        // not on that list: nothing to fill.
        { login: "carol", list: "members", decision: "D-0046" },
      ],
      GOV,
    );
    expect(out?.filled.map((f) => f.decision)).toEqual(["D-0043", "D-0044"]);
    expect(newLines(text, out!.text)).toEqual(["    decision: D-0043", "    decision: D-0044"]);
    expect(out!.text.replace(/\n {4}decision: D-004[34]/g, "")).toBe(text);
  });

  it("returns null when there is nothing to fill or the roster is invalid", () => {
    expect(fillDecisionIds(ROSTER, [{ login: "alice", list: "members", decision: "D-0045" }], GOV)).toBeNull();
    expect(fillDecisionIds("members: [", [{ login: "alice", list: "members", decision: "D-0045" }], GOV)).toBeNull();
  });
});

describe("applyRosterChange: a promotion pull request's grant, then its decision", () => {
  const day = { since: "2026-12-01" };
  const DANA = '    since: "2025-03-01"\n';
  const STAMPED = ROSTER.replace(DANA, `${DANA}  - login: erin\n    role: member   # via the sponsorship\n    since: 2025-06-01\n    decision: D-0003\n  - { login: fay, role: member, since: '2025-01-01', decision: D-0005 }\n`);

  it("grants without a decision id: no decision line for a new member", () => {
    const r = ok(ROSTER, { kind: "grant", login: "erin", role: "member", ...day });
    expect(r.text).toBe(ROSTER.replace(DANA, `${DANA}  - login: erin\n    role: member\n    since: 2026-12-01\n`));
    expect(r.roster.members[3]).toEqual({ login: "erin", role: "member", since: "2026-12-01" });
  });

  it("drops the old role's decision line when it grants a higher role without one, in block and flow entries", () => {
    const block = ok(STAMPED, { kind: "grant", login: "erin", role: "reviewer", ...day });
    expect(block.text).toBe(STAMPED.replace("    role: member   # via the sponsorship\n    since: 2025-06-01\n    decision: D-0003\n", "    role: reviewer   # via the sponsorship\n    since: 2026-12-01\n"));
    const flow = ok(STAMPED, { kind: "grant", login: "fay", role: "reviewer", ...day });
    expect(newLines(STAMPED, flow.text)).toEqual(["  - { login: fay, role: reviewer, since: 2026-12-01 }"]);
  });

  it("records the decision and the day of the merge on the entry the merge added", () => {
    const granted = ok(ROSTER, { kind: "grant", login: "erin", role: "member", ...day }).text;
    const r = ok(granted, { kind: "record-decision", login: "Erin", role: "member", since: "2026-12-03", decision: "D-0044" });
    expect(newLines(granted, r.text)).toEqual(["    since: 2026-12-03", "    decision: D-0044"]);
    expect(r.roster.members[3]).toEqual({ login: "erin", role: "member", since: "2026-12-03", decision: "D-0044" });
    expect([r.from, r.to]).toEqual(["member", "member"]);
  });

  it.each<[string, RosterChange, string]>([
    ["someone not on the roster", { kind: "record-decision", login: "zed", role: "member", since: "2026-12-03", decision: "D-0044" }, "not-a-member"],
    ["a role other than the one held", { kind: "record-decision", login: "dana", role: "reviewer", since: "2026-12-03", decision: "D-0044" }, "role-not-held"],
    ["a bad decision id", { kind: "record-decision", login: "dana", role: "member", since: "2026-12-03", decision: "44" }, "invalid-change"],
  ])("refuses to record a decision for %s", (_name, change, code) => {
    expect(applyRosterChange(ROSTER, change, GOV)).toEqual({ ok: false, error: { code, message: expect.any(String) } });
  });
});

describe("applyRosterChange: revoking an overturned grant", () => {
  it("puts the person back to the role held before, or off the roster (not emeritus) when they held none", () => {
    const back = ok(ROSTER, { kind: "revoke", login: "bob", role: "maintainer", to: "reviewer", ...on });
    expect(back.roster.members.find((m) => m.login === "bob")).toEqual({ login: "bob", role: "reviewer", since: "2026-12-01", decision: "D-0042" });
    expect([back.from, back.to]).toEqual(["maintainer", "reviewer"]);
    const off = ok(ROSTER, { kind: "revoke", login: "dana", role: "member", to: null, ...on });
    expect(off.roster.members.map((m) => m.login)).toEqual(["alice", "bob"]);
    expect(off.roster.emeritus).toEqual([]);
    expect([off.from, off.to]).toEqual(["member", null]);
  });

  it.each([
    { name: "a role not held", change: { kind: "revoke" as const, login: "dana", role: "reviewer", to: null, ...on }, code: "role-not-held" },
    { name: "someone off the roster", change: { kind: "revoke" as const, login: "zed", role: "member", to: null, ...on }, code: "not-a-member" },
    { name: "'back' to a role that is not below", change: { kind: "revoke" as const, login: "bob", role: "maintainer", to: "maintainer", ...on }, code: "invalid-change" },
  ])("refuses $name", ({ change, code }) => {
    const r = applyRosterChange(ROSTER, change, GOV);
    expect(r.ok ? null : r.error.code).toBe(code);
  });

  it("never the last holder of the top role", () => {
    const solo = "members:\n  - login: alice\n    role: maintainer\n    since: 2024-01-15\n";
    const r = applyRosterChange(solo, { kind: "revoke", login: "alice", role: "maintainer", to: null, ...on }, GOV);
    expect(r.ok ? null : r.error.code).toBe("last-top-holder");
  });
});
