import { describe, expect, it } from "@jest/globals";
import type { MergedPullRequest, SubmittedReview } from "../../src/ladder/contributions.js";
import { measureOne } from "../../src/ladder/measure.js";
import type { RequirementResult, Standing } from "../../src/ladder/standing.js";
import { DAY, EMPTY_ROSTER, NOW, pr, prs, review, smallLadder } from "./builders.js";

function requirement(s: Standing, role: string, key: RequirementResult["key"]): RequirementResult {
  const found = s.rungs.find((r) => r.role === role)?.requirements.find((r) => r.key === key);
  if (!found) throw new Error(`no ${key} on ${role}`);
  return found;
}

function mergedPrs(pullRequests: MergedPullRequest[], governance = smallLadder(), login = "ana"): RequirementResult {
  return requirement(measureOne(login, { pullRequests, reviews: [] }, governance, EMPTY_ROSTER, NOW), "member", "merged_prs");
}

function reviewCount(reviews: SubmittedReview[], login = "ana"): RequirementResult {
  return requirement(measureOne(login, { pullRequests: [], reviews }, smallLadder(), EMPTY_ROSTER, NOW), "reviewer", "reviews");
}

describe("windows (member: 30d)", () => {
  it.each([
    ["merged just now", 1, 0],
    ["merged 29 days ago", 1, 29],
    ["merged exactly at the window start", 1, 30],
    ["merged 1 ms before the window start", 0, 30 + 1 / DAY],
    ["merged 400 days ago", 0, 400],
    ["merged after the clock (measuring as of the past)", 0, -1],
  ])("%s: counts %i", (_name, expected, daysAgo) => {
    const result = mergedPrs([pr("ana", daysAgo)]);
    expect(result.measured).toBe(expected);
    expect(result.window).toEqual({ days: 30, since: "2025-05-02T00:00:00.000Z" });
  });

  it("uses 365d when the rung names no window", () => {
    const governance = smallLadder({ ladder: [{ role: "member", requires: { merged_prs: 1 } }] });
    const result = mergedPrs([pr("ana", 365), pr("ana", 366)], governance);
    expect(result).toMatchObject({ measured: 1, window: { days: 365 } });
  });

  it("counts each rung against its own window", () => {
    const governance = smallLadder({
      ladder: [
        { role: "member", requires: { merged_prs: 1, window: "10d" } },
        { role: "reviewer", requires: { merged_prs: 1, window: "100d" } },
      ],
    });
    const s = measureOne("ana", { pullRequests: [pr("ana", 5), pr("ana", 50)], reviews: [] }, governance, EMPTY_ROSTER, NOW);
    expect(s.rungs.map((r) => r.requirements[0]?.measured)).toEqual([1, 2]);
  });
});

