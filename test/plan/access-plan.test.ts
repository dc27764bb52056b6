import { describe, expect, it } from "@jest/globals";
import { governanceSchema, type Governance, type GovernanceInput, type Roster } from "../../src/config/schema.js";
import { desiredAccess, planAccess, removalAllowance, spliceCodeowners, type AccessPlan, type AccessPlanOptions } from "../../src/plan/access-plan.js";
import { applyToSnapshot, type AccessSnapshot, type RulesetSpec, type TeamState } from "../../src/plan/access-snapshot.js";
import type { AccessAction } from "../../src/plan/actions.js";
import { describeAction } from "../../src/plan/actions.js";
import type { ClassicProtection } from "../../src/plan/classic-protection.js";
import { verifyProtectionChange } from "../../src/plan/classic-protection.js";

const repo = { owner: "acme", repo: "widgets" };

function ladder(overrides: Partial<GovernanceInput> = {}): Governance {
  return governanceSchema.parse({
    version: 1,
    ladder: [
      { role: "member", requires: { merged_prs: 5 }, grants: { teams: ["contributors"] } },
      { role: "reviewer", requires: { merged_prs: 15 }, grants: { teams: ["reviewers"], codeowners: ["/docs/"] } },
      {
        role: "maintainer",
        requires: { merged_prs: 40 },
        grants: { teams: ["maintainers"], codeowners: ["*"], branch_protection: { branches: ["main"], bypass: true } },
      },
    ],
    promotion: { approvers: ["maintainer"] },
    ...overrides,
  });
}

const GOV = ladder();

const ROSTER: Roster = {
  members: [
    { login: "alice", role: "maintainer", since: "2024-01-15" },
    { login: "bob", role: "reviewer", since: "2025-01-01" },
    { login: "carol", role: "member", since: "2025-02-01" },
  ],
  emeritus: [{ login: "dave", role: "maintainer", since: "2020-01-01" }],
};

function protection(over: Partial<ClassicProtection> = {}): ClassicProtection {
  return {
    requiredStatusChecks: { strict: true, contexts: ["ci/test"], checks: [{ context: "ci/test", appId: 15368 }] },
    enforceAdmins: true,
    requiredPullRequestReviews: {
      requiredApprovingReviewCount: 2,
      dismissStaleReviews: true,
      requireCodeOwnerReviews: true,
      requireLastPushApproval: false,
      dismissalRestrictions: { users: ["alice"], teams: ["maintainers"], apps: [] },
      bypassPullRequestAllowances: { users: [], teams: ["release"], apps: ["renovate"] },
    },
    restrictions: { users: ["release-bot"], teams: ["release"], apps: ["deploy-app"] },
    flags: { required_linear_history: true, allow_force_pushes: false, allow_deletions: false },
    ...over,
  };
}

const team = (members: string[], extra: Partial<Extract<TeamState, { state: "ok" }>> = {}): TeamState => ({ state: "ok", id: null, members, pending: [], ...extra });

/** A snapshot of a repository where nothing is set up yet (except protection on main), every fact read. */
function snapshot(over: Partial<AccessSnapshot> = {}): AccessSnapshot {
  return {
    repo,
    ownerType: "Organization",
    codeowners: { branch: "main", headSha: "head1", treeSha: "tree1", path: null, text: null },
    teams: { contributors: team([]), reviewers: team([]), maintainers: team([]) },
    orgOwners: { state: "ok", logins: ["octo-owner"] },
    repoAdmins: { state: "ok", logins: ["octo-owner", "admin-ann"] },
    branches: { main: { state: "protected", protection: protection() } },
    rulesets: { state: "ok", list: [], owned: {} },
    ...over,
  };
}

function plan(snap: AccessSnapshot, opts: AccessPlanOptions = {}, gov: Governance = GOV, roster: Roster = ROSTER): AccessPlan {
  return planAccess(desiredAccess(gov, roster), snap, opts);
}

/** The actions as dry-run lines: short, and what a person reviews. */
const lines = (p: AccessPlan) => p.actions.map(describeAction);

/** Plans, applies, plans again: the second plan must be empty. */
function expectIdempotent(snap: AccessSnapshot, opts: AccessPlanOptions = {}, gov: Governance = GOV, roster: Roster = ROSTER) {
  const first = plan(snap, opts, gov, roster);
  expect(first.needs).toEqual([]);
  const second = plan(applyToSnapshot(snap, first.actions), opts, gov, roster);
  expect(second.actions.map(describeAction)).toEqual([]);
  return first;
}

const teamMembers = (s: AccessSnapshot, slug: string) => {
  const t = s.teams[slug];
  return t?.state === "ok" ? t.members : null;
};

