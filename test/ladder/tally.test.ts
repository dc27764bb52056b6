import { describe, expect, it } from "@jest/globals";
import type { Governance } from "../../src/config/schema.js";
import type { Reaction } from "../../src/ladder/tally.js";
import { approverRoles, eligibleApprovers, tallyReactions } from "../../src/ladder/tally.js";
import { roster, smallLadder, specLadder } from "./builders.js";

const GOV = specLadder(); // approvers: [maintainer], quorum 2, objection: block
const ROSTER = roster([
  ["mia", "maintainer", 400],
  ["Max", "maintainer", 300],
  ["mo", "maintainer", 200],
  ["rita", "reviewer", 100],
  ["ann", "member", 50],
  ["cand", "member", 30],
], [["old", "maintainer", 10]]);

const up = (login: string, type = "User"): Reaction => ({ login, type, content: "+1" });
const down = (login: string, type = "User"): Reaction => ({ login, type, content: "-1" });

function tally(reactions: Reaction[], over: { governance?: Pick<Governance, "ladder" | "promotion">; candidate?: string } = {}) {
  return tallyReactions({ reactions, roster: ROSTER, governance: over.governance ?? GOV, candidate: over.candidate ?? "cand" });
}

const withPromotion = (promotion: Partial<Governance["promotion"]>) => ({ ...GOV, promotion: { ...GOV.promotion, ...promotion } });

