/**
 * Approval by merge (`approve_with: pull_request | either`) against an
 * in-memory GitHub that models branches and pull requests (same port
 * interfaces as the real adapters) and the real embedded store: the pull
 * request opened with the proposal, a merge by an approver approving it, a
 * pull request closed unmerged not rejecting it, reactions winning under
 * `either`, a merge short of the quorum logged as a manual roster change,
 * and duplicate deliveries writing one log entry.
 */
import type { Governance, Roster } from "../../src/config/schema.js";
import { governanceSchema, rosterSchema } from "../../src/config/schema.js";
import type { BranchSnapshot } from "../../src/github/branch-files.js";
import { BranchMovedError, type ActionResult } from "../../src/github/execute-actions.js";
import type { IssueReaction, MarkedIssue } from "../../src/github/issue-reads.js";
import type { PullState } from "../../src/github/pull-reads.js";
import type { PullReview } from "../../src/ladder/merge-votes.js";
import { measureOne } from "../../src/ladder/measure.js";
import type { Standing } from "../../src/ladder/standing.js";
import { parseLog } from "../../src/log/parse-log.js";
import { describeAction, type Action, type RepoRef } from "../../src/plan/actions.js";
import { parseRoster } from "../../src/config/parse-roster.js";
import { findMarker } from "../../src/render/markers.js";
import { openEmbeddedStore, MEMORY } from "../../src/store/embedded-store.js";
import type { LedgerStore } from "../../src/store/store.js";
import { closeProposal, onPromotionPull, reviewProposal, type DecideDeps } from "../../src/usecases/decide-proposal.js";
import { promotionPullFor } from "../../src/usecases/approve-by-merge.js";
import { openProposal, type ProposeDeps } from "../../src/usecases/propose-promotion.js";
import { loadProposalByIssue } from "../../src/usecases/proposal-records.js";
import { pr } from "../ladder/builders.js";
import { silent } from "../support/silent-logger.js";

let repo: RepoRef = { owner: "acme", repo: "widgets" };
let repoCount = 0;
const NOW = new Date("2026-11-20T12:00:00Z");
const LATER = new Date("2026-11-22T09:00:00Z");
const DAY = 86_400_000;
const ROSTER_PATH = ".github/roster.yml";
const LOG_PATH = "GOVERNANCE-LOG.md";

function ladder(approveWith: "pull_request" | "either", quorum = 2): Governance {
  return governanceSchema.parse({
    version: 1,
    ladder: [
      { role: "member", requires: { merged_prs: 2 } },
      { role: "maintainer", requires: { merged_prs: 50 } },
    ],
    promotion: { approvers: ["maintainer"], quorum, approve_with: approveWith, expires_after: "30d" },
  });
}
const ROSTER_TEXT = "# the roster\nmembers:\n  - login: alice\n    role: maintainer\n    since: 2024-01-15\n  - login: bob\n    role: maintainer\n    since: 2024-01-15\n  - login: cy\n    role: maintainer\n    since: 2024-01-15\n";
const roster: Roster = rosterSchema.parse({ members: ["alice", "bob", "cy"].map((login) => ({ login, role: "maintainer", since: "2024-01-15" })) });

interface MemPull {
  number: number;
  branch: string;
  state: "open" | "closed";
  merged: boolean;
  mergedBy: string | null;
  reviews: PullReview[];
}

/** An in-memory GitHub with `main` and branches (each a head counter and files), issues, comments, reactions and pull requests. */
class MemoryGitHub {
  issues = new Map<number, { title: string; body: string; labels: string[]; state: "open" | "closed"; reason?: string }>();
  comments: { id: number; issue: number; body: string }[] = [];
  reactions = new Map<number, IssueReaction[]>();
  branches = new Map<string, { head: number; files: Map<string, string> }>([["main", { head: 1, files: new Map() }]]);
  pulls = new Map<number, MemPull>();
  commits: { branch: string; files: string[]; message: string }[] = [];
  actions: Action[] = [];
  reads: string[] = [];
  /** GitHub's `mergeable` for every open pull request. */
  mergeable: boolean | null = true;
  private next = 100;
  private sha = 1000;

