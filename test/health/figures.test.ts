import type { MergedPullRequest } from "../../src/ladder/contributions.js";
import { computeHealth, type HealthInputs, type LoggedDecision } from "../../src/health/figures.js";
import { periodContaining, previousPeriod } from "../../src/health/periods.js";
import { parseLog } from "../../src/log/parse-log.js";
import { EMPTY_ROSTER, review, smallLadder } from "../ladder/builders.js";
import { rosterSchema } from "../../src/config/schema.js";

const NOW = new Date("2025-06-15T12:00:00.000Z");
let n = 1000;
function merged(author: string, mergedAt: string, repo = "acme/widgets"): MergedPullRequest {
  const number = n++;
  return { repo, number, author, mergedAt, additions: 5, deletions: 1, labels: [], paths: null, url: `https://github.com/${repo}/pull/${number}` };
}
function many(author: string, count: number, day: string): MergedPullRequest[] {
  return Array.from({ length: count }, () => merged(author, `${day}T10:00:00.000Z`));
}
function entry(id: number, kind: LoggedDecision["kind"], date: string | null, over: Partial<LoggedDecision> = {}): LoggedDecision {
  return { id: `D-${String(id).padStart(4, "0")}`, kind, kindText: kind ?? "charter amendment", date, subject: "someone", role: null, reason: null, decidedBy: "", link: null, ...over };
}
function inputs(over: Partial<HealthInputs>): HealthInputs {
  return {
    repository: "acme/widgets",
    governance: smallLadder(),
    roster: EMPTY_ROSTER,
    ledger: { pullRequests: [], reviews: [] },
    log: [],
    openProposals: [],
    now: NOW,
    ...over,
  };
}

describe("periods", () => {
  it.each([
    ["month", "2025-06-01T00:00:00.000Z", "2025-07-01T00:00:00.000Z"],
    // 2025-06-15 is a Sunday: its week started on Monday the 9th.
    ["week", "2025-06-09T00:00:00.000Z", "2025-06-16T00:00:00.000Z"],
    // 30-day slices from 1970-01-01: slice 675 starts 675 × 30 days after it.
    ["30d", "2025-06-11T00:00:00.000Z", "2025-07-11T00:00:00.000Z"],
    [undefined, "2025-06-01T00:00:00.000Z", "2025-07-01T00:00:00.000Z"],
  ])("%s", (spec, start, end) => {
    const p = periodContaining(NOW.getTime(), spec);
    expect([new Date(p.start).toISOString(), new Date(p.end).toISOString()]).toEqual([start, end]);
  });

  it("steps back across a year", () => {
    const jan = periodContaining(Date.parse("2025-01-20T00:00:00Z"), "month");
    expect(new Date(previousPeriod(jan, "month").start).toISOString()).toBe("2024-12-01T00:00:00.000Z");
  });
});

