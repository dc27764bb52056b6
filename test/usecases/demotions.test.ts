/**
 * The demotion flow against the in-memory GitHub port (the real adapters'
 * interfaces) and the real embedded store: one notice per person and role
 * however often the sweep runs, counted activity cancelling a notice (logged
 * once), 👍 during the notice never counted, approval after it moving the
 * person to emeritus (or, for a rotation, to the role below) in one commit
 * with its log entry, the last holder of the top role never proposed, and
 * the removal share held across sweeps.
 */
import type { Governance, Roster } from "../../src/config/schema.js";
import { governanceSchema } from "../../src/config/schema.js";
import { parseRoster } from "../../src/config/parse-roster.js";
import type { Logger } from "../../src/github/logger.js";
import { parseLog } from "../../src/log/parse-log.js";
import type { RepoRef } from "../../src/plan/actions.js";
import { findMarker } from "../../src/render/markers.js";
import { openEmbeddedStore, MEMORY } from "../../src/store/embedded-store.js";
import type { LedgerStore } from "../../src/store/store.js";
import { lastActivityFromLedger, type CountedActivity } from "../../src/usecases/decide-demotion.js";
import { reviewProposal } from "../../src/usecases/decide-proposal.js";
import { sweepDemotions, type DemotionSweepDeps } from "../../src/usecases/demotion-sweep.js";
import { loadProposalByIssue, proposalIssueKey } from "../../src/usecases/proposal-records.js";
import { answerProposalCommand } from "../../src/usecases/run-proposal-command.js";
import { stepDown } from "../../src/usecases/step-down.js";
import { MemoryGitHub } from "../support/memory-github.js";

let repo: RepoRef = { owner: "acme", repo: "gadgets" };
let repoCount = 0;
const NOW = new Date("2026-11-20T12:00:00Z");
const DAY = 86_400_000;
const at = (days: number) => new Date(NOW.getTime() + days * DAY);

function ladder(demotion: Record<string, unknown> = {}): Governance {
  return governanceSchema.parse({
    version: 1,
    ladder: [
      { role: "member", requires: { merged_prs: 2 }, grants: { codeowners: ["/docs/"] } },
      { role: "maintainer", requires: { merged_prs: 50 }, grants: { codeowners: ["*"] } },
    ],
    promotion: { approvers: ["maintainer"], quorum: 2, expires_after: "30d" },
    demotion: { inactive_after: "365d", notice: "14d", ...demotion },
  });
}

function rosterText(entries: Array<[string, string, string?]>): string {
  return `members:\n${entries.map(([login, role, since]) => `  - login: ${login}\n    role: ${role}\n    since: ${since ?? "2024-01-15"}\n`).join("")}`;
}

/** alice, bob and cy are active maintainers; dan is a maintainer and mo a member, both inactive. */
const TEAM: Array<[string, string, string?]> = [
  ["alice", "maintainer"],
  ["bob", "maintainer"],
  ["cy", "maintainer"],
  ["dan", "maintainer"],
  ["mo", "member"],
];

let store: LedgerStore;
let gh: MemoryGitHub;
let governance: Governance;
let activity: Map<string, CountedActivity>;
let infos: Array<{ obj: object; msg: string | undefined }>;

const capture: Logger = {
  info: (obj, msg) => infos.push({ obj, msg }),
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
  child: () => capture,
};

beforeAll(async () => {
  store = await openEmbeddedStore({ dataDir: MEMORY });
});
afterAll(() => store.close());
beforeEach(() => {
  repo = { owner: "acme", repo: `gadgets-${++repoCount}` };
  gh = new MemoryGitHub();
  governance = ladder();
  infos = [];
  setRoster(TEAM);
  activity = new Map([
    ["alice", active(-5)],
    ["bob", active(-5)],
    ["cy", active(-5)],
    ["dan", active(-400, 12)],
  ]);
});

function setRoster(entries: Array<[string, string, string?]>) {
  gh.files.set(".github/roster.yml", rosterText(entries));
}

function active(days: number, pr = 99): CountedActivity {
  return { at: at(days).toISOString(), url: `https://github.com/acme/gadgets/pull/${pr}` };
}

/** The roster on the branch now, as the cache would hold it. */
function roster(): Roster {
  const parsed = parseRoster(gh.files.get(".github/roster.yml") ?? "members: []\n", governance);
  if (!parsed.ok) throw new Error("test roster does not parse");
  return parsed.roster;
}

