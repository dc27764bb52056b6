/**
 * Who is told first and proposed for emeritus or rotation, and the removal
 * safety limits (share per sweep, never the last holder of the top role).
 */
import { governanceSchema } from "../../src/config/schema.js";
import { countedInWindow, daysUntilInactive, lastCountedActivity, roleBelow, selectDemotions } from "../../src/ladder/inactivity.js";
import { ago, DAY, NOW, pr, review, roster } from "./builders.js";

function ladder(demotion: Record<string, unknown> = {}) {
  return governanceSchema.parse({
    version: 1,
    ladder: [
      { role: "member", requires: { merged_prs: 1 } },
      { role: "maintainer", requires: { merged_prs: 10 } },
    ],
    demotion: { inactive_after: "365d", ...demotion },
  });
}

const active = (entries: Array<[string, number]>) => new Map(entries.map(([l, d]) => [l, ago(d)]));

describe("selectDemotions", () => {
  it("proposes holders inactive past the threshold, oldest activity first; a new holder with no activity is not inactive", () => {
    const r = roster([["m1", "member", 900], ["m2", "member", 900], ["m3", "member", 900], ["m4", "member", 900], ["m5", "member", 900], ["m6", "member", 900], ["m7", "member", 900], ["m8", "member", 30], ["a", "maintainer", 900], ["b", "maintainer", 900]]);
    const out = selectDemotions({ governance: ladder({ max_removal_share: 0.5 }), roster: r, lastActivity: active([["m1", 400], ["m2", 500], ["m3", 10], ["a", 5], ["b", 5]]), open: [], now: NOW });
    // m4..m7 have no activity known since the role (900 days): inactive; m8 got the role 30 days ago.
    expect(out.propose.map((p) => p.login)).toEqual(["m4", "m5", "m6", "m7"]);
    expect(out.waiting.map((w) => `${w.login}:${w.why}`)).toEqual(["m2:removal-share", "m1:removal-share"]);
    expect(out.propose.every((p) => p.reason === "inactive")).toBe(true);
  });

  it("at most the share of a role's holders per sweep (at least one), counting notices already open", () => {
    const r = roster(Array.from({ length: 8 }, (_, i) => [`m${i}`, "member", 900] as [string, string, number]).concat([["a", "maintainer", 10]]));
    const none = new Map<string, string>();
    expect(selectDemotions({ governance: ladder(), roster: r, lastActivity: none, open: [], now: NOW }).propose).toHaveLength(2);
    expect(selectDemotions({ governance: ladder(), roster: r, lastActivity: none, open: [{ login: "m0", role: "member" }], now: NOW }).propose.map((p) => p.login)).toEqual(["m1"]);
    expect(selectDemotions({ governance: ladder({ max_removal_share: 0 }), roster: r, lastActivity: none, open: [], now: NOW }).propose).toHaveLength(1);
  });

  it("never the last holder of the top role", () => {
    const r = roster([["a", "maintainer", 900]]);
    const out = selectDemotions({ governance: ladder({ max_removal_share: 1 }), roster: r, lastActivity: new Map(), open: [], now: NOW });
    expect(out.propose).toEqual([]);
    expect(out.waiting).toMatchObject([{ login: "a", why: "last-top-holder" }]);
    const two = selectDemotions({ governance: ladder({ max_removal_share: 1 }), roster: roster([["a", "maintainer", 900], ["b", "maintainer", 800]]), lastActivity: new Map(), open: [], now: NOW });
    expect(two.propose.map((p) => p.login)).toEqual(["a"]);
    expect(two.waiting.map((w) => `${w.login}:${w.why}`)).toEqual(["b:last-top-holder"]);
  });

  it("rotation past the term limit; nothing with inactivity and term limits off", () => {
    const r = roster([["a", "maintainer", 600], ["b", "maintainer", 100], ["c", "maintainer", 10]]);
    const activity = active([["a", 1], ["b", 1], ["c", 1]]);
    const out = selectDemotions({ governance: ladder({ term_limit: "540d" }), roster: r, lastActivity: activity, open: [], now: NOW });
    expect(out.propose).toMatchObject([{ login: "a", reason: "term" }]);
    expect(selectDemotions({ governance: ladder({ inactive_after: null }), roster: r, lastActivity: new Map(), open: [], now: NOW }).propose).toEqual([]);
  });

  it("skips a person whose notice for that role is already open", () => {
    const r = roster([["m", "member", 900], ["a", "maintainer", 10]]);
    expect(selectDemotions({ governance: ladder(), roster: r, lastActivity: new Map(), open: [{ login: "M", role: "member" }], now: NOW }).propose).toEqual([]);
  });
});

