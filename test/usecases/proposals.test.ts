/**
 * The proposal use-cases against an in-memory GitHub port (same interfaces
 * as the real adapters: a fake that falls behind fails to compile) and the
 * real embedded store: exactly-once opening under concurrency, the tally and
 * the status comment, promotion with roster and log in one commit, approvers
 * who lost their role, expiry, rejection, withdrawal, step-down, dry run.
 */
import type { Governance, Roster } from "../../src/config/schema.js";
import { governanceSchema, rosterSchema } from "../../src/config/schema.js";
import { measureOne } from "../../src/ladder/measure.js";
import type { Standing } from "../../src/ladder/standing.js";
import { parseLog } from "../../src/log/parse-log.js";
import type { RepoRef } from "../../src/plan/actions.js";
import { findMarker } from "../../src/render/markers.js";
import { openEmbeddedStore, MEMORY } from "../../src/store/embedded-store.js";
import type { LedgerStore } from "../../src/store/store.js";
import { closeProposal, reviewProposal, type DecideDeps } from "../../src/usecases/decide-proposal.js";
import { openProposal, type ProposeDeps } from "../../src/usecases/propose-promotion.js";
import { loadProposalByIssue } from "../../src/usecases/proposal-records.js";
import { stepDown } from "../../src/usecases/step-down.js";
import { pr } from "../ladder/builders.js";
import { MemoryGitHub } from "../support/memory-github.js";
import { silent } from "../support/silent-logger.js";

/** A fresh repository per test, so one store (PGlite takes seconds to start) serves the file. */
let repo: RepoRef = { owner: "acme", repo: "widgets" };
let repoCount = 0;
const NOW = new Date("2026-11-20T12:00:00Z");
const DAY = 86_400_000;

const governance: Governance = governanceSchema.parse({
  version: 1,
  ladder: [
    { role: "member", requires: { merged_prs: 2 } },
    { role: "maintainer", requires: { merged_prs: 50 } },
  ],
  promotion: { approvers: ["maintainer"], quorum: 2, expires_after: "30d" },
});
const ROSTER_TEXT = "# the roster\nmembers:\n  - login: alice\n    role: maintainer\n    since: 2024-01-15\n  - login: bob\n    role: maintainer\n    since: 2024-01-15\n  - login: cy\n    role: maintainer\n    since: 2024-01-15\n";
const roster: Roster = rosterSchema.parse({
  members: ["alice", "bob", "cy"].map((login) => ({ login, role: "maintainer", since: "2024-01-15" })),
});

let store: LedgerStore;
let gh: MemoryGitHub;

beforeAll(async () => {
  store = await openEmbeddedStore({ dataDir: MEMORY });
});
afterAll(() => store.close());
beforeEach(() => {
  repo = { owner: "acme", repo: `widgets-${++repoCount}` };
  gh = new MemoryGitHub();
  gh.files.set(".github/roster.yml", ROSTER_TEXT);
});

function standingOf(login: string, prs = 3): Standing {
  const ledger = { pullRequests: Array.from({ length: prs }, (_, i) => pr(login, 10 + i, { mergedAt: new Date(NOW.getTime() - (10 + i) * DAY).toISOString() })), reviews: [] };
  return measureOne(login, ledger, governance, roster, NOW);
}

function proposeDeps(dryRun = false, holder = "w1"): ProposeDeps {
  return { store, github: gh.port(dryRun), log: silent, holder, webUrl: "https://github.com" };
}

function decideDeps(dryRun = false): DecideDeps {
  return { store, github: gh.port(dryRun), log: silent, holder: "w1", webUrl: "https://github.com", measure: async (login) => standingOf(login) };
}

const decideInput = (issue: number, now = NOW, r: Roster = roster) => ({ repo, issue, branch: "main", governance, roster: r, now });

async function propose(login = "ana") {
  const out = await openProposal(proposeDeps(), { repo, branch: "main", standing: standingOf(login), role: "member", kind: "promotion", governance, roster, now: NOW });
  if (out.kind !== "opened" || out.issue === null) throw new Error(`expected a new proposal, got ${JSON.stringify(out)}`);
  return out.issue;
}

