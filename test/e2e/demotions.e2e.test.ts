/**
 * End to end, emeritus for inactivity (issue 12's "done when"), through the
 * real server (`npm start`), its periodic sweep, signed webhooks and the
 * stateful fake GitHub in GHES mode. olga holds maintainer with no counted
 * contribution in `inactive_after`, and was in the maintainers team before
 * the app was installed: one notice issue tells her first → 👍 given during
 * the notice do not count, also after it ends → after the notice the
 * approvers' 👍 approve → the roster moves her to emeritus (one log entry),
 * and the team membership and the bypass on main the role granted are taken
 * away. The active maintainers are never proposed; nothing happens twice.
 * (The notice is 20 s here instead of 14 days; inactive_after 30 days.)
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { FakeGitHub } from "../fake-github/server.js";
import { startGhesFake } from "../support/ghes-fake.js";
import { eventually, installedAppEnv, startApp, type AppProcess } from "../support/app-process.js";
import { examplePayload, sendWebhook } from "../support/webhooks.js";
import { parseLog } from "../../src/log/parse-log.js";

const OWNER = "acme";
const REPO = "elders";
const INSTALLATION = 12;
const SECRET = "e2e-secret";
const SLOW = 150_000;
const DAY = 86_400_000;
const NOTICE_MS = 20_000;
const ladder = readFileSync("fixtures/governance/spec-example.yml", "utf8").replace("inactive_after: 365d", "inactive_after: 30d").replace("notice: 14d", `notice: ${NOTICE_MS / 1000}s`);
const ACTIVE = ["alice", "bob", "carol"];
const ROSTER = `members:\n${[...ACTIVE, "olga"].map((l) => `  - login: ${l}\n    role: maintainer\n    since: 2024-01-15\n`).join("")}`;
const PROTECTION = {
  required_status_checks: { strict: true, contexts: ["ci/build"] },
  enforce_admins: true,
  required_pull_request_reviews: { required_approving_review_count: 1 },
  restrictions: null,
};

let fake: FakeGitHub;
let app: AppProcess;
let delivery = 0;

const send = (event: string, payload: unknown) => sendWebhook(app.webhookUrl, { secret: SECRET, event, deliveryId: `demote-${++delivery}`, payload: payload as Record<string, unknown> });
const comment = (body: string, issueNumber: number, sender: string) =>
  examplePayload("issue_comment", "created", {
    owner: OWNER,
    repo: REPO,
    installationId: INSTALLATION,
    sender,
    patch: { issue: { number: issueNumber }, comment: { body, user: { login: sender, id: 9500 + delivery, type: "User" } }, repository: { default_branch: "main" } },
  });
const notices = () => fake.issues(OWNER, REPO).filter((i) => i.labels.includes("stewards:demotion"));
const bypassUsers = () => fake.branchProtection(OWNER, REPO, "main")?.required_pull_request_reviews?.bypass_pull_request_allowances?.users ?? [];
const logOf = () => parseLog(fake.file(OWNER, REPO, "GOVERNANCE-LOG.md") ?? "");
const sweeps = () => app.output().split('"msg":"sweep finished"').length - 1;

beforeAll(async () => {
  fake = await startGhesFake();
  fake.addRepo({ owner: OWNER, name: REPO, installationId: INSTALLATION });
  fake.putFile(OWNER, REPO, ".github/governance.yml", ladder);
  fake.putFile(OWNER, REPO, ".github/roster.yml", ROSTER);
  for (const l of [...ACTIVE, "olga"]) fake.setOrgRole(OWNER, l, "member");
  fake.addTeam(OWNER, "contributors", { members: [] });
  fake.addTeam(OWNER, "reviewers", { members: [] });
  // olga was a maintainer on GitHub before Stewards was installed.
  fake.addTeam(OWNER, "maintainers", { members: [...ACTIVE, "olga"] });
  fake.setBranchProtection(OWNER, REPO, "main", PROTECTION);
  const now = Date.now();
  // The active maintainers merged something in the last 30 days; olga's last PR is 200 days old.
  let n = 1;
  for (const l of ACTIVE) fake.addMergedPullRequest(OWNER, REPO, { number: n++, author: l, mergedAt: new Date(now - 5 * DAY).toISOString(), additions: 10, deletions: 1 });
  fake.addMergedPullRequest(OWNER, REPO, { number: n++, author: "olga", mergedAt: new Date(now - 200 * DAY).toISOString(), additions: 10, deletions: 1 });
  app = await startApp(installedAppEnv(fake.host, SECRET, { SWEEP_INTERVAL: "3s" }));
}, 180_000);

afterAll(async () => {
  if (process.env.E2E_DEBUG) writeFileSync("/tmp/demotions-app.log", app.output());
  await app?.stop();
  await fake?.close();
});

afterEach(() => fake.assertNoViolations());

describe("emeritus for inactivity", () => {
  it(
    "notice → 👍 during the notice ignored → approval after it → emeritus, team and bypass removed, once",
    async () => {
      const [notice] = await eventually(() => (notices().length ? notices() : undefined), "the notice issue", 90_000);
      const openedAt = Date.now();
      expect(notices()).toHaveLength(1);
      expect(notice!.title).toMatch(/olga/);
      expect(notice!.body).toMatch(/2026|20\d\d-\d\d-\d\d/);
      // The first sweeps gave the maintainers (olga included) bypass on main; the roster still says she is one.
      await eventually(() => bypassUsers().includes("olga"), "bypass for the maintainers", 60_000);

      // 👍 during the notice: they never count, not even once it has ended.
      fake.addReaction(OWNER, REPO, { issue: notice!.number }, { user: "alice", content: "+1" });
      fake.addReaction(OWNER, REPO, { issue: notice!.number }, { user: "bob", content: "+1" });
      await send("issue_comment", comment("agreed", notice!.number, "carol"));
      const waitFor = NOTICE_MS - (Date.now() - openedAt) + 2_000;
      await new Promise((r) => setTimeout(r, Math.max(0, waitFor)));
      const after = sweeps();
      await eventually(() => sweeps() >= after + 2, "two sweeps after the notice ended", 60_000);
      expect(fake.issues(OWNER, REPO).find((i) => i.number === notice!.number)!.state).toBe("open");
      expect(fake.file(OWNER, REPO, ".github/roster.yml")).toMatch(/- login: olga\n\s+role: maintainer/);
      const status = fake.comments(OWNER, REPO, notice!.number).filter((c) => c.user.login.endsWith("[bot]")).at(-1)!;
      expect(status.body).toMatch(/before the notice ended/i);

      // The approvers take their 👍 back and give it again after the notice: now they count.
      const state = fake.state.requireRepo(OWNER, REPO);
      state.reactions = state.reactions.filter((r) => !(r.target.kind === "issue" && r.target.number === notice!.number));
      fake.addReaction(OWNER, REPO, { issue: notice!.number }, { user: "alice", content: "+1" });
      fake.addReaction(OWNER, REPO, { issue: notice!.number }, { user: "bob", content: "+1" });
      await eventually(() => fake.issues(OWNER, REPO).find((i) => i.number === notice!.number)!.state === "closed", "the notice to be decided", 60_000);

      const roster = fake.file(OWNER, REPO, ".github/roster.yml")!;
      expect(roster).not.toMatch(/members:[\s\S]*- login: olga\n\s+role: maintainer[\s\S]*emeritus:/);
      expect(roster).toMatch(/emeritus:[\s\S]*- login: olga\n\s+role: maintainer/);
      const entries = logOf();
      expect(entries.map((e) => `${e.kind}: ${e.subject}`)).toEqual(["emeritus: olga"]);
      await eventually(() => !fake.teamMembers(OWNER, "maintainers").includes("olga"), "olga to leave the maintainers team", 60_000);
      await eventually(() => !bypassUsers().includes("olga"), "olga to lose bypass on main", 60_000);
      expect([...fake.teamMembers(OWNER, "maintainers")].sort()).toEqual(ACTIVE);
      expect(fake.branchProtection(OWNER, REPO, "main")!.required_status_checks).toMatchObject({ strict: true, contexts: ["ci/build"] });

      // Later sweeps: no second notice, no second entry.
      const later = sweeps();
      await eventually(() => sweeps() >= later + 2, "two more sweeps", 60_000);
      expect(notices()).toHaveLength(1);
      expect(logOf()).toHaveLength(1);
    },
    SLOW,
  );
});
