/**
 * Appeals against an in-memory GitHub port (the same AppealGitHub interface
 * the real adapters implement) and the real embedded store: filing once, the
 * panel drawn in rotation without the deciders and the appellant, votes from
 * outside the panel not counted, the outcome logged and applied through the
 * decision pipeline (an overturned rejection grants the role; an overturned
 * promotion revokes it), limits on filing.
 */
import { governanceSchema, type Governance, type Roster } from "../../src/config/schema.js";
import { parseRoster } from "../../src/config/parse-roster.js";
import type { BranchSnapshot } from "../../src/github/branch-files.js";
import { BranchMovedError, type ActionResult } from "../../src/github/execute-actions.js";
import type { MarkedIssue } from "../../src/github/issue-reads.js";
import { appendEntries } from "../../src/log/append-entries.js";
import type { DecisionDraft } from "../../src/log/decision-entry.js";
import { parseLog } from "../../src/log/parse-log.js";
import type { Action, RepoRef } from "../../src/plan/actions.js";
import { findMarker } from "../../src/render/markers.js";
import { openEmbeddedStore, MEMORY } from "../../src/store/embedded-store.js";
import type { LedgerStore } from "../../src/store/store.js";
import { fileAppeal, voteOnAppeal, type AppealDeps } from "../../src/usecases/handle-appeal.js";
import { saveProposal } from "../../src/usecases/proposal-records.js";
import { silent } from "../support/silent-logger.js";

const NOW = new Date("2026-12-03T12:00:00Z");
const governance: Governance = governanceSchema.parse({
  version: 1,
  ladder: [
    { role: "member", requires: { merged_prs: 2 } },
    { role: "maintainer", requires: { merged_prs: 50 } },
  ],
  promotion: { approvers: ["maintainer"], quorum: 2 },
  appeals: { panel: 3, quorum: 2, within: "14d", cooldown: "30d" },
});
const MAINTAINERS = ["alice", "bob", "carol", "dan", "erin"];
const rosterText = (extra = "") => `members:\n${MAINTAINERS.map((l) => `  - login: ${l}\n    role: maintainer\n    since: 2024-01-15\n`).join("")}${extra}`;

let store: LedgerStore;
beforeAll(async () => {
  store = await openEmbeddedStore({ dataDir: MEMORY });
});
afterAll(() => store.close());

class MemoryGitHub {
  files = new Map<string, string>();
  head = 1;
  issues = new Map<number, { title: string; body: string; labels: string[]; assignees: string[]; state: "open" | "closed" }>();
  comments: { id: number; issue: number; body: string }[] = [];
  commits: string[] = [];
  next = 50;
  port(): AppealDeps["github"] {
    return {
      readBranchFiles: async (_r: RepoRef, branch: string, paths: readonly string[]): Promise<BranchSnapshot> => ({ branch, headSha: `h${this.head}`, treeSha: `t${this.head}`, files: new Map(paths.map((p) => [p, this.files.get(p) ?? null])) }),
      findOpenAppeals: async (): Promise<MarkedIssue[]> =>
        [...this.issues.entries()].flatMap(([number, i]) => {
          const key = i.state === "open" && i.labels.includes("stewards:appeal") ? findMarker(i.body, "appeal") : null;
          return key ? [{ number, title: i.title, body: i.body, key }] : [];
        }),
      execute: async (actions: readonly Action[]): Promise<ActionResult[]> => actions.map((a) => ({ action: a, dryRun: false, ...this.apply(a) })),
    };
  }
  private apply(a: Action): Partial<ActionResult> {
    switch (a.kind) {
      case "issue.create": {
        const number = this.next++;
        this.issues.set(number, { title: a.title, body: a.body, labels: a.labels, assignees: a.assignees ?? [], state: "open" });
        return { created: { id: number, number, url: "" } };
      }
      case "issue.update":
        if (a.state) this.issues.get(a.number)!.state = a.state;
        return {};
      case "comment.create": {
        const id = this.next++;
        this.comments.push({ id, issue: a.issueNumber, body: a.body });
        return { created: { id, number: id, url: "" } };
      }
      case "comment.update":
        this.comments.find((c) => c.id === a.commentId)!.body = a.body;
        return {};
      case "commit.files":
        if (a.parentSha !== `h${this.head}`) throw new BranchMovedError(a.branch);
        for (const [p, t] of Object.entries(a.files)) this.files.set(p, t);
        this.head++;
        this.commits.push(a.message);
        return { commit: { sha: `h${this.head}` } };
      default:
        throw new Error(`unexpected ${a.kind}`);
    }
  }
}

