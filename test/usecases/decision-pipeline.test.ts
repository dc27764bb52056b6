/**
 * The decision pipeline's two steps on their own: the proposal lease (one
 * attempt at a time; a second review trigger returns at once and the attempt
 * under way runs once more for it; a command waits) and the one commit of
 * roster + log + CODEOWNERS block (lines outside the block kept, a broken
 * block left alone, a retry that finds its entry writes nothing).
 */
import { governanceSchema, type Governance, type Roster } from "../../src/config/schema.js";
import type { BranchSnapshot } from "../../src/github/branch-files.js";
import { BranchMovedError, type ActionResult } from "../../src/github/execute-actions.js";
import { parseLog } from "../../src/log/parse-log.js";
import type { Action, RepoRef } from "../../src/plan/actions.js";
import { openEmbeddedStore, MEMORY } from "../../src/store/embedded-store.js";
import type { LedgerStore } from "../../src/store/store.js";
import { commitDecision, withProposalLease, type DecisionStep } from "../../src/usecases/decision-pipeline.js";
import { saveProposal, type ProposalRecord } from "../../src/usecases/proposal-records.js";
import { silent } from "../support/silent-logger.js";

const repo: RepoRef = { owner: "acme", repo: "widgets" };
const governance: Governance = governanceSchema.parse({
  version: 1,
  ladder: [
    { role: "member", requires: { merged_prs: 2 } },
    { role: "maintainer", requires: { merged_prs: 50 }, grants: { codeowners: ["/src/"] } },
  ],
  promotion: { approvers: ["maintainer"], quorum: 1 },
});
const ROSTER = "members:\n  - login: alice\n    role: maintainer\n    since: 2024-01-15\n";

let store: LedgerStore;
beforeAll(async () => {
  store = await openEmbeddedStore({ dataDir: MEMORY });
});
afterAll(() => store.close());

let n = 0;
async function record(): Promise<ProposalRecord> {
  const r: ProposalRecord = { repo: "acme/widgets", login: `ana${++n}`, role: "member", kind: "promotion", issue: 100 + n, state: "open", openedAt: "2026-11-01T00:00:00Z" };
  await saveProposal(store, r);
  return r;
}

const tick = () => new Promise((r) => setTimeout(r, 10));

describe("withProposalLease", () => {
  it("a second review trigger returns busy at once, and the attempt under way runs once more for it", async () => {
    const r = await record();
    let runs = 0;
    let release!: () => void;
    const held = new Promise<void>((res) => (release = res));
    const first = withProposalLease({ store, holder: "a" }, r.repo, r.issue, { mode: "review" }, async () => {
      runs++;
      if (runs === 1) await held;
      return { kind: "pending" as const, run: runs };
    });
    while (runs === 0) await tick();
    const started = Date.now();
    const second = await withProposalLease({ store, holder: "b" }, r.repo, r.issue, { mode: "review" }, async () => ({ kind: "pending" as const, run: -1 }));
    expect(second).toEqual({ kind: "busy" });
    expect(Date.now() - started).toBeLessThan(1_000);
    release();
    // The holder saw the second trigger's wake token and ran again: the fact it may have read too early is read again.
    expect(await first).toEqual({ kind: "pending", run: 2 });
    expect(runs).toBe(2);
  });

  it("runs once when nobody else triggered meanwhile", async () => {
    const r = await record();
    let runs = 0;
    await withProposalLease({ store, holder: "a" }, r.repo, r.issue, { mode: "review" }, async () => ++runs);
    expect(runs).toBe(1);
  });

  it("a command waits for the attempt under way instead of returning busy", async () => {
    const r = await record();
    let release!: () => void;
    const held = new Promise<void>((res) => (release = res));
    let inside = false;
    const first = withProposalLease({ store, holder: "a" }, r.repo, r.issue, { mode: "review" }, async () => {
      inside = true;
      await held;
      return "review";
    });
    while (!inside) await tick();
    const command = withProposalLease({ store, holder: "b" }, r.repo, r.issue, { mode: "command" }, async () => "command");
    setTimeout(release, 300);
    expect(await Promise.all([first, command])).toEqual(["review", "command"]);
  });

  it("refuses a closed proposal, and an issue that is none, without taking the lease", async () => {
    const r = await record();
    await saveProposal(store, { ...r, state: "closed" });
    let runs = 0;
    expect(await withProposalLease({ store, holder: "a" }, r.repo, r.issue, { mode: "review" }, async () => ++runs)).toEqual({ kind: "closed-already" });
    expect(await withProposalLease({ store, holder: "a" }, r.repo, 99_999, { mode: "review" }, async () => ++runs)).toEqual({ kind: "not-a-proposal" });
    expect(await withProposalLease({ store, holder: "a" }, r.repo, r.issue, { mode: "review", whenClosed: "run" }, async () => ++runs)).toBe(1);
  });
});

