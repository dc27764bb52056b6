/**
 * One commit for roster + log through the Git Data API, against the stateful
 * fake GitHub: a consistent snapshot read, a fast-forward-only move, re-read
 * and re-plan when someone pushed meanwhile, and ids allocated from the file
 * staying gapless under concurrent writers.
 */
import { readBranchFiles, readFilesAtRefs, BranchNotFoundError } from "../../src/github/branch-files.js";
import { executeActions } from "../../src/github/execute-actions.js";
import type { Action, RepoRef } from "../../src/plan/actions.js";
import { commitChange, type ChangePlan, type CommitChangePort } from "../../src/usecases/commit-change.js";
import { startFakeGitHub, type FakeGitHub } from "../fake-github/server.js";
import { silent } from "../support/silent-logger.js";
import { probotInstallationClient, unpacedPolicy, type InstallationClient } from "../support/probot-client.js";

const repo: RepoRef = { owner: "acme", repo: "widgets" };
const LOG = "GOVERNANCE-LOG.md";
const ROSTER = ".github/roster.yml";

let fake: FakeGitHub;
let octokit: InstallationClient;

function port(opts: { dryRun?: boolean; rest?: boolean } = {}): CommitChangePort {
  const request = (route: string, params: Record<string, unknown>) => octokit.request(route, params) as Promise<{ data: unknown; status: number }>;
  const graphql = <T>(q: string, v: Record<string, unknown>) => octokit.graphql<T>(q, v);
  return {
    readBranchFiles: (r, b, p) => readBranchFiles({ graphql, request }, r, b, p),
    execute: (actions: readonly Action[]) => executeActions(opts.rest ? { request } : { request, graphql }, actions, { dryRun: opts.dryRun ?? false, log: silent }),
  };
}

/** A toy log: one line per decision, `D-n subject`; ids follow the highest one in the file. */
function appendDecision(subject: string) {
  return (files: ReadonlyMap<string, string | null>): ChangePlan<string> => {
    const log = files.get(LOG) ?? "";
    const lines = log.split("\n").filter(Boolean);
    const done = lines.find((l) => l.endsWith(` ${subject}`));
    if (done) return { kind: "already-done", result: done.split(" ")[0]! };
    const id = `D-${lines.length + 1}`;
    const roster = `${files.get(ROSTER) ?? "members:\n"}  - login: ${subject}\n`;
    return { kind: "commit", files: { [LOG]: `${log}${id} ${subject}\n`, [ROSTER]: roster }, message: `${id}: ${subject}`, result: id };
  };
}

beforeEach(async () => {
  fake = await startFakeGitHub();
  fake.addRepo({ owner: "acme", name: "widgets", installationId: 7 });
  fake.putFile("acme", "widgets", ROSTER, "members:\n");
  octokit = await probotInstallationClient(fake, 7, { policy: unpacedPolicy() });
});

afterEach(async () => {
  fake.assertNoViolations();
  await fake.close();
});

describe("readBranchFiles", () => {
  it("reads the head, its tree and every file at that commit in one GraphQL request", async () => {
    const head = fake.putFile("acme", "widgets", LOG, "D-1 ana\n");
    fake.resetLog();
    const snap = await port().readBranchFiles(repo, "main", [ROSTER, LOG, "missing.md"]);
    expect(snap.headSha).toBe(head);
    expect(snap.files.get(ROSTER)).toBe("members:\n");
    expect(snap.files.get(LOG)).toBe("D-1 ana\n");
    expect(snap.files.get("missing.md")).toBeNull();
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /api/graphql"]);
  });

  it("falls back to the blob API when GitHub truncates a large file's text", async () => {
    const big = `${"x".repeat(600 * 1024)}\nend\n`;
    fake.putFile("acme", "widgets", LOG, big);
    fake.resetLog();
    const snap = await port().readBranchFiles(repo, "main", [LOG]);
    expect(snap.files.get(LOG)).toBe(big);
    expect(fake.requests.map((r) => r.method)).toEqual(["POST", "GET"]);
  });

  it("says when the branch does not exist", async () => {
    await expect(port().readBranchFiles(repo, "nope", [LOG])).rejects.toBeInstanceOf(BranchNotFoundError);
  });
});