describe("planAccess: a repository set up from nothing", () => {
  const first = plan(snapshot());

  it("adds every holder at or above each granting role, grants bypass on main, and writes CODEOWNERS last", () => {
    expect(lines(first)).toEqual([
      "add @alice to team acme/contributors",
      "add @bob to team acme/contributors",
      "add @carol to team acme/contributors",
      "add @alice to team acme/reviewers",
      "add @bob to team acme/reviewers",
      "add @alice to team acme/maintainers",
      "update classic protection of acme/widgets@main: push restrictions +@alice; pull request bypass +@alice",
      "write the stewards block of .github/CODEOWNERS to acme/widgets@main",
    ]);
    expect(first.refusals).toEqual([]);
    expect(first.needs).toEqual([]);
  });

  it("creates .github/CODEOWNERS when no CODEOWNERS file exists, holding only the block", () => {
    const write = first.actions.find((a) => a.kind === "codeowners.write");
    expect(write).toMatchObject({ path: ".github/CODEOWNERS", parentSha: "head1", baseTreeSha: "tree1", branch: "main", blockLines: { start: 1, end: 7 } });
    expect(write && write.kind === "codeowners.write" && write.text).toBe(
      "# BEGIN stewards\n# Maintained by Stewards from the roster; edit the roster, not these lines.\n* @alice\n/docs/ @alice @bob\n/.github/governance.yml @alice\n/.github/roster.yml @alice\n# END stewards\n",
    );
  });

  it("carries the full protection read from GitHub, changed only in the two user lists", () => {
    const update = first.actions.find((a) => a.kind === "branch-protection.update");
    if (update?.kind !== "branch-protection.update") throw new Error("no update");
    expect(update.before).toEqual(protection());
    expect(update.after.restrictions).toEqual({ users: ["release-bot", "alice"], teams: ["release"], apps: ["deploy-app"] });
    expect(update.after.requiredPullRequestReviews?.bypassPullRequestAllowances).toEqual({ users: ["alice"], teams: ["release"], apps: ["renovate"] });
    expect(update.pullRequestBypass).toEqual({ users: ["alice"], teams: ["release"], apps: ["renovate"], add: ["alice"], remove: [] });
    expect(verifyProtectionChange(update.before, update.after)).toEqual([]);
    expect({ ...update.after, restrictions: null, requiredPullRequestReviews: null }).toEqual({ ...protection(), restrictions: null, requiredPullRequestReviews: null });
  });

  it("is idempotent: planning what the plan produced gives no actions", () => {
    expectIdempotent(snapshot());
  });
});

describe("planAccess: teams", () => {
  it("a lower rung's team includes the holders above it (each role implies those below it)", () => {
    const after = applyToSnapshot(snapshot(), plan(snapshot()).actions);
    expect(teamMembers(after, "contributors")).toEqual(["alice", "bob", "carol"]);
    expect(teamMembers(after, "reviewers")).toEqual(["alice", "bob"]);
    expect(teamMembers(after, "maintainers")).toEqual(["alice"]);
  });

  it("a team granted to two roles holds the holders of the lower one", () => {
    const gov = ladder({
      ladder: [
        { role: "member", requires: { merged_prs: 5 } },
        { role: "reviewer", requires: { merged_prs: 15 }, grants: { teams: ["core"] } },
        { role: "maintainer", requires: { merged_prs: 40 }, grants: { teams: ["core"] } },
      ],
    });
    const p = plan(snapshot({ teams: { core: team([]) } }), {}, gov);
    expect(lines(p).filter((l) => l.includes("team"))).toEqual(["add @alice to team acme/core", "add @bob to team acme/core"]);
  });

  it.each<[string, string[], AccessPlanOptions, string[], string[]]>([
    // name, maintainers team now, options, expected removals, expected drift
    ["a demoted holder named in the roster is removed", ["alice", "bob"], {}, ["bob"], []],
    ["an emeritus holder is removed", ["alice", "dave"], {}, ["dave"], []],
    ["someone added by hand is drift, reported and left", ["alice", "zed"], {}, [], ["zed"]],
    ["someone the app added earlier (managed) is removed", ["alice", "zed"], { managed: { "team:maintainers": ["zed"] } }, ["zed"], []],
    ["in a team the app manages whole, a hand-added member is removed", ["alice", "zed"], { exclusiveTeams: ["maintainers"] }, ["zed"], []],
    ["logins compare case-insensitively", ["Alice", "DAVE"], {}, ["DAVE"], []],
  ])("%s", (_name, members, opts, removed, drift) => {
    const snap = snapshot({ teams: { contributors: team(["alice", "bob", "carol"]), reviewers: team(["alice", "bob"]), maintainers: team(members) } });
    const p = plan(snap, opts);
    expect(p.actions.filter((a) => a.kind === "team.remove-member").map((a) => (a as { login: string }).login)).toEqual(removed);
    expect(p.actions.filter((a) => a.kind === "team.add-member")).toEqual([]);
    expect(p.notes.filter((n) => n.code === "drift" && n.resource === "team:maintainers").flatMap((n) => n.logins)).toEqual(drift);
    expectIdempotent(snap, opts);
  });

  it("a team that does not exist is a note, never created", () => {
    const p = plan(snapshot({ teams: { contributors: team(["alice", "bob", "carol"]), reviewers: { state: "missing" }, maintainers: team(["alice"]) } }));
    expect(lines(p).filter((l) => l.includes("reviewers"))).toEqual([]);
    expect(p.notes.find((n) => n.code === "team-missing")?.message).toMatch(/acme\/reviewers .* does not exist; Stewards does not create teams/);
  });

  it("a team the installation may not read is a note naming the permission, and the rest goes on", () => {
    const p = plan(snapshot({ teams: { contributors: { state: "unreadable", permission: "members: read", message: "403 Resource not accessible by integration" }, reviewers: team([]), maintainers: team([]) } }));
    expect(p.notes.find((n) => n.code === "unreadable")?.message).toMatch(/members: read/);
    expect(lines(p)).toContain("add @alice to team acme/maintainers");
  });

  it("a personal account's repository has no teams: a note, no team actions", () => {
    const p = plan(snapshot({ ownerType: "User", teams: {}, orgOwners: { state: "ok", logins: ["acme"] } }));
    expect(p.actions.some((a) => a.kind.startsWith("team."))).toBe(false);
    expect(p.notes.find((n) => n.code === "personal-account")?.message).toMatch(/personal account, which has no teams/);
  });

  it("does not re-add someone whose invitation is pending, and asks for invitations only when it would add", () => {
    const unread = snapshot({ teams: { contributors: team(["alice", "bob", "carol"]), reviewers: team(["alice", "bob"]), maintainers: team([], { pending: null }) } });
    const first = plan(unread);
    expect(first.needs).toEqual([{ kind: "team-invitations", team: "maintainers" }]);
    expect(first.actions).toEqual([]);
    const pending = snapshot({ teams: { contributors: team(["alice", "bob", "carol"]), reviewers: team(["alice", "bob"]), maintainers: team([], { pending: ["alice"] }) } });
    const second = plan(pending);
    expect(lines(second).filter((l) => l.includes("team"))).toEqual([]);
    expect(second.notes.find((n) => n.code === "invitation-pending")?.logins).toEqual(["alice"]);
    // A team already in step needs no invitations read.
    const inStep = snapshot({ teams: { contributors: team(["alice", "bob", "carol"], { pending: null }), reviewers: team(["alice", "bob"], { pending: null }), maintainers: team(["alice"], { pending: null }) } });
    expect(plan(inStep).needs).toEqual([]);
  });

  it("roster logins that are not valid GitHub logins get no access and a note", () => {
    const roster: Roster = { ...ROSTER, members: [...ROSTER.members, { login: "evil\n* @mallory", role: "maintainer", since: "2025-01-01" }] };
    const p = plan(snapshot(), {}, GOV, roster);
    expect(p.actions.some((a) => JSON.stringify(a).includes("mallory") && a.kind !== "codeowners.write")).toBe(false);
    expect(p.actions.find((a) => a.kind === "codeowners.write")).toBeDefined();
    expect(JSON.stringify(p.actions.find((a) => a.kind === "codeowners.write"))).not.toContain("mallory");
    expect(p.notes.find((n) => n.code === "invalid-login")?.logins).toEqual(["evil\n* @mallory"]);
  });
});

