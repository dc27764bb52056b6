import { describe, expect, it } from "@jest/globals";
import { governanceSchema, type Roster } from "../../src/config/schema.js";
import { desiredAccess, type DesiredAccess } from "../../src/plan/access-desired.js";
import { ownerAdminFloor, removalAllowance, removalShareFloor } from "../../src/plan/access-floors.js";
import { STAGE, type AccessGroup } from "../../src/plan/access-parts.js";
import type { AccessSnapshot, PeopleFact } from "../../src/plan/access-snapshot.js";
import type { AccessAction } from "../../src/plan/actions.js";

const repo = { owner: "acme", repo: "widgets" };

const GOV = governanceSchema.parse({
  version: 1,
  ladder: [
    { role: "member", requires: { merged_prs: 5 }, grants: { teams: ["contributors", "triage"] } },
    { role: "maintainer", requires: { merged_prs: 40 }, grants: { teams: ["maintainers"] } },
  ],
});

const ROSTER: Roster = { members: [{ login: "alice", role: "maintainer", since: "2024-01-15" }], emeritus: [] };
const DESIRED = desiredAccess(GOV, ROSTER);
const NOBODY_ON_TOP: DesiredAccess = desiredAccess(GOV, { members: [{ login: "carol", role: "member", since: "2025-01-01" }], emeritus: [] });

/** A team group: `adds` and `removals` as the team planner would write them, `current` the members now. */
function team(slug: string, roles: string[], current: string[], removals: string[], adds: string[] = []): AccessGroup {
  const base = { repo, org: repo.owner, team: slug };
  const actions: AccessAction[] = [
    ...adds.map((login): AccessAction => ({ kind: "team.add-member", ...base, login })),
    ...removals.map((login): AccessAction => ({ kind: "team.remove-member", ...base, login })),
  ];
  return { resource: `team:${slug}`, roles, current, removals, actions, stage: STAGE.teamAdditions };
}

const people = (n: number, prefix = "p") => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const summary = (r: ReturnType<typeof removalShareFloor>) => ({
  refused: r.refusals.map((x) => `${x.code} ${x.resource}`),
  left: r.groups.map((g) => `${g.resource}: ${g.actions.length} actions, removes ${g.removals.length}`),
});

describe("removalAllowance", () => {
  it.each([
    [0, 0.25, 1],
    [3, 0.25, 1],
    [8, 0.25, 2],
    [9, 0.25, 2],
    [10, 0.3, 3],
    [4, 1, 4],
    [5, 0, 1],
  ])("%i people at %d: %i", (n, share, allowed) => {
    expect(removalAllowance(n, share)).toBe(allowed);
  });
});

