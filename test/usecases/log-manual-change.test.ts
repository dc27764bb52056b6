/**
 * Logging a hand edit of the roster or the ladder (src/usecases/log-manual-change.ts)
 * against an in-memory branch: which entries a push calls for, the decision
 * ids written into the roster in the same commit, exactly once, and a
 * decision landing in between (the branch moved) re-planned with fresh ids.
 */
import { governanceSchema, type Roster } from "../../src/config/schema.js";
import type { BranchSnapshot } from "../../src/github/branch-files.js";
import { BranchMovedError, type ActionResult } from "../../src/github/execute-actions.js";
import { parseLog } from "../../src/log/parse-log.js";
import type { Action } from "../../src/plan/actions.js";
import { ladderChangeEffect } from "../../src/plan/ladder-change-effect.js";
import { logManualChange, manualChangeDrafts, type ManualChangeInput } from "../../src/usecases/log-manual-change.js";
import { silent } from "../support/silent-logger.js";

const NOW = new Date("2026-12-01T10:00:00Z");
const LOG = "GOVERNANCE-LOG.md";
const ROSTER = ".github/roster.yml";

const gov = (quorum = 2) =>
  governanceSchema.parse({
    version: 1,
    ladder: [{ role: "member", requires: { merged_prs: 2 } }, { role: "maintainer", requires: { merged_prs: 10 } }],
    promotion: { quorum },
  });
const before: Roster = {
  members: [
    { login: "alice", role: "maintainer", since: "2024-01-15", decision: "D-0001" },
    { login: "bob", role: "member", since: "2025-01-01", decision: "D-0002" },
  ],
  emeritus: [],
};
const after: Roster = {
  members: [
    { login: "alice", role: "maintainer", since: "2024-01-15", decision: "D-0001" },
    { login: "bob", role: "maintainer", since: "2026-12-01" },
    { login: "cy", role: "member", since: "2026-12-01", decision: "D-0001" },
  ],
  emeritus: [],
};
const AFTER_TEXT = `members:
  - login: alice
    role: maintainer
    since: 2024-01-15
    decision: D-0001
  - login: bob
    role: maintainer
    since: 2026-12-01
  - login: cy
    role: member
    since: 2026-12-01
    decision: D-0001
`;
const LOG_TEXT = "# Governance log\n\n## D-0001 — promotion: alice\n\n## D-0002 — promotion: bob\n";

function input(over: Partial<ManualChangeInput> = {}): ManualChangeInput {
  const effect = ladderChangeEffect({
    base: { governance: gov(), roster: before },
    head: { governance: gov(1), roster: after },
    decisions: [
      { id: "D-0001", subject: "alice", to: "maintainer" },
      { id: "D-0002", subject: "bob", to: "member" },
    ],
    ledger: null,
    now: NOW,
  });
  return {
    repo: { owner: "acme", repo: "widgets" },
    branch: "main",
    commitSha: "9".repeat(40),
    pusher: "alice",
    authors: ["alice", "dee"],
    message: "Reorganise\n\nlonger text",
    effect,
    head: { governance: gov(1), roster: after },
    ladderTouched: true,
    governancePath: ".github/governance.yml",
    now: NOW,
    ...over,
  };
}

/** One branch in memory; `interleave` runs once, just before the first commit lands (someone else's commit). */
class Branch {
  head = 1;
  files = new Map<string, string>([
    [LOG, LOG_TEXT],
    [ROSTER, AFTER_TEXT],
  ]);
  commits: { files: string[]; message: string }[] = [];
  constructor(private interleave?: (b: Branch) => void) {}
  port() {
    return {
      readBranchFiles: async (_r: unknown, branch: string, paths: readonly string[]): Promise<BranchSnapshot> => ({
        branch,
        headSha: String(this.head),
        treeSha: `t${this.head}`,
        files: new Map(paths.map((p) => [p, this.files.get(p) ?? null])),
      }),
      execute: async (actions: readonly Action[]): Promise<ActionResult[]> =>
        actions.map((a) => {
          if (a.kind !== "commit.files") throw new Error(`unexpected ${a.kind}`);
          const run = this.interleave;
          this.interleave = undefined;
          run?.(this);
          if (a.parentSha !== String(this.head)) throw new BranchMovedError(a.branch);
          for (const [p, t] of Object.entries(a.files)) this.files.set(p, t);
          this.head++;
          this.commits.push({ files: Object.keys(a.files).sort(), message: a.message });
          return { action: a, dryRun: false, commit: { sha: `c${this.head}` } };
        }),
    };
  }
}