/** A branch of files; `moveOnce` makes the first commit find the branch moved. */
function branch(files: Record<string, string>) {
  const state = { files: new Map(Object.entries(files)), head: 1, commits: [] as Array<Extract<Action, { kind: "commit.files" }>>, moveOnce: false };
  const port = {
    readBranchFiles: async (_r: RepoRef, b: string, paths: readonly string[]): Promise<BranchSnapshot> => ({
      branch: b,
      headSha: `h${state.head}`,
      treeSha: `t${state.head}`,
      files: new Map(paths.map((p) => [p, state.files.get(p) ?? null])),
    }),
    execute: async (actions: readonly Action[]): Promise<ActionResult[]> =>
      actions.map((a) => {
        if (a.kind !== "commit.files") throw new Error(`unexpected ${a.kind}`);
        if (state.moveOnce || a.parentSha !== `h${state.head}`) {
          state.moveOnce = false;
          state.head++;
          throw new BranchMovedError(a.branch);
        }
        state.commits.push(a);
        for (const [p, t] of Object.entries(a.files)) state.files.set(p, t);
        state.head++;
        return { action: a, dryRun: false, commit: { sha: `h${state.head}` } };
      }),
  };
  return { state, port };
}

function grant(login: string, role: string): (roster: Roster) => DecisionStep<string> {
  return () => ({
    kind: "decided",
    draft: { kind: "promotion", date: "2026-11-20", subject: login, role: { from: null, to: role }, evidence: [], approvers: ["alice"], objectors: [], reason: null, link: { label: "acme/widgets#1", url: "https://github.com/acme/widgets/issues/1" }, decidedBy: "alice", key: `promotion:${login}` },
    change: (id) => ({ kind: "grant", login, role, since: "2026-11-20", decision: id }),
    message: (id) => `${id}: promote ${login}`,
    result: login,
  });
}

describe("commitDecision", () => {
  it("writes roster, log and the CODEOWNERS block in one commit, keeping every line outside the block", async () => {
    const codeowners = "# hand-written\n/docs/ @acme/docs\n\n# BEGIN stewards\n* @alice\n# END stewards\n/legal/ @lawyer\n";
    const { state, port } = branch({ ".github/roster.yml": ROSTER, "docs/CODEOWNERS": codeowners });
    const changed: Roster[] = [];
    const out = await commitDecision(
      { github: port, log: silent, webUrl: "https://github.com", onRosterChanged: async (_r, roster) => void changed.push(roster) },
      { repo, branch: "main", governance, invalidRoster: "invalid", decide: grant("bob", "maintainer") },
    );
    expect(out).toMatchObject({ kind: "landed", id: "D-0001", already: false, codeowners: "docs/CODEOWNERS" });
    expect(state.commits).toHaveLength(1);
    expect(Object.keys(state.commits[0]!.files).sort()).toEqual([".github/roster.yml", "GOVERNANCE-LOG.md", "docs/CODEOWNERS"]);
    const text = state.files.get("docs/CODEOWNERS")!;
    expect(text.startsWith("# hand-written\n/docs/ @acme/docs\n\n# BEGIN stewards\n")).toBe(true);
    expect(text.endsWith("# END stewards\n/legal/ @lawyer\n")).toBe(true);
    expect(text).toMatch(/^\/src\/ .*@bob/m);
    expect(changed.map((r) => r.members.map((m) => m.login))).toEqual([["alice", "bob"]]);
  });

  it("plans again on the new head when the branch moved, and a retry that finds its entry writes nothing", async () => {
    const { state, port } = branch({ ".github/roster.yml": ROSTER });
    state.moveOnce = true;
    let refreshed = 0;
    const deps = { github: port, log: silent, webUrl: "https://github.com", onRosterChanged: async () => void refreshed++ };
    const input = { repo, branch: "main", governance, invalidRoster: "invalid", decide: grant("bob", "member") };
    expect(await commitDecision(deps, input)).toMatchObject({ kind: "landed", id: "D-0001", already: false });
    expect(state.commits).toHaveLength(1);
    const again = await commitDecision(deps, input);
    expect(again).toMatchObject({ kind: "landed", id: "D-0001", already: true });
    expect(state.commits).toHaveLength(1);
    expect(parseLog(state.files.get("GOVERNANCE-LOG.md")!)).toHaveLength(1);
    // The retry still refreshes the cache and access: the cached roster may predate the first commit.
    expect(refreshed).toBe(2);
  });

  it("leaves a CODEOWNERS file with a broken block alone (the access sync reports it)", async () => {
    const broken = "# BEGIN stewards\n* @alice\n";
    const { state, port } = branch({ ".github/roster.yml": ROSTER, CODEOWNERS: broken });
    const out = await commitDecision({ github: port, log: silent, webUrl: "https://github.com" }, { repo, branch: "main", governance, invalidRoster: "invalid", decide: grant("bob", "maintainer") });
    expect(out).toMatchObject({ kind: "landed", codeowners: null });
    expect(Object.keys(state.commits[0]!.files).sort()).toEqual([".github/roster.yml", "GOVERNANCE-LOG.md"]);
    expect(state.files.get("CODEOWNERS")).toBe(broken);
  });

  it("refuses on an invalid roster and on a change the roster editor refuses, writing nothing", async () => {
    const { state, port } = branch({ ".github/roster.yml": "members: [oops" });
    const deps = { github: port, log: silent, webUrl: "https://github.com" };
    expect(await commitDecision(deps, { repo, branch: "main", governance, invalidRoster: "the roster is invalid", decide: grant("bob", "member") })).toEqual({ kind: "not-applied", reason: "the roster is invalid", cause: "refused" });
    state.files.set(".github/roster.yml", ROSTER);
    const out = await commitDecision(deps, { repo, branch: "main", governance, invalidRoster: "x", decide: grant("alice", "member") });
    expect(out).toMatchObject({ kind: "not-applied", cause: "refused" });
    expect(state.commits).toHaveLength(0);
  });
});