function deps(holder = "w1"): DemotionSweepDeps {
  return {
    store,
    github: gh.port(),
    log: capture,
    holder,
    webUrl: "https://github.com",
    measure: async () => {
      throw new Error("demotions do not measure standings");
    },
    lastActivity: async (logins) => new Map(logins.flatMap((l) => (activity.has(l.toLowerCase()) ? [[l.toLowerCase(), activity.get(l.toLowerCase())!] as const] : []))),
  };
}

const sweep = (now = NOW, holder = "w1") => sweepDemotions(deps(holder), { repo, branch: "main", governance, roster: roster(), now });

const notices = () => [...gh.issues.entries()].filter(([, i]) => i.labels.includes("stewards:demotion"));
const noticeOf = (login: string) => {
  const found = notices().find(([, i]) => findMarker(i.body, "demotion")?.login === login);
  if (!found) throw new Error(`no notice for ${login}`);
  return found[0];
};

function react(issue: number, login: string, when: Date, content = "+1") {
  gh.reactions.set(issue, [...(gh.reactions.get(issue) ?? []), { login, type: "User", content, createdAt: when.toISOString() }]);
}

const log = () => parseLog(gh.files.get("GOVERNANCE-LOG.md") ?? "");

describe("opening notices", () => {
  it("opens one notice per person and role, labelled in the same request, however often (and however concurrently) the sweep runs", async () => {
    const first = await sweep();
    expect(first.noticed.map((n) => `${n.login}:${n.role}:${n.reason}:${n.outcome.kind}`)).toEqual(["mo:member:inactive:opened", "dan:maintainer:inactive:opened"]);
    await Promise.all([sweep(at(0.01), "w2"), sweep(at(0.01), "w3")]);
    await sweep(at(1));
    const creates = gh.actions.filter((a) => a.kind === "issue.create");
    expect(creates).toHaveLength(2);
    expect(creates.every((a) => a.kind === "issue.create" && a.labels.join() === "stewards:demotion")).toBe(true);

    const dan = gh.issues.get(noticeOf("dan"))!;
    expect(dan.title).toBe("Emeritus notice: dan (maintainer)");
    expect(dan.body).toContain("@dan");
    expect(dan.body).toContain("**Reason:** inactive since 2025-10-16");
    expect(dan.body).toContain("**Last counted activity:** 2025-10-16 ([link](https://github.com/acme/gadgets/pull/12))");
    expect(dan.body).toContain("**Notice ends:** 2026-12-04 (14 days after this issue was opened)");
    expect(dan.body).toContain("`/step-down`");
    expect(dan.body).toContain("👍 given before the notice ends never count");
    expect(findMarker(dan.body, "demotion")).toMatchObject({ login: "dan", role: "maintainer", reason: "inactive" });
    // mo has no activity known since the role was granted.
    expect(gh.issues.get(noticeOf("mo"))!.body).toContain("**Last counted activity:** none known since the role was granted on 2024-01-15");
  });

  it("finds its own notice on GitHub when the store lost the record (a crash after creating) and opens no second one", async () => {
    await sweep();
    const issue = noticeOf("dan");
    await store.setValue(`demotion:acme/${repo.repo}:dan:maintainer`, null);
    await store.setValue(proposalIssueKey(`acme/${repo.repo}`, issue), null);
    await sweep(at(1));
    expect(gh.actions.filter((a) => a.kind === "issue.create")).toHaveLength(2);
    expect(await loadProposalByIssue(store, `acme/${repo.repo}`, issue)).toMatchObject({ kind: "demotion", login: "dan", role: "maintainer", state: "open", notice: { endsAt: at(14).toISOString() } });
  });

  it("a notice closed by hand on GitHub is recorded closed, and the person is noticed again only after the cooling-off", async () => {
    await sweep();
    const issue = noticeOf("dan");
    gh.issues.get(issue)!.state = "closed";
    const next = await sweep(at(1));
    expect(next.noticed).toContainEqual(expect.objectContaining({ login: "dan", outcome: { kind: "closed-by-hand", issue } }));
    expect((await loadProposalByIssue(store, `acme/${repo.repo}`, issue))?.state).toBe("closed");
    expect((await sweep(at(2))).noticed.filter((n) => n.login === "dan")).toEqual([]);
    expect((await sweep(at(32))).noticed).toContainEqual(expect.objectContaining({ login: "dan", outcome: expect.objectContaining({ kind: "opened" }) }));
  });
});