describe("manualChangeDrafts", () => {
  it("one ladder change, then one entry per person, each keyed by the pushed commit", () => {
    const drafts = manualChangeDrafts(input(), "https://github.com");
    expect(drafts.map((d) => [d.draft.kind, d.draft.subject, d.draft.role, d.draft.key, d.fill])).toEqual([
      ["ladder change", ".github/governance.yml", null, `ladder-change:acme/widgets@${"9".repeat(40)}`, null],
      ["manual roster change", "bob", { from: "member", to: "maintainer" }, `manual-roster-change:acme/widgets@${"9".repeat(40)}:bob`, { login: "bob", list: "members" }],
      // cy names a decision by hand (someone else's): it is kept, and said.
      ["manual roster change", "cy", { from: null, to: "member" }, `manual-roster-change:acme/widgets@${"9".repeat(40)}:cy`, null],
    ]);
    expect(drafts.map((d) => d.draft.reason)).toEqual([
      "Changed by hand: promotion.quorum: 2 → 1 (weaker). Commit message: Reorganise",
      "Changed by hand: bob: member → maintainer (promoted) — no decision id. Commit message: Reorganise",
      "Changed by hand: cy joins as member — D-0001 is about alice becoming maintainer. Commit message: Reorganise",
    ]);
    expect(drafts[0]!.draft.decidedBy).toBe("alice, by hand: pushed to main without a proposal; commit by dee");
  });

  it("nothing when the push changed neither people nor rules", () => {
    const effect = ladderChangeEffect({ base: { governance: gov(), roster: before }, head: { governance: gov(), roster: before }, decisions: [], ledger: null, now: NOW });
    expect(manualChangeDrafts(input({ effect }), "https://github.com")).toEqual([]);
  });
});

describe("logManualChange", () => {
  it("appends the entries and fills bob's decision id in one commit; a second run writes nothing", async () => {
    const branch = new Branch();
    const first = await logManualChange({ github: branch.port(), log: silent, webUrl: "https://github.com" }, input());
    expect(first).toMatchObject({ kind: "logged", ids: ["D-0003", "D-0004", "D-0005"] });
    expect(branch.commits).toEqual([{ files: [ROSTER, LOG], message: expect.stringMatching(/^D-0003, D-0004, D-0005: log the hand edits in 9999999\n/) }]);
    expect(parseLog(branch.files.get(LOG)!).map((e) => [e.id, e.kind, e.subject])).toEqual([
      ["D-0001", "promotion", "alice"],
      ["D-0002", "promotion", "bob"],
      ["D-0003", "ladder change", ".github/governance.yml"],
      ["D-0004", "manual roster change", "bob"],
      ["D-0005", "manual roster change", "cy"],
    ]);
    expect(branch.files.get(ROSTER)).toBe(AFTER_TEXT.replace("    since: 2026-12-01\n  - login: cy", "    since: 2026-12-01\n    decision: D-0004\n  - login: cy"));

    const again = await logManualChange({ github: branch.port(), log: silent, webUrl: "https://github.com" }, input());
    expect(again).toEqual({ kind: "already-done", ids: ["D-0003", "D-0004", "D-0005"] });
    expect(branch.commits).toHaveLength(1);
  });

  it("a decision that lands in between is kept, and the hand edit gets the ids after it", async () => {
    const branch = new Branch((b) => {
      b.files.set(LOG, `${b.files.get(LOG)}\n## D-0003 — promotion: dee\n`);
      b.head++;
    });
    const out = await logManualChange({ github: branch.port(), log: silent, webUrl: "https://github.com" }, input());
    expect(out).toMatchObject({ kind: "logged", ids: ["D-0004", "D-0005", "D-0006"] });
    expect(parseLog(branch.files.get(LOG)!).map((e) => e.id)).toEqual(["D-0001", "D-0002", "D-0003", "D-0004", "D-0005", "D-0006"]);
    expect(branch.files.get(ROSTER)).toContain("decision: D-0005");
  });
});