describe("readFilesAtRefs", () => {
  const read = (reads: Parameters<typeof readFilesAtRefs>[2]) => {
    const request = (route: string, params: Record<string, unknown>) => octokit.request(route, params) as Promise<{ data: unknown; status: number }>;
    const graphql = <T>(q: string, v: Record<string, unknown>) => octokit.graphql<T>(q, v);
    return readFilesAtRefs({ graphql, request }, repo, reads);
  };

  it("reads files at a branch and at a commit in one GraphQL request", async () => {
    const old = fake.putFile("acme", "widgets", LOG, "D-1 ana\n");
    fake.putFile("acme", "widgets", ROSTER, "members:\n  - login: ana\n", { branch: "topic" });
    const tip = fake.putFile("acme", "widgets", LOG, "D-1 ana\nD-2 bo\n");
    fake.resetLog();
    const [base, head, gone] = await read([
      { ref: "refs/heads/main", paths: [ROSTER, LOG] },
      { ref: old, paths: [LOG, "missing.md"] },
      { ref: "f".repeat(40), paths: [LOG] },
    ]);
    expect(base).toMatchObject({ sha: tip });
    expect(base!.files.get(LOG)).toBe("D-1 ana\nD-2 bo\n");
    expect(base!.files.get(ROSTER)).toBe("members:\n");
    expect(head).toMatchObject({ sha: old });
    expect(head!.files.get(LOG)).toBe("D-1 ana\n");
    expect(head!.files.get("missing.md")).toBeNull();
    expect(gone).toEqual({ ref: "f".repeat(40), sha: null, files: new Map() });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /api/graphql"]);
  });
});

