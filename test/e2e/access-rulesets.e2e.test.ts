/**
 * End to end, bypass through rulesets (issue 5): a repository that protects
 * `main` with a ruleset of its own gets the app's ruleset `stewards`, which
 * targets `main` and lists the maintainers' team as its bypass actor (GitHub's
 * ruleset API names teams, not people). The project's own ruleset is left
 * exactly as it was, and the next sweep writes nothing.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { FakeGitHub } from "../fake-github/server.js";
import { startGhesFake } from "../support/ghes-fake.js";
import { eventually, installedAppEnv, startApp, type AppProcess } from "../support/app-process.js";

const OWNER = "acme";
const REPO = "gadgets";
const INSTALLATION = 8;
const SECRET = "e2e-secret";
const SLOW = 180_000;
const ladder = readFileSync("fixtures/governance/spec-example.yml", "utf8");
/** Roles granted 60 days ago: nobody here is inactive (demotion.inactive_after), so the sweep opens no emeritus notices. */
const RECENT = new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10);
const ROSTER = `members:\n  - login: alice\n    role: maintainer\n    since: ${RECENT}\n  - login: bob\n    role: reviewer\n    since: ${RECENT}\n`;
const PROJECT_RULESET = {
  name: "main is protected",
  target: "branch" as const,
  enforcement: "active" as const,
  bypass_actors: [{ actor_id: 5, actor_type: "RepositoryRole" as const, bypass_mode: "always" as const }],
  conditions: { ref_name: { include: ["~DEFAULT_BRANCH"], exclude: [] } },
  rules: [{ type: "deletion" }, { type: "pull_request", parameters: { required_approving_review_count: 2, dismiss_stale_reviews_on_push: true, require_code_owner_review: true, require_last_push_approval: false, required_review_thread_resolution: false } }],
};

let fake: FakeGitHub;
let app: AppProcess;
let maintainersTeamId = 0;

beforeAll(async () => {
  fake = await startGhesFake();
  fake.addRepo({ owner: OWNER, name: REPO, installationId: INSTALLATION });
  fake.putFile(OWNER, REPO, ".github/governance.yml", ladder);
  fake.putFile(OWNER, REPO, ".github/roster.yml", ROSTER);
  for (const login of ["alice", "bob"]) fake.setOrgRole(OWNER, login, "member");
  fake.addTeam(OWNER, "contributors");
  fake.addTeam(OWNER, "reviewers");
  maintainersTeamId = fake.addTeam(OWNER, "maintainers").id;
  fake.addRuleset(OWNER, REPO, PROJECT_RULESET as never);
  app = await startApp(installedAppEnv(fake.host, SECRET, { SWEEP_INTERVAL: "4s", ...(process.env.E2E_DEBUG ? { LOG_LEVEL: "debug" } : {}) }));
}, SLOW);

afterAll(async () => {
  if (process.env.E2E_DEBUG) writeFileSync("/tmp/access-rulesets-app.log", app.output());
  await app?.stop();
  await fake?.close();
});

afterEach(() => fake.assertNoViolations());

it(
  "creates the app's own ruleset with the maintainers' team as bypass actor, leaves the project's ruleset alone, and writes nothing on the next sweep",
  async () => {
    const ours = await eventually(() => fake.rulesets(OWNER, REPO).find((r) => r.name === "stewards"), "the stewards ruleset", 120_000);
    expect(ours.target).toBe("branch");
    expect(ours.bypass_actors).toEqual([expect.objectContaining({ actor_id: maintainersTeamId, actor_type: "Team" })]);
    expect(JSON.stringify(ours.conditions)).toMatch(/main|~DEFAULT_BRANCH/);
    const theirs = fake.rulesets(OWNER, REPO).find((r) => r.name === PROJECT_RULESET.name)!;
    expect(theirs.bypass_actors).toEqual(PROJECT_RULESET.bypass_actors);
    expect(theirs.rules).toEqual(PROJECT_RULESET.rules);
    expect(fake.teamMembers(OWNER, "maintainers")).toEqual(["alice"]);

    await eventually(() => fake.file(OWNER, REPO, ".github/CODEOWNERS") !== undefined, "the CODEOWNERS block", 60_000);
    fake.resetLog();
    const sweeps = app.output().split('"msg":"sweep finished"').length;
    await eventually(() => app.output().split('"msg":"sweep finished"').length >= sweeps + 2, "two more sweeps", 60_000);
    expect(fake.requests.filter((r) => r.method !== "GET" && r.route !== "POST /graphql").map((r) => r.route)).toEqual([]);
    expect(fake.rulesets(OWNER, REPO).filter((r) => r.name === "stewards")).toHaveLength(1);
  },
  SLOW,
);
