import { describe, expect, it } from "@jest/globals";
import { governanceSchema, type Roster } from "../../src/config/schema.js";
import { desiredAccess } from "../../src/plan/access-desired.js";
import { withoutRemovals } from "../../src/plan/access-parts.js";
import type { AccessSnapshot, BranchState } from "../../src/plan/access-snapshot.js";
import { describeAction } from "../../src/plan/actions.js";
import type { ClassicProtection } from "../../src/plan/classic-protection.js";
import { planClassicBypass } from "../../src/plan/plan-classic-bypass.js";

const GOV = governanceSchema.parse({
  version: 1,
  ladder: [
    { role: "member", requires: { merged_prs: 5 } },
    { role: "maintainer", requires: { merged_prs: 40 }, grants: { branch_protection: { branches: ["main", "release/*"], bypass: true } } },
  ],
});
const ROSTER: Roster = {
  members: [{ login: "alice", role: "maintainer", since: "2024-01-15" }],
  emeritus: [{ login: "dave", role: "maintainer", since: "2020-01-01" }],
};
const DESIRED = desiredAccess(GOV, ROSTER);

function protection(restricted: string[] | null, bypass: string[] | null): ClassicProtection {
  return {
    requiredStatusChecks: null,
    enforceAdmins: true,
    requiredPullRequestReviews: bypass && {
      requiredApprovingReviewCount: 1,
      dismissStaleReviews: false,
      requireCodeOwnerReviews: false,
      requireLastPushApproval: false,
      dismissalRestrictions: null,
      bypassPullRequestAllowances: { users: bypass, teams: [], apps: [] },
    },
    restrictions: restricted && { users: restricted, teams: [], apps: [] },
    flags: {},
  };
}

function snapshot(main: BranchState, usesRulesets = false): AccessSnapshot {
  return {
    repo: { owner: "acme", repo: "widgets" },
    ownerType: "Organization",
    codeowners: { branch: "main", headSha: "h", treeSha: "t", path: null, text: null },
    teams: {},
    orgOwners: { state: "ok", logins: [] },
    repoAdmins: { state: "ok", logins: [] },
    branches: { main },
    rulesets: { state: "ok", list: usesRulesets ? [{ id: 1, name: "project", target: "branch", sourceType: "Repository", enforcement: "active" }] : [], owned: {} },
  };
}

const lines = (p: ReturnType<typeof planClassicBypass>) => p.groups.flatMap((g) => g.actions.map(describeAction));

describe("planClassicBypass", () => {
  it.each<[string, BranchState, boolean, string[], string[]]>([
    // main's state, repository uses rulesets, actions, note codes (main's, then release/*'s)
    ["adds the holder to both lists, removes the emeritus, reports the rest", { state: "protected", protection: protection(["dave", "bot"], []) }, false, ["update classic protection of acme/widgets@main: push restrictions +@alice -@dave; pull request bypass +@alice"], ["drift", "branch-pattern"]],
    ["never turns push restrictions on", { state: "protected", protection: protection(null, []) }, false, ["update classic protection of acme/widgets@main: pull request bypass +@alice"], ["branch-pattern"]],
    ["lists in step: no action", { state: "protected", protection: protection(["alice"], ["alice"]) }, false, [], ["branch-pattern"]],
    ["nothing to bypass", { state: "protected", protection: protection(null, null) }, false, [], ["nothing-to-bypass", "branch-pattern"]],
    ["unprotected, no rulesets", { state: "unprotected" }, false, [], ["branch-unprotected", "branch-pattern"]],
    ["unprotected, or a pattern, with rulesets: the rulesets' business, no notes", { state: "unprotected" }, true, [], []],
  ])("%s", (_name, main, rulesets, actions, codes) => {
    const p = planClassicBypass(DESIRED, snapshot(main, rulesets), () => []);
    expect(lines(p)).toEqual(actions);
    expect(p.notes.map((n) => n.code)).toEqual(codes);
  });

  it("a floor that keeps someone rebuilds the one update from both lists' edits", () => {
    const p = planClassicBypass(DESIRED, snapshot({ state: "protected", protection: protection(["dave", "zed"], ["zed"]) }), () => ["zed"]);
    const [group] = p.groups;
    expect(group!.removals).toEqual(["dave", "zed"]);
    const kept = withoutRemovals(group!, ["ZED"]);
    expect(kept.removals).toEqual(["dave"]);
    expect(kept.actions.map(describeAction)).toEqual(["update classic protection of acme/widgets@main: push restrictions +@alice -@dave; pull request bypass +@alice"]);
    const none = withoutRemovals(withoutRemovals(group!, ["dave", "zed"]), []);
    expect(none.actions.map(describeAction)).toEqual(["update classic protection of acme/widgets@main: push restrictions +@alice; pull request bypass +@alice"]);
    expect(group!.removals).toEqual(["dave", "zed"]);
  });
});
