/**
 * The pure rules of appeals: the panel drawn in rotation, the vote tally, and
 * the limits on filing (who, when, how often).
 */
import { drawPanel } from "../../src/ladder/appeal-panel.js";
import { appealDeadline, checkAppeal, type AppealRequest } from "../../src/ladder/appeal-limits.js";
import { tallyAppeal, type AppealVote } from "../../src/ladder/appeal-tally.js";

describe("drawPanel", () => {
  const approvers = ["dan", "Alice", "carol", "bob", "erin"];
  it.each([
    { name: "first appeal: from the start of the order", after: null, exclude: [], panel: ["Alice", "bob", "carol"], cursor: "carol" },
    { name: "continues after the previous panel, wrapping round", after: "carol", exclude: [], panel: ["dan", "erin", "Alice"], cursor: "Alice" },
    { name: "skips the deciders and the appellant", after: null, exclude: ["bob", "ALICE"], panel: ["carol", "dan", "erin"], cursor: "erin" },
    { name: "a cursor who left the roster still places the rotation", after: "cy", exclude: [], panel: ["dan", "erin", "Alice"], cursor: "Alice" },
    { name: "a cursor past everyone wraps to the start", after: "zed", exclude: [], panel: ["Alice", "bob", "carol"], cursor: "carol" },
  ])("$name", ({ after, exclude, panel, cursor }) => {
    const draw = drawPanel({ approvers, exclude, size: 3, after });
    expect(draw).toEqual({ panel, cursor, short: 0, eligible: approvers.length - exclude.length });
  });

  it("seats everyone eligible when there are too few, and says by how many it falls short", () => {
    expect(drawPanel({ approvers: ["alice", "bob", "carol"], exclude: ["alice", "bob"], size: 3, after: null })).toEqual({ panel: ["carol"], cursor: "carol", short: 2, eligible: 1 });
    expect(drawPanel({ approvers: ["alice"], exclude: ["alice"], size: 3, after: "bob" })).toEqual({ panel: [], cursor: "bob", short: 3, eligible: 0 });
  });

  it("does not depend on the input order or on duplicates", () => {
    const a = drawPanel({ approvers: ["erin", "bob", "alice", "bob", "dan"], exclude: [], size: 2, after: "bob" });
    const b = drawPanel({ approvers: ["dan", "alice", "erin", "bob"], exclude: [], size: 2, after: "bob" });
    expect(a).toEqual(b);
    expect(a.panel).toEqual(["dan", "erin"]);
  });

  it("spreads the load: successive panels seat everyone before anyone twice", () => {
    const seats = new Map<string, number>();
    let after: string | null = null;
    for (let i = 0; i < 5; i++) {
      const draw = drawPanel({ approvers: ["a", "b", "c", "d", "e"], exclude: [], size: 3, after });
      for (const l of draw.panel) seats.set(l, (seats.get(l) ?? 0) + 1);
      after = draw.cursor;
    }
    expect([...seats.values()]).toEqual([3, 3, 3, 3, 3]);
  });
});

const vote = (login: string, v: AppealVote["vote"], i = 0): AppealVote => ({ login, vote: v, reason: v === "overturn" ? "unfair" : null, at: new Date(Date.UTC(2026, 11, 1, 0, i)).toISOString() });

describe("tallyAppeal", () => {
  const panel = ["alice", "bob", "carol"];
  const approvers = ["alice", "bob", "carol", "dan"];
  it.each([
    { name: "no votes yet", votes: [], outcome: "pending", overturn: 0, uphold: 0 },
    { name: "quorum of overturns overturns", votes: [vote("alice", "overturn"), vote("bob", "overturn")], outcome: "overturned", overturn: 2, uphold: 0 },
    { name: "two upholds: a majority of the panel upholds", votes: [vote("alice", "uphold"), vote("bob", "uphold")], outcome: "upheld", overturn: 0, uphold: 2 },
    { name: "overturning can no longer reach the quorum", votes: [vote("alice", "uphold"), vote("bob", "overturn"), vote("carol", "uphold")], outcome: "upheld", overturn: 1, uphold: 2 },
    { name: "one each: still open", votes: [vote("alice", "uphold"), vote("bob", "overturn")], outcome: "pending", overturn: 1, uphold: 1 },
    { name: "a later vote replaces the earlier one", votes: [vote("alice", "uphold", 0), vote("bob", "overturn", 1), vote("alice", "overturn", 2)], outcome: "overturned", overturn: 2, uphold: 0 },
    { name: "votes from outside the panel never count", votes: [vote("dan", "overturn"), vote("eve", "overturn"), vote("alice", "overturn")], outcome: "pending", overturn: 1, uphold: 0 },
  ])("$name", ({ votes, outcome, overturn, uphold }) => {
    const t = tallyAppeal({ panel, votes, approvers, quorum: 2 });
    expect({ outcome: t.outcome, overturn: t.overturn, uphold: t.uphold }).toEqual({ outcome, overturn, uphold });
  });

  it("lists ignored votes with why", () => {
    const t = tallyAppeal({ panel, votes: [vote("dan", "overturn"), vote("alice", "uphold"), vote("alice", "overturn")], approvers, quorum: 2 });
    expect(t.ignored).toEqual([{ login: "dan", why: "not-on-panel" }, { login: "alice", why: "replaced" }]);
    expect(t.counted.map((v) => `${v.login}:${v.vote}`)).toEqual(["alice:overturn"]);
    expect(t.waiting).toEqual(["bob", "carol"]);
  });

  it("a member who lost the approver role stops counting, and their seat no longer keeps the appeal open", () => {
    const t = tallyAppeal({ panel, votes: [vote("alice", "overturn"), vote("carol", "uphold")], approvers: ["alice", "bob"], quorum: 2 });
    expect(t.lostRole).toEqual(["carol"]);
    expect(t.ignored).toEqual([{ login: "carol", why: "lost-role" }]);
    expect(t.outcome).toBe("pending"); // bob may still overturn
    const after = tallyAppeal({ panel, votes: [vote("alice", "overturn"), vote("bob", "uphold")], approvers: ["alice", "bob"], quorum: 2 });
    expect(after.outcome).toBe("upheld"); // nobody left who could make the second overturn
  });
});