describe("planAccess: safety floors", () => {
  const inStep = { contributors: team(["alice", "bob", "carol"]), reviewers: team(["alice", "bob"]) };

  it("never removes an org owner or a repository admin; says so", () => {
    const snap = snapshot({ teams: { ...inStep, maintainers: team(["alice", "octo-owner", "admin-ann", "dave"]) } });
    const p = plan(snap, { exclusiveTeams: ["maintainers"] });
    expect(lines(p).filter((l) => l.includes("team"))).toEqual(["remove @dave from team acme/maintainers"]);
    expect(p.notes.find((n) => n.code === "kept-by-floor")?.logins).toEqual(["octo-owner", "admin-ann"]);
  });

  it("reads owners and admins only when someone would be removed: until then, no actions", () => {
    const unread = { orgOwners: { state: "unread" as const }, repoAdmins: { state: "unread" as const } };
    const removing = plan(snapshot({ ...unread, teams: { ...inStep, maintainers: team(["alice", "dave"]) } }));
    expect(removing.needs).toEqual([{ kind: "org-owners" }, { kind: "repo-admins" }]);
    expect(removing.actions).toEqual([]);
    const adding = plan(snapshot({ ...unread, teams: { ...inStep, maintainers: team([]) } }));
    expect(adding.needs).toEqual([]);
    expect(lines(adding)).toContain("add @alice to team acme/maintainers");
  });

  it("removes nobody when the owners cannot be read", () => {
    const p = plan(snapshot({ orgOwners: { state: "unreadable", permission: "members: read", message: "403" }, teams: { ...inStep, maintainers: team(["alice", "dave"]) } }));
    expect(p.actions.filter((a) => a.kind === "team.remove-member")).toEqual([]);
    expect(p.notes.find((n) => n.code === "unreadable")?.message).toMatch(/Nobody is removed/);
  });

  it("never removes the last holder of the top role: with nobody in it, each resource that would lose someone is refused whole", () => {
    const roster: Roster = { members: [{ login: "bob", role: "reviewer", since: "2025-01-01" }, { login: "erin", role: "member", since: "2025-01-01" }], emeritus: [{ login: "alice", role: "maintainer", since: "2026-01-01" }] };
    const block = desiredAccess(GOV, ROSTER).codeownersBlock;
    const snap = snapshot({
      teams: { contributors: team(["alice", "bob"]), reviewers: team(["alice", "bob"]), maintainers: team(["alice"]) },
      codeowners: { branch: "main", headSha: "h", treeSha: "t", path: ".github/CODEOWNERS", text: `${block}\n` },
    });
    const p = plan(snap, {}, GOV, roster);
    // contributors would gain erin and lose alice: refused whole, like every resource that would lose someone.
    expect(lines(p)).toEqual([]);
    expect(p.refusals.map((r) => [r.code, r.resource])).toEqual([
      ["last-top-holder", "team:contributors"],
      ["last-top-holder", "team:reviewers"],
      ["last-top-holder", "team:maintainers"],
      ["last-top-holder", "codeowners"],
    ]);
    expect(p.refusals[0]!.message).toMatch(/names nobody in the top role, maintainer/);
  });

  it.each<[string, number, number, boolean]>([
    // members now, how many to remove, refused?
    ["1 of 4", 4, 1, false],
    ["2 of 8 (25%)", 8, 2, false],
    ["3 of 8 (over 25%)", 8, 3, true],
    ["1 of 3 (one removal is always allowed)", 3, 1, false],
    ["2 of 3", 3, 2, true],
  ])("removing %s members of a team", (_name, size, remove, refused) => {
    const others = Array.from({ length: size - 1 - remove }, (_, i) => `hand${i}`);
    const leaving = Array.from({ length: remove }, (_, i) => `gone${i}`);
    const roster: Roster = { ...ROSTER, emeritus: leaving.map((login) => ({ login, role: "maintainer", since: "2020-01-01" })) };
    const snap = snapshot({ teams: { ...inStep, maintainers: team(["alice", ...others, ...leaving]) } });
    const p = plan(snap, {}, GOV, roster);
    const teamActions = p.actions.filter((a) => a.kind.startsWith("team.") && (a as { team: string }).team === "maintainers");
    if (refused) {
      expect(teamActions).toEqual([]);
      expect(p.refusals).toHaveLength(1);
      expect(p.refusals[0]).toMatchObject({ code: "removal-share", resource: "team:maintainers" });
      expect(p.refusals[0]!.actions).toHaveLength(remove);
      expect(p.refusals[0]!.message).toMatch(new RegExp(`remove ${remove} of ${size}`));
    } else {
      expect(teamActions).toHaveLength(remove);
      expect(p.refusals).toEqual([]);
    }
  });

  it("a refused team gets no actions at all, additions included, and other resources go on", () => {
    const roster: Roster = { ...ROSTER, members: [...ROSTER.members, { login: "newbie", role: "maintainer", since: "2026-01-01" }], emeritus: ["x1", "x2", "x3"].map((login) => ({ login, role: "maintainer", since: "2020-01-01" })) };
    const snap = snapshot({ teams: { contributors: team(["alice", "bob", "carol", "newbie"]), reviewers: team(["alice", "bob", "newbie"]), maintainers: team(["alice", "x1", "x2", "x3"]) } });
    const p = plan(snap, {}, GOV, roster);
    expect(lines(p).filter((l) => l.includes("maintainers"))).toEqual([]);
    expect(p.refusals[0]!.actions.map(describeAction)).toEqual([
      "add @newbie to team acme/maintainers",
      "remove @x1 from team acme/maintainers",
      "remove @x2 from team acme/maintainers",
      "remove @x3 from team acme/maintainers",
    ]);
    expect(lines(p)).toContain("update classic protection of acme/widgets@main: push restrictions +@alice +@newbie; pull request bypass +@alice +@newbie");
  });

  it("refuses when all of one role's teams together lose more than the share, though each team alone would not", () => {
    const gov = ladder({
      ladder: [
        { role: "member", requires: { merged_prs: 5 } },
        { role: "maintainer", requires: { merged_prs: 40 }, grants: { teams: ["core-a", "core-b"] } },
      ],
    });
    const roster: Roster = { members: [{ login: "alice", role: "maintainer", since: "2024-01-01" }, { login: "bea", role: "maintainer", since: "2024-01-01" }, { login: "cy", role: "maintainer", since: "2024-01-01" }], emeritus: ["x1", "x2"].map((login) => ({ login, role: "maintainer", since: "2020-01-01" })) };
    const snap = snapshot({ teams: { "core-a": team(["alice", "bea", "cy", "x1"]), "core-b": team(["alice", "bea", "cy", "x2"]) } });
    const p = plan(snap, {}, gov, roster);
    expect(p.actions.filter((a) => a.kind.startsWith("team."))).toEqual([]);
    expect(p.refusals.map((r) => r.resource)).toEqual(["team:core-a", "team:core-b"]);
    expect(p.refusals[0]!.message).toMatch(/teams of maintainer would lose 2 of 5/);
  });

  it("uses the ladder's demotion.max_removal_share", () => {
    const gov = ladder({ demotion: { inactive_after: "365d", term_limit: null, notice: "14d", max_removal_share: 0.5 } });
    const roster: Roster = { ...ROSTER, emeritus: ["x1", "x2"].map((login) => ({ login, role: "maintainer", since: "2020-01-01" })) };
    const snap = snapshot({ teams: { ...inStep, maintainers: team(["alice", "x1", "x2", "hand"]) } });
    expect(plan(snap, {}, gov, roster).refusals).toEqual([]);
    expect(plan(snap, {}, GOV, roster).refusals).toHaveLength(1);
    expect(removalAllowance(4, 0.5)).toBe(2);
    expect(removalAllowance(0, 0.25)).toBe(1);
  });
});