  get main() {
    return this.branches.get("main")!;
  }

  port(dryRun = false) {
    const execute = async (actions: readonly Action[]): Promise<ActionResult[]> => {
      const out: ActionResult[] = [];
      for (const a of actions) {
        this.actions.push(a);
        out.push(dryRun ? { action: a, dryRun: true } : { action: a, dryRun: false, ...this.apply(a) });
      }
      return out;
    };
    return {
      execute,
      findOpenProposals: async (): Promise<MarkedIssue[]> =>
        [...this.issues.entries()]
          .filter(([, i]) => i.state === "open")
          .flatMap(([number, i]) => {
            const key = findMarker(i.body, "promotion");
            return key ? [{ number, title: i.title, body: i.body, key }] : [];
          }),
      listReactions: async (_r: RepoRef, n: number) => {
        this.reads.push(`reactions #${n}`);
        return this.reactions.get(n) ?? [];
      },
      readBranchFiles: async (_r: RepoRef, branch: string, paths: readonly string[]): Promise<BranchSnapshot> => {
        const b = this.branches.get(branch)!;
        return { branch, headSha: `${branch}@${b.head}`, treeSha: `t:${branch}@${b.head}`, files: new Map(paths.map((p) => [p, b.files.get(p) ?? null])) };
      },
      getPull: async (_r: RepoRef, n: number): Promise<PullState> => {
        this.reads.push(`pull #${n}`);
        return this.pullState(n);
      },
      listPullReviews: async (_r: RepoRef, n: number) => {
        this.reads.push(`reviews #${n}`);
        return this.pulls.get(n)?.reviews ?? [];
      },
    };
  }

  pullState(n: number): PullState {
    const p = this.pulls.get(n)!;
    const b = this.branches.get(p.branch);
    return {
      number: n,
      url: `https://github.com/${repo.owner}/${repo.repo}/pull/${n}`,
      state: p.state,
      merged: p.merged,
      mergedAt: p.merged ? LATER.toISOString() : null,
      mergedBy: p.mergedBy ? { login: p.mergedBy, type: p.mergedBy.endsWith("[bot]") ? "Bot" : "User" } : null,
      headRef: p.branch,
      headSha: b ? `${p.branch}@${b.head}` : "gone",
      mergeable: p.state === "open" ? this.mergeable : null,
    };
  }

  /** A person merges pull request `n`: its roster lands on main (as GitHub's merge would). */
  merge(n: number, by: string): PullState {
    const p = this.pulls.get(n)!;
    const b = this.branches.get(p.branch)!;
    this.main.files.set(ROSTER_PATH, b.files.get(ROSTER_PATH)!);
    this.main.head++;
    const state = { ...this.pullState(n), state: "closed" as const, merged: true, mergedAt: LATER.toISOString(), mergedBy: { login: by, type: "User" }, mergeable: null };
    p.state = "closed";
    p.merged = true;
    p.mergedBy = by;
    return state;
  }

  /** Someone pushes to a branch. */
  push(branch: string) {
    this.branches.get(branch)!.head++;
  }