let gh: MemoryGitHub;
let repo: RepoRef;
let n = 0;
const refreshed: Roster[] = [];

function deps(): AppealDeps {
  return { github: gh.port(), store, holder: "test", log: silent, webUrl: "https://github.com", hasCountedContribution: async (l) => l !== "nobody", onRosterChanged: async (_r, roster) => void refreshed.push(roster) };
}
const roster = (): Roster => {
  const parsed = parseRoster(gh.files.get(".github/roster.yml")!, governance);
  if (!parsed.ok) throw new Error("roster invalid");
  return parsed.roster;
};
const ctx = (issue: number, sender: string, now = NOW) => ({ repo, branch: "main", governance, roster: roster(), issue, sender, now });
const logOf = () => parseLog(gh.files.get("GOVERNANCE-LOG.md") ?? "");

function decision(over: Partial<DecisionDraft>): DecisionDraft {
  return { kind: "rejection", date: "2026-12-02", subject: "ana", role: null, evidence: [], approvers: [], objectors: [], reason: "not yet", link: null, decidedBy: "bob (/reject)", deciders: ["bob"], proposed: "member", key: `k${++n}`, ...over };
}

beforeEach(async () => {
  gh = new MemoryGitHub();
  repo = { owner: "acme", repo: `appeals${++n}` };
  gh.files.set(".github/roster.yml", rosterText());
  gh.files.set("GOVERNANCE-LOG.md", appendEntries(null, [decision({})]).text);
  // The rejection's proposal issue (#10): /appeal there means D-0001.
  await saveProposal(store, { repo: `${repo.owner}/${repo.repo}`, login: "ana", role: "member", kind: "promotion", issue: 10, state: "closed", openedAt: "2026-11-20T00:00:00Z", outcome: "rejected", decision: "D-0001" });
});

const file = (issue: number, sender: string, reason: string | null, requestedId: string | null = null, now = NOW) => fileAppeal(deps(), { ...ctx(issue, sender, now), requestedId, reason });
const vote = (issue: number, sender: string, v: "uphold" | "overturn", reason: string | null = v === "overturn" ? "the numbers were wrong" : null) => voteOnAppeal(deps(), { ...ctx(issue, sender), vote: v, reason });

