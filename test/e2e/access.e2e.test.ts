/**
 * End to end, access follows the roster (issue 5): the real server, signed
 * webhooks, the stateful fake GitHub with teams, org roles and classic branch
 * protection. The sweep adds the roster's holders to the granted teams, writes
 * the CODEOWNERS block (GitHub then finds no error in it), and lets
 * maintainers bypass `main` — merging into the protection, never weakening
 * it. Someone added to a team by hand is reported in one drift issue, not
 * removed. A maintainer who steps down loses what the app gave them at once;
 * and when the hand-made difference is gone, the drift issue closes.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { FakeGitHub } from "../fake-github/server.js";
import { startGhesFake } from "../support/ghes-fake.js";
import { eventually, installedAppEnv, startApp, type AppProcess } from "../support/app-process.js";
import { examplePayload, sendWebhook } from "../support/webhooks.js";

const OWNER = "acme";
const REPO = "widgets";
const INSTALLATION = 7;
const SECRET = "e2e-secret";
const SLOW = 180_000;
const ladder = readFileSync("fixtures/governance/spec-example.yml", "utf8");
/** Roles granted 60 days ago: nobody here is inactive (demotion.inactive_after), so the sweep opens no emeritus notices. */
const RECENT = new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10);
const ROSTER = [
  "members:",
  ...[
    ["alice", "maintainer"],
    ["bob", "maintainer"],
    ["erin", "maintainer"],
    ["carol", "reviewer"],
    ["dan", "member"],
  ].map(([login, role]) => `  - login: ${login}\n    role: ${role}\n    since: ${RECENT}`),
  "",
].join("\n");
const PROTECTION = {
  required_status_checks: { strict: true, contexts: ["ci/build"] },
  enforce_admins: true,
  required_pull_request_reviews: { required_approving_review_count: 2, dismiss_stale_reviews: true, require_code_owner_reviews: true },
  restrictions: { users: ["release-bot"], teams: [], apps: [] },
};

let fake: FakeGitHub;
let app: AppProcess;
let delivery = 0;

function send(event: string, payload: unknown) {
  return sendWebhook(app.webhookUrl, { secret: SECRET, event, deliveryId: `access-${++delivery}`, payload: payload as Record<string, unknown> });
}

const driftIssues = () => fake.issues(OWNER, REPO).filter((i) => i.labels.includes("stewards:drift"));
const bypassUsers = () => fake.branchProtection(OWNER, REPO, "main")?.required_pull_request_reviews?.bypass_pull_request_allowances?.users ?? [];
const pushUsers = () => fake.branchProtection(OWNER, REPO, "main")?.restrictions?.users ?? [];
const sorted = (xs: readonly string[]) => [...xs].sort();

beforeAll(async () => {
  fake = await startGhesFake();
  fake.addRepo({ owner: OWNER, name: REPO, installationId: INSTALLATION });
  fake.putFile(OWNER, REPO, ".github/governance.yml", ladder);
  fake.putFile(OWNER, REPO, ".github/roster.yml", ROSTER);
  for (const login of ["alice", "bob", "erin", "carol", "dan", "mallory", "release-bot"]) fake.setOrgRole(OWNER, login, "member");
  fake.setOrgRole(OWNER, "olivia", "admin");
  fake.addTeam(OWNER, "contributors");
  fake.addTeam(OWNER, "reviewers");
  // mallory was added to the maintainers team by hand: drift, reported, left alone.
  fake.addTeam(OWNER, "maintainers", { members: ["mallory"] });
  fake.setCollaborator(OWNER, REPO, "release-bot", "push");
  fake.setBranchProtection(OWNER, REPO, "main", PROTECTION);
  app = await startApp(installedAppEnv(fake.host, SECRET, { SWEEP_INTERVAL: "4s", ...(process.env.E2E_DEBUG ? { LOG_LEVEL: "debug" } : {}) }));
}, SLOW);

afterAll(async () => {
  if (process.env.E2E_DEBUG) writeFileSync("/tmp/access-app.log", app.output());
  await app?.stop();
  await fake?.close();
});

afterEach(() => fake.assertNoViolations());