describe("exclusions", () => {
  const paths = smallLadder({ counting: { paths: ["docs/**", "*.md", ".github/**"] } });

  it.each([
    ["a plain PR", pr("ana", 1), smallLadder(), 1, []],
    ["a PR labelled with an excluded label, any case", pr("ana", 1, { labels: ["Trivial"] }), smallLadder({ counting: { exclude_labels: ["trivial"] } }), 0, [{ reason: "excluded_label", count: 1 }]],
    ["a PR with other labels", pr("ana", 1, { labels: ["docs"] }), smallLadder({ counting: { exclude_labels: ["trivial"] } }), 1, []],
    // Labels never read: not counted as unlabelled while the ladder excludes labels (the history is read again with them).
    ["a PR whose labels are unknown, with exclude_labels", pr("ana", 1, { labels: null }), smallLadder({ counting: { exclude_labels: ["trivial"] } }), 0, [{ reason: "unknown_labels", count: 1 }]],
    ["a PR whose labels are unknown, without exclude_labels", pr("ana", 1, { labels: null }), smallLadder(), 1, []],
    ["a PR with no changed lines", pr("ana", 1, { additions: 0, deletions: 0 }), smallLadder(), 0, [{ reason: "too_small", count: 1 }]],
    ["a PR just under min_changed_lines", pr("ana", 1, { additions: 5, deletions: 4 }), smallLadder({ counting: { min_changed_lines: 10 } }), 0, [{ reason: "too_small", count: 1 }]],
    ["a PR exactly at min_changed_lines (deletions count)", pr("ana", 1, { additions: 4, deletions: 6 }), smallLadder({ counting: { min_changed_lines: 10 } }), 1, []],
    ["a PR under docs/** with a paths filter", pr("ana", 1, { paths: ["src/a.ts", "docs/guide/intro.md"] }), paths, 1, []],
    ["a PR touching a root *.md", pr("ana", 1, { paths: ["README.md"] }), paths, 1, []],
    ["a PR touching a dot directory", pr("ana", 1, { paths: [".github/workflows/ci.yml"] }), paths, 1, []],
    ["a PR outside the paths", pr("ana", 1, { paths: ["src/a.ts", "src/deep/b.md"] }), paths, 0, [{ reason: "outside_paths", count: 1 }]],
    ["a PR whose paths are unknown, with a filter", pr("ana", 1, { paths: null }), paths, 0, [{ reason: "unknown_paths", count: 1 }]],
    ["a PR whose paths are unknown, without a filter", pr("ana", 1, { paths: null }), smallLadder(), 1, []],
  ])("%s", (_name, thePr, governance, expected, skipped) => {
    const result = mergedPrs([thePr], governance);
    expect(result.measured).toBe(expected);
    expect(result.skipped).toEqual(skipped);
  });

  it("tallies only skips inside the window", () => {
    const governance = smallLadder({ counting: { exclude_labels: ["trivial"] } });
    const result = mergedPrs([pr("ana", 1, { labels: ["trivial"] }), pr("ana", 100, { labels: ["trivial"] }), pr("ana", 2, { additions: 0, deletions: 0 })], governance);
    expect(result.skipped).toEqual([
      { reason: "excluded_label", count: 1 },
      { reason: "too_small", count: 1 },
    ]);
  });

  it.each([
    ["dependabot[bot]", "exclude_authors"],
    ["Renovate[Bot]", "exclude_authors"],
    ["some-app[bot]", "bot"],
    ["CI-Robot", "exclude_authors"],
    ["ana", null],
  ])("%s is excluded: %s", (login, reason) => {
    const governance = smallLadder({ counting: { exclude_authors: ["dependabot[bot]", "renovate[bot]", "ci-robot"] } });
    const s = measureOne(login, { pullRequests: prs(login, 5), reviews: [review(login, "ana", 1), review(login, "ana", 2)] }, governance, EMPTY_ROSTER, NOW);
    expect(s.excluded).toBe(reason);
    expect(requirement(s, "member", "merged_prs").measured).toBe(reason ? 0 : 5);
    expect(s.rungs[0]?.status).toBe(reason ? "unmet" : "met");
    expect(s.eligibleFor).toBe(reason ? null : "member");
  });

  it("keeps a PR passed twice (e.g. two overlapping reads) once", () => {
    const one = pr("ana", 1, { repo: "acme/widgets", number: 7 });
    const result = mergedPrs([one, { ...one }, { ...one, repo: "ACME/Widgets" }]);
    expect(result.measured).toBe(1);
  });

  it("counts the same number in two repositories twice", () => {
    expect(mergedPrs([pr("ana", 1, { repo: "acme/a", number: 7 }), pr("ana", 1, { repo: "acme/b", number: 7 })]).measured).toBe(2);
  });

  it("matches logins case-insensitively", () => {
    expect(mergedPrs([pr("Ana", 1), pr("ANA", 2)], smallLadder(), "ana").measured).toBe(2);
  });
});