describe("filing an appeal", () => {
  it("opens one issue with the panel assigned — in rotation, without the decider and the appellant — and logs the filing", async () => {
    const reply = await file(10, "ana", "I did the work");
    const [number, issue] = [...gh.issues.entries()][0]!;
    expect(reply).toBe(`Appeal of D-0001 opened: #${number} (logged as D-0002).`);
    expect(issue.labels).toEqual(["stewards:appeal"]);
    expect(issue.assignees).toEqual(["alice", "carol", "dan"]);
    expect(issue.body).toMatch(/@alice, @carol, @dan/);
    expect(issue.body).not.toMatch(/@bob|@ana/);
    const filed = logOf()[1]!;
    expect(filed).toMatchObject({ id: "D-0002", kind: "appeal filed", subject: "ana", appeal: { decision: "D-0001", appellant: "ana", panel: ["alice", "carol", "dan"], rotation: "dan", issue: number } });
    expect(gh.comments.filter((c) => c.issue === number)).toHaveLength(1);
    // Filed again: refused, nothing new.
    expect(await file(10, "ana", "again")).toMatch(/appealed already/);
    expect(gh.issues.size).toBe(1);
    expect(logOf()).toHaveLength(2);
  });

  it("the next panel continues the rotation after the previous one, read from the log", async () => {
    gh.files.set("GOVERNANCE-LOG.md", appendEntries(gh.files.get("GOVERNANCE-LOG.md")!, [decision({ subject: "ben", deciders: ["carol"] })]).text);
    await file(10, "ana", "first");
    await file(0, "ben", "second", "D-0002");
    const panels = logOf().filter((e) => e.kind === "appeal filed").map((e) => e.appeal!.panel);
    expect(panels).toEqual([["alice", "carol", "dan"], ["erin", "alice", "bob"]]);
  });

  it.each([
    { name: "without a reason", args: [10, "ana", null, null] as const, reply: /needs a reason/ },
    { name: "an id that does not exist", args: [3, "ana", "x", "D-9999"] as const, reply: /no decision `D-9999`/ },
    { name: "someone else's decision", args: [10, "mallory", "x", null] as const, reply: /Only the person the decision is about/ },
    { name: "no decision on this issue", args: [77, "ana", "x", null] as const, reply: /Which decision\?/ },
    { name: "after the window", args: [10, "ana", "x", null, new Date("2026-12-20T00:00:00Z")] as const, reply: /can no longer be appealed/ },
  ])("refuses $name, writing nothing", async ({ args, reply }) => {
    expect(await file(...(args as unknown as Parameters<typeof file>))).toMatch(reply);
    expect(gh.issues.size).toBe(0);
    expect(logOf()).toHaveLength(1);
  });

  it("refuses a second open appeal by the same person", async () => {
    gh.files.set("GOVERNANCE-LOG.md", appendEntries(gh.files.get("GOVERNANCE-LOG.md")!, [decision({ key: "other" })]).text);
    await file(10, "ana", "first");
    expect(await file(0, "ana", "second", "D-0002")).toMatch(/appeal open already/);
  });
});

