import { describe, expect, it } from "@jest/globals";
import { measureOne } from "../../src/ladder/measure.js";
import { progressBetween } from "../../src/ladder/progress.js";
import type { Ledger } from "../../src/ladder/standing.js";
import type { Reaction } from "../../src/ladder/tally.js";
import { eligibleApprovers, tallyReactions } from "../../src/ladder/tally.js";
import { findMarker, findMarkers } from "../../src/render/markers.js";
import { renderProgressComment } from "../../src/render/progress-comment.js";
import { renderOutcomeComment, renderStatusComment } from "../../src/render/promotion-comments.js";
import { promotionIssueTitle, readPromotionMarker, renderPromotionIssue } from "../../src/render/promotion-issue.js";
import { NOW, pr, review, roster, smallLadder } from "../ladder/builders.js";

const WEB = "https://github.com";
const GOV = smallLadder({ promotion: { approvers: ["maintainer"], quorum: 2 } });
const ROSTER = roster([["mia", "maintainer", 400], ["mo", "maintainer", 300], ["Ana", "member", 40]]);
const LEDGER: Ledger = {
  pullRequests: [pr("ana", 1, { number: 11 }), pr("ana", 2, { number: 12 }), pr("ana", 20, { number: 13 })],
  reviews: [review("ana", "bo", 3, { prNumber: 21, id: 1 }), review("ana", "bo", 4, { prNumber: 22, id: 2 })],
};
const standing = measureOne("Ana", LEDGER, GOV, ROSTER, NOW);
const approvers = eligibleApprovers(ROSTER, GOV, "Ana");
const EXPIRES = new Date("2025-07-01T00:00:00Z");
const up = (login: string, type = "User"): Reaction => ({ login, type, content: "+1" });

