/**
 * The preview CLI as a user runs it: the built `bin/stewards.js preview
 * owner/repo` in a child process, with GITHUB_TOKEN, GHE_HOST and
 * GHE_PROTOCOL=http pointing it at the stateful fake GitHub. What it prints
 * is checked, and the fake's request log proves it wrote nothing.
 */
import { execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { isReadRequest } from "../fake-github/request-kinds.js";
import type { FakeGitHub } from "../fake-github/server.js";
import { startGhesFake } from "../support/ghes-fake.js";
import { seedMemberCandidate } from "../support/seed-candidate.js";
import { parseGovernance } from "../../src/config/parse-governance.js";
import { parseRoster } from "../../src/config/parse-roster.js";

const OWNER = "acme";
const INSTALLATION = 7;
const DAY = 86_400_000;
const ladder = readFileSync("fixtures/governance/spec-example.yml", "utf8");

let fake: FakeGitHub;
let token: string;

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    // Only what a user's shell would pass: no inherited GITHUB_TOKEN or GHE_HOST from the test runner.
    const child = spawn(process.execPath, ["bin/stewards.js", ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const againstFake = () => ({ GITHUB_TOKEN: token, GHE_HOST: fake.host, GHE_PROTOCOL: "http" });

beforeAll(async () => {
  // The CLI runs from dist/, as `npx stewards` does after a build.
  await promisify(execFile)("npm", ["run", "build", "--silent"], { timeout: 170_000 });
  fake = await startGhesFake();
  fake.addRepo({ owner: OWNER, name: "widgets", installationId: INSTALLATION });
  fake.putFile(OWNER, "widgets", ".github/governance.yml", ladder);
  fake.putFile(OWNER, "widgets", ".github/roster.yml", "members:\n  - login: alice\n    role: maintainer\n    since: 2024-01-15\n");
  // ana: 6 merged PRs, one `trivial` (not counted): 5 counted meets member's 5; bob reviewed them.
  seedMemberCandidate(fake, OWNER, "widgets", { author: "ana", reviewer: "bob", firstDaysAgo: 60 });
  const now = Date.now();
  // bob: 2 merged PRs, 3 short of member.
  for (let i = 7; i <= 8; i++) {
    fake.addMergedPullRequest(OWNER, "widgets", { number: i, author: "bob", mergedAt: new Date(now - 10 * DAY).toISOString(), additions: 3, deletions: 0 });
  }
  fake.addRepo({ owner: OWNER, name: "no-ladder", installationId: INSTALLATION });
  fake.addRepo({ owner: OWNER, name: "broken", installationId: INSTALLATION });
  fake.putFile(OWNER, "broken", ".github/governance.yml", ladder.replace("merged_prs: 15", "merged_prs: fifteen"));
  // No ladder, a CODEOWNERS naming carol, alice an admin, a little history: what `stewards init` proposes from.
  fake.addRepo({ owner: OWNER, name: "fresh", installationId: INSTALLATION });
  fake.putFile(OWNER, "fresh", ".github/CODEOWNERS", "* @carol\n");
  for (const l of ["alice", "carol"]) fake.setOrgRole(OWNER, l, "member");
  fake.setCollaborator(OWNER, "fresh", "alice", "admin");
  for (let i = 1; i <= 3; i++) fake.addMergedPullRequest(OWNER, "fresh", { number: i, author: "ana", mergedAt: new Date(now - i * DAY).toISOString(), additions: 3, deletions: 0 });
  token = fake.issueToken(INSTALLATION);
}, 180_000);

afterAll(async () => {
  await fake?.close();
});

beforeEach(() => fake.resetLog());

afterEach(() => {
  fake.assertNoViolations();
});

describe("stewards init owner/repo", () => {
  it("prints the onboarding pull request's files — a valid ladder, the founding roster and log — and writes nothing", async () => {
    const run = await runCli(["init", `${OWNER}/fresh`], againstFake());
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    // Sections are headed by the file's path (the log's own `## D-…` headings are inside its section).
    const headings = [".github/governance.yml", ".github/roster.yml", "GOVERNANCE-LOG.md", ".github/CODEOWNERS", "How the numbers were chosen"].map((h) => `\n## ${h}\n`);
    const section = (path: string) => {
      const start = run.stdout.indexOf(`\n## ${path}\n`);
      expect(start).toBeGreaterThanOrEqual(0);
      const from = start + path.length + 5;
      const ends = headings.map((h) => run.stdout.indexOf(h, from)).filter((i) => i >= 0);
      return run.stdout.slice(from, Math.min(...ends, run.stdout.length));
    };
    const governance = parseGovernance(section(".github/governance.yml"));
    if (!governance.ok) throw new Error(JSON.stringify(governance.errors));
    const roster = parseRoster(section(".github/roster.yml"), governance.governance);
    expect(roster.ok && roster.roster.members.map((m) => m.login).sort()).toEqual(["alice", "carol"]);
    expect(section("GOVERNANCE-LOG.md")).toMatch(/^## D-0001 — manual roster change/m);
    expect(section(".github/CODEOWNERS")).toMatch(/^\* @carol\n/);
    expect(fake.requests.filter((r) => !isReadRequest(r)).map((r) => r.route)).toEqual([]);
  }, 60_000);

  it("refuses a repository that has a ladder already, exit 1", async () => {
    const run = await runCli(["init", `${OWNER}/widgets`], againstFake());
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/has a ladder already/);
    expect(run.stdout).toBe("");
  }, 30_000);
});

describe("stewards preview owner/repo", () => {
  it("prints where contributors stand, who would be proposed and the CODEOWNERS block, and writes nothing", async () => {
    const run = await runCli(["preview", `${OWNER}/widgets`], againstFake());
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const out = run.stdout;
    expect(out).toContain("# acme/widgets: 8 merged PRs and 6 reviews read (2 GraphQL points)");
    expect(out).toMatch(/^## Where people stand \(3 people/m);
    expect(out).toMatch(/^ana \(no role\): ELIGIBLE for member$/m);
    expect(out).toMatch(/^ {2}member +met +PRs\/365d 5\/5 ✓$/m);
    expect(out).toMatch(/^bob \(no role\): next: member, missing 3 /m);
    expect(out).toMatch(/^alice \(maintainer since 2024-01-15\): top of the ladder$/m);
    const proposed = out.slice(out.indexOf("## Would be proposed"), out.indexOf("## CODEOWNERS"));
    expect(proposed.trim().split("\n")).toEqual(["## Would be proposed (1)", "- ana → member"]);
    const block = out.slice(out.indexOf("# BEGIN stewards"), out.indexOf("# END stewards") + "# END stewards".length);
    expect(block.split("\n").filter((l) => !l.startsWith("#"))).toEqual([
      "* @alice",
      "/docs/ @alice",
      "/.github/governance.yml @alice",
      "/.github/roster.yml @alice",
    ]);

    // It read the ladder, the roster and the history — and nothing else.
    expect(fake.requests.length).toBeGreaterThanOrEqual(4);
    expect(fake.requests.filter((r) => !isReadRequest(r)).map((r) => r.route)).toEqual([]);
    expect(fake.requests.filter((r) => r.route === "POST /graphql")).toHaveLength(1);
  }, 60_000);

  it("says so, exits 64 and asks GitHub nothing when GITHUB_TOKEN is missing", async () => {
    const run = await runCli(["preview", `${OWNER}/widgets`], { GHE_HOST: fake.host, GHE_PROTOCOL: "http" });
    expect(run.code).toBe(64);
    expect(run.stderr).toMatch(/^GITHUB_TOKEN is not set/);
    expect(run.stderr).toContain("usage: stewards preview <owner/repo>");
    expect(run.stdout).toBe("");
    expect(fake.requests).toEqual([]);
  }, 30_000);

  it.each([["acme"], ["acme/widgets/extra"], ["-/x y"], ["../etc/passwd"]])("refuses %j as not owner/repo, exit 64", async (target) => {
    const run = await runCli(["preview", target], againstFake());
    expect(run.code).toBe(64);
    expect(run.stderr).toContain(`"${target}" is not owner/repo`);
    expect(fake.requests).toEqual([]);
  }, 30_000);

  it("says when the repository has no ladder, exit 1", async () => {
    const run = await runCli(["preview", `${OWNER}/no-ladder`], againstFake());
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe("acme/no-ladder has no .github/governance.yml");
    expect(run.stdout).toBe("");
    expect(fake.requests.every(isReadRequest)).toBe(true);
  }, 30_000);

  it("lists a broken ladder's errors with their line, exit 1", async () => {
    const run = await runCli(["preview", `${OWNER}/broken`], againstFake());
    const line = ladder.split("\n").findIndex((l) => l.includes("merged_prs: 15")) + 1;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(".github/governance.yml is invalid:");
    expect(run.stderr).toContain(`.github/governance.yml:${line} `);
    expect(fake.requests.every(isReadRequest)).toBe(true);
  }, 30_000);

  it("says when the repository does not exist (rather than that it has no ladder), exit 1", async () => {
    const run = await runCli(["preview", `${OWNER}/nowhere`], againstFake());
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe("acme/nowhere was not found, or GITHUB_TOKEN cannot read it");
    expect(fake.requests.map((r) => r.route)).toEqual(["GET /repos/{owner}/{repo}"]);
  }, 30_000);

  it("says when GitHub refuses the token, exit 2", async () => {
    fake.setFailure({ method: "GET", path: "/repos/{owner}/{repo}" }, { status: 401, body: { message: "Bad credentials" } });
    const run = await runCli(["preview", `${OWNER}/widgets`], againstFake());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^GitHub refused GITHUB_TOKEN \(401\)/);
    expect(run.stdout).toBe("");
  }, 30_000);
});