describe("voting and the outcome", () => {
  async function opened() {
    await file(10, "ana", "I did the work");
    return [...gh.issues.keys()][0]!;
  }

  it("ignores a stranger's vote; two panel overturns grant the role in one commit, log the outcome with each vote, close the appeal", async () => {
    const issue = await opened();
    expect(await vote(issue, "erin", "overturn")).toMatch(/Only the panel/);
    expect(await vote(issue, "ana", "overturn")).toMatch(/Only the panel/);
    expect(await vote(issue, "alice", "overturn")).toBeNull();
    expect(gh.comments.find((c) => c.issue === issue)!.body).toMatch(/1 to overturn \(of 2 needed\)/);
    const commits = gh.commits.length;
    expect(await vote(issue, "carol", "overturn", "agreed @dan")).toBeNull();
    expect(gh.commits.length).toBe(commits + 1);
    expect(roster().members.find((m) => m.login === "ana")).toEqual({ login: "ana", role: "member", since: "2026-12-03", decision: "D-0003" });
    const outcome = logOf()[2]!;
    expect(outcome).toMatchObject({ id: "D-0003", kind: "appeal outcome", role: { from: null, to: "member" }, appeal: { decision: "D-0001", outcome: "overturned", votes: [{ login: "alice", vote: "overturn" }, { login: "carol", vote: "overturn", reason: "agreed @dan" }] } });
    expect(gh.files.get("GOVERNANCE-LOG.md")).not.toMatch(/(^|[^\w\u200d\\])@dan\b(?![^<]*-->)/m);
    expect(gh.issues.get(issue)!.state).toBe("closed");
    expect(gh.comments.filter((c) => c.issue === issue).at(-1)!.body).toMatch(/Overturned.*ana now holds `member`.*D-0003/);
    expect(refreshed.at(-1)!.members.some((m) => m.login === "ana")).toBe(true);
    // Final: more votes change nothing; a new appeal of the same decision is refused.
    expect(await vote(issue, "dan", "uphold")).toMatch(/final/);
    expect(await file(10, "ana", "again")).toMatch(/appealed already/);
    expect(await file(0, "ana", "the outcome too", "D-0003")).toMatch(/cannot be appealed/);
    expect(logOf()).toHaveLength(3);
  });

  it("upheld once overturning can no longer reach the quorum; no roster change", async () => {
    const issue = await opened();
    await vote(issue, "alice", "uphold");
    const before = gh.files.get(".github/roster.yml");
    await vote(issue, "carol", "uphold");
    expect(gh.files.get(".github/roster.yml")).toBe(before);
    expect(logOf()[2]).toMatchObject({ kind: "appeal outcome", role: null, appeal: { outcome: "upheld" } });
    expect(gh.comments.filter((c) => c.issue === issue).at(-1)!.body).toMatch(/Upheld.*D-0001 stands/);
  });

  it("a later vote replaces the earlier one; a member who lost the approver role no longer counts", async () => {
    const issue = await opened();
    await vote(issue, "alice", "uphold");
    await vote(issue, "alice", "overturn");
    // dan leaves the maintainers: his seat no longer counts.
    gh.files.set(".github/roster.yml", rosterText().replace("  - login: dan\n    role: maintainer\n    since: 2024-01-15\n", ""));
    expect(await vote(issue, "dan", "overturn")).toMatch(/no longer hold an approver role/);
    await vote(issue, "carol", "overturn");
    expect(logOf()[2]).toMatchObject({ appeal: { outcome: "overturned", votes: [{ login: "alice", vote: "overturn" }, { login: "carol", vote: "overturn" }] } });
  });

  it("an overturned emeritus decision gives the role back", async () => {
    gh.files.set(".github/roster.yml", `${rosterText()}emeritus:\n  - login: olga\n    role: maintainer\n    since: 2026-12-01\n    decision: D-0002\n`);
    gh.files.set("GOVERNANCE-LOG.md", appendEntries(gh.files.get("GOVERNANCE-LOG.md")!, [decision({ kind: "emeritus", subject: "olga", role: { from: "maintainer", to: null }, deciders: ["alice", "bob"], proposed: undefined })]).text);
    expect(await file(0, "olga", "I was on parental leave", "D-0002")).toMatch(/opened/);
    const issue = [...gh.issues.keys()][0]!;
    expect(gh.issues.get(issue)!.assignees).toEqual(["carol", "dan", "erin"]);
    await vote(issue, "carol", "overturn", "leave is not inactivity");
    await vote(issue, "erin", "overturn");
    expect(roster().members.find((m) => m.login === "olga")).toMatchObject({ role: "maintainer", decision: "D-0004" });
    expect(roster().emeritus.some((e) => e.login === "olga")).toBe(false);
    expect(logOf().at(-1)).toMatchObject({ kind: "appeal outcome", role: { from: null, to: "maintainer" }, appeal: { outcome: "overturned" } });
  });

  it("an overturned promotion takes the role away again", async () => {
    gh.files.set(".github/roster.yml", rosterText("  - login: ana\n    role: member\n    since: 2026-12-01\n    decision: D-0002\n"));
    gh.files.set("GOVERNANCE-LOG.md", appendEntries(gh.files.get("GOVERNANCE-LOG.md")!, [decision({ kind: "promotion", subject: "ana", role: { from: null, to: "member" }, deciders: ["alice", "bob"], proposed: undefined })]).text);
    await file(0, "ana", "I was promoted by mistake", "D-0002");
    const issue = [...gh.issues.keys()][0]!;
    expect(gh.issues.get(issue)!.assignees).toEqual(["carol", "dan", "erin"]);
    await vote(issue, "carol", "overturn");
    await vote(issue, "dan", "overturn");
    expect(roster().members.some((m) => m.login === "ana")).toBe(false);
    expect(roster().emeritus).toEqual([]);
  });
});