describe("planAccess: classic branch protection", () => {
  const teams = { contributors: team(["alice", "bob", "carol"]), reviewers: team(["alice", "bob"]), maintainers: team(["alice"]) };
  const co = { branch: "main", headSha: "h", treeSha: "t", path: ".github/CODEOWNERS", text: spliceCodeowners(null, desiredAccess(GOV, ROSTER).codeownersBlock)!.text };
  const base = (p: ClassicProtection) => snapshot({ teams, codeowners: co, branches: { main: { state: "protected", protection: p } } });

  it("never turns push restrictions on: with pushes unrestricted, only the review bypass changes", () => {
    const p = plan(base(protection({ restrictions: null })));
    const update = p.actions[0];
    if (update?.kind !== "branch-protection.update") throw new Error("expected an update");
    expect(update.restrictionUsers).toBeUndefined();
    expect(update.after.restrictions).toBeNull();
    expect(lines(p)).toEqual(["update classic protection of acme/widgets@main: pull request bypass +@alice"]);
  });

  it("never turns required reviews on: without them, only the push restrictions change", () => {
    const p = plan(base(protection({ requiredPullRequestReviews: null })));
    expect(lines(p)).toEqual(["update classic protection of acme/widgets@main: push restrictions +@alice"]);
    expect((p.actions[0] as { after: ClassicProtection }).after.requiredPullRequestReviews).toBeNull();
  });

  it("protection that restricts neither pushes nor unreviewed merges: nothing to bypass, a note", () => {
    const p = plan(base(protection({ restrictions: null, requiredPullRequestReviews: null })));
    expect(p.actions).toEqual([]);
    expect(p.notes.map((n) => n.code)).toEqual(["nothing-to-bypass"]);
  });

  it.each<[string, AccessSnapshot["branches"][string], string]>([
    ["an unprotected branch", { state: "unprotected" }, "branch-unprotected"],
    ["a branch that does not exist", { state: "no-branch" }, "branch-missing"],
    ["protection the app may not read", { state: "unreadable", permission: "administration: read", message: "403" }, "unreadable"],
  ])("%s is a note", (_name, state, code) => {
    const p = plan(snapshot({ teams, codeowners: co, branches: { main: state } }));
    expect(p.actions).toEqual([]);
    expect(p.notes.map((n) => n.code)).toEqual([code]);
  });

  it("removes an emeritus holder the app managed, leaves a hand-added person (drift), keeps admins", () => {
    const p = plan(
      base(
        protection({
          restrictions: { users: ["alice", "release-bot", "dave", "admin-ann"], teams: ["release"], apps: [] },
          requiredPullRequestReviews: { ...protection().requiredPullRequestReviews!, bypassPullRequestAllowances: { users: ["alice", "bob"], teams: [], apps: [] } },
        }),
      ),
      { managed: { "branch:main": ["admin-ann"] } },
    );
    expect(lines(p)).toEqual(["update classic protection of acme/widgets@main: push restrictions -@dave"]);
    expect(p.notes.find((n) => n.code === "drift")?.logins).toEqual(["release-bot", "bob"]);
    expect(p.notes.find((n) => n.code === "kept-by-floor")?.logins).toEqual(["admin-ann"]);
  });

  it("a demoted holder the app added is removed from both lists", () => {
    const snap = base(
      protection({
        restrictions: { users: ["alice", "bob"], teams: [], apps: [] },
        requiredPullRequestReviews: { ...protection().requiredPullRequestReviews!, bypassPullRequestAllowances: { users: ["alice", "bob"], teams: [], apps: [] } },
      }),
    );
    const p = expectIdempotent(snap, { managed: { "branch:main": ["alice", "bob"] } });
    expect(lines(p)).toEqual(["update classic protection of acme/widgets@main: push restrictions -@bob; pull request bypass -@bob"]);
  });

  it("bypass on a branch pattern cannot reach classic protection: a note", () => {
    const gov = ladder({
      ladder: [
        { role: "member", requires: { merged_prs: 5 } },
        { role: "maintainer", requires: { merged_prs: 40 }, grants: { branch_protection: { branches: ["release/*"], bypass: true } } },
      ],
    });
    const p = plan(snapshot({ teams: {}, branches: {} }), {}, gov);
    expect(p.notes.map((n) => n.code)).toContain("branch-pattern");
    expect(p.actions.some((a) => a.kind === "branch-protection.update")).toBe(false);
  });
});