describe("during the notice", () => {
  it("counted activity cancels it: one withdrawal entry, a comment, closed as not planned; logged once however often the sweep runs", async () => {
    await sweep();
    const issue = noticeOf("dan");
    // An old contribution the ledger learned of late (newer than the notice's, still past inactive_after) cancels nothing.
    activity.set("dan", active(-380, 30));
    expect((await sweep(at(1))).reviewed).toContainEqual({ issue, outcome: "pending" });
    activity.set("dan", active(3, 40));
    const out = await sweep(at(5));
    expect(out.reviewed).toContainEqual({ issue, outcome: "decided" });
    expect(log()).toEqual([expect.objectContaining({ kind: "withdrawal", subject: "dan", decidedBy: "counted activity during the notice", role: null })]);
    expect(log()[0]!.evidence[0]).toMatchObject({ criterion: "counted activity during the notice", links: [{ url: "https://github.com/acme/gadgets/pull/40" }] });
    // No roster change: one commit, the log only.
    expect(gh.commits).toEqual([{ files: ["GOVERNANCE-LOG.md"], message: expect.stringMatching(/^D-0001: withdrawal of dan/) }]);
    expect(gh.issues.get(issue)).toMatchObject({ state: "closed", reason: "not_planned" });
    expect(gh.comments.filter((c) => c.issue === issue && /Cancelled/.test(c.body))).toHaveLength(1);
    await sweep(at(6));
    await sweep(at(20));
    expect(log()).toHaveLength(1);
    // dan is active now: no new notice.
    expect(notices().filter(([, i]) => findMarker(i.body, "demotion")?.login === "dan")).toHaveLength(1);
  });

  it("👍 given during the notice never count, and say so; after it, a quorum of new 👍 moves the person to emeritus", async () => {
    await sweep();
    const issue = noticeOf("dan");
    react(issue, "alice", at(1));
    react(issue, "bob", at(2));
    expect((await sweep(at(5))).reviewed).toContainEqual({ issue, outcome: "pending" });
    const status = () => gh.comments.filter((c) => c.issue === issue && findMarker(c.body, "demotion-status"));
    expect(status()).toHaveLength(1);
    expect(status()[0]!.body).toContain("in notice until 2026-12-04: this cannot be approved before then");
    // The notice is over; the two 👍 were given during it.
    expect((await sweep(at(15))).reviewed).toContainEqual({ issue, outcome: "pending" });
    expect(status()).toHaveLength(1);
    expect(status()[0]!.body).toContain("⏳ 0 of 2 approvals");
    expect(status()[0]!.body).toMatch(/\[alice\]\(https:\/\/github\.com\/alice\) 👍 \(given before the notice ended\)/);
    expect(status()[0]!.body).toContain("👍 given before the notice ended (2026-12-04) never count");
    expect(gh.commits).toEqual([]);

    gh.reactions.set(issue, []);
    react(issue, "alice", at(15));
    react(issue, "dan", at(15));
    react(issue, "cy", at(16));
    expect((await sweep(at(16))).reviewed).toContainEqual({ issue, outcome: "decided" });
    // Roster, log entry and CODEOWNERS block in ONE commit.
    expect(gh.commits).toEqual([{ files: [".github/CODEOWNERS", ".github/roster.yml", "GOVERNANCE-LOG.md"], message: expect.stringMatching(/^D-0001: dan becomes emeritus \(maintainer\)/) }]);
    const after = roster();
    expect(after.members.map((m) => m.login)).toEqual(["alice", "bob", "cy", "mo"]);
    expect(after.emeritus).toEqual([{ login: "dan", role: "maintainer", since: "2026-12-06", decision: "D-0001" }]);
    expect(gh.files.get(".github/CODEOWNERS")).not.toMatch(/@dan/);
    expect(log()).toEqual([expect.objectContaining({ id: "D-0001", kind: "emeritus", subject: "dan", role: { from: "maintainer", to: null }, approvers: ["alice", "cy"] })]);
    expect(log()[0]!.evidence[0]).toMatchObject({ criterion: "last counted activity", links: [{ url: "https://github.com/acme/gadgets/pull/12" }] });
    expect(gh.issues.get(issue)).toMatchObject({ state: "closed", reason: "completed" });
    expect(gh.comments.filter((c) => c.issue === issue && /now \*\*emeritus\*\*/.test(c.body))).toHaveLength(1);
    await sweep(at(17));
    expect(log()).toHaveLength(1);
  });

  it("a review during the notice (a comment on the issue) changes nothing but the status comment", async () => {
    await sweep();
    const issue = noticeOf("dan");
    react(issue, "alice", at(1));
    react(issue, "bob", at(1));
    react(issue, "cy", at(1));
    // A comment-triggered review: no activity port, no cancellation, and no approval while the notice runs.
    const { lastActivity: _unused, ...noActivity } = deps();
    const before = gh.actions.length;
    const out = await reviewProposal(noActivity, { repo, issue, branch: "main", governance, roster: roster(), now: at(3) });
    expect(out.kind).toBe("pending");
    expect(gh.actions.slice(before).map((a) => a.kind)).toEqual(["comment.create"]);
    expect(gh.commits).toEqual([]);
    expect(gh.issues.get(issue)!.state).toBe("open");
  });

  it("the holder's own /step-down takes effect at once; the notice then closes as cancelled", async () => {
    await sweep();
    const issue = noticeOf("dan");
    const done = await stepDown(deps(), { repo, issue, branch: "main", governance, roster: roster(), now: at(1), login: "dan", role: null });
    expect(done.decision).toBe("D-0001");
    await sweep(at(2));
    expect(gh.issues.get(issue)).toMatchObject({ state: "closed", reason: "not_planned" });
    expect(log().map((e) => `${e.kind}:${e.subject}`)).toEqual(["step-down:dan", "withdrawal:dan"]);
  });

  it("/withdraw by the person is refused with how to go on; /reject by an approver keeps them, and no new notice follows at once", async () => {
    await sweep();
    const issue = noticeOf("dan");
    const command = (sender: string, name: "withdraw" | "reject") =>
      answerProposalCommand(
        {
          store,
          propose: { ...deps(), github: gh.port() },
          decide: deps(),
          appeal: { ...deps(), github: { ...gh.port(), findOpenAppeals: async () => [] }, hasCountedContribution: async () => true },
          measure: deps().measure,
          webUrl: "https://github.com",
          retry: { queued: false, rerun: false },
        },
        { repo, issue, branch: "main", sender, governance, roster: roster(), rosterValid: true, now: at(2) },
        name === "withdraw" ? { kind: "ok", name: "withdraw", args: {}, line: 1 } : { kind: "ok", name: "reject", args: { reason: "dan is on leave" }, line: 1 },
      );
    expect(await command("dan", "withdraw")).toMatch(/cannot be withdrawn by the person it is about/);
    expect(gh.issues.get(issue)!.state).toBe("open");
    expect(await command("alice", "reject")).toBeNull();
    expect(gh.issues.get(issue)).toMatchObject({ state: "closed", reason: "not_planned" });
    expect(log().map((e) => `${e.kind}:${e.subject}`)).toEqual(["rejection:dan"]);
    await sweep(at(3));
    expect(notices().filter(([, i]) => findMarker(i.body, "demotion")?.login === "dan")).toHaveLength(1);
    await sweep(at(40));
    expect(notices().filter(([, i]) => findMarker(i.body, "demotion")?.login === "dan")).toHaveLength(2);
  });
});

