/**
 * The onboarding use-case against an in-memory GitHub port and the real
 * embedded store: one pull request for a repository without a ladder, never
 * a second (store lost, duplicate call, two at once), never again after it
 * was closed unmerged, nothing for a repository with a ladder, an archived or
 * empty one, or with STEWARDS_ONBOARDING=false; planned, not opened, in a dry run.
 */
import { BranchNotFoundError, type BranchSnapshot } from "../../src/github/branch-files.js";
import type { ActionResult } from "../../src/github/execute-actions.js";
import type { AuthorityHolders } from "../../src/github/authority-reader.js";
import type { PullState } from "../../src/github/pull-reads.js";
import { parseGovernance } from "../../src/config/parse-governance.js";
import type { Action, RepoRef } from "../../src/plan/actions.js";
import { openEmbeddedStore, MEMORY } from "../../src/store/embedded-store.js";
import type { LedgerStore } from "../../src/store/store.js";
import { ONBOARDING_BRANCH, onboardRepository, type OnboardDeps, type OnboardInput } from "../../src/usecases/onboard-repository.js";
import { silent } from "../support/silent-logger.js";

let store: LedgerStore;
beforeAll(async () => {
  store = await openEmbeddedStore({ dataDir: MEMORY });
});
afterAll(() => store.close());

let n = 0;
let repo: RepoRef;
let pulls: PullState[];
let actions: Action[];
let empty: boolean;
let dryRun: boolean;

const authority: AuthorityHolders = {
  holders: [
    { login: "alice", sources: ["repository admin"] },
    { login: "bob", sources: ["team acme/maintainers (maintain)"] },
  ],
  skipped: [{ what: "@ghost in CODEOWNERS", why: "no such user" }],
  codeowners: { path: null, text: null },
};

function deps(): OnboardDeps {
  return {
    store,
    ledger: store,
    historyGate: { require: async () => undefined },
    github: {
      readAuthority: async () => authority,
      readBranchFiles: async (_r, branch, paths): Promise<BranchSnapshot> => {
        if (empty) throw new BranchNotFoundError(repo, branch);
        return { branch, headSha: "h1", treeSha: "t1", files: new Map(paths.map((p) => [p, null])) };
      },
      listPullsFromBranch: async (_r, branch) => pulls.filter((p) => p.headRef === branch),
      execute: async (list: readonly Action[]): Promise<ActionResult[]> =>
        list.map((a) => {
          actions.push(a);
          if (dryRun) return { action: a, dryRun: true };
          if (a.kind === "pull.create") {
            const number = 40 + pulls.length;
            pulls.push({ number, url: "", state: "open", merged: false, mergedAt: null, mergedBy: null, headRef: a.head, headSha: "x", mergeable: true });
            return { action: a, dryRun: false, created: { id: number, number, url: "" } };
          }
          return { action: a, dryRun: false, commit: { sha: "c1" } };
        }),
    },
    holder: "test",
    log: silent,
    webUrl: "https://github.com",
  };
}

const input = (over: Partial<OnboardInput> = {}): OnboardInput => ({ repo, defaultBranch: "main", archived: false, ladder: "absent", enabled: true, now: new Date("2026-12-07T12:00:00Z"), ...over });

beforeEach(() => {
  repo = { owner: "acme", repo: `new${++n}` };
  pulls = [];
  actions = [];
  empty = false;
  dryRun = false;
});

describe("onboardRepository", () => {
  it("opens one pull request from stewards/onboarding with a valid ladder, the founding roster and its log entry", async () => {
    expect(await onboardRepository(deps(), input())).toEqual({ kind: "opened", pull: 40 });
    expect(actions.map((a) => a.kind)).toEqual(["branch.create", "pull.create"]);
    const branch = actions[0] as Extract<Action, { kind: "branch.create" }>;
    expect(branch.branch).toBe(ONBOARDING_BRANCH);
    expect(Object.keys(branch.files).sort()).toEqual([".github/CODEOWNERS", ".github/governance.yml", ".github/roster.yml", "GOVERNANCE-LOG.md"]);
    expect(parseGovernance(branch.files[".github/governance.yml"]!).ok).toBe(true);
    expect(branch.files[".github/roster.yml"]).toMatch(/login: alice\n\s+role: maintainer\n\s+since: 2026-12-07\n\s+decision: D-0001/);
    expect(branch.files["GOVERNANCE-LOG.md"]).toMatch(/^## D-0001 — manual roster change: /m);
    const pull = actions[1] as Extract<Action, { kind: "pull.create" }>;
    expect(pull.title).toMatch(/^Configure Stewards/);
    expect(pull.body).toMatch(/ghost/);
    // The CODEOWNERS preview is a code block (GitHub notifies nobody from it); outside it nobody is mentioned.
    const outsideFences = pull.body.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1\s*$/gm, "");
    expect(outsideFences).not.toMatch(/(^|[^\w`\u200d])@(alice|bob)\b/m);
    expect(pull.body).toMatch(/\[alice\]\(https:\/\/github\.com\/alice\)/);
  });

  it("never a second one: a repeat, a lost store, two at once", async () => {
    await onboardRepository(deps(), input());
    expect(await onboardRepository(deps(), input())).toEqual({ kind: "open", pull: 40 });
    await store.setValue(`onboarding:acme/${repo.repo}`, null);
    expect(await onboardRepository(deps(), input())).toEqual({ kind: "open", pull: 40 });
    expect(actions.filter((a) => a.kind === "pull.create")).toHaveLength(1);
    repo = { owner: "acme", repo: `race${++n}` };
    pulls = [];
    const outs = await Promise.all([onboardRepository(deps(), input()), onboardRepository(deps(), input())]);
    expect(outs.filter((o) => o.kind === "opened")).toHaveLength(1);
    expect(pulls.filter((p) => p.headRef === ONBOARDING_BRANCH)).toHaveLength(1);
  });

  it("closed unmerged: never opened again; merged: nothing more to do", async () => {
    await onboardRepository(deps(), input());
    pulls[0] = { ...pulls[0]!, state: "closed" };
    expect(await onboardRepository(deps(), input())).toEqual({ kind: "declined", pull: 40 });
    pulls.length = 0; // even if GitHub forgot it, the store remembers
    expect(await onboardRepository(deps(), input())).toEqual({ kind: "declined", pull: 40 });
    expect(actions.filter((a) => a.kind === "pull.create")).toHaveLength(1);
  });

  it.each([
    ["a ladder already (or a broken one: a config error)", { ladder: "present" as const }, "has-ladder"],
    ["an archived repository", { archived: true }, "archived"],
    ["STEWARDS_ONBOARDING=false", { enabled: false }, "disabled"],
  ])("skips %s", async (_name, over, why) => {
    expect(await onboardRepository(deps(), input(over))).toEqual({ kind: "skipped", why });
    expect(actions).toEqual([]);
  });

  it("skips an empty repository until it has a commit, and a history still being read", async () => {
    empty = true;
    expect(await onboardRepository(deps(), input())).toEqual({ kind: "skipped", why: "empty" });
    expect(actions).toEqual([]);
  });

  it("in a dry run plans the pull request without opening it or remembering it", async () => {
    dryRun = true;
    expect(await onboardRepository(deps(), input())).toEqual({ kind: "planned" });
    expect(actions.map((a) => a.kind)).toEqual(["branch.create", "pull.create"]);
    dryRun = false;
    expect(await onboardRepository(deps(), input())).toMatchObject({ kind: "opened" });
  });
});