  private apply(a: Action): Partial<ActionResult> {
    switch (a.kind) {
      case "issue.create": {
        const number = this.next++;
        this.issues.set(number, { title: a.title, body: a.body, labels: a.labels, state: "open" });
        return { created: { id: number, number } };
      }
      case "issue.update": {
        const i = this.issues.get(a.number)!;
        if (a.body !== undefined) i.body = a.body;
        return {};
      }
      case "comment.create": {
        const id = this.next++;
        this.comments.push({ id, issue: a.issueNumber, body: a.body });
        return { created: { id } };
      }
      case "comment.update": {
        this.comments.find((x) => x.id === a.commentId)!.body = a.body;
        return {};
      }
      case "issue.close": {
        const i = this.issues.get(a.number)!;
        i.state = "closed";
        i.reason = a.reason;
        return {};
      }
      case "commit.files": {
        const b = this.branches.get(a.branch)!;
        if (a.parentSha !== `${a.branch}@${b.head}`) throw new BranchMovedError(a.branch);
        if (a.mergeSha) b.files = new Map(this.branches.get(a.mergeSha.split("@")[0]!)!.files);
        for (const [p, t] of Object.entries(a.files)) b.files.set(p, t);
        b.head++;
        this.commits.push({ branch: a.branch, files: Object.keys(a.files).sort(), message: a.message });
        return { commit: { sha: `${a.branch}@${b.head}` } };
      }
      case "branch.create": {
        const from = this.branches.get(a.parentSha.split("@")[0]!)!;
        const files = new Map(from.files);
        for (const [p, t] of Object.entries(a.files)) files.set(p, t);
        this.branches.set(a.branch, { head: 1, files });
        this.commits.push({ branch: a.branch, files: Object.keys(a.files).sort(), message: a.message });
        return { commit: { sha: `${a.branch}@1` } };
      }
      case "branch.delete":
        this.branches.delete(a.branch);
        return {};
      case "pull.create": {
        const existing = [...this.pulls.values()].find((p) => p.branch === a.head && p.state === "open");
        if (existing) return { created: { id: existing.number, number: existing.number, url: `https://github.com/${repo.owner}/${repo.repo}/pull/${existing.number}` } };
        const number = this.next++;
        this.pulls.set(number, { number, branch: a.head, state: "open", merged: false, mergedBy: null, reviews: [] });
        return { created: { id: number, number, url: `https://github.com/${repo.owner}/${repo.repo}/pull/${number}` } };
      }
      case "pull.close":
        this.pulls.get(a.number)!.state = "closed";
        return {};
      default:
        return {};
    }
  }
}

let store: LedgerStore;
let gh: MemoryGitHub;
let gov: Governance;

beforeAll(async () => {
  store = await openEmbeddedStore({ dataDir: MEMORY });
});
afterAll(() => store.close());
beforeEach(() => {
  repo = { owner: "acme", repo: `merges-${++repoCount}` };
  gh = new MemoryGitHub();
  gh.main.files.set(ROSTER_PATH, ROSTER_TEXT);
  gov = ladder("pull_request");
});

function standingOf(login: string): Standing {
  const ledger = { pullRequests: Array.from({ length: 3 }, (_, i) => pr(login, 10 + i, { mergedAt: new Date(NOW.getTime() - (10 + i) * DAY).toISOString() })), reviews: [] };
  return measureOne(login, ledger, gov, roster, NOW);
}

const proposeDeps = (dryRun = false): ProposeDeps => ({ store, github: gh.port(dryRun), log: silent, holder: "w1", webUrl: "https://github.com" });
const decideDeps = (dryRun = false): DecideDeps => ({ store, github: gh.port(dryRun), log: silent, holder: "w1", webUrl: "https://github.com", measure: async (login) => standingOf(login) });
const input = (issue: number, now = LATER) => ({ repo, issue, branch: "main", governance: gov, roster, now });

/** Opens ana's proposal; returns the issue and its pull request's number. */
async function propose(login = "ana") {
  const out = await openProposal(proposeDeps(), { repo, branch: "main", standing: standingOf(login), role: "member", kind: "promotion", governance: gov, roster, now: NOW });
  if (out.kind !== "opened" || out.issue === null) throw new Error(`expected a new proposal, got ${JSON.stringify(out)}`);
  const record = await loadProposalByIssue(store, `acme/${repo.repo}`, out.issue);
  return { issue: out.issue, pull: record!.pullRequest!.number };
}

const review = (login: string, state: string): PullReview => ({ login, type: "User", state, submittedAt: NOW.toISOString() });
const logOf = () => parseLog(gh.main.files.get(LOG_PATH) ?? "");
const rosterOf = () => {
  const parsed = parseRoster(gh.main.files.get(ROSTER_PATH)!, gov);
  if (!parsed.ok) throw new Error("invalid roster");
  return parsed.roster;
};

