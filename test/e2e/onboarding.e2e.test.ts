/**
 * End to end, onboarding (issue 14's "done when"), through the real server
 * (`npm start`), signed webhooks and the stateful fake GitHub in GHES mode:
 * the app is installed on a repository with history, a CODEOWNERS file
 * (people and a team), a maintainers team with maintain access and an admin,
 * and no ladder → one "Configure Stewards" pull request with a valid ladder
 * and a roster of exactly the people who hold authority → merged, normal
 * operation starts: the next merged PR that makes someone eligible opens a
 * promotion. A second repository's onboarding pull request, closed unmerged,
 * never comes back, sweep after sweep.
 */
import { writeFileSync } from "node:fs";
import type { FakeGitHub } from "../fake-github/server.js";
import { startGhesFake } from "../support/ghes-fake.js";
import { eventually, installedAppEnv, startApp, type AppProcess } from "../support/app-process.js";
import { examplePayload, sendWebhook } from "../support/webhooks.js";
import { parseGovernance } from "../../src/config/parse-governance.js";
import { parseRoster } from "../../src/config/parse-roster.js";
import { parseLog } from "../../src/log/parse-log.js";

const OWNER = "acme";
const REPO = "fresh";
const OTHER = "declined";
const BROKEN = "broken-ladder";
const FROZEN = "archived";
const INSTALLATION = 13;
const SECRET = "e2e-secret";
const SLOW = 150_000;
const DAY = 86_400_000;

let fake: FakeGitHub;
let app: AppProcess;
let delivery = 0;

const send = (event: string, payload: unknown) => sendWebhook(app.webhookUrl, { secret: SECRET, event, deliveryId: `onboard-${++delivery}`, payload: payload as Record<string, unknown> });
const onboardingPulls = (repo: string) => fake.pulls(OWNER, repo).filter((p) => p.pull?.headRef === "stewards/onboarding");
const sweeps = () => app.output().split('"msg":"sweep finished"').length - 1;
const fileAt = (repo: string, path: string) => fake.file(OWNER, repo, path);

beforeAll(async () => {
  fake = await startGhesFake();
  for (const name of [REPO, OTHER, BROKEN]) fake.addRepo({ owner: OWNER, name, installationId: INSTALLATION });
  fake.addRepo({ owner: OWNER, name: FROZEN, installationId: INSTALLATION, archived: true });
  // A ladder that does not parse is a config error (a check run, an issue), never a reason to onboard.
  fake.putFile(OWNER, BROKEN, ".github/governance.yml", "version: 1\nladder: [oops\n");
  for (const l of ["alice", "bob", "carol", "dan", "ana", "zed"]) fake.setOrgRole(OWNER, l, "member");
  fake.addTeam(OWNER, "maintainers", { members: ["bob", "carol"] });
  fake.setTeamRepoPermission(OWNER, "maintainers", OWNER, REPO, "maintain");
  fake.addTeam(OWNER, "docs", { members: ["dan"] });
  fake.setCollaborator(OWNER, REPO, "alice", "admin");
  fake.putFile(OWNER, REPO, ".github/CODEOWNERS", "# the project's own lines\n*.md @acme/docs\n/src/ @carol @ghost-user\n");
  const now = Date.now();
  let n = 1;
  // A year of history: ana merged 6 PRs (close to the first rung), zed one.
  for (let i = 0; i < 6; i++) fake.addMergedPullRequest(OWNER, REPO, { number: n++, author: "ana", mergedAt: new Date(now - (100 - i * 10) * DAY).toISOString(), additions: 20, deletions: 2 });
  fake.addMergedPullRequest(OWNER, REPO, { number: n++, author: "zed", mergedAt: new Date(now - 30 * DAY).toISOString(), additions: 5, deletions: 0 });
  for (const l of ["bob", "carol"]) fake.addMergedPullRequest(OWNER, REPO, { number: n++, author: l, mergedAt: new Date(now - 20 * DAY).toISOString(), additions: 5, deletions: 0 });
  fake.addMergedPullRequest(OWNER, OTHER, { number: 1, author: "ana", mergedAt: new Date(now - 10 * DAY).toISOString(), additions: 5, deletions: 0 });
  app = await startApp(installedAppEnv(fake.host, SECRET, { SWEEP_INTERVAL: "3s" }));
  await send(
    "installation",
    examplePayload("installation", "created", {
      installationId: INSTALLATION,
      patch: {
        installation: { account: { login: OWNER, id: 4100 } },
        repositories: [REPO, OTHER, BROKEN, FROZEN].map((name, i) => ({ id: i + 1, node_id: `R_${i + 1}`, name, full_name: `${OWNER}/${name}`, private: false })),
      },
    }),
  );
}, 180_000);

afterAll(async () => {
  if (process.env.E2E_DEBUG) writeFileSync("/tmp/onboarding-app.log", app.output());
  await app?.stop();
  await fake?.close();
});

afterEach(() => fake.assertNoViolations());