describe("computeHealth", () => {
  it("an empty history: zeros, no shares, every rung in the funnel, no earlier periods", () => {
    expect(computeHealth(inputs({})).json).toEqual({
      repository: "acme/widgets",
      period: { start: "2025-06-01T00:00:00.000Z", end: "2025-07-01T00:00:00.000Z" },
      promotions: 0,
      demotions: 0,
      contested_share: null,
      appeals: { filed: 0, upheld: 0, overturned: 0 },
      manual_changes: 0,
      mergers_90d: 0,
      top1_merge_share: null,
      top3_merge_share: null,
      absence_factor: 0,
      near_next_rung: [],
      stale_proposals: [],
      funnel: { member: 0, reviewer: 0, maintainer: 0 },
      history: [],
    });
  });

  it("keys in SPEC's order", () => {
    expect(Object.keys(computeHealth(inputs({})).json)).toEqual([
      "repository", "period", "promotions", "demotions", "contested_share", "appeals", "manual_changes", "mergers_90d",
      "top1_merge_share", "top3_merge_share", "absence_factor", "near_next_rung", "stale_proposals", "funnel", "history",
    ]);
  });

  it("one person with one merge: all merges theirs, one requirement (2 PRs for member) away", () => {
    const r = computeHealth(inputs({ ledger: { pullRequests: [merged("alice", "2025-06-10T00:00:00.000Z")], reviews: [] } })).json;
    expect(r).toMatchObject({ mergers_90d: 1, top1_merge_share: 1, top3_merge_share: 1, absence_factor: 1, near_next_rung: ["alice"] });
    // The first fact is in June: no earlier period to report.
    expect(r.history).toEqual([]);
  });

  it("one person with every requirement of the next rung met is not 'near' it", () => {
    const r = computeHealth(inputs({ ledger: { pullRequests: many("alice", 2, "2025-06-10"), reviews: [] } })).json;
    expect(r.near_next_rung).toEqual([]);
  });

  it("merge concentration over 90 days: bots, other repositories and older merges left out", () => {
    const pullRequests = [
      ...many("ann", 6, "2025-06-01"),
      ...many("Ben", 2, "2025-05-01"),
      ...many("cyd", 1, "2025-04-01"),
      ...many("dee", 1, "2025-03-18"), // 89 days before NOW: inside
      ...many("old", 4, "2025-03-16"), // 91 days before: outside
      ...many("dependabot[bot]", 5, "2025-06-02"),
      merged("ann", "2025-06-03T00:00:00.000Z", "acme/other"),
    ];
    const r = computeHealth(inputs({ ledger: { pullRequests, reviews: [] } }));
    // 10 merges: ann 6, Ben 2, cyd 1, dee 1.
    expect(r.json).toMatchObject({ mergers_90d: 4, top1_merge_share: 0.6, top3_merge_share: 0.9, absence_factor: 1 });
    expect(r.merges.map((m) => [m.login, m.merges])).toEqual([["ann", 6], ["Ben", 2], ["cyd", 1], ["dee", 1]]);
  });

  it("absence factor: the fewest people making at least half the merges", () => {
    const pullRequests = [...many("a", 3, "2025-06-01"), ...many("b", 3, "2025-06-01"), ...many("c", 2, "2025-06-01"), ...many("d", 2, "2025-06-01")];
    // 10 merges: a alone 3 (< 5), a + b 6 (≥ 5).
    expect(computeHealth(inputs({ ledger: { pullRequests, reviews: [] } })).json).toMatchObject({ absence_factor: 2, top1_merge_share: 0.3, top3_merge_share: 0.8 });
  });

  it("decisions, appeals and manual changes of the period; step-downs kept apart; earlier periods in history", () => {
    const log = [
      entry(1, "promotion", "2025-05-20"),
      entry(2, "promotion", "2025-06-02"),
      entry(3, "promotion", "2025-06-03"),
      entry(4, "demotion", "2025-06-04"),
      entry(5, "emeritus", "2025-06-05"),
      entry(6, "step-down", "2025-06-06"),
      entry(7, "appeal filed", "2025-06-07"),
      entry(8, "appeal outcome", "2025-06-08", { decidedBy: "panel of 3: overturned (2 of 3)" }),
      entry(9, "manual roster change", "2025-06-09"),
      entry(10, "promotion", null), // no readable date: in no period
      entry(11, null, "2025-06-10"), // a kind the app does not know
      entry(12, "appeal outcome", "2025-05-21", { reason: "The panel upheld the decision." }),
    ];
    const roster = rosterSchema.parse({
      members: [
        { login: "carol", role: "maintainer", since: "2025-01-01" },
        { login: "bob", role: "reviewer", since: "2025-06-10" },
      ],
    });
    const openProposals = [
      { issue: 7, login: "dan", role: "member", openedAt: "2025-06-12T00:00:00.000Z" },
      { issue: 5, login: "eve", role: "member", openedAt: "2025-06-01T00:00:00.000Z" },
    ];
    const r = computeHealth(inputs({ log, roster, openProposals }));
    // Appealable in June: promotions 2, 3; demotion 4; emeritus 5; manual change 9 = 5; one appeal filed.
    expect(r.json).toMatchObject({
      promotions: 2,
      demotions: 2,
      contested_share: 0.2,
      appeals: { filed: 1, upheld: 0, overturned: 1 },
      manual_changes: 1,
      stale_proposals: [5],
      funnel: { member: 0, reviewer: 1, maintainer: 1 },
    });
    expect([r.stepDowns, r.emeritus]).toEqual([1, 1]);
    // The first fact is carol's roster entry of 2025-01-01: January to May.
    expect(r.json.history.map((h) => h.period.start.slice(0, 7))).toEqual(["2025-01", "2025-02", "2025-03", "2025-04", "2025-05"]);
    const may = r.json.history[4]!;
    expect(may).toMatchObject({
      period: { start: "2025-05-01T00:00:00.000Z", end: "2025-06-01T00:00:00.000Z" },
      promotions: 1,
      demotions: 0,
      contested_share: 0,
      appeals: { filed: 0, upheld: 1, overturned: 0 },
      // bob's reviewer entry starts in June; #5 was not a week old at the end of May.
      funnel: { member: 0, reviewer: 0, maintainer: 1 },
      stale_proposals: [],
    });
    expect(Object.keys(may)).not.toContain("history");
  });

  it("history is cut to the number of periods asked", () => {
    const pullRequests = [merged("ann", "2023-01-05T00:00:00.000Z")];
    expect(computeHealth(inputs({ ledger: { pullRequests, reviews: [] }, historyPeriods: 3 })).json.history).toHaveLength(3);
    expect(computeHealth(inputs({ ledger: { pullRequests, reviews: [] } })).json.history).toHaveLength(12);
  });

  it("weekly periods", () => {
    const log = [entry(1, "promotion", "2025-06-08"), entry(2, "promotion", "2025-06-09"), entry(3, "promotion", "2025-06-15")];
    const r = computeHealth(inputs({ governance: smallLadder({ health: { period: "week" } }), log })).json;
    expect(r.period).toEqual({ start: "2025-06-09T00:00:00.000Z", end: "2025-06-16T00:00:00.000Z" });
    expect(r.promotions).toBe(2);
    expect(r.history.map((h) => [h.period.start.slice(0, 10), h.promotions])).toEqual([["2025-06-02", 1]]);
  });

  it("reviews count toward a next rung (near_next_rung from the ladder engine)", () => {
    // bob is a member; reviewer needs 3 PRs, 2 reviews in 30d and 10d tenure: he has 3 PRs over 20 days and 1 review.
    const roster = rosterSchema.parse({ members: [{ login: "bob", role: "member", since: "2025-05-01" }] });
    const pullRequests = [merged("bob", "2025-05-25T00:00:00.000Z"), merged("bob", "2025-06-01T00:00:00.000Z"), merged("bob", "2025-06-14T00:00:00.000Z")];
    const reviews = [review("bob", "ann", 0, { submittedAt: "2025-06-10T00:00:00.000Z" })];
    expect(computeHealth(inputs({ roster, ledger: { pullRequests, reviews } })).json.near_next_rung).toEqual(["bob"]);
  });

  it("reads appeals from the decision log as written", () => {
    const text = [
      "# Governance log",
      "",
      "## D-0001 — promotion: alice",
      "",
      "- **Date:** 2025-06-02",
      "",
      "## D-0002 — appeal filed: alice",
      "",
      "- **Date:** 2025-06-03",
      "",
    ].join("\n");
    const r = computeHealth(inputs({ log: parseLog(text) })).json;
    expect(r).toMatchObject({ promotions: 1, contested_share: 1, appeals: { filed: 1, upheld: 0, overturned: 0 } });
  });
});