describe("opening a proposal with approve_with: pull_request", () => {
  it("opens the issue and a pull request that makes only the roster change, linked from the issue", async () => {
    const { issue, pull } = await propose();
    expect(gh.actions.map((a) => a.kind)).toEqual(["issue.create", "branch.create", "pull.create", "issue.update"]);
    const p = gh.pulls.get(pull)!;
    expect(p.branch).toBe("stewards/promote/ana/member");
    const branch = gh.branches.get(p.branch)!;
    // The roster grants the role, with no decision id yet; the log is not in the pull request.
    expect(branch.files.get(ROSTER_PATH)).toMatch(/- login: ana\n {4}role: member\n {4}since: 2026-11-20\n$/);
    expect(branch.files.get(LOG_PATH)).toBeUndefined();
    expect(gh.main.files.get(ROSTER_PATH)).toBe(ROSTER_TEXT);
    const body = gh.issues.get(issue)!.body;
    expect(body).toContain(`[#${pull}](https://github.com/acme/${repo.repo}/pull/${pull}), the pull request that makes the roster change`);
    const prBody = (gh.actions.find((a) => a.kind === "pull.create") as Extract<Action, { kind: "pull.create" }>).body;
    expect(prBody).toContain(`[#${issue}]`);
    expect(findMarker(prBody, "promotion-pull")).toEqual({ login: "ana", role: "member" });
  });

  it("opens the pull request on the next event when it failed the first time, and never twice", async () => {
    const deps = proposeDeps();
    // The first read (the roster at the head, before the issue) succeeds; the pull request's read fails.
    let reads = 0;
    const failing = {
      ...deps,
      github: { ...deps.github, readBranchFiles: async (...a: Parameters<typeof deps.github.readBranchFiles>) => (++reads === 1 ? deps.github.readBranchFiles(...a) : Promise.reject(new Error("GitHub is down"))) },
    };
    await expect(openProposal(failing, { repo, branch: "main", standing: standingOf("ana"), role: "member", kind: "promotion", governance: gov, roster, now: NOW })).rejects.toThrow(/down/);
    const issue = [...gh.issues.keys()][0]!;
    expect((await loadProposalByIssue(store, `acme/${repo.repo}`, issue))!.pullRequest).toBeUndefined();
    // Any later event on the proposal opens it.
    expect((await reviewProposal(decideDeps(), input(issue))).kind).toBe("pending");
    expect(gh.pulls.size).toBe(1);
    const again = await openProposal(proposeDeps(), { repo, branch: "main", standing: standingOf("ana"), role: "member", kind: "promotion", governance: gov, roster, now: NOW });
    expect(again).toEqual({ kind: "exists", issue });
    await reviewProposal(decideDeps(), input(issue));
    expect(gh.actions.filter((a) => a.kind === "pull.create")).toHaveLength(1);
  });

  it("in a dry run plans the branch and the pull request, writing nothing", async () => {
    const out = await openProposal(proposeDeps(true), { repo, branch: "main", standing: standingOf("ana"), role: "member", kind: "promotion", governance: gov, roster, now: NOW });
    expect(out).toEqual({ kind: "opened", issue: null, dryRun: true });
    expect(gh.actions.map(describeAction)).toEqual([
      `open issue on acme/${repo.repo}: "Promote ana to member" labelled stewards:promotion`,
      `create branch stewards/promote/ana/member on acme/${repo.repo} from main@1, committing .github/roster.yml: "Promote ana to member"`,
      `open pull request on acme/${repo.repo} from stewards/promote/ana/member into main: "Roster: promote ana to member"`,
    ]);
    expect(gh.pulls.size).toBe(0);
    expect(gh.branches.size).toBe(1);
  });
});