describe("commitChange", () => {
  it("writes both files in one commit on the head it read, in two requests: the snapshot and one createCommitOnBranch", async () => {
    const before = fake.state.resolveRef(fake.state.requireRepo("acme", "widgets"), "main");
    fake.resetLog();
    const out = await commitChange(port(), { repo, branch: "main", paths: [ROSTER, LOG], plan: appendDecision("ana"), log: silent });
    expect(out).toMatchObject({ kind: "committed", result: "D-1", attempts: 1, dryRun: false });
    expect(fake.file("acme", "widgets", LOG)).toBe("D-1 ana\n");
    expect(fake.file("acme", "widgets", ROSTER)).toBe("members:\n  - login: ana\n");
    const r = fake.state.requireRepo("acme", "widgets");
    const head = r.commits.get(fake.state.resolveRef(r, "main")!)!;
    expect(head.parents).toEqual([before]);
    expect(head.message).toBe("D-1: ana");
    expect((out as { commitSha: string }).commitSha).toBe(head.sha);
    expect(fake.requests.map((q) => `${q.method} ${q.path}`)).toEqual(["POST /api/graphql", "POST /api/graphql"]);
    expect(String((fake.requests[1]?.body as { query: string }).query)).toContain("createCommitOnBranch");
  });

  it("without a GraphQL client, writes the commit with the Git Data API: tree, commit, fast-forward", async () => {
    const before = fake.state.resolveRef(fake.state.requireRepo("acme", "widgets"), "main");
    fake.resetLog();
    const out = await commitChange(port({ rest: true }), { repo, branch: "main", paths: [ROSTER, LOG], plan: appendDecision("ana"), log: silent });
    expect(out).toMatchObject({ kind: "committed", result: "D-1", attempts: 1, dryRun: false });
    expect(fake.file("acme", "widgets", LOG)).toBe("D-1 ana\n");
    expect(fake.file("acme", "widgets", ROSTER)).toBe("members:\n  - login: ana\n");
    const r = fake.state.requireRepo("acme", "widgets");
    const head = r.commits.get(fake.state.resolveRef(r, "main")!)!;
    expect(head.parents).toEqual([before]);
    expect(head.message).toBe("D-1: ana");
    expect(fake.requests.map((q) => `${q.method} ${q.path.replace(/\/api\/v3\/repos\/acme\/widgets/, "")}`)).toEqual([
      "POST /api/graphql",
      "POST /git/trees",
      "POST /git/commits",
      "PATCH /git/refs/heads%2Fmain", // octokit encodes the ref; GitHub decodes it
    ]);
  });

  it("re-reads and re-plans when someone pushed between the read and the move", async () => {
    let pushed = false;
    const plan = appendDecision("ana");
    const out = await commitChange(port(), {
      repo,
      branch: "main",
      paths: [ROSTER, LOG],
      plan: (files) => {
        if (!pushed) {
          pushed = true;
          // Someone else lands a decision right after our read.
          fake.putFile("acme", "widgets", LOG, "D-1 bob\n");
        }
        return plan(files);
      },
      log: silent,
    });
    expect(out).toMatchObject({ kind: "committed", result: "D-2", attempts: 2 });
    expect(fake.file("acme", "widgets", LOG)).toBe("D-1 bob\nD-2 ana\n");
  });

  it("allocates gapless, unique ids when several decisions land at once", async () => {
    const people = ["ana", "bob", "cy", "dee", "eve", "fay"];
    const outs = await Promise.all(
      people.map((p) => commitChange(port(), { repo, branch: "main", paths: [ROSTER, LOG], plan: appendDecision(p), log: silent, maxAttempts: 10 })),
    );
    expect(outs.every((o) => o.kind === "committed")).toBe(true);
    const lines = fake.file("acme", "widgets", LOG)!.trim().split("\n");
    expect(lines.map((l) => l.split(" ")[0])).toEqual(people.map((_, i) => `D-${i + 1}`));
    expect(new Set(lines.map((l) => l.split(" ")[1]))).toEqual(new Set(people));
    const roster = fake.file("acme", "widgets", ROSTER)!;
    for (const p of people) expect(roster.split(`login: ${p}\n`)).toHaveLength(2);
  });

  it("does not write twice when the change is already on the branch (a retried job)", async () => {
    await commitChange(port(), { repo, branch: "main", paths: [ROSTER, LOG], plan: appendDecision("ana"), log: silent });
    fake.resetLog();
    const again = await commitChange(port(), { repo, branch: "main", paths: [ROSTER, LOG], plan: appendDecision("ana"), log: silent });
    expect(again).toEqual({ kind: "already-done", result: "D-1", attempts: 1 });
    expect(fake.requests.filter((r) => r.method !== "POST" || !r.path.endsWith("/graphql"))).toEqual([]);
  });

  it("passes a refusal through without writing", async () => {
    fake.resetLog();
    const out = await commitChange(port(), { repo, branch: "main", paths: [LOG], plan: () => ({ kind: "refused", reason: "unknown role" }), log: silent });
    expect(out).toEqual({ kind: "refused", reason: "unknown role", attempts: 1 });
    expect(fake.requests).toHaveLength(1);
  });

  it("gives up after the attempts allowed when the branch keeps moving", async () => {
    let n = 0;
    const out = await commitChange(port(), {
      repo,
      branch: "main",
      paths: [LOG],
      plan: (files) => {
        fake.putFile("acme", "widgets", "noise.txt", String(n++));
        return { kind: "commit", files: { [LOG]: `${files.get(LOG) ?? ""}x\n` }, message: "x", result: null };
      },
      log: silent,
      maxAttempts: 3,
    });
    expect(out).toEqual({ kind: "gave-up", attempts: 3 });
    expect(fake.file("acme", "widgets", LOG)).toBeUndefined();
  });

  it("in dry run reads but makes no write", async () => {
    fake.resetLog();
    const out = await commitChange(port({ dryRun: true }), { repo, branch: "main", paths: [ROSTER, LOG], plan: appendDecision("ana"), log: silent });
    expect(out).toMatchObject({ kind: "committed", dryRun: true, commitSha: null });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /api/graphql"]);
    expect(fake.file("acme", "widgets", LOG)).toBeUndefined();
  });
});