describe("verifyProtectionChange: never weaken protection", () => {
  const before = protection();
  const reviews = before.requiredPullRequestReviews!;
  it.each<[string, ClassicProtection, RegExp]>([
    ["lower required_approving_review_count", { ...before, requiredPullRequestReviews: { ...reviews, requiredApprovingReviewCount: 1 } }, /required approving reviews would fall from 2 to 1/],
    ["turn enforce_admins off", { ...before, enforceAdmins: false }, /enforce_admins would be turned off/],
    ["remove a required status check", { ...before, requiredStatusChecks: { strict: true, contexts: [], checks: [] } }, /status check "ci\/test" would be removed/],
    ["turn required status checks off", { ...before, requiredStatusChecks: null }, /required status checks would be turned off/],
    ["turn strict status checks off", { ...before, requiredStatusChecks: { ...before.requiredStatusChecks!, strict: false } }, /up to date/],
    ["turn required reviews off", { ...before, requiredPullRequestReviews: null }, /required pull request reviews would be turned off/],
    ["turn code owner reviews off", { ...before, requiredPullRequestReviews: { ...reviews, requireCodeOwnerReviews: false } }, /requireCodeOwnerReviews would be turned off/],
    ["drop a team from the bypass allowances", { ...before, requiredPullRequestReviews: { ...reviews, bypassPullRequestAllowances: { users: [], teams: [], apps: ["renovate"] } } }, /team release would be dropped from the pull request bypass/],
    ["drop an app from the bypass allowances", { ...before, requiredPullRequestReviews: { ...reviews, bypassPullRequestAllowances: { users: [], teams: ["release"], apps: [] } } }, /app renovate would be dropped/],
    ["drop a user from the push restrictions", { ...before, restrictions: { users: [], teams: ["release"], apps: ["deploy-app"] } }, /@release-bot would be dropped from the push restrictions/],
    ["drop a team from the push restrictions", { ...before, restrictions: { users: ["release-bot"], teams: [], apps: ["deploy-app"] } }, /team release would be dropped from the push restrictions/],
    ["drop an app from the push restrictions", { ...before, restrictions: { users: ["release-bot"], teams: ["release"], apps: [] } }, /app deploy-app would be dropped/],
    ["turn push restrictions off", { ...before, restrictions: null }, /push restrictions would be turned off/],
    ["turn push restrictions on", { ...before, restrictions: null }, /./],
    ["change a dismissal restriction", { ...before, requiredPullRequestReviews: { ...reviews, dismissalRestrictions: { users: [], teams: ["maintainers"], apps: [] } } }, /@alice would be dropped from the dismissal restrictions/],
    ["add a user to the dismissal restrictions", { ...before, requiredPullRequestReviews: { ...reviews, dismissalRestrictions: { users: ["alice", "mallory"], teams: ["maintainers"], apps: [] } } }, /other than the two user lists/],
    ["allow force pushes", { ...before, flags: { ...before.flags, allow_force_pushes: true } }, /allow_force_pushes would change from false to true/],
    ["drop linear history", { ...before, flags: { allow_force_pushes: false, allow_deletions: false } }, /required_linear_history would change from true to unset/],
    ["raise nothing but add a team to the bypass", { ...before, requiredPullRequestReviews: { ...reviews, bypassPullRequestAllowances: { users: [], teams: ["release", "more"], apps: ["renovate"] } } }, /other than the two user lists/],
  ])("refuses to %s", (_name, after, message) => {
    expect(verifyProtectionChange(before, after).join("\n")).toMatch(message);
  });

  it("turning restrictions on from none is refused", () => {
    expect(verifyProtectionChange({ ...before, restrictions: null }, before)).toEqual(["push restrictions would be turned on (it would lock out everyone not listed)"]);
  });

  it("allows adding users to the two lists, and removing exactly the users allowed", () => {
    const after: ClassicProtection = {
      ...before,
      restrictions: { users: ["alice"], teams: ["release"], apps: ["deploy-app"] },
      requiredPullRequestReviews: { ...reviews, bypassPullRequestAllowances: { users: ["alice"], teams: ["release"], apps: ["renovate"] } },
    };
    expect(verifyProtectionChange(before, after, ["release-bot"])).toEqual([]);
    expect(verifyProtectionChange(before, after)).toEqual(["@release-bot would be dropped from the push restrictions"]);
  });
});

