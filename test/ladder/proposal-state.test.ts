import { describe, expect, it } from "@jest/globals";
import type { OpenProposal } from "../../src/ladder/proposal-state.js";
import { proposalExpiresAt, proposalState } from "../../src/ladder/proposal-state.js";
import type { Reaction } from "../../src/ladder/tally.js";
import { tallyReactions } from "../../src/ladder/tally.js";
import { roster, specLadder } from "./builders.js";

const GOV = specLadder();
const ROSTER = roster([["mia", "maintainer", 400], ["max", "maintainer", 300], ["mo", "maintainer", 300]]);
const PROPOSAL: OpenProposal = { candidate: "cand", role: "member", openedAt: "2026-11-01T12:00:00.000Z", expiresAfter: "30d" };
const EXPIRES = "2026-12-01T12:00:00.000Z";

const vote = (login: string, content: string, createdAt?: string): Reaction => ({ login, type: "User", content, ...(createdAt ? { createdAt } : {}) });
const tally = (reactions: Reaction[], quorum = 2) =>
  tallyReactions({ reactions, roster: ROSTER, governance: { ...GOV, promotion: { ...GOV.promotion, quorum } }, candidate: "cand" });

describe("proposalExpiresAt", () => {
  it("adds expires_after to the opening time", () => {
    expect(proposalExpiresAt(PROPOSAL.openedAt, "30d").toISOString()).toBe(EXPIRES);
    expect(proposalExpiresAt("2026-01-01T00:00:00Z", "12h").toISOString()).toBe("2026-01-01T12:00:00.000Z");
  });

  it("throws on a date that is not one", () => {
    expect(() => proposalExpiresAt("yesterday", "30d")).toThrow(RangeError);
  });
});

describe("proposalState", () => {
  const before = new Date("2026-11-20T00:00:00Z");
  const atExpiry = new Date(EXPIRES);
  const after = new Date("2026-12-05T00:00:00Z");

  it.each<[string, Reaction[], Date, string, string[], number]>([
    ["pending with no approvals", [], before, "pending", ["waiting for approvals: 0 of 2 approvals"], 2],
    ["approved at quorum", [vote("mia", "+1"), vote("max", "+1")], before, "approved", ["2 of 2 approvals: max, mia"], 2],
    ["held by an objection", [vote("mia", "+1"), vote("max", "+1"), vote("mo", "-1")], before, "pending", ["2 of 2 approvals, held by an objection from mo"], 2],
    ["expired exactly at expires_after", [vote("mia", "+1")], atExpiry, "expired", ["no decision by 2026-12-01 (30d after it was opened): 1 of 2 approvals"], 2],
    ["expired while held", [vote("mo", "-1"), vote("mia", "-1")], after, "expired", ["no decision by 2026-12-01: 0 of 2 approvals, held by objections from mia, mo"], 2],
    [
      "approved late by the sweep, from approvals given in time",
      [vote("mia", "+1", "2026-11-02T00:00:00Z"), vote("max", "+1", "2026-12-01T11:59:59Z")],
      after,
      "approved",
      ["2 of 2 approvals: max, mia"],
      2,
    ],
    ["expired: the quorum was reached only after expiry", [vote("mia", "+1", "2026-11-02T00:00:00Z"), vote("max", "+1", EXPIRES)], after, "expired", ["no decision by 2026-12-01 (30d after it was opened): 2 of 2 approvals"], 2],
    ["expired: approvals of unknown time count only before expiry", [vote("mia", "+1"), vote("max", "+1")], after, "expired", ["no decision by 2026-12-01 (30d after it was opened): 2 of 2 approvals"], 2],
    [
      "pending, and says the quorum cannot be reached",
      [vote("mia", "+1")],
      before,
      "pending",
      ["waiting for approvals: 1 of 4 approvals", "only 3 people may approve, fewer than the quorum of 4: more people need an approver role, or the ladder a lower quorum"],
      4,
    ],
  ])("%s", (_name, reactions, now, status, reasons, quorum) => {
    expect(proposalState(PROPOSAL, tally(reactions, quorum), now)).toEqual({ status, reasons, expiresAt: EXPIRES });
  });
});
