import { describe, expect, it } from "@jest/globals";
import { tallyReactions } from "../../src/ladder/tally.js";
import { findMarker } from "../../src/render/markers.js";
import { renderOutcomeComment, renderStatusComment } from "../../src/render/promotion-comments.js";
import { promotionPullCommitMessage, promotionPullTitle, renderPromotionPullBody, renderPullClosedComment } from "../../src/render/promotion-pull-text.js";
import { roster, smallLadder } from "../ladder/builders.js";

const WEB = "https://github.com";
const GOV = smallLadder({ promotion: { approvers: ["maintainer"], quorum: 2, approve_with: "pull_request" } });
const ISSUE = { number: 12, url: "https://github.com/acme/widgets/issues/12" };
const PULL = { number: 13, url: "https://github.com/acme/widgets/pull/13" };

describe("the promotion pull request", () => {
  it("says what merging does, where the log entry goes, and that closing is not a rejection", () => {
    expect(promotionPullTitle("Ana", "reviewer")).toBe("Roster: promote Ana to reviewer");
    expect(promotionPullCommitMessage({ login: "Ana", role: "reviewer", issue: ISSUE })).toBe(
      "Promote Ana to reviewer (proposal #12)\n\nThe decision log entry is written by Stewards when this change is merged.",
    );
    expect(renderPromotionPullBody({ login: "Ana", role: "reviewer", from: "member", issue: ISSUE, governance: GOV, webUrl: WEB })).toMatchInlineSnapshot(`
"Adds [Ana](https://github.com/Ana) to \`.github/roster.yml\` as **reviewer** (from **member**), as proposed in [#12](https://github.com/acme/widgets/issues/12) — the evidence and who may approve are there.

**Merging this pull request approves the promotion** when 2 approvals are reached at the merge: the person who merges counts if they hold an approver role, and so does each approving review by an approver. The candidate's own approval and merge do not count.

- Stewards then writes the decision to \`GOVERNANCE-LOG.md\` in a commit right after the merge, which also records the decision id and the day of the merge in this roster entry, and closes [#12](https://github.com/acme/widgets/issues/12).
- A merge short of the quorum (for example by an admin without approving reviews) still changes the roster: it is logged as a **manual roster change**, not as a promotion.
- Closing this pull request without merging is not a rejection: the proposal stays open until it is decided or expires. To reject, comment \`/reject <reason>\` on the proposal.
- Please do not push to this branch: Stewards keeps it up to date with the base branch, and a merge that includes anyone else's commits is logged as a manual roster change.

<!-- stewards:{"kind":"promotion-pull","login":"ana","role":"reviewer"} -->"
`);
  });

  it("with either, counts 👍 on the issue and says reactions may close it; in a dry run names the issue in words", () => {
    const either = { ...GOV, promotion: { ...GOV.promotion, approve_with: "either" as const, quorum: 1 } };
    const body = renderPromotionPullBody({ login: "ana", role: "reviewer", from: null, issue: null, governance: either, webUrl: WEB });
    expect(body).toContain("when 1 approval is reached at the merge: the person who merges counts if they hold an approver role, and so does each approving review by an approver, and each 👍 on the proposal issue.");
    expect(body).toContain("- If the proposal issue is approved by reactions first, Stewards closes this pull request.");
    expect(body).not.toMatch(/@ana/);
  });

  it("is closed with a comment naming why and where", () => {
    const body = renderPullClosedComment({ login: "Ana", role: "reviewer", issue: ISSUE, why: "approved by reactions (D-0007)" });
    expect(body.split("\n")[0]).toBe("Closing: approved by reactions (D-0007) on [#12](https://github.com/acme/widgets/issues/12), so this pull request is no longer needed.");
    expect(findMarker(body, "promotion-pull-closed")).toEqual({ login: "ana", role: "reviewer" });
  });
});

describe("status and outcome comments with a pull request", () => {
  const ref = { candidate: "Ana", role: "reviewer", webUrl: WEB };
  const ROSTER = roster([["mia", "maintainer", 400], ["mo", "maintainer", 300]]);

  it("under pull_request shows only the pull request, open or closed", () => {
    expect(renderStatusComment(null, ref, { ...PULL, state: "open" }).split("\n")[0]).toBe(
      "**Pull request:** [#13](https://github.com/acme/widgets/pull/13) makes the roster change; approving and merging it is how this proposal is approved.",
    );
    const closed = renderStatusComment(null, ref, { ...PULL, state: "closed" });
    expect(closed.split("\n")[0]).toBe(
      "⏸️ **Pull request:** [#13](https://github.com/acme/widgets/pull/13) was closed without merging. That is not a rejection: the proposal stays open until it is decided or expires. Reopen and merge it to approve, or comment `/reject <reason>`.",
    );
    expect(findMarker(closed, "promotion-status")).toEqual({ login: "ana", role: "reviewer" });
  });

  it("under either adds the pull request below the tally", () => {
    const tally = tallyReactions({ reactions: [{ login: "mia", type: "User", content: "+1" }], roster: ROSTER, governance: GOV, candidate: "Ana" });
    const text = renderStatusComment(tally, ref, { ...PULL, state: "closed" });
    expect(text.split("\n")[0]).toBe("**Tally:** ⏳ 1 of 2 approvals.");
    expect(text).toContain("Reopen and merge it, approve with 👍 here, or comment `/reject <reason>`.");
  });

  it("names the merge and who merged, or the manual roster change and why", () => {
    const opts = { ...ref, logUrl: "https://github.com/acme/widgets/blob/main/GOVERNANCE-LOG.md" };
    const approvals = [{ login: "mia", role: "maintainer" }, { login: "mo", role: "maintainer" }];
    const approved = renderOutcomeComment({ kind: "approved", decisionId: "D-0007", approvals, via: "pull_request", merge: { ...PULL, by: "mia" } }, opts);
    expect(approved.split("\n")[0]).toBe(
      "✅ **Approved** by the merge of [#13](https://github.com/acme/widgets/pull/13) by [mia](https://github.com/mia), with 2 approvals ([mia](https://github.com/mia), [mo](https://github.com/mo)): [Ana](https://github.com/Ana) now holds **reviewer**, and the roster is updated. Recorded as [D-0007](https://github.com/acme/widgets/blob/main/GOVERNANCE-LOG.md) in the governance log.",
    );
    const manual = renderOutcomeComment({ kind: "manual", decisionId: "D-0008", approvals: [], quorum: 2, merge: { ...PULL, by: "root" }, why: "root holds no approver role; 0 of 2 approvals" }, opts);
    expect(manual.split("\n")[0]).toBe(
      "⚠️ **Merged without the approvals:** [#13](https://github.com/acme/widgets/pull/13) was merged by [root](https://github.com/root), which does not approve it: root holds no approver role; 0 of 2 approvals. [Ana](https://github.com/Ana) now holds **reviewer** through a **manual roster change**, not an approved promotion. Recorded as [D-0008](https://github.com/acme/widgets/blob/main/GOVERNANCE-LOG.md) in the governance log.",
    );
    expect(findMarker(manual, "promotion-outcome")).toEqual({ login: "ana", role: "reviewer", outcome: "manual" });
    const some = renderOutcomeComment({ kind: "manual", decisionId: "D-0008", approvals: [approvals[0]!], quorum: 2, merge: { ...PULL, by: "mia" }, why: "1 of 2 approvals" }, opts);
    expect(some).toContain("was merged by [mia](https://github.com/mia) (counted: [mia](https://github.com/mia); 2 needed), which does not approve it: 1 of 2 approvals.");
  });
});