describe("planAccess: rulesets", () => {
  const ids = { contributors: team(["alice", "bob", "carol"], { id: 11 }), reviewers: team(["alice", "bob"], { id: 12 }), maintainers: team(["alice"], { id: 13 }) };
  const theirs = { id: 1, name: "main-rules", target: "branch", sourceType: "Repository", enforcement: "active" };
  const org = { id: 2, name: "org-baseline", target: "branch", sourceType: "Organization", enforcement: "active" };
  const co = { branch: "main", headSha: "h", treeSha: "t", path: ".github/CODEOWNERS", text: spliceCodeowners(null, desiredAccess(GOV, ROSTER).codeownersBlock)!.text };
  const withRulesets = (over: Partial<AccessSnapshot> = {}) =>
    snapshot({ teams: ids, codeowners: co, branches: { main: { state: "unprotected" } }, rulesets: { state: "ok", list: [theirs, org], owned: {} }, ...over });

  it("where the repository uses rulesets, creates the app's own `stewards` ruleset with the bypass role's team", () => {
    const p = plan(withRulesets());
    expect(p.actions).toEqual([
      {
        kind: "ruleset.create",
        repo,
        teamSlugs: ["maintainers"],
        ruleset: { name: "stewards", target: "branch", enforcement: "active", bypassActors: [{ actorId: 13, actorType: "Team", bypassMode: "always" }], conditions: { refName: { include: ["refs/heads/main"], exclude: [] } }, rules: [] },
      },
    ]);
    expect(lines(p)).toEqual(['create ruleset "stewards" on acme/widgets for refs/heads/main with bypass for team maintainers']);
    expect(p.notes.map((n) => n.code)).toEqual(["other-rulesets", "ruleset-without-rules"]);
    expect(p.notes[0]!.message).toBe('Bypass is granted in Stewards\' own ruleset only; "main-rules", "org-baseline" (from the organization) keep their own bypass list. Move rules that holders should bypass into "stewards".');
    expectIdempotent(withRulesets());
  });

  it("an org-level ruleset alone does not make the repository use rulesets", () => {
    const p = plan(withRulesets({ rulesets: { state: "ok", list: [org], owned: {} } }));
    expect(p.actions).toEqual([]);
    expect(p.notes.map((n) => n.code)).toEqual(["branch-unprotected"]);
  });

  it("updates the app's ruleset: the bypass team swapped, people's actors, targets and rules kept", () => {
    const rules = [{ type: "pull_request", parameters: { required_approving_review_count: 2 } }];
    const existing: RulesetSpec & { id: number } = {
      id: 77,
      name: "stewards",
      target: "branch",
      enforcement: "active",
      bypassActors: [
        { actorId: 12, actorType: "Team", bypassMode: "always" }, // reviewers: a ladder team the bypass role does not grant → the app's to remove
        { actorId: 999, actorType: "Team", bypassMode: "pull_request" }, // not a ladder team: kept
        { actorId: 1, actorType: "OrganizationAdmin", bypassMode: "always" },
      ],
      conditions: { refName: { include: ["refs/heads/release"], exclude: ["refs/heads/tmp"] } },
      rules,
    };
    const snap = withRulesets({ rulesets: { state: "ok", list: [theirs, { ...theirs, id: 77, name: "stewards" }], owned: { stewards: existing } } });
    const p = expectIdempotent(snap);
    expect(lines(p)).toEqual(['update ruleset "stewards" (77) on acme/widgets: bypass +team maintainers, bypass -team reviewers, target +refs/heads/main']);
    const update = p.actions[0];
    if (update?.kind !== "ruleset.update") throw new Error("expected an update");
    expect(update.ruleset).toEqual({
      name: "stewards",
      target: "branch",
      enforcement: "active",
      bypassActors: [existing.bypassActors[1], existing.bypassActors[2], { actorId: 13, actorType: "Team", bypassMode: "always" }],
      conditions: { refName: { include: ["refs/heads/release", "refs/heads/main"], exclude: ["refs/heads/tmp"] } },
      rules,
    });
  });

  it("a role granting bypass but no team gets a note (ruleset bypass goes through teams)", () => {
    const gov = ladder({
      ladder: [
        { role: "member", requires: { merged_prs: 5 }, grants: { teams: ["contributors"] } },
        { role: "maintainer", requires: { merged_prs: 40 }, grants: { branch_protection: { branches: ["main"], bypass: true } } },
      ],
    });
    const p = plan(withRulesets({ teams: { contributors: ids.contributors } }), {}, gov);
    expect(p.actions.filter((a) => a.kind.startsWith("ruleset"))).toEqual([]);
    expect(p.notes.find((n) => n.code === "no-bypass-team")?.message).toMatch(/maintainer may bypass main, but grants no team/);
  });

  it("asks for team ids before planning a ruleset", () => {
    const p = plan(withRulesets({ teams: { ...ids, maintainers: team(["alice"]) } }));
    expect(p.needs).toEqual([{ kind: "team-ids", teams: ["maintainers"] }]);
    expect(p.actions).toEqual([]);
  });

  it("roles bypassing different branches get one ruleset each", () => {
    const gov = ladder({
      ladder: [
        { role: "member", requires: { merged_prs: 5 } },
        { role: "reviewer", requires: { merged_prs: 15 }, grants: { teams: ["reviewers"], branch_protection: { branches: ["docs/*"], bypass: true } } },
        { role: "maintainer", requires: { merged_prs: 40 }, grants: { teams: ["maintainers"], branch_protection: { branches: ["main"], bypass: true } } },
      ],
    });
    const p = plan(withRulesets({ teams: { reviewers: ids.reviewers, maintainers: ids.maintainers } }), {}, gov);
    expect(lines(p).filter((l) => l.startsWith("create ruleset"))).toEqual([
      'create ruleset "stewards-reviewer" on acme/widgets for refs/heads/docs/* with bypass for team reviewers',
      'create ruleset "stewards-maintainer" on acme/widgets for refs/heads/main with bypass for team maintainers',
    ]);
  });

  it("classic protection on the same branch is kept in step too (the two layers are separate)", () => {
    const p = plan(withRulesets({ branches: { main: { state: "protected", protection: protection() } } }));
    expect(p.actions.map((a) => a.kind)).toEqual(["ruleset.create", "branch-protection.update"]);
  });

  it("a personal account cannot bypass through rulesets: a note", () => {
    const p = plan(withRulesets({ ownerType: "User", teams: {}, orgOwners: { state: "ok", logins: ["acme"] } }));
    expect(p.actions.filter((a) => a.kind.startsWith("ruleset"))).toEqual([]);
    expect(p.notes.map((n) => n.code)).toContain("no-bypass-team");
  });
});

