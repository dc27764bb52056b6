/**
 * keepAccess over an in-memory GitHub (an AccessReader reading a snapshot that
 * the executor changes with applyToSnapshot): the second run changes nothing,
 * the app removes only what it added, hand-made differences go to one drift
 * issue that is updated only when it would change and closed when resolved,
 * and two syncs of one repository never run at once.
 */
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { governanceSchema, type Roster } from "../../src/config/schema.js";
import type { AccessReader } from "../../src/github/access-reader.js";
import type { ActionResult } from "../../src/github/execute-actions.js";
import type { MarkedIssue } from "../../src/github/issue-reads.js";
import { applyToSnapshot, type AccessSnapshot } from "../../src/plan/access-snapshot.js";
import type { Action } from "../../src/plan/actions.js";
import { findMarker } from "../../src/render/markers.js";
import { openStore } from "../../src/store/open-store.js";
import type { LedgerStore as Store } from "../../src/store/store.js";
import { DRIFT_LABEL, DRIFT_MARKER, keepAccess, managedKey, updateManaged, type KeepAccessDeps } from "../../src/usecases/keep-access-in-step.js";
import { silent } from "../support/silent-logger.js";

const repo = { owner: "acme", repo: "widgets" };
const governance = governanceSchema.parse({
  version: 1,
  ladder: [
    { role: "member", requires: { merged_prs: 5 }, grants: { teams: ["contributors"] } },
    { role: "maintainer", requires: { merged_prs: 40 }, grants: { teams: ["maintainers"], codeowners: ["*"] } },
  ],
  promotion: { approvers: ["maintainer"] },
});
const roster = (members: Array<[string, string]>, emeritus: Array<[string, string]> = []): Roster => ({
  members: members.map(([login, role]) => ({ login, role, since: "2025-01-01" })),
  emeritus: emeritus.map(([login, role]) => ({ login, role, since: "2026-01-01" })),
});

/** GitHub as one snapshot, plus the issues the app wrote. */
class MemoryGitHub {
  snapshot: AccessSnapshot;
  issues: Array<{ number: number; body: string; state: "open" | "closed"; comments: string[] }> = [];
  writes: Action[] = [];
  constructor(teams: Record<string, string[]>) {
    this.snapshot = {
      repo,
      ownerType: "Organization",
      codeowners: { branch: "main", headSha: "a".repeat(40), treeSha: "b".repeat(40), path: null, text: null },
      teams: Object.fromEntries(Object.entries(teams).map(([slug, members]) => [slug, { state: "ok", id: null, members, pending: null }])),
      orgOwners: { state: "unread" },
      repoAdmins: { state: "unread" },
      branches: {},
      rulesets: { state: "ok", list: [], owned: {} },
    };
  }
  reader(): AccessReader {
    return {
      readCodeowners: async () => this.snapshot.codeowners,
      readTeam: async (_org, slug) => this.snapshot.teams[slug] ?? { state: "missing" },
      readTeamId: async (_org, slug) => (this.snapshot.teams[slug] ? 1 : null),
      listTeamInvitations: async () => [],
      listOrgOwners: async () => ({ state: "ok", logins: ["owner"] }),
      listRepoAdmins: async () => ({ state: "ok", logins: [] }),
      readBranchProtection: async () => ({ state: "unprotected" }),
      listRulesets: async () => [],
      readRuleset: async () => {
        throw new Error("no rulesets here");
      },
    };
  }
  async execute(actions: readonly Action[]): Promise<ActionResult[]> {
    return actions.map((action) => {
      this.writes.push(action);
      if (action.kind === "issue.create") this.issues.push({ number: this.issues.length + 1, body: action.body, state: "open", comments: [] });
      else if (action.kind === "issue.update") this.issues.find((i) => i.number === action.number)!.body = action.body ?? "";
      else if (action.kind === "issue.close") this.issues.find((i) => i.number === action.number)!.state = "closed";
      else if (action.kind === "comment.create") this.issues.find((i) => i.number === action.issueNumber)!.comments.push(action.body);
      else this.snapshot = applyToSnapshot(this.snapshot, [action]);
      return { action, dryRun: false };
    });
  }
  members(slug: string): string[] {
    const t = this.snapshot.teams[slug];
    return t?.state === "ok" ? [...t.members].sort() : [];
  }
}

let store: Store;
beforeEach(async () => {
  store = await openStore({ databaseUrl: null, dataDir: "memory://" });
});
afterEach(async () => {
  await store.close();
});

function depsFor(gh: MemoryGitHub): KeepAccessDeps {
  return {
    reader: gh.reader(),
    execute: (a) => gh.execute(a),
    log: silent,
    store,
    holder: "test",
    findDriftIssue: async (): Promise<MarkedIssue | null> => {
      const open = gh.issues.find((i) => i.state === "open" && findMarker(i.body, DRIFT_MARKER));
      return open ? { number: open.number, title: "drift", body: open.body, key: findMarker(open.body, DRIFT_MARKER)! } : null;
    },
  };
}
const input = (r: Roster, report = true) => ({ repo, ownerType: "Organization" as const, defaultBranch: "main", governance, roster: r, report });

