/**
 * usecases/propose-eligible.ts against in-memory ports (the real measuring
 * engine on a small ledger): one notification per step — the proposal issue
 * alone for someone it proposes (or already proposed), the "one requirement
 * away" comment still; proposals written before any progress comment; a
 * broken roster proposes nothing and says so once.
 */
import type { Action, RepoRef } from "../../src/plan/actions.js";
import type { ActionResult } from "../../src/github/execute-actions.js";
import type { Logger } from "../../src/github/logger.js";
import type { MergedPullRequest } from "../../src/ladder/contributions.js";
import { measureOne } from "../../src/ladder/measure.js";
import type { Governance, Roster } from "../../src/config/schema.js";
import { proposeEligible, type ProposeEligibleDeps } from "../../src/usecases/propose-eligible.js";
import { saveProposal } from "../../src/usecases/proposal-records.js";
import { NOW, pr, prs, smallLadder } from "../ladder/builders.js";
import { silent } from "../support/silent-logger.js";

const repo: RepoRef = { owner: "acme", repo: "widgets" };
const ladder = smallLadder({ promotion: { approvers: ["maintainer"], quorum: 1, announce_progress: true } });
const ROSTER = "members:\n  - login: mia\n    role: maintainer\n    since: 2024-01-15\n";

/** The store's slice: values, leases, claims — in memory. */
class MemoryStore {
  values = new Map<string, string>();
  leases = new Map<string, string>();
  claims = new Set<string>();
  async getValue<T>(key: string): Promise<T | null> {
    const v = this.values.get(key);
    return v === undefined ? null : (JSON.parse(v) as T);
  }
  async setValue<T>(key: string, value: T): Promise<void> {
    this.values.set(key, JSON.stringify(value));
  }
  async acquireLease(key: string, holder: string): Promise<boolean> {
    const held = this.leases.get(key);
    if (held && held !== holder) return false;
    this.leases.set(key, holder);
    return true;
  }
  async releaseLease(key: string, holder: string): Promise<void> {
    if (this.leases.get(key) === holder) this.leases.delete(key);
  }
  async claimDelivery(key: string): Promise<boolean> {
    if (this.claims.has(key)) return false;
    this.claims.add(key);
    return true;
  }
}

function setup(ledger: MergedPullRequest[], opts: { rosterText?: string; governance?: Governance } = {}) {
  const governance = opts.governance ?? ladder;
  const store = new MemoryStore();
  const actions: Action[] = [];
  const warnings: string[] = [];
  const log: Logger = { ...silent, warn: (_o: unknown, msg?: string) => void warnings.push(msg ?? "") };
  let next = 100;
  const execute = async (list: readonly Action[]): Promise<ActionResult[]> =>
    list.map((a) => {
      actions.push(a);
      return { action: a, dryRun: false, ...(a.kind === "issue.create" || a.kind === "comment.create" ? { created: { id: next, number: next++ } } : {}) };
    });
  const rosterText = opts.rosterText ?? ROSTER;
  const measure = async (login: string, roster: Roster, without?: { repo: string; number: number }) =>
    measureOne(login, { pullRequests: ledger.filter((p) => p.author === login && !(without && p.number === without.number)), reviews: [] }, governance, roster, NOW);
  const deps: ProposeEligibleDeps = {
    governance: {
      source: { loadGovernance: async () => ({ kind: "ok", governance, warnings: [], files: [] }), readFile: async () => rosterText },
      kv: store,
      log,
      now: NOW,
    },
    portsFor: () => ({
      measure,
      propose: {
        store,
        github: {
          findOpenProposals: async () => [],
          execute,
          readBranchFiles: async (_r, branch, paths) => ({ branch, headSha: "h1", treeSha: "t1", files: new Map(paths.map((p) => [p, rosterText])) }),
        },
        log,
        holder: "test",
        webUrl: "https://github.com",
      },
    }),
    store,
    webUrl: "https://github.com",
    log,
  };
  return { deps, store, actions, warnings };
}