describe("planAccess: CODEOWNERS", () => {
  const teams = { contributors: team(["alice", "bob", "carol"]), reviewers: team(["alice", "bob"]), maintainers: team(["alice"]) };
  const block = desiredAccess(GOV, ROSTER).codeownersBlock;
  const write = (text: string | null, path: string | null = "CODEOWNERS") => {
    const p = plan(snapshot({ teams, codeowners: { branch: "main", headSha: "h", treeSha: "t", path, text } }));
    return p.actions.find((a): a is Extract<AccessAction, { kind: "codeowners.write" }> => a.kind === "codeowners.write") ?? null;
  };

  it("replaces only the block, every other line byte for byte", () => {
    const text = "# people's rules\n/src/ @org/devs  # keep\n\n# BEGIN stewards\n* @old\n# END stewards\n/tail/ @x\n";
    const w = write(text)!;
    expect(w.path).toBe("CODEOWNERS");
    expect(w.text).toBe(`# people's rules\n/src/ @org/devs  # keep\n\n${block}\n/tail/ @x\n`);
    expect(w.blockLines).toEqual({ start: 4, end: 10 });
    expect(w.text.split("\n").slice(w.blockLines.start - 1, w.blockLines.end).join("\n")).toBe(block);
  });

  it("appends the block when the file has none, after a blank line", () => {
    const w = write("/src/ @org/devs")!;
    expect(w.text).toBe(`/src/ @org/devs\n\n${block}\n`);
    expect(w.blockLines.start).toBe(3);
  });

  it("keeps CRLF line endings", () => {
    const w = write("/src/ @org/devs\r\n# BEGIN stewards\r\n# END stewards\r\n")!;
    expect(w.text).toBe(`/src/ @org/devs\r\n${block.split("\n").join("\r\n")}\r\n`);
  });

  it("writes nothing when the block is already up to date, wherever the file is", () => {
    expect(write(`/src/ @org/devs\n\n${block}\n`, "docs/CODEOWNERS")).toBeNull();
  });

  it.each([
    ["two BEGIN lines", "# BEGIN stewards\n# BEGIN stewards\n# END stewards\n"],
    ["no END line", "# BEGIN stewards\n* @a\n"],
    ["END before BEGIN", "# END stewards\n# BEGIN stewards\n"],
  ])("leaves a file with a broken block (%s) alone, with a note", (_name, text) => {
    const p = plan(snapshot({ teams, codeowners: { branch: "main", headSha: "h", treeSha: "t", path: "CODEOWNERS", text } }));
    expect(p.actions.some((a) => a.kind === "codeowners.write")).toBe(false);
    expect(p.notes.find((n) => n.code === "codeowners-block-malformed")?.message).toMatch(/CODEOWNERS has a broken stewards block/);
  });

  it("refuses a block that would drop more than the share of its owners", () => {
    const text = "# BEGIN stewards\n* @alice @x1 @x2 @x3 @x4\n# END stewards\n";
    const p = plan(snapshot({ teams, codeowners: { branch: "main", headSha: "h", treeSha: "t", path: "CODEOWNERS", text } }));
    expect(p.refusals.map((r) => [r.code, r.resource])).toEqual([["removal-share", "codeowners"]]);
  });
});

