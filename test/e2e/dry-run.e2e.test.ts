/**
 * The whole promotion flow under `STEWARDS_DRY_RUN=true`, against a fake
 * GitHub that records every request: the app reads, measures and decides,
 * logs each write it would make as a plan line, and sends no write at all —
 * no non-GET REST request (but the token exchange) and no GraphQL mutation —
 * neither for the promotion nor for the sweep's access sync.
 */
import { readFileSync } from "node:fs";
import { isReadRequest } from "../fake-github/request-kinds.js";
import type { FakeGitHub, FakeRequestRecord } from "../fake-github/server.js";
import { startGhesFake } from "../support/ghes-fake.js";
import { eventually, installedAppEnv, startApp, type AppProcess } from "../support/app-process.js";
import { examplePayload, sendWebhook } from "../support/webhooks.js";

const OWNER = "acme";
const REPO = "gadgets";
const INSTALLATION = 9;
const SECRET = "dry-secret";
const DAY = 86_400_000;
const ladder = readFileSync("fixtures/governance/spec-example.yml", "utf8");

let fake: FakeGitHub;
let app: AppProcess;
let n = 0;

const send = (event: string, payload: unknown) =>
  sendWebhook(app.webhookUrl, { secret: SECRET, event, deliveryId: `dry-${++n}`, payload: payload as Record<string, unknown> });

/** A write, but for the token exchange every app makes: what dry run must never send. */
const isWrite = (r: FakeRequestRecord) => !isReadRequest(r) && !/\/app\/installations\/\d+\/access_tokens$/.test(r.path);

beforeAll(async () => {
  fake = await startGhesFake();
  fake.addRepo({ owner: OWNER, name: REPO, installationId: INSTALLATION });
  fake.putFile(OWNER, REPO, ".github/governance.yml", ladder);
  fake.putFile(OWNER, REPO, ".github/roster.yml", "members:\n  - login: alice\n    role: maintainer\n    since: 2024-01-15\n  - login: bob\n    role: maintainer\n    since: 2024-01-15\n");
  for (let i = 1; i <= 5; i++) {
    fake.addMergedPullRequest(OWNER, REPO, { number: i, author: "ana", mergedAt: new Date(Date.now() - (40 - i) * DAY).toISOString(), additions: 10, deletions: 1 });
  }
  fake.addIssue(OWNER, REPO, { title: "Where do I stand?", number: 50, author: "ana" });
  // Access to bring in step on the sweep: teams to fill, a CODEOWNERS block to write, a drift issue to open.
  for (const login of ["alice", "bob", "mallory"]) fake.setOrgRole(OWNER, login, "member");
  fake.addTeam(OWNER, "contributors");
  fake.addTeam(OWNER, "reviewers");
  fake.addTeam(OWNER, "maintainers", { members: ["mallory"] });
  app = await startApp(installedAppEnv(fake.host, SECRET, { SWEEP_INTERVAL: "3s", STEWARDS_DRY_RUN: "true" }));
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await fake?.close();
});

it("reads, decides and logs its plan, and writes nothing to GitHub", async () => {
  await send(
    "installation",
    examplePayload("installation", "created", {
      installationId: INSTALLATION,
      patch: { installation: { account: { login: OWNER, id: 4100 } }, repositories: [{ id: 1, node_id: "R_1", name: REPO, full_name: `${OWNER}/${REPO}`, private: false }] },
    }),
  );
  await eventually(() => app.output().includes('"msg":"history backfilled"'), "the backfill", 60_000);
  await send(
    "pull_request",
    examplePayload("pull_request", "closed", {
      owner: OWNER,
      repo: REPO,
      installationId: INSTALLATION,
      sender: "ana",
      patch: { pull_request: { number: 6, merged: true, merged_at: new Date().toISOString(), additions: 5, deletions: 0, labels: [], user: { login: "ana", id: 77, type: "User" } }, repository: { default_branch: "main" } },
    }),
  );
  await eventually(() => /dry run: would open issue on acme\/gadgets: \\?"[^"]*ana/.test(app.output()), "the planned promotion issue in the log");
  await send(
    "issue_comment",
    examplePayload("issue_comment", "created", {
      owner: OWNER,
      repo: REPO,
      installationId: INSTALLATION,
      sender: "ana",
      patch: { issue: { number: 50 }, comment: { body: "/ladder", user: { login: "ana", id: 77, type: "User" } }, repository: { default_branch: "main" } },
    }),
  );
  await eventually(() => app.output().includes("dry run: would comment on acme/gadgets#50"), "the planned /ladder reply in the log");
  // The sweep's access sync plans too: team members, the CODEOWNERS block, the drift issue — as plan lines only.
  await eventually(() => app.output().includes("dry run: would add @alice to team acme/maintainers"), "the planned team change in the log", 60_000);
  await eventually(() => app.output().includes("dry run: would write the stewards block of .github/CODEOWNERS"), "the planned CODEOWNERS write in the log", 60_000);
  await eventually(() => /dry run: would open issue on acme\/gadgets: \\?"Stewards: GitHub access differs/.test(app.output()), "the planned drift issue in the log", 60_000);
  expect(fake.teamMembers(OWNER, "maintainers")).toEqual(["mallory"]);
  expect(fake.file(OWNER, REPO, ".github/CODEOWNERS")).toBeUndefined();

  expect(fake.requests.filter(isWrite).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  expect(fake.issues(OWNER, REPO).filter((i) => i.labels.includes("stewards:promotion"))).toEqual([]);
  expect(fake.comments(OWNER, REPO, 50)).toEqual([]);
  fake.assertNoViolations();
}, 120_000);