describe("selectDemotions with resting holders", () => {
  it("leaves out people in cooling-off without counting them against the share", () => {
    const r = roster([["m1", "member", 900], ["m2", "member", 900], ["m3", "member", 900], ["m4", "member", 900], ["a", "maintainer", 10]]);
    const out = selectDemotions({ governance: ladder(), roster: r, lastActivity: new Map(), open: [], resting: [{ login: "M1", role: "member" }], now: NOW });
    expect(out.propose.map((p) => p.login)).toEqual(["m2"]);
    expect(out.waiting.map((w) => w.login)).toEqual(["m3", "m4"]);
  });
});

describe("daysUntilInactive", () => {
  it("counts from the last activity, or from the role's day when none is known", () => {
    expect(daysUntilInactive(ago(65), "2020-01-01", "365d", NOW)).toBe(300);
    expect(daysUntilInactive(null, ago(400).slice(0, 10), "365d", NOW)).toBe(-35);
    expect(daysUntilInactive(ago(1), "2020-01-01", null, NOW)).toBeNull();
  });
});

describe("lastCountedActivity", () => {
  it("is the newest counted merged PR or review per login, by the counting rules; none for excluded authors and bots", () => {
    const gov = governanceSchema.parse({ version: 1, ladder: [{ role: "member", requires: { merged_prs: 1 } }], counting: { exclude_labels: ["trivial"], exclude_authors: ["robot"] } });
    const ledger = {
      pullRequests: [
        pr("ana", 30, { number: 1 }),
        pr("ana", 5, { number: 2, labels: ["trivial"] }),
        pr("robot", 1, { number: 3 }),
        pr("bo", 400, { number: 4 }),
        pr("ana", -3, { number: 5 }),
      ],
      reviews: [review("bo", "ana", 20, { id: 7, prNumber: 1 }), review("bo", "bo", 2, { id: 8, prNumber: 4 }), review("cy", "ana", 1, { id: 9, prNumber: 1, state: "DISMISSED" })],
    };
    const out = lastCountedActivity(ledger, gov.counting, ["Ana", "bo", "robot", "cy", "nobody"], NOW);
    expect(out).toEqual(
      new Map([
        ["ana", { at: ago(30), url: "https://github.com/acme/widgets/pull/1" }],
        ["bo", { at: ago(20), url: "https://github.com/acme/widgets/pull/1#pullrequestreview-7" }],
      ]),
    );
  });
});

describe("roleBelow", () => {
  it("is the rung below, or null (emeritus) from the lowest rung or an unknown role", () => {
    const gov = ladder();
    expect([roleBelow(gov, "maintainer"), roleBelow(gov, "member"), roleBelow(gov, "nope")]).toEqual(["member", null, null]);
  });
});

describe("countedInWindow", () => {
  it("counts merged PRs and distinct PRs reviewed inside the window, by the counting rules, leaving out bots and the excluded", () => {
    const ledger = {
      pullRequests: [pr("ana", 10), pr("ana", 20), pr("ana", 400), pr("ana", 5, { labels: ["trivial"] }), pr("dependabot[bot]", 3), pr("bo", 30)],
      reviews: [review("ana", "bo", 10, { prNumber: 7 }), review("ana", "bo", 11, { prNumber: 7 }), review("cy", "bo", 12, { prNumber: 8 }), review("cy", "cy", 12, { prNumber: 9 })],
    };
    const counting = { exclude_authors: ["dependabot[bot]"], exclude_labels: ["trivial"], min_changed_lines: 1, paths: [] };
    expect(countedInWindow(ledger, counting, NOW, 365 * DAY)).toEqual([
      { login: "ana", mergedPrs: 2, reviews: 1 },
      { login: "bo", mergedPrs: 1, reviews: 0 },
      { login: "cy", mergedPrs: 0, reviews: 1 },
    ]);
  });
});