describe("deciding by merge", () => {
  it("a merge by an approver with an approving review approves: one follow-up commit of the log and the stamped roster, issue closed, branch deleted", async () => {
    const { issue, pull } = await propose();
    gh.pulls.get(pull)!.reviews.push(review("bob", "APPROVED"), review("zed", "APPROVED"));
    const merged = gh.merge(pull, "alice");
    const out = await onPromotionPull(decideDeps(), input(issue), merged);
    expect(out).toEqual({ kind: "decided", outcome: "approved", decision: "D-0001" });
    expect(gh.commits.filter((c) => c.branch === "main")).toEqual([{ branch: "main", files: [".github/CODEOWNERS", ROSTER_PATH, LOG_PATH], message: expect.stringMatching(/^D-0001: promote ana to member\n\nMerged in #\d+ by alice/) }]);
    expect(gh.main.files.get(ROSTER_PATH)).toMatch(/- login: ana\n {4}role: member\n {4}since: 2026-11-22\n {4}decision: D-0001\n$/);
    const [entry] = logOf();
    expect(entry).toMatchObject({ id: "D-0001", kind: "promotion", subject: "ana", role: { from: null, to: "member" }, approvers: ["alice", "bob"] });
    expect(entry!.decidedBy).toMatch(new RegExp(`^merge of #${pull} by alice; quorum of 2`));
    expect(gh.issues.get(issue)).toMatchObject({ state: "closed", reason: "completed" });
    expect(gh.comments.filter((c) => c.issue === issue).at(-1)!.body).toMatch(/Approved\*\* by the merge of \[#\d+\]\(.*\) by \[alice\]/);
    expect(gh.branches.has("stewards/promote/ana/member")).toBe(false);
    const record = await loadProposalByIssue(store, `acme/${repo.repo}`, issue);
    expect(record).toMatchObject({ state: "closed", outcome: "approved", decision: "D-0001", pullRequest: { state: "closed" } });
  });

  it("writes one log entry however often the merge is delivered, also concurrently and after a crash before the comment", async () => {
    const { issue, pull } = await propose();
    gh.pulls.get(pull)!.reviews.push(review("bob", "APPROVED"));
    const merged = gh.merge(pull, "alice");
    const outs = await Promise.all([1, 2, 3].map(() => onPromotionPull(decideDeps(), input(issue), merged)));
    expect(outs.filter((o) => o.kind === "decided")).toHaveLength(1);
    // One attempt at a time: the others return at once (the attempt under way reads the facts again for them).
    expect(outs.filter((o) => o.kind !== "decided").map((o) => o.kind)).toEqual(["busy", "busy"]);
    expect(logOf().map((e) => e.id)).toEqual(["D-0001"]);
    // A retry of a job whose commit landed but whose process died before the comment: already-done, finishes the rest only.
    await store.setValue(`proposal-issue:acme/${repo.repo}#${issue}`, { ...(await loadProposalByIssue(store, `acme/${repo.repo}`, issue))!, state: "open", outcome: undefined });
    const commits = gh.commits.length;
    expect(await onPromotionPull(decideDeps(), input(issue), merged)).toMatchObject({ kind: "decided", decision: "D-0001" });
    expect(gh.commits.length).toBe(commits);
    expect(logOf()).toHaveLength(1);
    expect(rosterOf().members.filter((m) => m.login === "ana")).toEqual([{ login: "ana", role: "member", since: "2026-11-22", decision: "D-0001" }]);
  });

  it("tells a push handler which roster grant is a promotion pull request's, so it is not logged twice as a hand edit", async () => {
    const { issue, pull } = await propose();
    const full = `acme/${repo.repo}`;
    expect(await promotionPullFor(store, full, "ANA", "member")).toMatchObject({ issue, pullRequest: { number: pull } });
    expect(await promotionPullFor(store, full, "ana", "maintainer")).toBeNull();
    gh.pulls.get(pull)!.reviews.push(review("bob", "APPROVED"));
    await onPromotionPull(decideDeps(), input(issue), gh.merge(pull, "alice"));
    expect(await promotionPullFor(store, full, "ana", "member")).toMatchObject({ outcome: "approved", decision: "D-0001" });
  });

  it("a sweep or any event finds a merge whose delivery was lost", async () => {
    const { issue, pull } = await propose();
    gh.pulls.get(pull)!.reviews.push(review("cy", "APPROVED"));
    gh.merge(pull, "bob");
    expect(await reviewProposal(decideDeps(), input(issue))).toMatchObject({ kind: "decided", outcome: "approved" });
    expect(logOf()[0]).toMatchObject({ kind: "promotion", approvers: ["bob", "cy"] });
  });

  it.each([
    ["an admin without an approver role, with too few approving reviews", "root", [review("bob", "APPROVED")], /root holds no approver role; 1 of 2 approvals/],
    ["the candidate themselves", "ana", [review("bob", "APPROVED")], /ana is the candidate; 1 of 2 approvals/],
    ["an approver while another approver requested changes", "alice", [review("bob", "APPROVED"), review("cy", "CHANGES_REQUESTED")], /held by an objection from cy/],
  ])("a merge by %s is logged as a manual roster change, not a promotion — and the roster change stands", async (_name, by, reviews, why) => {
    const { issue, pull } = await propose();
    gh.pulls.get(pull)!.reviews.push(...reviews);
    const out = await onPromotionPull(decideDeps(), input(issue), gh.merge(pull, by));
    expect(out).toEqual({ kind: "decided", outcome: "manual", decision: "D-0001" });
    const [entry] = logOf();
    expect(entry).toMatchObject({ kind: "manual roster change", subject: "ana", role: { from: null, to: "member" } });
    expect(entry!.decidedBy).toMatch(why);
    expect(rosterOf().members.find((m) => m.login === "ana")).toEqual({ login: "ana", role: "member", since: "2026-11-22", decision: "D-0001" });
    expect(gh.issues.get(issue)).toMatchObject({ state: "closed", reason: "completed" });
    expect(gh.comments.filter((c) => c.issue === issue).at(-1)!.body).toMatch(/Merged without the approvals:.*manual roster change/);
  });

  it("an admin's merge after two approving reviews by approvers is a promotion: the approvers decided, the admin only pressed the button", async () => {
    const { issue, pull } = await propose();
    gh.pulls.get(pull)!.reviews.push(review("bob", "CHANGES_REQUESTED"), review("bob", "APPROVED"), review("cy", "APPROVED"), review("alice", "APPROVED"), review("alice", "DISMISSED"));
    expect(await onPromotionPull(decideDeps(), input(issue), gh.merge(pull, "root"))).toMatchObject({ outcome: "approved" });
    expect(logOf()[0]).toMatchObject({ kind: "promotion", approvers: ["bob", "cy"], objectors: [] });
  });

  it("a merge of a branch someone else pushed to is a manual roster change", async () => {
    const { issue, pull } = await propose();
    gh.pulls.get(pull)!.reviews.push(review("bob", "APPROVED"));
    gh.push("stewards/promote/ana/member");
    expect(await onPromotionPull(decideDeps(), input(issue), gh.merge(pull, "alice"))).toMatchObject({ outcome: "manual" });
    expect(logOf()[0]!.decidedBy).toMatch(/commits not made by Stewards/);
  });

  it("closing the pull request unmerged is not a rejection: the proposal stays open and says so; reopened and merged, it approves", async () => {
    const { issue, pull } = await propose();
    gh.pulls.get(pull)!.state = "closed";
    expect(await onPromotionPull(decideDeps(), input(issue), gh.pullState(pull))).toMatchObject({ kind: "pending" });
    expect(gh.issues.get(issue)!.state).toBe("open");
    expect(gh.main.files.get(LOG_PATH)).toBeUndefined();
    const status = gh.comments.filter((c) => c.issue === issue);
    expect(status).toHaveLength(1);
    expect(status[0]!.body).toMatch(/was closed without merging\. That is not a rejection/);
    expect((await loadProposalByIssue(store, `acme/${repo.repo}`, issue))!.pullRequest!.state).toBe("closed");
    // Reopened: the next event updates the same status comment.
    gh.pulls.get(pull)!.state = "open";
    await reviewProposal(decideDeps(), input(issue));
    expect(gh.comments.filter((c) => c.issue === issue)).toHaveLength(1);
    expect(gh.comments.find((c) => c.issue === issue)!.body).toMatch(/makes the roster change; approving and merging it is how this proposal is approved/);
    gh.pulls.get(pull)!.reviews.push(review("bob", "APPROVED"));
    expect(await onPromotionPull(decideDeps(), input(issue), gh.merge(pull, "alice"))).toMatchObject({ outcome: "approved" });
  });

  it("with approve_with: pull_request, 👍 on the issue do not approve and are not even read", async () => {
    const { issue } = await propose();
    gh.reactions.set(issue, ["alice", "bob", "cy"].map((login) => ({ login, type: "User", content: "+1" })));
    expect((await reviewProposal(decideDeps(), input(issue))).kind).toBe("pending");
    expect(gh.reads.filter((r) => r.startsWith("reactions"))).toEqual([]);
    expect(gh.issues.get(issue)!.state).toBe("open");
    // Nothing to say while the pull request is open: no status comment.
    expect(gh.comments.filter((c) => c.issue === issue)).toEqual([]);
  });

  it("a rejection closes the pull request with a comment and deletes its branch; a merge that lands anyway is still logged", async () => {
    const { issue, pull } = await propose();
    const out = await closeProposal(decideDeps(), input(issue), { outcome: "rejected", by: "bob", decidedBy: "bob (/reject)", reason: "not yet" });
    expect(out).toMatchObject({ kind: "decided", outcome: "rejected", decision: "D-0001" });
    expect(gh.pulls.get(pull)!.state).toBe("closed");
    expect(gh.comments.find((c) => c.issue === pull)!.body).toMatch(/Closing: the proposal was rejected \(D-0001\)/);
    expect(gh.branches.has("stewards/promote/ana/member")).toBe(false);
    // The race: someone merged in the instant before the close. The grant is on main; it must not go unlogged.
    gh.branches.set("stewards/promote/ana/member", { head: 1, files: new Map([[ROSTER_PATH, `${ROSTER_TEXT}  - login: ana\n    role: member\n    since: 2026-11-20\n`]]) });
    const late = { ...gh.merge(pull, "alice") };
    expect(await onPromotionPull(decideDeps(), input(issue), late)).toMatchObject({ kind: "decided", outcome: "manual", decision: "D-0002" });
    expect(logOf().map((e) => [e.id, e.kind])).toEqual([["D-0001", "rejection"], ["D-0002", "manual roster change"]]);
    expect(logOf()[1]!.decidedBy).toMatch(/the proposal had been closed as rejected already/);
    expect(rosterOf().members.find((m) => m.login === "ana")).toMatchObject({ decision: "D-0002" });
    // Delivered again: once.
    await onPromotionPull(decideDeps(), input(issue), late);
    expect(logOf()).toHaveLength(2);
  });

  it("a /reject after the merge landed does not reject: the merge was first", async () => {
    const { issue, pull } = await propose();
    gh.pulls.get(pull)!.reviews.push(review("cy", "APPROVED"));
    gh.merge(pull, "alice");
    const out = await closeProposal(decideDeps(), input(issue), { outcome: "rejected", by: "bob", decidedBy: "bob (/reject)", reason: "too late" });
    expect(out).toMatchObject({ outcome: "approved" });
    expect(logOf().map((e) => e.kind)).toEqual(["promotion"]);
  });

  it("brings a pull request that can no longer merge up to date with main, without overwriting anyone's push", async () => {
    const { issue, pull } = await propose();
    // Another decision changed the roster on main meanwhile; GitHub reports a conflict.
    gh.main.files.set(ROSTER_PATH, `${ROSTER_TEXT}  - login: dee\n    role: member\n    since: 2026-11-21\n    decision: D-0001\n`);
    gh.main.head++;
    gh.mergeable = false;
    await reviewProposal(decideDeps(), input(issue));
    const branch = gh.branches.get("stewards/promote/ana/member")!;
    expect(branch.head).toBe(2);
    expect(branch.files.get(ROSTER_PATH)).toMatch(/login: dee[\s\S]*login: ana\n {4}role: member/);
    const refreshed = gh.actions.find((a) => a.kind === "commit.files") as Extract<Action, { kind: "commit.files" }>;
    expect(refreshed).toMatchObject({ branch: "stewards/promote/ana/member", parentSha: "stewards/promote/ana/member@1", mergeSha: "main@2" });
    expect((await loadProposalByIssue(store, `acme/${repo.repo}`, issue))!.pullRequest!.headSha).toBe("stewards/promote/ana/member@2");
    // Someone else pushed to it: left alone.
    gh.push("stewards/promote/ana/member");
    const before = gh.commits.length;
    await reviewProposal(decideDeps(), input(issue));
    expect(gh.commits.length).toBe(before);
    // And merged as it is, it is a manual roster change (their commits came with it).
    gh.mergeable = true;
    gh.pulls.get(pull)!.reviews.push(review("bob", "APPROVED"));
    expect(await onPromotionPull(decideDeps(), input(issue), gh.merge(pull, "alice"))).toMatchObject({ outcome: "manual" });
  });
});

describe("approve_with: either", () => {
  beforeEach(() => {
    gov = ladder("either");
  });

  it("approval by reactions lands first: the roster and log commit on main, the pull request is closed with a comment, its branch deleted", async () => {
    const { issue, pull } = await propose();
    gh.reactions.set(issue, ["alice", "bob"].map((login) => ({ login, type: "User", content: "+1" })));
    const out = await reviewProposal(decideDeps(), input(issue));
    expect(out).toEqual({ kind: "decided", outcome: "approved", decision: "D-0001" });
    expect(gh.commits.filter((c) => c.branch === "main")).toHaveLength(1);
    expect(gh.pulls.get(pull)!.state).toBe("closed");
    expect(gh.comments.find((c) => c.issue === pull)!.body).toMatch(/Closing: approved by reactions \(D-0001\)/);
    expect(gh.branches.has("stewards/promote/ana/member")).toBe(false);
    expect(gh.issues.get(issue)!.state).toBe("closed");
    // The pull request's close arrives afterwards: nothing more.
    const writes = gh.actions.length;
    expect((await onPromotionPull(decideDeps(), input(issue), gh.pullState(pull))).kind).toBe("closed-already");
    expect(gh.actions.length).toBe(writes);
    expect(logOf()).toHaveLength(1);
  });

  it("the merge lands first: it approves, counting 👍 on the issue toward the quorum, and closes the issue; a later review writes nothing", async () => {
    const { issue, pull } = await propose();
    gh.reactions.set(issue, [{ login: "bob", type: "User", content: "+1" }]);
    expect(await onPromotionPull(decideDeps(), input(issue), gh.merge(pull, "alice"))).toMatchObject({ outcome: "approved", decision: "D-0001" });
    expect(logOf()[0]).toMatchObject({ kind: "promotion", approvers: ["alice", "bob"] });
    expect(gh.issues.get(issue)!.state).toBe("closed");
    gh.reactions.set(issue, [...gh.reactions.get(issue)!, { login: "cy", type: "User", content: "+1" }]);
    expect((await reviewProposal(decideDeps(), input(issue))).kind).toBe("closed-already");
    expect(logOf()).toHaveLength(1);
  });

  it("a merge and a 👍 quorum landing together, each delivered twice and at once: one decision, one entry, one outcome comment", async () => {
    const { issue, pull } = await propose();
    gh.reactions.set(issue, ["alice", "bob"].map((login) => ({ login, type: "User", content: "+1" })));
    const merged = gh.merge(pull, "alice");
    const outs = await Promise.all([
      reviewProposal(decideDeps(), input(issue)),
      onPromotionPull(decideDeps(), input(issue), merged),
      reviewProposal(decideDeps(), input(issue)),
      onPromotionPull(decideDeps(), input(issue), merged),
    ]);
    expect(outs.filter((o) => o.kind === "decided")).toHaveLength(1);
    expect(outs.filter((o) => o.kind !== "decided").every((o) => o.kind === "busy" || o.kind === "closed-already")).toBe(true);
    expect(logOf()).toHaveLength(1);
    expect(gh.commits.filter((c) => c.branch === "main")).toHaveLength(1);
    expect(gh.comments.filter((c) => c.issue === issue && /Approved/.test(c.body))).toHaveLength(1);
    expect(gh.issues.get(issue)!.state).toBe("closed");
  });

  it("shows the pull request in the tally comment", async () => {
    const { issue, pull } = await propose();
    gh.reactions.set(issue, [{ login: "bob", type: "User", content: "+1" }]);
    await reviewProposal(decideDeps(), input(issue));
    const status = gh.comments.find((c) => c.issue === issue)!.body;
    expect(status).toMatch(/1 of 2/);
    expect(status).toContain(`**Pull request:** [#${pull}]`);
  });
});