describe("renderPromotionIssue", () => {
  it("renders a proposal from the numbers", () => {
    expect(standing.eligibleFor).toBe("reviewer");
    expect(promotionIssueTitle("Ana", "reviewer")).toBe("Promote Ana to reviewer");
    expect(renderPromotionIssue({ standing, role: "reviewer", governance: GOV, approvers, expiresAt: EXPIRES, webUrl: WEB, revision: "abc123" })).toMatchInlineSnapshot(`
"## Promotion proposal: [Ana](https://github.com/Ana) → **reviewer**

@Ana meets every requirement for **reviewer**. The approvers decide whether to grant it.

Current role: **member** since 2025-04-22. Measured on 2025-06-01.

### Evidence

#### reviewer (next rung): 3 of 3 requirements met

| requirement | needed | has | |
| --- | --: | --: | :-: |
| merged PRs in the last 30 days | 3 | 3 | ✅ |
| PRs of others reviewed in the last 30 days | 2 | 2 | ✅ |
| time since the first counted contribution | 10 days | 20 days | ✅ |

- Merged PRs counted: [acme/widgets\\#11](https://github.com/acme/widgets/pull/11) (2025-05-31), [acme/widgets\\#12](https://github.com/acme/widgets/pull/12) (2025-05-30), [acme/widgets\\#13](https://github.com/acme/widgets/pull/13) (2025-05-12).
- PRs reviewed: [acme/widgets\\#21](https://github.com/acme/widgets/pull/21#pullrequestreview-1) (2025-05-29), [acme/widgets\\#22](https://github.com/acme/widgets/pull/22#pullrequestreview-2) (2025-05-28).
- First counted contribution: [acme/widgets\\#13](https://github.com/acme/widgets/pull/13) (2025-05-12).

### How this is decided

- **Who may approve:** holders of **maintainer**: [mia](https://github.com/mia), [mo](https://github.com/mo).
- **Quorum:** 2 approvals.
- **To approve:** react 👍 to this issue.
- **To object:** react 👎. An approver's objection holds the proposal until it is removed.
- **To reject:** comment \`/reject <reason>\` (approvers; the reason is required and goes into the decision log).
- **To withdraw:** [Ana](https://github.com/Ana) may comment \`/withdraw\`.
- **Expires:** 2025-07-01 if undecided (30 days after it was opened).

Reactions and commands from people without an approver role, from the candidate and from bots do not count. The current tally is kept in a comment below.

<!-- stewards:{"kind":"promotion","login":"ana","revision":"abc123","role":"reviewer"} -->"
`);
  });

  it("renders a nomination with unmet requirements, an escaped reason, a roster PR and an unreachable quorum", () => {
    const gov = { ...GOV, promotion: { ...GOV.promotion, approve_with: "either" as const, objection: "ignore" as const, quorum: 3 } };
    const body = renderPromotionIssue({
      standing,
      role: "maintainer",
      governance: gov,
      approvers,
      expiresAt: EXPIRES,
      webUrl: WEB,
      nomination: { by: "mia", reason: "leads the docs <b>rewrite</b> @core\n## fake" },
      pullRequest: { number: 77, url: "https://github.com/acme/widgets/pull/77" },
      evidenceShown: 0,
    });
    expect(promotionIssueTitle("Ana", "maintainer", true)).toBe("Nomination: Ana for maintainer");
    expect(body.split("\n").slice(0, 14).join("\n")).toMatchInlineSnapshot(`
"## Promotion proposal: [Ana](https://github.com/Ana) → **maintainer**

[mia](https://github.com/mia) nominates @Ana for **maintainer**: “leads the docs &lt;b&gt;rewrite&lt;/b&gt; @‍core \\#\\# fake”
A nomination shows every requirement, met or not; the same approval rules apply.

Current role: **member** since 2025-04-22. Measured on 2025-06-01.

### Evidence

#### maintainer: 0 of 2 requirements met

| requirement | needed | has | |
| --- | --: | --: | :-: |
| PRs of others reviewed in the last 365 days | 3 | 2 | ❌ |"
`);
    expect(body).toContain("- ⚠️ Only 2 people may approve, so the quorum cannot be reached");
    expect(body).toContain(
      "- **To approve:** react 👍 to this issue, or approve and merge [#77](https://github.com/acme/widgets/pull/77), the pull request that makes the roster change. " +
        "The merge approves when 3 approvals are reached: the person who merges counts if they hold an approver role, and so does each approving review by an approver, and each 👍 here. " +
        "A merge short of that still changes the roster, and is logged as a manual roster change instead of a promotion.",
    );
    expect(body).toContain("- **To object:** react 👎, or request changes in a review of the pull request. Objections are recorded in the decision log but do not hold the proposal.");
    expect(body.split("\n").filter((l) => l.startsWith("## "))).toHaveLength(1);
    expect(readPromotionMarker(body)).toEqual({ login: "ana", role: "maintainer", revision: null });
  });

  it("lists several approver roles, and says when nobody can approve", () => {
    const gov = { ...GOV, promotion: { ...GOV.promotion, approvers: ["reviewer"], approve_with: "pull_request" as const } };
    const body = renderPromotionIssue({ standing, role: "reviewer", governance: gov, approvers: [], expiresAt: EXPIRES, webUrl: WEB });
    expect(body).toContain("- **Who may approve:** holders of **reviewer** or **maintainer**: nobody yet.");
    expect(body).toContain("- ⚠️ Only 0 people may approve");
    expect(body).toContain("- **To approve:** approve and merge the pull request that makes the roster change (linked here once opened). The merge approves when 2 approvals are reached:");
    expect(body).toContain("- **To object:** request changes in a review of the pull request. An approver's objection holds the proposal until it is removed.");
    expect(body).toContain("reactions to this issue are not votes.");
    expect(body).not.toContain("react 👍");
  });

  it("says a merge by one approver approves when the quorum is 1", () => {
    const gov = { ...GOV, promotion: { ...GOV.promotion, approve_with: "pull_request" as const, quorum: 1 } };
    const body = renderPromotionIssue({ standing, role: "reviewer", governance: gov, approvers, expiresAt: EXPIRES, webUrl: WEB, pullRequest: { number: 8, url: "https://github.com/acme/widgets/pull/8" } });
    expect(body).toContain(
      "- **To approve:** approve and merge [#8](https://github.com/acme/widgets/pull/8), the pull request that makes the roster change. The merge approves when someone holding an approver role merged it, or approved it in a review.",
    );
  });

  it("refuses a role that is not a rung", () => {
    expect(() => renderPromotionIssue({ standing, role: "owner", governance: GOV, approvers, expiresAt: EXPIRES, webUrl: WEB })).toThrow(RangeError);
  });
});