function react(issue: number, login: string, content = "+1", type = "User") {
  gh.reactions.set(issue, [...(gh.reactions.get(issue) ?? []), { login, type, content, createdAt: NOW.toISOString() }]);
}

describe("opening a proposal", () => {
  it("opens exactly one issue when many workers race for the same fact", async () => {
    const outs = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        openProposal(proposeDeps(false, `w${i}`), { repo, branch: "main", standing: standingOf("ana"), role: "member", kind: "promotion", governance, roster, now: NOW }),
      ),
    );
    expect(gh.actions.filter((a) => a.kind === "issue.create")).toHaveLength(1);
    expect(outs.filter((o) => o.kind === "opened")).toHaveLength(1);
    const again = await openProposal(proposeDeps(), { repo, branch: "main", standing: standingOf("ana"), role: "member", kind: "promotion", governance, roster, now: NOW });
    expect(again.kind).toBe("exists");
  });

  it("finds its own issue on GitHub when the store lost the record (a crash after creating)", async () => {
    const issue = await propose();
    // Forget the store's records, as after a crash between the issue and the record.
    await store.setValue(`proposal:acme/${repo.repo}:ana:member`, null);
    const out = await openProposal(proposeDeps(), { repo, branch: "main", standing: standingOf("ana"), role: "member", kind: "promotion", governance, roster, now: NOW });
    expect(out).toEqual({ kind: "exists", issue });
    expect(gh.actions.filter((a) => a.kind === "issue.create")).toHaveLength(1);
  });

  it("labels the issue and carries the marker with the person and role", async () => {
    const issue = await propose();
    const created = gh.issues.get(issue)!;
    expect(created.labels).toEqual(["stewards:promotion"]);
    expect(findMarker(created.body, "promotion")).toMatchObject({ login: "ana", role: "member" });
  });
});