describe("onboarding", () => {
  it(
    "one 'Configure Stewards' pull request with a valid ladder and a roster of the people who hold authority today",
    async () => {
      const [pull] = await eventually(() => (onboardingPulls(REPO).length ? onboardingPulls(REPO) : undefined), "the onboarding pull request", 90_000);
      expect(pull!.title).toMatch(/^Configure Stewards/);
      expect(pull!.state).toBe("open");
      const ref = `stewards/onboarding`;
      const read = (path: string) => fake.file(OWNER, REPO, path, ref);
      const governance = parseGovernance(read(".github/governance.yml")!);
      if (!governance.ok) throw new Error(JSON.stringify(governance.errors));
      const roster = parseRoster(read(".github/roster.yml")!, governance.governance);
      if (!roster.ok) throw new Error("roster invalid");
      // CODEOWNERS people and the docs team's members, the maintain team's members, the admin — nobody else.
      expect(roster.roster.members.map((m) => m.login).sort()).toEqual(["alice", "bob", "carol", "dan"]);
      expect(new Set(roster.roster.members.map((m) => m.decision))).toEqual(new Set(["D-0001"]));
      expect(read("GOVERNANCE-LOG.md")).toMatch(/^## D-0001 — manual roster change/m);
      expect(pull!.body).toMatch(/ghost-user/);
      // The project's own CODEOWNERS lines are kept, the block added.
      expect(read(".github/CODEOWNERS")).toMatch(/^# the project's own lines\n\*\.md @acme\/docs\n\/src\/ @carol @ghost-user\n/);
      expect(read(".github/CODEOWNERS")).toContain("# BEGIN stewards");
      // Nothing else happens meanwhile: no proposals, no access changes, no second pull request.
      const before = sweeps();
      await eventually(() => sweeps() >= before + 2, "two more sweeps", 60_000);
      expect(onboardingPulls(REPO)).toHaveLength(1);
      expect(fake.issues(OWNER, REPO).filter((i) => !i.pull && i.labels.some((l) => l.startsWith("stewards:")))).toEqual([]);
      expect(fake.teamMembers(OWNER, "maintainers").sort()).toEqual(["bob", "carol"]);
    },
    SLOW,
  );

  it(
    "merged: normal operation starts — the next merged PR that makes someone eligible opens a promotion",
    async () => {
      const pull = onboardingPulls(REPO)[0]!;
      const mergeSha = fake.mergePullRequest(OWNER, REPO, pull.number, { by: "alice" });
      await send(
        "push",
        examplePayload("push", undefined, {
          owner: OWNER,
          repo: REPO,
          installationId: INSTALLATION,
          sender: "alice",
          patch: { ref: "refs/heads/main", after: mergeSha, deleted: false, repository: { default_branch: "main" }, commits: [{ id: mergeSha, added: [".github/governance.yml", ".github/roster.yml", "GOVERNANCE-LOG.md"], removed: [], modified: [".github/CODEOWNERS"] }] },
        }),
      );
      const governance = parseGovernance(fileAt(REPO, ".github/governance.yml")!);
      if (!governance.ok) throw new Error("ladder invalid");
      const needed = governance.governance.ladder[0]!.requires.merged_prs ?? 0;
      const now = Date.now();
      for (let i = 0; i < Math.max(1, needed - 6); i++) {
        const number = 100 + i;
        fake.addMergedPullRequest(OWNER, REPO, { number, author: "ana", mergedAt: new Date(now - i * 1000).toISOString(), additions: 12, deletions: 1 });
        await send(
          "pull_request",
          examplePayload("pull_request", "closed", {
            owner: OWNER,
            repo: REPO,
            installationId: INSTALLATION,
            sender: "ana",
            patch: { pull_request: { number, merged: true, merged_at: new Date().toISOString(), additions: 12, deletions: 1, labels: [], user: { login: "ana", id: 7001, type: "User" } }, repository: { default_branch: "main" } },
          }),
        );
      }
      await eventually(() => fake.issues(OWNER, REPO).find((i) => i.labels.includes("stewards:promotion") && i.title.includes("ana")), "ana's promotion issue", 90_000);
      expect(onboardingPulls(REPO)).toHaveLength(1);
      // The merge is not a hand edit to log again: the founding entry already records that roster and ladder.
      await new Promise((r) => setTimeout(r, 1500));
      expect(parseLog(fileAt(REPO, "GOVERNANCE-LOG.md")!).map((e) => `${e.id} ${e.kind}`)).toEqual(["D-0001 manual roster change"]);
    },
    SLOW,
  );

  it(
    "closed unmerged: never opened again",
    async () => {
      const [pull] = await eventually(() => (onboardingPulls(OTHER).length ? onboardingPulls(OTHER) : undefined), "the second repository's onboarding pull request", 90_000);
      // A maintainer closes it without merging (as on GitHub: the conversation is closed, nothing merged).
      fake.state.requireRepo(OWNER, OTHER).issues.get(pull!.number)!.state = "closed";
      const before = sweeps();
      await eventually(() => sweeps() >= before + 3, "three more sweeps", 60_000);
      expect(onboardingPulls(OTHER)).toHaveLength(1);
      expect(onboardingPulls(OTHER)[0]!.state).toBe("closed");
      expect(fileAt(OTHER, ".github/governance.yml")).toBeUndefined();
      // Meanwhile, a repository with a broken ladder and an archived one were never onboarded.
      expect(onboardingPulls(BROKEN)).toEqual([]);
      expect(onboardingPulls(FROZEN)).toEqual([]);
    },
    SLOW,
  );
});