describe("tallyReactions", () => {
  it.each<[string, Reaction[], { approvals: string[]; objections: string[]; approved: boolean; blocked: boolean }]>([
    ["no reactions", [], { approvals: [], objections: [], approved: false, blocked: false }],
    ["one approval of two", [up("mia")], { approvals: ["mia"], objections: [], approved: false, blocked: false }],
    ["quorum reached", [up("mia"), up("max")], { approvals: ["max", "mia"], objections: [], approved: true, blocked: false }],
    ["quorum reached but an objection holds it", [up("mia"), up("Max"), down("mo")], { approvals: ["Max", "mia"], objections: ["mo"], approved: false, blocked: true }],
    ["other reactions are not votes", [{ login: "mia", type: "User", content: "heart" }, { login: "mo", type: "User", content: "rocket" }], { approvals: [], objections: [], approved: false, blocked: false }],
    ["an objection from a non-approver holds nothing", [up("mia"), up("mo"), down("rita"), down("ann")], { approvals: ["mia", "mo"], objections: [], approved: true, blocked: false }],
  ])("%s", (_name, reactions, expected) => {
    const t = tally(reactions);
    expect({ approvals: t.approvals.map((v) => v.login), objections: t.objections.map((v) => v.login), approved: t.approved, blocked: t.blocked }).toEqual(expected);
  });

  it("says why each vote that did not count was ignored", () => {
    const t = tally([up("cand"), up("ann"), up("old"), up("stranger"), up("ci", "Bot"), up("renovate[bot]"), up("mia"), up("MIA"), down("mia")]);
    expect(t.ignored).toEqual([
      { login: "ann", content: "+1", why: "not-an-approver", role: "member" },
      { login: "cand", content: "+1", why: "candidate", role: "member" },
      { login: "ci", content: "+1", why: "bot", role: null },
      { login: "MIA", content: "+1", why: "also-objected", role: "maintainer" },
      { login: "mia", content: "+1", why: "duplicate", role: "maintainer" },
      { login: "old", content: "+1", why: "not-an-approver", role: null },
      { login: "renovate[bot]", content: "+1", why: "bot", role: null },
      { login: "stranger", content: "+1", why: "not-an-approver", role: null },
    ]);
    expect(t.approvals).toEqual([]);
    expect(t.objections).toEqual([{ login: "mia", role: "maintainer" }]);
    expect(tally([up("MIA"), up("mia")]).approvals).toEqual([{ login: "MIA", role: "maintainer" }]);
  });

  it("with objection: ignore, records objections without holding the proposal", () => {
    const t = tally([up("mia"), down("mia"), up("mo"), down("max")], { governance: withPromotion({ objection: "ignore" }) });
    expect([t.approvals.map((v) => v.login), t.objections.map((v) => v.login), t.approved, t.blocked, t.objectionBlocks]).toEqual([["mia", "mo"], ["max", "mia"], true, false, false]);
  });

  it("lets higher roles approve where a lower role is the approver role (each role implies those below)", () => {
    const gov = withPromotion({ approvers: ["reviewer"] });
    expect(approverRoles(gov)).toEqual(["reviewer", "maintainer"]);
    const t = tally([up("rita"), up("mo"), up("ann")], { governance: gov });
    expect(t.approvals).toEqual([{ login: "mo", role: "maintainer" }, { login: "rita", role: "reviewer" }]);
    expect(t.approved).toBe(true);
    expect(t.eligible).toEqual(["Max", "mia", "mo", "rita"]);
  });

  it("defaults the approvers to the top rung, and ignores approver roles not on the ladder", () => {
    const gov = smallLadder();
    expect(gov.promotion.approvers).toBeUndefined();
    expect(approverRoles(gov)).toEqual(["maintainer"]);
    expect(approverRoles(withPromotion({ approvers: ["boss", "reviewer"] }))).toEqual(["reviewer", "maintainer"]);
    expect(approverRoles(withPromotion({ approvers: ["boss"] }))).toEqual([]);
  });

  it("reads the roster at decision time: an approver who lost the role no longer counts", () => {
    const later = roster([["mia", "maintainer", 400], ["Max", "reviewer", 1]]);
    const t = tallyReactions({ reactions: [up("mia"), up("max")], roster: later, governance: GOV, candidate: "cand" });
    expect(t.approved).toBe(false);
    expect(t.ignored).toEqual([{ login: "max", content: "+1", why: "not-an-approver", role: "reviewer" }]);
  });

  it("does not count the candidate even when they hold an approver role", () => {
    const t = tally([up("rita"), up("mo")], { governance: withPromotion({ approvers: ["reviewer"] }), candidate: "RITA" });
    expect(t.approvals.map((v) => v.login)).toEqual(["mo"]);
    expect(t.eligible).not.toContain("rita");
  });

  it("says when the quorum cannot be reached with the approvers there are", () => {
    const t = tally([up("mia"), up("max"), up("mo")], { governance: withPromotion({ quorum: 4 }) });
    expect([t.approved, t.reachable, t.eligible.length, t.quorum]).toEqual([false, false, 3, 4]);
    expect(tally([]).reachable).toBe(true);
  });

  it("is the same for any order of the reactions", () => {
    const reactions = [up("mia"), down("ann"), up("max"), up("cand"), up("mia"), { login: "mo", type: "User", content: "-1", createdAt: "2026-01-01T00:00:00Z" }];
    const t = tally(reactions);
    expect(tally([...reactions].reverse())).toEqual(t);
  });

  it("with countFrom (a demotion's notice end), a 👍 from before it or of unknown time does not count; a 👎 counts whenever given", () => {
    const at = (login: string, content: string, createdAt?: string): Reaction => ({ login, type: "User", content, ...(createdAt ? { createdAt } : {}) });
    const t = tallyReactions({
      reactions: [at("mia", "+1", "2026-12-03T23:59:59Z"), at("Max", "+1", "2026-12-04T00:00:00Z"), at("mo", "+1"), at("cand", "+1", "2026-12-05T00:00:00Z")],
      roster: ROSTER,
      governance: GOV,
      candidate: "cand",
      countFrom: "2026-12-04T00:00:00Z",
    });
    expect(t.approvals.map((v) => v.login)).toEqual(["Max"]);
    expect(t.ignored.map((i) => `${i.login}:${i.why}`)).toEqual(["cand:candidate", "mia:before-notice-end", "mo:before-notice-end"]);
    const held = tallyReactions({ reactions: [at("mia", "-1", "2026-11-01T00:00:00Z"), at("Max", "+1", "2026-12-05T00:00:00Z"), at("mo", "+1", "2026-12-05T00:00:00Z")], roster: ROSTER, governance: GOV, candidate: "cand", countFrom: "2026-12-04T00:00:00Z" });
    expect([held.approvals.length, held.blocked, held.approved]).toEqual([2, true, false]);
  });

  it("lists eligible approvers once each, by login", () => {
    expect(eligibleApprovers(ROSTER, GOV)).toEqual(["Max", "mia", "mo"]);
    expect(eligibleApprovers(ROSTER, GOV, "MAX")).toEqual(["mia", "mo"]);
  });
});
