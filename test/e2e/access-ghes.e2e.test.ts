/**
 * End to end on GitHub Enterprise Server (issue 10): the real server, pointed at
 * the fake through GHE_HOST as an operator points it at GHES 3.19, the fake
 * answering as that release (its routes only, `x-github-enterprise-version` on
 * every answer). GHES has no organisation invitations — the team invitations
 * route is github.com's only, and a team membership PUT adds the person at
 * once — so the access sync must follow the roster without asking for them:
 * the teams gain their holders (one of them not yet in the organisation), the
 * CODEOWNERS block is written, and no sweep fails.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { FakeGitHub } from "../fake-github/server.js";
import { eventually, installedAppEnv, startApp, type AppProcess } from "../support/app-process.js";
import { startGhesFake } from "../support/ghes-fake.js";

const OWNER = "acme";
const REPO = "widgets";
const INSTALLATION = 7;
const SECRET = "e2e-secret";
const SLOW = 180_000;
const ladder = readFileSync("fixtures/governance/spec-example.yml", "utf8");
const ROSTER = [
  "members:",
  ...[
    ["alice", "maintainer"],
    ["bob", "maintainer"],
    ["carol", "reviewer"],
    // dave is not in the organisation yet: on GHES the team PUT makes him a member at once.
    ["dave", "member"],
  ].map(([login, role]) => `  - login: ${login}\n    role: ${role}\n    since: 2025-01-15`),
  "",
].join("\n");

let fake: FakeGitHub;
let app: AppProcess;
const sorted = (xs: readonly string[]) => [...xs].sort();

beforeAll(async () => {
  fake = await startGhesFake();
  fake.addRepo({ owner: OWNER, name: REPO, installationId: INSTALLATION });
  fake.putFile(OWNER, REPO, ".github/governance.yml", ladder);
  fake.putFile(OWNER, REPO, ".github/roster.yml", ROSTER);
  for (const login of ["alice", "bob", "carol"]) fake.setOrgRole(OWNER, login, "member");
  fake.state.account("dave");
  fake.addTeam(OWNER, "contributors");
  fake.addTeam(OWNER, "reviewers");
  fake.addTeam(OWNER, "maintainers");
  app = await startApp(installedAppEnv(fake.host, SECRET, { SWEEP_INTERVAL: "4s", ...(process.env.E2E_DEBUG ? { LOG_LEVEL: "debug" } : {}) }));
}, SLOW);

afterAll(async () => {
  if (process.env.E2E_DEBUG) writeFileSync("/tmp/access-ghes-app.log", app.output());
  await app?.stop();
  await fake?.close();
});

afterEach(() => fake.assertNoViolations());

describe("access follows the roster on GitHub Enterprise Server", () => {
  it(
    "the sweep fills the teams (adding someone new to the organisation at once) and writes the CODEOWNERS block, without the invitations route",
    async () => {
      await eventually(() => fake.file(OWNER, REPO, ".github/CODEOWNERS") !== undefined, "the CODEOWNERS block", 120_000).catch((err: unknown) => {
        throw new Error(`${String(err)}\n${fake.violations.map((v) => `${v.kind} ${v.method} ${v.path}: ${v.messages.join("; ")}`).join("\n")}\n${failures().join("\n")}`);
      });
      await eventually(() => fake.teamMembers(OWNER, "contributors").length === 4, "the contributors team to fill", 60_000);
      expect(sorted(fake.teamMembers(OWNER, "maintainers"))).toEqual(["alice", "bob"]);
      expect(sorted(fake.teamMembers(OWNER, "reviewers"))).toEqual(["alice", "bob", "carol"]);
      expect(sorted(fake.teamMembers(OWNER, "contributors"))).toEqual(["alice", "bob", "carol", "dave"]);

      const codeowners = fake.file(OWNER, REPO, ".github/CODEOWNERS")!;
      expect(codeowners).toContain("# BEGIN stewards");
      expect(codeowners).toContain("* @alice @bob");
      expect(codeowners).toContain("/docs/ @alice @bob @carol");

      // Two more sweeps: GitHub is in step, nothing is written, nothing fails.
      const sweeps = app.output().split('"msg":"sweep finished"').length;
      await eventually(() => app.output().split('"msg":"sweep finished"').length >= sweeps + 2, "two more sweeps", 60_000);
      expect(fake.requests.filter((r) => r.route.endsWith("/invitations"))).toEqual([]);
      expect(failures()).toEqual([]);
    },
    SLOW,
  );
});

/** Log lines of failed access syncs. */
function failures(): string[] {
  return app
    .output()
    .split("\n")
    .filter((l) => l.includes("access sweep of this repository failed") || l.includes("access change failed") || l.includes("not supported in your GitHub Enterprise Server version"));
}