describe("after the notice", () => {
  it("expires promotion.expires_after after the notice ended (not after it opened): logged as an expiry, the role kept", async () => {
    await sweep();
    const issue = noticeOf("dan");
    react(issue, "alice", at(20));
    expect((await sweep(at(40))).reviewed).toContainEqual({ issue, outcome: "pending" });
    expect((await sweep(at(44.6))).reviewed).toContainEqual({ issue, outcome: "decided" });
    expect(log().filter((e) => e.subject === "dan")).toEqual([expect.objectContaining({ kind: "expiry", approvers: ["alice"] })]);
    expect(gh.comments.filter((c) => c.issue === issue && /Expired\*\* on 2027-01-03/.test(c.body))).toHaveLength(1);
    expect(roster().members.find((m) => m.login === "dan")?.role).toBe("maintainer");
  });
});

describe("rotation", () => {
  it("past the term limit: a rotation notice that activity does not cancel; approved, the holder moves to the role below", async () => {
    governance = ladder({ term_limit: "540d" });
    setRoster([["alice", "maintainer"], ["bob", "maintainer"], ["cy", "maintainer"], ["dan", "maintainer", "2026-01-01"]]);
    activity.set("dan", active(-1));
    const out = await sweep();
    expect(out.noticed.map((n) => `${n.login}:${n.reason}`)).toEqual(["alice:term"]);
    const issue = noticeOf("alice");
    expect(gh.issues.get(issue)!.title).toBe("Rotation notice: alice (maintainer)");
    expect(gh.issues.get(issue)!.body).toContain("past the term limit of 540 days: the ladder rotates the role, to **member**");
    activity.set("alice", active(2));
    react(issue, "bob", at(15));
    react(issue, "cy", at(15));
    expect((await sweep(at(15))).reviewed).toContainEqual({ issue, outcome: "decided" });
    expect(roster().members.find((m) => m.login === "alice")).toEqual({ login: "alice", role: "member", since: "2026-12-05", decision: "D-0001" });
    expect(log()).toEqual([expect.objectContaining({ kind: "demotion", subject: "alice", role: { from: "maintainer", to: "member" } })]);
    expect(log()[0]!.evidence[0]).toMatchObject({ criterion: "time holding maintainer", threshold: "at most 540 days" });
  });
});

