import { describe, expect, it } from "@jest/globals";
import { measureOne } from "../../src/ladder/measure.js";
import type { Ledger } from "../../src/ladder/standing.js";
import { renderHistoryPending, renderStandingMarkdown, renderStandingText } from "../../src/render/standing.js";
import { EMPTY_ROSTER, NOW, pr, review, roster, smallLadder, specLadder } from "../ladder/builders.js";

const WEB = "https://github.com";

/** ana: member since 142 days, 17 PRs and 15 reviews in the last 180 days, first PR 200 days ago. */
function anaLedger(): Ledger {
  return {
    pullRequests: [
      ...Array.from({ length: 17 }, (_, i) => pr("ana", 2 + i * 10, { number: 100 + i })),
      pr("ana", 200, { number: 50 }),
      pr("ana", 3, { number: 99, labels: ["trivial"] }),
    ],
    reviews: [
      ...Array.from({ length: 15 }, (_, i) => review("ana", "bo", 1 + i * 11, { prNumber: 300 + i, id: 9000 + i })),
      review("ana", "ana", 4, { prNumber: 101, id: 8000 }),
    ],
  };
}

describe("renderStandingMarkdown", () => {
  it("renders a member working towards reviewer", () => {
    const s = measureOne("ana", anaLedger(), specLadder(), roster([["ana", "member", 142]]), NOW);
    expect(renderStandingMarkdown(s, specLadder(), { webUrl: WEB, evidenceShown: 3 })).toMatchInlineSnapshot(`
"### Ladder standing of [ana](https://github.com/ana)

Current role: **member** since 2025-01-10. Measured on 2025-06-01.

Held: **member** ✅.

#### reviewer (next rung): 2 of 3 requirements met

| requirement | needed | has | |
| --- | --: | --: | :-: |
| merged PRs in the last 180 days | 15 | 17 | ✅ |
| PRs of others reviewed in the last 180 days | 20 | 15 | ❌ |
| time since the first counted contribution | 90 days | 200 days | ✅ |

- Merged PRs counted: [acme/widgets\\#100](https://github.com/acme/widgets/pull/100) (2025-05-30), [acme/widgets\\#101](https://github.com/acme/widgets/pull/101) (2025-05-20), [acme/widgets\\#102](https://github.com/acme/widgets/pull/102) (2025-05-10) and 14 more.
- PRs reviewed: [acme/widgets\\#300](https://github.com/acme/widgets/pull/300#pullrequestreview-9000) (2025-05-31), [acme/widgets\\#301](https://github.com/acme/widgets/pull/301#pullrequestreview-9001) (2025-05-20), [acme/widgets\\#302](https://github.com/acme/widgets/pull/302#pullrequestreview-9002) (2025-05-09) and 12 more.
- First counted contribution: [acme/widgets\\#50](https://github.com/acme/widgets/pull/50) (2024-11-13).
- Not counted: 1 PR with an excluded label (\`trivial\`) and 1 review of their own PR.

#### maintainer: 0 of 3 requirements met

| requirement | needed | has | |
| --- | --: | --: | :-: |
| merged PRs in the last 365 days | 40 | 18 | ❌ |
| PRs of others reviewed in the last 365 days | 60 | 15 | ❌ |
| time as reviewer | 180 days | 0 days | ❌ |

**Missing for reviewer:** 5 more reviews."
`);
  });

  it("says when the next rung is met", () => {
    const ledger: Ledger = { pullRequests: [pr("zoe", 1, { number: 7 }), pr("zoe", 2, { number: 8 })], reviews: [] };
    const s = measureOne("zoe", ledger, smallLadder(), EMPTY_ROSTER, NOW);
    expect(renderStandingMarkdown(s, smallLadder(), { webUrl: "https://ghe.example.com/" })).toMatchInlineSnapshot(`
"### Ladder standing of [zoe](https://ghe.example.com/zoe)

Current role: none. Measured on 2025-06-01.

#### member (next rung): 1 of 1 requirement met

| requirement | needed | has | |
| --- | --: | --: | :-: |
| merged PRs in the last 30 days | 2 | 2 | ✅ |

- Merged PRs counted: [acme/widgets\\#7](https://github.com/acme/widgets/pull/7) (2025-05-31), [acme/widgets\\#8](https://github.com/acme/widgets/pull/8) (2025-05-30).

#### reviewer: 0 of 3 requirements met

| requirement | needed | has | |
| --- | --: | --: | :-: |
| merged PRs in the last 30 days | 3 | 2 | ❌ |
| PRs of others reviewed in the last 30 days | 2 | 0 | ❌ |
| time since the first counted contribution | 10 days | 2 days | ❌ |

#### maintainer: 0 of 2 requirements met

| requirement | needed | has | |
| --- | --: | --: | :-: |
| PRs of others reviewed in the last 365 days | 3 | 0 | ❌ |
| time as reviewer | 20 days | 0 days | ❌ |

**Eligible for member:** every requirement is met, so a promotion proposal will be opened for the approvers to decide."
`);
  });

  it.each([
    ["the top of the ladder", roster([["ana", "maintainer", 10]]), "**maintainer** is the top of the ladder."],
    ["a bot", EMPTY_ROSTER, "Contributions of bot accounts do not count: automation does not climb the ladder."],
  ])("closes with a line for %s", (name, r, last) => {
    const login = name === "a bot" ? "helper[bot]" : "ana";
    const body = renderStandingMarkdown(measureOne(login, { pullRequests: [], reviews: [] }, smallLadder(), r, NOW), smallLadder(), { webUrl: WEB });
    expect(body.split("\n").at(-1)).toBe(last);
  });

  it("never writes a mention, for the person or inside names", () => {
    const ledger: Ledger = { pullRequests: [pr("ana", 1, { repo: "acme/@team", number: 3, labels: ["@here"] })], reviews: [] };
    const governance = smallLadder({ counting: { exclude_labels: ["@here"] } });
    const body = renderStandingMarkdown(measureOne("ana", ledger, governance, EMPTY_ROSTER, NOW), governance, { webUrl: WEB });
    expect(body).not.toMatch(/(^|[^\w`\u200b])@\w/);
    expect(body).toContain("[ana](https://github.com/ana)");
  });

  it("uses the caller's words when eligible", () => {
    const ledger: Ledger = { pullRequests: [pr("zoe", 1), pr("zoe", 2)], reviews: [] };
    const s = measureOne("zoe", ledger, smallLadder(), EMPTY_ROSTER, NOW);
    const body = renderStandingMarkdown(s, smallLadder(), { webUrl: WEB, eligibleLine: (role) => `Proposed for ${role}: see #12.` });
    expect(body.split("\n").at(-1)).toBe("Proposed for member: see #12.");
  });
});

describe("renderStandingText", () => {
  it("renders one line per rung", () => {
    const s = measureOne("ana", anaLedger(), specLadder(), roster([["ana", "member", 142]]), NOW);
    expect(renderStandingText(s)).toMatchInlineSnapshot(`
"ana (member since 2025-01-10): next: reviewer, missing 5 more reviews
  member      held
  reviewer    unmet  PRs/180d 17/15 ✓  reviews/180d 15/20 ✗  tenure 200/90d ✓
  maintainer  unmet  PRs/365d 18/40 ✗  reviews/365d 15/60 ✗  as reviewer 0/180d ✗"
`);
  });

  it.each([
    ["zoe", roster([]), { pullRequests: [pr("zoe", 1), pr("zoe", 2)], reviews: [] }, "zoe (no role): ELIGIBLE for member"],
    ["ana", roster([["ana", "maintainer", 10]]), { pullRequests: [], reviews: [] }, "ana (maintainer since 2025-05-22): top of the ladder"],
    ["x[bot]", roster([]), { pullRequests: [], reviews: [] }, "x[bot] (no role): not counted (bot)"],
  ])("heads %s's line with the verdict", (login, r, ledger, head) => {
    expect(renderStandingText(measureOne(login, ledger, smallLadder(), r, NOW)).split("\n")[0]).toBe(head);
  });
});

describe("renderHistoryPending", () => {
  it("says plainly that the history is being read, gives no numbers, and links the person without a mention", () => {
    expect(renderHistoryPending("ana", WEB)).toMatchInlineSnapshot(`
"### Ladder standing of [ana](https://github.com/ana)

This repository's history is still being read, so there are no numbers to give yet: a count now would be incomplete.

This comment will be edited with the standing as soon as the history is read; there is no need to ask again."
`);
  });

  it("shows how the ladder counts PRs whose labels were not read", () => {
    const ledger: Ledger = { pullRequests: [pr("ana", 3, { number: 1, labels: null }), pr("ana", 4, { number: 2, labels: [] })], reviews: [] };
    const gov = smallLadder({ counting: { exclude_labels: ["trivial"] } });
    const text = renderStandingMarkdown(measureOne("ana", ledger, gov, EMPTY_ROSTER, NOW), gov, { webUrl: WEB, now: NOW });
    expect(text).toContain("1 PR whose labels are not known yet");
  });
});

describe("the inactivity threshold in /ladder", () => {
  it("tells a holder how many days are left, and when they are past it", () => {
    const s = measureOne("ana", anaLedger(), specLadder(), roster([["ana", "member", 142]]), NOW);
    const body = renderStandingMarkdown(s, specLadder(), { webUrl: WEB, now: NOW });
    // The last counted contribution (a review) was a day before NOW: 364 days left of 365.
    expect(body).toMatch(/^Last counted contribution: 2025-05-31; 364 days left before the inactivity threshold \(365 days without a counted contribution\)\.$/m);
    const idle = measureOne("old", { pullRequests: [], reviews: [] }, specLadder(), roster([["old", "member", 400]]), NOW);
    expect(renderStandingMarkdown(idle, specLadder(), { webUrl: WEB, now: NOW })).toMatch(/No counted contribution since the role was granted: past the inactivity threshold \(365 days\)/);
    // Not for someone without a role, nor without a clock.
    expect(renderStandingMarkdown(measureOne("x", anaLedger(), specLadder(), EMPTY_ROSTER, NOW), specLadder(), { webUrl: WEB, now: NOW })).not.toMatch(/inactivity/);
    expect(renderStandingMarkdown(s, specLadder(), { webUrl: WEB })).not.toMatch(/inactivity/);
  });
});