describe("checkAppeal", () => {
  const base: AppealRequest = {
    decision: { id: "D-0007", kind: "rejection", subject: "ana", date: "2026-12-01" },
    requestedId: null,
    appellant: "ana",
    reason: "I did the work",
    hasContribution: true,
    prior: [],
    appeals: { within: "14d", cooldown: "30d" },
    now: new Date("2026-12-05T12:00:00Z"),
  };
  it("accepts the subject within the window, and says until when", () => {
    expect(checkAppeal(base)).toEqual({ ok: true, deadline: "2026-12-16T00:00:00.000Z" });
    expect(appealDeadline("2026-12-01", "14d").toISOString()).toBe("2026-12-16T00:00:00.000Z");
  });
  it.each([
    { name: "no id and none implied", over: { decision: null }, code: "no-decision" },
    { name: "an id the log does not have", over: { decision: null, requestedId: "D-9999" }, code: "unknown-decision" },
    { name: "a step-down", over: { decision: { id: "D-0007", kind: "step-down" as const, subject: "ana", date: "2026-12-01" } }, code: "not-appealable" },
    { name: "an appeal outcome (final)", over: { decision: { id: "D-0007", kind: "appeal outcome" as const, subject: "ana", date: "2026-12-01" } }, code: "not-appealable" },
    { name: "someone else's decision", over: { appellant: "mallory" }, code: "not-the-subject" },
    { name: "no reason", over: { reason: "  " }, code: "no-reason" },
    { name: "too late", over: { now: new Date("2026-12-16T00:00:01Z") }, code: "too-late" },
    { name: "a ladder change, by someone with no counted contribution", over: { decision: { id: "D-0007", kind: "ladder change" as const, subject: ".github/governance.yml", date: "2026-12-01" }, hasContribution: false, appellant: "x" }, code: "no-contribution" },
  ])("refuses $name", ({ over, code }) => {
    expect(checkAppeal({ ...base, ...over })).toMatchObject({ ok: false, code });
  });
  it("lets anyone with a counted contribution appeal a ladder or manual roster change", () => {
    expect(checkAppeal({ ...base, decision: { id: "D-0007", kind: "manual roster change", subject: "zed", date: "2026-12-01" }, appellant: "x" })).toMatchObject({ ok: true });
  });
  it("one appeal per decision, one open per person, and a cooldown with the date it ends", () => {
    const prior = (over: Partial<AppealRequest["prior"][number]>) => [{ appellant: "ana", decision: "D-0003", filedAt: "2026-12-02T00:00:00Z", open: false, issue: 40, ...over }];
    expect(checkAppeal({ ...base, prior: prior({ decision: "D-0007" }) })).toEqual({ ok: false, code: "already-appealed", issue: 40 });
    expect(checkAppeal({ ...base, prior: prior({ open: true }) })).toEqual({ ok: false, code: "open-appeal", issue: 40 });
    // The cooldown ends after the decision's deadline: no date would help.
    expect(checkAppeal({ ...base, prior: prior({}) })).toEqual({ ok: false, code: "cooldown" });
    const long = { ...base, appeals: { within: "60d", cooldown: "30d" } };
    expect(checkAppeal({ ...long, prior: prior({}) })).toEqual({ ok: false, code: "cooldown", retryAt: "2027-01-01T00:00:00.000Z" });
    expect(checkAppeal({ ...long, prior: prior({}), now: new Date("2027-01-02T00:00:00Z") })).toMatchObject({ ok: true });
  });
});