describe("keepAccess", () => {
  it("brings teams and CODEOWNERS in step, remembers what it added, and changes nothing the second time", async () => {
    const gh = new MemoryGitHub({ contributors: [], maintainers: [] });
    const r = roster([["alice", "maintainer"], ["bob", "member"]]);
    const first = await keepAccess(depsFor(gh), input(r));
    expect(first.kind).toBe("synced");
    expect(gh.members("maintainers")).toEqual(["alice"]);
    expect(gh.members("contributors")).toEqual(["alice", "bob"]);
    expect(gh.snapshot.codeowners.text).toContain("* @alice");
    expect(await store.getValue(managedKey(repo))).toEqual({ "team:contributors": ["alice", "bob"], "team:maintainers": ["alice"] });
    const writes = gh.writes.length;
    const second = await keepAccess(depsFor(gh), input(r));
    expect(second.kind === "synced" && second.sync.plan.actions).toEqual([]);
    expect(gh.writes).toHaveLength(writes);
    expect(gh.issues).toEqual([]);
  });

  it("removes someone it added once they go emeritus, and leaves people added by hand to the drift issue", async () => {
    const gh = new MemoryGitHub({ contributors: ["mallory"], maintainers: [] });
    await keepAccess(depsFor(gh), input(roster([["alice", "maintainer"], ["erin", "maintainer"], ["bob", "member"], ["carol", "member"]])));
    expect(gh.members("maintainers")).toEqual(["alice", "erin"]);
    // erin steps down to emeritus
    await keepAccess(depsFor(gh), input(roster([["alice", "maintainer"], ["bob", "member"], ["carol", "member"]], [["erin", "maintainer"]])));
    expect(gh.members("maintainers")).toEqual(["alice"]);
    expect(gh.members("contributors")).toEqual(["alice", "bob", "carol", "mallory"]);
    expect(await store.getValue(managedKey(repo))).toEqual({ "team:contributors": ["alice", "bob", "carol"], "team:maintainers": ["alice"] });
    const drift = gh.issues.filter((i) => i.state === "open");
    expect(drift).toHaveLength(1);
    expect(drift[0]!.body).toContain("## Changed by hand");
    // mallory is listed but not notified
    expect(drift[0]!.body).toContain("@\u200Dmallory");
    expect(drift[0]!.body).not.toMatch(/@mallory/);
  });

  it("updates the one drift issue only when it would change, and closes it when GitHub is in step again", async () => {
    const gh = new MemoryGitHub({ contributors: ["mallory"], maintainers: [] });
    const r = roster([["alice", "maintainer"]]);
    await keepAccess(depsFor(gh), input(r));
    expect(gh.issues).toHaveLength(1);
    const created = gh.writes.find((w) => w.kind === "issue.create");
    expect(created && created.kind === "issue.create" && created.labels).toEqual([DRIFT_LABEL]);
    const before = gh.writes.length;
    await keepAccess(depsFor(gh), input(r));
    expect(gh.writes).toHaveLength(before);

    gh.snapshot = applyToSnapshot(gh.snapshot, [{ kind: "team.add-member", repo, org: "acme", team: "contributors", login: "trent" } as Action]);
    await keepAccess(depsFor(gh), input(r));
    expect(gh.issues).toHaveLength(1);
    expect(gh.issues[0]!.body).toContain("trent");

    const t = gh.snapshot.teams.contributors!;
    if (t.state === "ok") t.members = t.members.filter((m) => m === "alice");
    await keepAccess(depsFor(gh), input(r));
    expect(gh.issues[0]!.state).toBe("closed");
    expect(gh.issues[0]!.comments).toEqual(["GitHub's access is in step with the roster again; closing."]);
  });

  it("reports a team that does not exist instead of creating it, and leaves the drift issue to the sweep after a decision", async () => {
    const gh = new MemoryGitHub({ contributors: [] });
    const r = roster([["alice", "maintainer"]]);
    const afterDecision = await keepAccess(depsFor(gh), input(r, false));
    expect(afterDecision.kind === "synced" && afterDecision.report.attention.map((n) => n.code)).toEqual(["team-missing"]);
    expect(gh.issues).toEqual([]);
    await keepAccess(depsFor(gh), input(r, true));
    expect(gh.issues[0]!.body).toMatch(/## Needs attention\n\n- Team acme\/maintainers .*does not exist/);
  });

  it("waits for, then skips, a sync of the same repository running elsewhere", async () => {
    const gh = new MemoryGitHub({ contributors: [], maintainers: [] });
    expect(await store.acquireLease("lease:access:acme/widgets", "other-replica", 60_000)).toBe(true);
    const out = await keepAccess(depsFor(gh), { ...input(roster([["alice", "maintainer"]])), waitMs: 0 });
    expect(out.kind).toBe("busy");
    expect(gh.writes).toEqual([]);
  });
});

describe("updateManaged", () => {
  it.each([
    [{}, { "team:a": ["x"] }, {}, { "team:a": ["x"] }],
    [{ "team:a": ["x", "y"] }, {}, { "team:a": ["X"] }, { "team:a": ["y"] }],
    [{ "team:a": ["x"] }, { "team:a": ["X"] }, {}, { "team:a": ["X"] }],
    [{ "team:a": ["x"] }, {}, { "team:a": ["x"] }, {}],
  ])("%j + %j − %j = %j", (managed, added, removed, expected) => {
    expect(updateManaged(managed, added, removed)).toEqual(expected);
  });
});