describe("access follows the roster", () => {
  it(
    "the sweep fills the teams, writes the CODEOWNERS block, grants maintainers bypass on main without weakening it, and reports the hand-added member",
    async () => {
      await eventually(() => driftIssues().length === 1 && fake.file(OWNER, REPO, ".github/CODEOWNERS") !== undefined, "the first access sync", 120_000);
      expect(sorted(fake.teamMembers(OWNER, "maintainers"))).toEqual(["alice", "bob", "erin", "mallory"]);
      expect(sorted(fake.teamMembers(OWNER, "reviewers"))).toEqual(["alice", "bob", "carol", "erin"]);
      expect(sorted(fake.teamMembers(OWNER, "contributors"))).toEqual(["alice", "bob", "carol", "dan", "erin"]);

      const codeowners = fake.file(OWNER, REPO, ".github/CODEOWNERS")!;
      expect(codeowners).toContain("# BEGIN stewards");
      expect(codeowners).toContain("* @alice @bob @erin");
      expect(codeowners).toContain("/docs/ @alice @bob @carol @erin");
      expect(codeowners).toMatch(/^\/\.github\/roster\.yml @alice @bob @erin$/m);

      await eventually(() => bypassUsers().length > 0, "the bypass grant", 60_000);
      expect(sorted(bypassUsers())).toEqual(["alice", "bob", "erin"]);
      expect(sorted(pushUsers())).toEqual(["alice", "bob", "erin", "release-bot"]);
      const protection = fake.branchProtection(OWNER, REPO, "main")!;
      expect(protection.enforce_admins).toBe(true);
      expect(protection.required_status_checks).toMatchObject({ strict: true, contexts: ["ci/build"] });
      expect(protection.required_pull_request_reviews).toMatchObject({ required_approving_review_count: 2, dismiss_stale_reviews: true, require_code_owner_reviews: true });

      const [drift] = driftIssues();
      expect(drift!.state).toBe("open");
      expect(drift!.body).toContain("## Changed by hand");
      expect(drift!.body).toContain("@\u200Dmallory");
      expect(drift!.body).not.toMatch(/@mallory/);

      // The next sweep finds GitHub in step: no write, and the drift issue is not edited again.
      const body = drift!.body;
      fake.resetLog();
      const sweeps = app.output().split('"msg":"sweep finished"').length;
      await eventually(() => app.output().split('"msg":"sweep finished"').length >= sweeps + 2, "two more sweeps", 60_000);
      expect(fake.requests.filter((r) => r.method !== "GET" && r.route !== "POST /graphql").map((r) => r.route)).toEqual([]);
      expect(driftIssues()[0]!.body).toBe(body);
    },
    SLOW,
  );

  it(
    "a maintainer who steps down leaves the maintainers team and the bypass lists at once; mallory is not touched",
    async () => {
      const issue = fake.addIssue(OWNER, REPO, { title: "Stepping down", author: "erin" });
      const comment = examplePayload("issue_comment", "created", {
        owner: OWNER,
        repo: REPO,
        installationId: INSTALLATION,
        sender: "erin",
        patch: { issue: { number: issue.number }, comment: { body: "/step-down", user: { login: "erin", id: 9100, type: "User" } }, repository: { default_branch: "main" } },
      });
      await send("issue_comment", comment);
      await eventually(() => !fake.teamMembers(OWNER, "maintainers").includes("erin"), "erin to leave the maintainers team", 120_000);
      expect(fake.file(OWNER, REPO, ".github/roster.yml")).toMatch(/login: erin\n\s+role: reviewer/);
      expect(sorted(fake.teamMembers(OWNER, "maintainers"))).toEqual(["alice", "bob", "mallory"]);
      expect(fake.teamMembers(OWNER, "reviewers")).toContain("erin");
      await eventually(() => !bypassUsers().includes("erin") && !pushUsers().includes("erin"), "erin to lose bypass on main", 60_000);
      expect(sorted(pushUsers())).toEqual(["alice", "bob", "release-bot"]);
      await eventually(() => fake.file(OWNER, REPO, ".github/CODEOWNERS")?.includes("* @alice @bob\n") === true, "the CODEOWNERS block to follow", 60_000);
      expect(fake.branchProtection(OWNER, REPO, "main")!.required_pull_request_reviews).toMatchObject({ required_approving_review_count: 2 });
    },
    SLOW,
  );

  it(
    "once the hand-made difference is gone, the drift issue is closed",
    async () => {
      fake.setOrgRole(OWNER, "mallory", null);
      await eventually(() => driftIssues()[0]?.state === "closed", "the drift issue to close", 60_000).catch((err: unknown) => {
        throw new Error(`${String(err)}; it says:\n${driftIssues()[0]?.body ?? "(no issue)"}`);
      });
      expect(fake.comments(OWNER, REPO, driftIssues()[0]!.number).map((c) => c.body)).toContain("GitHub's access is in step with the roster again; closing.");
    },
    SLOW,
  );
});