describe("removal safety", () => {
  it("never proposes the last holder of the top role, and logs who waits and why in one line", async () => {
    setRoster([["dan", "maintainer"]]);
    const out = await sweep();
    expect(out.noticed).toEqual([]);
    expect(notices()).toEqual([]);
    expect(out.waiting).toMatchObject([{ login: "dan", why: "last-top-holder" }]);
    const lines = infos.filter((i) => /wait for a later sweep/.test(i.msg ?? ""));
    expect(lines).toHaveLength(1);
    expect(lines[0]!.obj).toMatchObject({ waiting: [{ login: "dan", role: "maintainer", reason: "inactive", why: "last-top-holder" }] });
  });

  it("holds max_removal_share of a role's holders across sweeps, counting the notices open; the notice says how many more wait", async () => {
    setRoster([["alice", "maintainer"], ["bob", "maintainer"], ...Array.from({ length: 8 }, (_, i) => [`m${i}`, "member"] as [string, string])]);
    const first = await sweep();
    // 25% of 8 members: two at once.
    expect(first.noticed.map((n) => n.login)).toEqual(["m0", "m1"]);
    expect(first.waiting.map((w) => w.login)).toEqual(["m2", "m3", "m4", "m5", "m6", "m7"]);
    expect(gh.issues.get(noticeOf("m0"))!.body).toContain("6 more holders of **member** are due but wait: one sweep puts at most 25% of a role's holders (at least one) in notice at once");
    expect((await sweep(at(1))).noticed).toEqual([]);
    expect(notices()).toHaveLength(2);
    // m0 comes back: the notice is cancelled, and the next sweep fills the room with the next one.
    activity.set("m0", active(2));
    const third = await sweep(at(3));
    expect(third.noticed.map((n) => n.login)).toEqual(["m2"]);
    expect(notices().filter(([, i]) => i.state === "open").map(([, i]) => findMarker(i.body, "demotion")?.login)).toEqual(["m1", "m2"]);
  });
});

describe("lastActivityFromLedger", () => {
  it("asks the history gate first (a history not read makes everyone look inactive), then reads the person's ledger rows", async () => {
    const queries: unknown[] = [];
    let ready = false;
    const port = lastActivityFromLedger(
      {
        ledger: {
          listPullRequests: async (q) => {
            queries.push(q);
            return [{ repo: `acme/${repo.repo}`, number: 3, author: "Dan", mergedAt: at(-10).toISOString(), additions: 5, deletions: 0, labels: [], paths: null, url: "https://github.com/acme/x/pull/3" }];
          },
          listReviews: async () => [],
        },
        gate: {
          require: async () => {
            if (!ready) throw new Error("history pending");
          },
        },
      },
      { repo, governance, now: () => NOW },
    );
    await expect(port(["dan"])).rejects.toThrow("history pending");
    expect(queries).toEqual([]);
    ready = true;
    expect(await port(["dan"])).toEqual(new Map([["dan", { at: at(-10).toISOString(), url: "https://github.com/acme/x/pull/3" }]]));
    expect(queries).toEqual([{ repos: [`acme/${repo.repo}`], logins: ["dan"] }]);
    expect(await port([])).toEqual(new Map());
  });
});