describe("readPromotionMarker", () => {
  it.each([
    ["no marker", "just text", null],
    ["another kind", '<!-- stewards:{"kind":"ladder-reply","login":"a"} -->', null],
    ["a marker without a role", '<!-- stewards:{"kind":"promotion","login":"a"} -->', null],
    ["a numeric login", '<!-- stewards:{"kind":"promotion","login":7,"role":"r"} -->', null],
    ["a marker with upper case and CRLF", 'x\r\n<!-- stewards:{"kind":"promotion","login":"Ana","role":"reviewer","revision":"r1"} -->\r\n', { login: "ana", role: "reviewer", revision: "r1" }],
  ])("%s", (_name, body, expected) => {
    expect(readPromotionMarker(body)).toEqual(expected);
  });
});

describe("renderStatusComment", () => {
  const ref = { candidate: "Ana", role: "reviewer", webUrl: WEB };
  const tally = (reactions: Reaction[], objection: "block" | "ignore" = "block") =>
    tallyReactions({ reactions, roster: ROSTER, governance: { ...GOV, promotion: { ...GOV.promotion, objection } }, candidate: "Ana" });

  it("shows approvals, objections and what did not count", () => {
    const t = tally([up("mia"), up("ana"), up("eve"), up("ci", "Bot"), { login: "mo", type: "User", content: "-1" }]);
    expect(renderStatusComment(t, ref)).toMatchInlineSnapshot(`
"**Tally:** ✋ held by an objection; 1 of 2 approvals.

- 👍 **Approvals:** 1 of 2 needed: [mia](https://github.com/mia) (maintainer)
- 👎 **Objections:** 1: [mo](https://github.com/mo) (maintainer)
- **Not counted:** [ana](https://github.com/ana) 👍 (the candidate), [ci](https://github.com/ci) 👍 (a bot), [eve](https://github.com/eve) 👍 (holds no approver role)

<!-- stewards:{"kind":"promotion-status","login":"ana","role":"reviewer"} -->"
`);
  });

  it.each<[string, Reaction[], "block" | "ignore", string]>([
    ["waiting", [], "block", "**Tally:** ⏳ 0 of 2 approvals."],
    ["approved", [up("mia"), up("mo")], "block", "**Tally:** ✅ quorum reached: 2 of 2 approvals."],
    ["approved despite an ignored objection", [up("mia"), up("mo"), { login: "mia", type: "User", content: "-1" }], "ignore", "**Tally:** ✅ quorum reached: 2 of 2 approvals."],
  ])("headline when %s", (_name, reactions, objection, headline) => {
    const text = renderStatusComment(tally(reactions, objection), ref);
    expect(text.split("\n")[0]).toBe(headline);
    if (objection === "ignore") expect(text).toContain("(recorded; they do not hold the proposal)");
  });

  it("renders the same text for the same votes in any order, and different text when they change", () => {
    const a = renderStatusComment(tally([up("mia"), up("eve"), up("mo")]), ref);
    expect(renderStatusComment(tally([up("mo"), up("mia"), up("eve")]), ref)).toBe(a);
    expect(renderStatusComment(tally([up("mo"), up("eve")]), ref)).not.toBe(a);
    expect(findMarker(a, "promotion-status")).toEqual({ login: "ana", role: "reviewer" });
  });

  it("warns when the quorum cannot be reached", () => {
    const t = tallyReactions({ reactions: [], roster: ROSTER, governance: { ...GOV, promotion: { ...GOV.promotion, quorum: 5 } }, candidate: "Ana" });
    expect(renderStatusComment(t, ref)).toContain("⚠️ Only 2 people may approve, fewer than the quorum of 5");
  });
});