describe("planAccess: idempotent over generated rosters and GitHub states", () => {
  // A small deterministic generator (no dependency): rosters of up to 12 people over 3 roles, emeritus, and GitHub holding a random mix.
  function rng(seed: number) {
    let s = seed >>> 0;
    return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  }
  const people = Array.from({ length: 12 }, (_, i) => `user${i}`);
  const roles = ["member", "reviewer", "maintainer"];
  const seen = { removals: 0, refusals: 0, rulesets: 0, protection: 0, codeowners: 0 };

  it.each(Array.from({ length: 60 }, (_, i) => i + 1))("seed %i", (seed) => {
    const r = rng(seed);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
    const some = (xs: readonly string[], p: number) => xs.filter(() => r() < p);
    const roster: Roster = { members: [], emeritus: [] };
    for (const login of people) {
      const x = r();
      if (x < 0.5) roster.members.push({ login, role: pick(roles), since: "2025-01-01" });
      else if (x < 0.65) roster.emeritus.push({ login, role: pick(roles), since: "2024-01-01" });
    }
    if (r() < 0.8 && !roster.members.some((m) => m.role === "maintainer")) roster.members.push({ login: "founder", role: "maintainer", since: "2020-01-01" });
    const outsiders = ["hand1", "hand2", "octo-owner", "admin-ann"];
    const everyone = [...people, "founder", ...outsiders];
    const useRulesets = r() < 0.3;
    const snap = snapshot({
      teams: {
        contributors: team(some(everyone, 0.4), { id: 11 }),
        reviewers: r() < 0.1 ? { state: "missing" } : team(some(everyone, 0.3), { id: 12 }),
        maintainers: team(some(everyone, 0.2), { id: 13 }),
      },
      branches: {
        main:
          r() < 0.2
            ? { state: "unprotected" }
            : {
                state: "protected",
                protection: protection({
                  restrictions: r() < 0.3 ? null : { users: some(everyone, 0.2), teams: ["release"], apps: [] },
                  requiredPullRequestReviews: r() < 0.3 ? null : { ...protection().requiredPullRequestReviews!, bypassPullRequestAllowances: { users: some(everyone, 0.2), teams: [], apps: [] } },
                }),
              },
      },
      rulesets: useRulesets ? { state: "ok", list: [{ id: 1, name: "main-rules", target: "branch", sourceType: "Repository", enforcement: "active" }], owned: {} } : { state: "ok", list: [], owned: {} },
      codeowners: { branch: "main", headSha: "h", treeSha: "t", path: r() < 0.5 ? null : "CODEOWNERS", text: r() < 0.5 ? null : "/src/ @org/devs\n" },
    });
    if (snap.codeowners.path === null) snap.codeowners.text = null;
    const opts: AccessPlanOptions = { managed: { "team:maintainers": some(everyone, 0.3), "branch:main": some(everyone, 0.3) }, ...(r() < 0.3 ? { exclusiveTeams: ["contributors"] } : {}) };
    const first = plan(snap, opts, GOV, roster);
    expect(first.needs).toEqual([]);
    // Floors hold in every plan: no owner or admin removed, nobody removed without a top holder, protection never weakened.
    for (const a of first.actions) {
      if (a.kind === "team.remove-member") expect(["octo-owner", "admin-ann"]).not.toContain(a.login);
      if (a.kind === "team.remove-member") expect(roster.members.some((m) => m.role === "maintainer")).toBe(true);
      if (a.kind === "branch-protection.update") {
        expect([...(a.restrictionUsers?.remove ?? []), ...(a.pullRequestBypass?.remove ?? [])]).not.toContain("admin-ann");
        expect(verifyProtectionChange(a.before, a.after, [...(a.restrictionUsers?.remove ?? []), ...(a.pullRequestBypass?.remove ?? [])])).toEqual([]);
      }
    }
    seen.removals += first.actions.filter((a) => a.kind === "team.remove-member" || (a.kind === "branch-protection.update" && (a.restrictionUsers?.remove.length || a.pullRequestBypass?.remove.length))).length;
    seen.refusals += first.refusals.length;
    seen.rulesets += first.actions.filter((a) => a.kind.startsWith("ruleset.")).length;
    seen.protection += first.actions.filter((a) => a.kind === "branch-protection.update").length;
    seen.codeowners += first.actions.filter((a) => a.kind === "codeowners.write").length;
    const after = applyToSnapshot(snap, first.actions);
    const second = plan(after, opts, GOV, roster);
    expect(second.actions.map(describeAction)).toEqual([]);
    // What was refused stays refused (nothing sneaks through on the second run).
    expect(second.refusals.map((x) => x.resource)).toEqual(first.refusals.map((x) => x.resource));
  });

  it("the generated cases exercise removals, refusals, rulesets, protection and CODEOWNERS", () => {
    expect(seen.removals).toBeGreaterThan(10);
    expect(seen.refusals).toBeGreaterThan(5);
    expect(seen.rulesets).toBeGreaterThan(5);
    expect(seen.protection).toBeGreaterThan(10);
    expect(seen.codeowners).toBeGreaterThan(10);
  });
});