const merged = (author: string, n: number) => pr(author, 0.5, { number: n });

describe("proposeEligible: one notification per step", () => {
  it("opens the proposal and posts no 'eligible' progress comment on the PR that made them eligible", async () => {
    const { deps, actions } = setup([...prs("ana", 1, 3), merged("ana", 50)]);
    const outcomes = await proposeEligible(deps, { repo, branch: "main", logins: ["ana"], mergedPr: { number: 50, author: "ana" } });
    expect(outcomes.get("ana")).toMatchObject({ kind: "opened" });
    expect(actions.map((a) => a.kind)).toEqual(["issue.create"]);
    // The label goes with the issue: one request, no separate label call.
    expect(actions[0]).toMatchObject({ kind: "issue.create", labels: ["stewards:promotion"] });
  });

  it("posts nothing when the proposal for that rung is already open", async () => {
    const { deps, store, actions } = setup([...prs("ana", 1, 3), merged("ana", 51)]);
    await saveProposal(store, { repo: "acme/widgets", login: "ana", role: "member", kind: "promotion", issue: 7, state: "open", openedAt: NOW.toISOString() });
    const outcomes = await proposeEligible(deps, { repo, branch: "main", logins: ["ana"], mergedPr: { number: 51, author: "ana" } });
    expect(outcomes.get("ana")).toEqual({ kind: "exists", issue: 7 });
    expect(actions).toEqual([]);
  });

  it("still says 'one requirement away' on the PR, once however often the merge is delivered", async () => {
    // Two PRs and a review make a member here: the merge of #52 leaves only the review missing.
    const needsReview = smallLadder({ ladder: [{ role: "member", requires: { merged_prs: 2, reviews: 1, window: "30d" } }, { role: "maintainer", requires: { merged_prs: 50 } }], promotion: { approvers: ["maintainer"], quorum: 1, announce_progress: true } });
    const { deps, actions } = setup([pr("ben", 3), merged("ben", 52)], { governance: needsReview });
    await proposeEligible(deps, { repo, branch: "main", logins: ["ben"], mergedPr: { number: 52, author: "ben" } });
    await proposeEligible(deps, { repo, branch: "main", logins: ["ben"], mergedPr: { number: 52, author: "ben" } });
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ kind: "comment.create", issueNumber: 52 });
    expect((actions[0] as Extract<Action, { kind: "comment.create" }>).body).toMatch(/one requirement away from \*\*member\*\*/);
  });

  it("says 'eligible' on the PR when no proposal opens for that rung (cooling off after a recent decision)", async () => {
    const { deps, store, actions } = setup([...prs("cat", 1, 3), merged("cat", 53)]);
    await saveProposal(store, { repo: "acme/widgets", login: "cat", role: "member", kind: "promotion", issue: 8, state: "closed", openedAt: NOW.toISOString(), closedAt: NOW.toISOString(), outcome: "rejected" });
    const outcomes = await proposeEligible(deps, { repo, branch: "main", logins: ["cat"], mergedPr: { number: 53, author: "cat" } });
    expect(outcomes.get("cat")).toMatchObject({ kind: "cooling-off" });
    expect(actions.map((a) => a.kind)).toEqual(["comment.create"]);
    expect((actions[0] as Extract<Action, { kind: "comment.create" }>).body).toMatch(/meets every requirement for \*\*member\*\*/);
  });

  it("proposes nothing while the roster is invalid, and says so once", async () => {
    const { deps, actions, warnings } = setup([...prs("ana", 1, 3), merged("ana", 54)], { rosterText: "members: [oops" });
    expect((await proposeEligible(deps, { repo, branch: "main", logins: ["ana"], mergedPr: { number: 54, author: "ana" } })).size).toBe(0);
    expect(actions).toEqual([]);
    expect(warnings).toEqual(["the roster is invalid; no proposals until it is fixed"]);
  });
});
