/** The demotion notice issue: what it tells the holder, and the marker that rebuilds its record. */
import { governanceSchema } from "../../src/config/schema.js";
import { demotionIssueTitle, readDemotionMarker, renderDemotionIssue, type NoticeFacts } from "../../src/render/demotion-issue.js";

const governance = governanceSchema.parse({
  version: 1,
  ladder: [
    { role: "member", requires: { merged_prs: 1 } },
    { role: "maintainer", requires: { merged_prs: 5 } },
  ],
  promotion: { approvers: ["maintainer"], quorum: 2, objection: "ignore" },
  demotion: { term_limit: "540d" },
});
const facts: NoticeFacts = {
  login: "dan",
  role: "maintainer",
  reason: "inactive",
  openedAt: "2026-11-20T12:00:00.000Z",
  endsAt: "2026-12-04T12:00:00.000Z",
  lastActivity: { at: "2025-10-16T12:00:00.000Z", url: "https://github.com/acme/widgets/pull/12" },
  since: "2024-01-15",
};
const render = (over: Partial<NoticeFacts> = {}, waiting = { share: 0, lastTopHolder: 0 }) =>
  renderDemotionIssue({ ...facts, ...over, governance, approvers: ["alice", "bob"], expiresAt: new Date("2027-01-03T12:00:00Z"), webUrl: "https://github.com", waiting });

describe("renderDemotionIssue", () => {
  it("names the reason, the last activity with its link, the notice's end, how it is decided after it, and how to step down", () => {
    const body = render();
    expect(body).toContain("@dan, you hold **maintainer**");
    expect(body).toContain("- **Reason:** inactive since 2025-10-16.");
    expect(body).toContain("- **Last counted activity:** 2025-10-16 ([link](https://github.com/acme/widgets/pull/12)).");
    expect(body).toContain("- **Notice ends:** 2026-12-04 (14 days after this issue was opened). Until then this cannot be approved, and any counted activity of yours closes it as cancelled.");
    expect(body).toContain("- **Who may approve:** holders of **maintainer**: [alice](https://github.com/alice), [bob](https://github.com/bob).");
    expect(body).toContain("recorded in the decision log; it does not hold the proposal");
    expect(body).toContain("- **Expires:** 2027-01-03 if undecided (30 days after the notice ends)");
    expect(body).toContain("moves to emeritus (as former **maintainer**)");
    expect(body).toContain("may comment `/step-down`");
    expect(body).not.toContain("⏸️");
    expect(render()).toBe(body);
  });

  it("a rotation names the term limit and the role below, and is not cancelled by activity", () => {
    const body = render({ reason: "term", lastActivity: null });
    expect(demotionIssueTitle("dan", "maintainer", "term")).toBe("Rotation notice: dan (maintainer)");
    expect(body).toContain("you have held **maintainer** since 2024-01-15, past the term limit of 540 days: the ladder rotates the role, to **member**");
    expect(body).toContain("**Last counted activity:** none known since the role was granted on 2024-01-15.");
    expect(body).not.toContain("closes it as cancelled");
    expect(body).toContain("moves to **member**");
  });

  it("says how many more holders of the role are due but wait, and why", () => {
    const body = render({}, { share: 3, lastTopHolder: 1 });
    expect(body).toContain(
      "⏸️ When this notice opened, 3 more holders of **maintainer** are due but wait: one sweep puts at most 25% of a role's holders (at least one) in notice at once; and 1 more holder of **maintainer** is due but never proposed while they would leave the role without holders.",
    );
  });

  it("carries the notice's facts in its marker, read back as they were", () => {
    expect(readDemotionMarker(render())).toEqual(facts);
    expect(readDemotionMarker(render({ lastActivity: null, login: "Dan" }))).toEqual({ ...facts, lastActivity: null });
    expect(readDemotionMarker("no marker")).toBeNull();
  });
});