describe("reviews (reviewer: distinct PRs of others in 30d)", () => {
  it.each([
    ["one approval", 1, [review("ana", "bo", 1)], []],
    ["a COMMENTED review", 1, [review("ana", "bo", 1, { state: "COMMENTED" })], []],
    ["CHANGES_REQUESTED", 1, [review("ana", "bo", 1, { state: "CHANGES_REQUESTED" })], []],
    ["a review of one's own PR", 0, [review("ana", "Ana", 1)], [{ reason: "own_pr", count: 1 }]],
    ["a dismissed review", 0, [review("ana", "bo", 1, { state: "DISMISSED" })], [{ reason: "dismissed", count: 1 }]],
    [
      "three reviews on one PR",
      1,
      [review("ana", "bo", 1, { prNumber: 50 }), review("ana", "bo", 2, { prNumber: 50, state: "COMMENTED" }), review("ana", "bo", 3, { prNumber: 50 })],
      [{ reason: "same_pr", count: 2 }],
    ],
    ["the same PR number in two repositories", 2, [review("ana", "bo", 1, { repo: "acme/a", prNumber: 9 }), review("ana", "bo", 1, { repo: "acme/b", prNumber: 9 })], []],
    ["a review outside the window", 0, [review("ana", "bo", 31)], []],
    ["a review exactly at the window start", 1, [review("ana", "bo", 30)], []],
    ["the same review passed twice", 1, [review("ana", "bo", 1, { id: 999, prNumber: 51 }), review("ana", "bo", 1, { id: 999, prNumber: 51 })], []],
  ])("%s: counts %i", (_name, expected, list, skipped) => {
    const result = reviewCount(list);
    expect(result.measured).toBe(expected);
    expect(result.skipped).toEqual(skipped);
  });

  it("shows the newest counted review of a PR as evidence", () => {
    const result = reviewCount([review("ana", "bo", 5, { prNumber: 60, id: 1 }), review("ana", "bo", 2, { prNumber: 60, id: 2 })]);
    expect(result.evidence).toEqual([
      { label: "acme/widgets#60", url: "https://github.com/acme/widgets/pull/60#pullrequestreview-2", date: "2025-05-30T00:00:00.000Z" },
    ]);
  });

  it("counts a PR reviewed both before and inside the window once, as inside", () => {
    expect(reviewCount([review("ana", "bo", 40, { prNumber: 61 }), review("ana", "bo", 3, { prNumber: 61 })]).measured).toBe(1);
  });
});

describe("ties at thresholds", () => {
  it.each([
    [1, "unmet"],
    [2, "met"],
    [3, "met"],
  ])("%i merged PRs against a threshold of 2: %s", (n, status) => {
    const s = measureOne("ana", { pullRequests: prs("ana", n), reviews: [] }, smallLadder(), EMPTY_ROSTER, NOW);
    expect(s.rungs[0]?.status).toBe(status);
  });

  it("a threshold of 0 is met with nothing", () => {
    const governance = smallLadder({ ladder: [{ role: "member", requires: { merged_prs: 0 } }] });
    expect(measureOne("ana", { pullRequests: [], reviews: [] }, governance, EMPTY_ROSTER, NOW).eligibleFor).toBe("member");
  });
});

describe("tenure (reviewer: 10d since the first counted contribution)", () => {
  const tenure = (pullRequests: MergedPullRequest[], reviews: SubmittedReview[] = [], governance = smallLadder()) =>
    requirement(measureOne("ana", { pullRequests, reviews }, governance, EMPTY_ROSTER, NOW), "reviewer", "tenure");

  it.each([
    ["first PR exactly 10 days ago", [pr("ana", 10)], [], 10, true],
    ["first PR 9.99 days ago", [pr("ana", 9.99)], [], 9, false],
    ["first PR 400 days ago, outside every window", [pr("ana", 400), pr("ana", 1)], [], 400, true],
    ["first contribution a review", [pr("ana", 1)], [review("ana", "bo", 12)], 12, true],
    ["a review of one's own PR does not start tenure", [pr("ana", 1)], [review("ana", "ana", 50)], 1, false],
    ["no contributions", [], [], 0, false],
  ])("%s", (_name, pullRequests, reviews, measured, met) => {
    const result = tenure(pullRequests, reviews);
    expect(result).toMatchObject({ measured, met, threshold: 10, unit: "days" });
  });

  it("an uncounted PR does not start tenure", () => {
    const governance = smallLadder({ counting: { exclude_labels: ["trivial"] } });
    const result = tenure([pr("ana", 100, { labels: ["trivial"] }), pr("ana", 3)], [], governance);
    expect(result.measured).toBe(3);
    expect(result.evidence.map((e) => e.date)).toEqual(["2025-05-29T00:00:00.000Z"]);
  });

  it("reports the first and last counted contribution", () => {
    const s = measureOne("ana", { pullRequests: [pr("ana", 100), pr("ana", 3)], reviews: [review("ana", "bo", 1)] }, smallLadder(), EMPTY_ROSTER, NOW);
    expect([s.firstCountedAt, s.lastCountedAt]).toEqual(["2025-02-21T00:00:00.000Z", "2025-05-31T00:00:00.000Z"]);
  });
});