describe("renderOutcomeComment", () => {
  const opts = { candidate: "Ana", role: "reviewer", webUrl: WEB, logUrl: "https://github.com/acme/widgets/blob/main/GOVERNANCE-LOG.md" };
  it.each([
    [
      "approved",
      { kind: "approved" as const, decisionId: "D-0007", approvals: [{ login: "mia", role: "maintainer" }, { login: "mo", role: "maintainer" }], via: "reaction" as const },
      "✅ **Approved** with 2 approvals ([mia](https://github.com/mia), [mo](https://github.com/mo)): [Ana](https://github.com/Ana) now holds **reviewer**, and the roster is updated. Recorded as [D-0007](https://github.com/acme/widgets/blob/main/GOVERNANCE-LOG.md) in the governance log.",
    ],
    [
      "approved by merge",
      { kind: "approved" as const, decisionId: "D-0007", approvals: [], via: "pull_request" as const },
      "✅ **Approved** by merging the roster pull request: [Ana](https://github.com/Ana) now holds **reviewer**, and the roster is updated. Recorded as [D-0007](https://github.com/acme/widgets/blob/main/GOVERNANCE-LOG.md) in the governance log.",
    ],
    [
      "rejected",
      { kind: "rejected" as const, decisionId: "D-0008", by: "mo", reason: "not yet <script>\n@all" },
      "❌ **Rejected** by [mo](https://github.com/mo): “not yet &lt;script&gt; @\u200Dall”. Recorded as [D-0008](https://github.com/acme/widgets/blob/main/GOVERNANCE-LOG.md) in the governance log.",
    ],
    [
      "expired",
      { kind: "expired" as const, decisionId: "D-0009", expiresAt: EXPIRES, approvals: 1, quorum: 2 },
      "⌛ **Expired** on 2025-07-01 without a decision (1 of 2 approvals). Recorded as [D-0009](https://github.com/acme/widgets/blob/main/GOVERNANCE-LOG.md) in the governance log.",
    ],
    ["withdrawn", { kind: "withdrawn" as const, decisionId: "D-0010", by: "Ana" }, "↩️ **Withdrawn** by [Ana](https://github.com/Ana). Recorded as [D-0010](https://github.com/acme/widgets/blob/main/GOVERNANCE-LOG.md) in the governance log."],
  ])("%s", (_name, outcome, text) => {
    const body = renderOutcomeComment(outcome, opts);
    expect(body.split("\n")[0]).toBe(text);
    expect(findMarker(body, "promotion-outcome")).toEqual({ login: "ana", role: "reviewer", outcome: outcome.kind });
  });

  it("offers an appeal of a rejection when appeals are on, and shows the bare id without a log link", () => {
    const body = renderOutcomeComment({ kind: "rejected", decisionId: "D-0008", by: "mo", reason: "r" }, { ...opts, logUrl: undefined, appealWithin: "14 days" });
    expect(body.split("\n")[0]).toBe("❌ **Rejected** by [mo](https://github.com/mo): “r”. Recorded as D-0008 in the governance log. [Ana](https://github.com/Ana) may appeal within 14 days with `/appeal <reason>` here.");
  });
});

describe("renderProgressComment", () => {
  it("renders becoming eligible and being one requirement away", () => {
    const before = measureOne("zoe", { pullRequests: [pr("zoe", 3, { number: 1 })], reviews: [] }, GOV, ROSTER, NOW);
    const after = measureOne("zoe", { pullRequests: [pr("zoe", 3, { number: 1 }), pr("zoe", 0, { number: 2 })], reviews: [] }, GOV, ROSTER, NOW);
    const eligible = progressBetween(before, after);
    expect(eligible).not.toBeNull();
    expect(renderProgressComment(eligible!, { webUrl: WEB, proposalUrl: "https://github.com/acme/widgets/issues/9" })).toMatchInlineSnapshot(`
"🎉 With this pull request, [zoe](https://github.com/zoe) meets every requirement for **member**. The approvers decide in the [promotion proposal](https://github.com/acme/widgets/issues/9).

<!-- stewards:{"kind":"progress","login":"zoe","role":"member","step":"eligible"} -->"
`);
    const oneAway = renderProgressComment(
      { kind: "one-away", login: "Ana", role: "reviewer", missing: standing.rungs[2]!.requirements[0]! },
      { webUrl: WEB },
    );
    expect(oneAway.split("\n")[0]).toBe("📈 With this pull request, [Ana](https://github.com/Ana) is one requirement away from **reviewer**: 1 more review. Comment `/ladder` for the details.");
    expect(findMarkers(oneAway)).toEqual([{ kind: "progress", key: { login: "ana", role: "reviewer", step: "one-away" } }]);
  });
});