describe("removalShareFloor", () => {
  it.each<[string, DesiredAccess, AccessGroup[], number, ReturnType<typeof summary>]>([
    ["within the share: untouched", DESIRED, [team("maintainers", ["maintainer"], people(8), people(2))], 0.25, { refused: [], left: ["team:maintainers: 2 actions, removes 2"] }],
    ["over the share: the whole group is refused, additions too", DESIRED, [team("maintainers", ["maintainer"], people(8), people(3), ["alice"])], 0.25, { refused: ["removal-share team:maintainers"], left: ["team:maintainers: 0 actions, removes 0"] }],
    ["one removal is always allowed", DESIRED, [team("maintainers", ["maintainer"], people(2), people(1))], 0.25, { refused: [], left: ["team:maintainers: 1 actions, removes 1"] }],
    ["a larger share lets more go", DESIRED, [team("maintainers", ["maintainer"], people(4), people(2))], 0.5, { refused: [], left: ["team:maintainers: 2 actions, removes 2"] }],
    ["nobody in the top role: every removing group is refused", NOBODY_ON_TOP, [team("contributors", ["member"], people(8), people(1)), team("triage", ["member"], ["carol"], [], ["carol"])], 0.25, { refused: ["last-top-holder team:contributors"], left: ["team:contributors: 0 actions, removes 0", "team:triage: 1 actions, removes 0"] }],
    [
      "one role's teams together over the share: each of them refused, other roles' teams not",
      DESIRED,
      [team("contributors", ["member"], people(3, "a"), people(1, "a")), team("triage", ["member"], people(3, "b"), people(1, "b")), team("maintainers", ["maintainer"], people(3, "m"), people(1, "m"))],
      0.25,
      { refused: ["removal-share team:contributors", "removal-share team:triage"], left: ["team:contributors: 0 actions, removes 0", "team:triage: 0 actions, removes 0", "team:maintainers: 1 actions, removes 1"] },
    ],
    [
      "the same people in two of a role's teams count once",
      DESIRED,
      [team("contributors", ["member"], people(4), people(1)), team("triage", ["member"], people(4), people(1))],
      0.25,
      { refused: [], left: ["team:contributors: 1 actions, removes 1", "team:triage: 1 actions, removes 1"] },
    ],
  ])("%s", (_name, desired, groups, share, expected) => {
    expect(summary(removalShareFloor(desired, groups, share))).toEqual(expected);
  });

  it("refuses a group once, even when the role's floor would refuse it again", () => {
    const groups = [team("contributors", ["member"], people(4, "a"), people(2, "a")), team("triage", ["member"], people(3, "b"), people(1, "b")), team("helpers", ["member"], people(3, "c"), people(1, "c"))];
    const r = removalShareFloor(DESIRED, groups, 0.1);
    expect(r.refusals.map((x) => `${x.code} ${x.resource}`)).toEqual(["removal-share team:contributors", "removal-share team:triage", "removal-share team:helpers"]);
    expect(r.refusals[0]!.message).toContain("it would remove 2 of 4");
    // The refused team still counts in the role's base: its people are still there.
    expect(r.refusals[1]!.message).toContain("the teams of member would lose 2 of 10 people at once");
  });

  it("leaves the groups it was given as they were", () => {
    const g = team("maintainers", ["maintainer"], people(8), people(3));
    removalShareFloor(DESIRED, [g], 0.25);
    expect(g.actions).toHaveLength(3);
  });
});

describe("ownerAdminFloor", () => {
  const snap = (orgOwners: PeopleFact, repoAdmins: PeopleFact) => ({ repo, orgOwners, repoAdmins }) as AccessSnapshot;
  const ok = (...logins: string[]): PeopleFact => ({ state: "ok", logins });
  const unreadable: PeopleFact = { state: "unreadable", permission: "members: read", message: "403" };

  it.each<[string, PeopleFact, PeopleFact, string[], string[], string[]]>([
    // owners, admins, removals left, note codes, needs
    ["nobody on the floor: removals stand", ok("octo"), ok(), ["bob", "zed"], [], []],
    ["an owner is kept, case-insensitively", ok("Bob"), ok(), ["zed"], ["kept-by-floor"], []],
    ["an admin is kept", ok(), ok("zed"), ["bob"], ["kept-by-floor"], []],
    ["owners unread: a need, admins already read still apply", { state: "unread" }, ok("zed"), ["bob"], ["kept-by-floor"], ["org-owners"]],
    ["admins unreadable: nobody is removed", ok(), unreadable, [], ["unreadable"], []],
  ])("%s", (_name, owners, admins, left, codes, needs) => {
    const r = ownerAdminFloor([team("maintainers", ["maintainer"], ["alice", "bob", "zed"], ["bob", "zed"])], snap(owners, admins));
    expect(r.groups[0]!.removals).toEqual(left);
    expect(r.groups[0]!.actions.map((a) => (a.kind === "team.remove-member" ? a.login : a.kind))).toEqual(left);
    expect(r.notes.map((n) => n.code)).toEqual(codes);
    expect(r.needs.map((n) => n.kind)).toEqual(needs);
  });

  it("reads nothing when nobody is removed, and CODEOWNERS owners do not count", () => {
    const codeowners: AccessGroup = { resource: "codeowners", roles: [], current: ["bob"], removals: ["bob"], actions: [], stage: STAGE.codeowners };
    const r = ownerAdminFloor([team("maintainers", ["maintainer"], [], [], ["alice"]), codeowners], snap({ state: "unread" }, { state: "unread" }));
    expect(r.needs).toEqual([]);
    expect(r.groups[1]).toBe(codeowners);
  });

  it("names the kept people and the resource in words", () => {
    const r = ownerAdminFloor([team("maintainers", ["maintainer"], ["bob"], ["bob"])], snap(ok("bob"), ok()));
    expect(r.notes).toEqual([{ code: "kept-by-floor", resource: "team:maintainers", message: "Kept @bob in team acme/maintainers: organisation owners and repository admins are never removed.", logins: ["bob"] }]);
  });
});