describe("deciding", () => {
  it("keeps one status comment with the tally, ignoring the candidate, non-approvers and bots, updated only on change", async () => {
    const issue = await propose();
    react(issue, "ana");
    react(issue, "zed");
    react(issue, "dependabot[bot]", "+1", "Bot");
    react(issue, "alice");
    const first = await reviewProposal(decideDeps(), decideInput(issue));
    expect(first.kind).toBe("pending");
    const status = gh.comments.filter((c) => c.issue === issue);
    expect(status).toHaveLength(1);
    expect(status[0]!.body).toMatch(/1 of 2/);
    const writes = gh.actions.length;
    await reviewProposal(decideDeps(), decideInput(issue));
    expect(gh.actions.length).toBe(writes);
  });

  it("promotes at quorum: roster and log in one commit, outcome comment, issue closed, record closed", async () => {
    const issue = await propose();
    react(issue, "alice");
    react(issue, "bob");
    const out = await reviewProposal(decideDeps(), decideInput(issue));
    expect(out).toEqual({ kind: "decided", outcome: "approved", decision: "D-0001" });
    // Roster, log and the CODEOWNERS block in ONE commit (the repository had no CODEOWNERS: the block starts .github/CODEOWNERS).
    expect(gh.commits).toEqual([{ files: [".github/CODEOWNERS", ".github/roster.yml", "GOVERNANCE-LOG.md"], message: expect.stringMatching(/^D-0001: promote ana to member/) }]);
    expect(gh.files.get(".github/CODEOWNERS")).toMatch(/^# BEGIN stewards\n[\s\S]*# END stewards\n$/);
    expect(gh.files.get(".github/roster.yml")).toMatch(/^# the roster\n/);
    expect(gh.files.get(".github/roster.yml")).toMatch(/login: ana\n\s+role: member\n\s+since: 2026-11-20\n\s+decision: D-0001/);
    const [entry] = parseLog(gh.files.get("GOVERNANCE-LOG.md")!);
    expect(entry).toMatchObject({ id: "D-0001", kind: "promotion", subject: "ana", approvers: ["alice", "bob"] });
    expect(entry!.evidence.length).toBeGreaterThan(0);
    expect(gh.issues.get(issue)).toMatchObject({ state: "closed", reason: "completed" });
    expect((await loadProposalByIssue(store, `acme/${repo.repo}`, issue))?.state).toBe("closed");
    // A later event changes nothing.
    const writes = gh.actions.length;
    expect((await reviewProposal(decideDeps(), decideInput(issue))).kind).toBe("closed-already");
    expect(gh.actions.length).toBe(writes);
  });

  it("two approvers reacting at the same instant (their comments delivered at once, and again): one decision, one entry, one comment", async () => {
    const issue = await propose();
    react(issue, "alice");
    react(issue, "bob");
    const outs = await Promise.all([1, 2, 3, 4].map(() => reviewProposal(decideDeps(), decideInput(issue))));
    expect(outs.filter((o) => o.kind === "decided")).toHaveLength(1);
    expect(outs.filter((o) => o.kind !== "decided").every((o) => o.kind === "busy" || o.kind === "closed-already")).toBe(true);
    expect(gh.commits).toHaveLength(1);
    expect(parseLog(gh.files.get("GOVERNANCE-LOG.md")!)).toHaveLength(1);
    expect(gh.comments.filter((c) => c.issue === issue && /Approved/.test(c.body))).toHaveLength(1);
  });

  it("does not count an approver who lost the role before the commit", async () => {
    const issue = await propose();
    react(issue, "alice");
    react(issue, "bob");
    // bob left the maintainers on the branch; the cached roster still lists him.
    gh.files.set(".github/roster.yml", ROSTER_TEXT.replace("  - login: bob\n    role: maintainer\n    since: 2024-01-15\n", ""));
    const out = await reviewProposal(decideDeps(), decideInput(issue));
    expect(out.kind).toBe("not-applied");
    expect(gh.commits).toEqual([]);
    expect(gh.issues.get(issue)!.state).toBe("open");
  });

  it("re-plans when the branch moves during the commit, and writes once", async () => {
    const issue = await propose();
    react(issue, "alice");
    react(issue, "bob");
    let moved = false;
    gh.onCommit = () => {
      if (moved) return;
      moved = true;
      gh.files.set("GOVERNANCE-LOG.md", "# Governance log\n\n## D-0007 — ladder change: member\n\nWritten by hand.\n");
      gh.head++;
    };
    const out = await reviewProposal(decideDeps(), decideInput(issue));
    expect(out).toMatchObject({ kind: "decided", decision: "D-0008" });
    expect(parseLog(gh.files.get("GOVERNANCE-LOG.md")!).map((e) => e.id)).toEqual(["D-0007", "D-0008"]);
  });

  it("a held proposal (an approver's 👎 with objection: block) waits", async () => {
    const issue = await propose();
    react(issue, "alice");
    react(issue, "bob");
    react(issue, "cy", "-1");
    const out = await reviewProposal(decideDeps(), decideInput(issue));
    expect(out.kind).toBe("pending");
    expect(gh.commits).toEqual([]);
  });

  it("expires after expires_after: logged, commented, closed as not planned", async () => {
    const issue = await propose();
    react(issue, "alice");
    const out = await reviewProposal(decideDeps(), decideInput(issue, new Date(NOW.getTime() + 31 * DAY)));
    expect(out).toMatchObject({ kind: "decided", outcome: "expired" });
    expect(parseLog(gh.files.get("GOVERNANCE-LOG.md")!)[0]).toMatchObject({ kind: "expiry", subject: "ana" });
    expect(gh.issues.get(issue)).toMatchObject({ state: "closed", reason: "not_planned" });
    expect(gh.files.get(".github/roster.yml")).toBe(ROSTER_TEXT);
  });

  it("rejects with the reason in the log, escaped", async () => {
    const issue = await propose();
    const out = await closeProposal(decideDeps(), decideInput(issue), { outcome: "rejected", by: "bob", decidedBy: "bob (/reject)", reason: "not yet, @ana — see\n## D-9999 — fake" });
    expect(out).toMatchObject({ kind: "decided", outcome: "rejected", decision: "D-0001" });
    const log = gh.files.get("GOVERNANCE-LOG.md")!;
    expect(parseLog(log).map((e) => e.id)).toEqual(["D-0001"]);
    expect(log).not.toMatch(/(^|[^\u200d])@ana/);
    // The same decision is not proposed again right away.
    const again = await openProposal(proposeDeps(), { repo, branch: "main", standing: standingOf("ana"), role: "member", kind: "promotion", governance, roster, now: new Date(NOW.getTime() + DAY) });
    expect(again.kind).toBe("cooling-off");
  });

  it("never proposes the person just promoted again, whatever roster the caller measured with (issue 10)", async () => {
    const issue = await propose();
    react(issue, "alice");
    react(issue, "bob");
    expect(await reviewProposal(decideDeps(), decideInput(issue))).toMatchObject({ kind: "decided", outcome: "approved" });
    // `roster` is the one read before the approval landed (ana holds nothing in it), as a stale cache would give it.
    const stale = (login: string, now: Date, kind: "promotion" | "nomination" = "promotion") =>
      openProposal(proposeDeps(), { repo, branch: "main", standing: standingOf(login), role: "member", kind, governance, roster, now });
    // The approved record: decided, not proposed again (no request).
    const writes = gh.actions.length;
    expect((await stale("ana", new Date(NOW.getTime() + DAY))).kind).toBe("cooling-off");
    // Long after, or without the record (a nomination, a lost store): the roster at the branch head says she holds it.
    expect(await stale("ana", new Date(NOW.getTime() + 60 * DAY))).toEqual({ kind: "holds-role", held: "member" });
    expect(await stale("ana", NOW, "nomination")).toEqual({ kind: "holds-role", held: "member" });
    expect(gh.actions.length).toBe(writes);
    expect([...gh.issues.values()].filter((i) => i.state === "open")).toEqual([]);
    // Someone the branch does not list is proposed as before.
    expect((await stale("ben", NOW)).kind).toBe("opened");
  });

  it("withdraws", async () => {
    const issue = await propose();
    const out = await closeProposal(decideDeps(), decideInput(issue), { outcome: "withdrawn", by: "ana", decidedBy: "ana (/withdraw)", reason: null });
    expect(out).toMatchObject({ kind: "decided", outcome: "withdrawn" });
    expect(parseLog(gh.files.get("GOVERNANCE-LOG.md")!)[0]).toMatchObject({ kind: "withdrawal" });
  });

  it("in dry run decides but writes nothing", async () => {
    const issue = await propose();
    react(issue, "alice");
    react(issue, "bob");
    const before = gh.actions.length;
    const out = await reviewProposal(decideDeps(true), decideInput(issue));
    expect(out.kind).toBe("decided");
    expect(gh.commits).toEqual([]);
    expect(gh.issues.get(issue)!.state).toBe("open");
    expect(gh.actions.slice(before).map((a) => a.kind)).toEqual(["commit.files", "comment.create", "issue.close"]);
    expect((await loadProposalByIssue(store, `acme/${repo.repo}`, issue))?.state).toBe("open");
  });
});

describe("stepping down", () => {
  it("takes effect at once, to emeritus from the lowest rung... or refuses for the last top holder", async () => {
    gh.files.set(".github/roster.yml", "members:\n  - login: alice\n    role: maintainer\n    since: 2024-01-15\n");
    const refused = await stepDown(decideDeps(), { repo, issue: 5, branch: "main", governance, roster, now: NOW, login: "alice", role: null });
    expect(refused.decision).toBeNull();
    expect(refused.reply).toMatch(/Nothing changed/);
    expect(gh.commits).toEqual([]);

    gh.files.set(".github/roster.yml", ROSTER_TEXT);
    const done = await stepDown(decideDeps(), { repo, issue: 5, branch: "main", governance, roster, now: NOW, login: "cy", role: "maintainer" });
    expect(done.decision).toBe("D-0001");
    expect(gh.files.get(".github/roster.yml")).toMatch(/login: cy\n\s+role: member/);
    expect(parseLog(gh.files.get("GOVERNANCE-LOG.md")!)[0]).toMatchObject({ kind: "step-down", subject: "cy" });
  });
});
