/**
 * Issue 10, finding 4: after an approval, nothing proposes the same person
 * for the same role again. The sweep (src/handlers/sweep.ts → usecases/sweep-proposals.ts)
 * against the stateful fake GitHub: one sweep opens the proposal, approvers
 * 👍, the next sweep applies the approval — and that sweep, and the ones
 * after it, must not open a second "Promote ana to member" issue.
 */
import { readFileSync } from "node:fs";
import type { Probot } from "probot";
import { probotAgainst } from "../support/probot-client.js";
import { sweepNow } from "../../src/handlers/sweep.js";
import { Metrics } from "../../src/runtime/metrics.js";
import type { Services } from "../../src/runtime/services.js";
import { readSettings } from "../../src/runtime/settings.js";
import { openStore } from "../../src/store/open-store.js";
import { startFakeGitHub, type FakeGitHub } from "../fake-github/server.js";
import { seedMemberCandidate } from "../support/seed-candidate.js";
import { AllInstallationsOf } from "./harness.js";

const OWNER = "acme";
const REPO = "widgets";
const NOW = new Date("2026-11-21T00:00:00Z");
const ROSTER = "members:\n  - login: alice\n    role: maintainer\n    since: 2024-01-15\n  - login: bob\n    role: maintainer\n    since: 2024-03-01\n";

let fake: FakeGitHub;
let services: Services;
let probot: Probot;

beforeAll(async () => {
  fake = await startFakeGitHub({ now: () => NOW });
  fake.addRepo({ owner: OWNER, name: REPO, installationId: 7 });
  fake.putFile(OWNER, REPO, ".github/governance.yml", readFileSync("fixtures/governance/spec-example.yml", "utf8"));
  fake.putFile(OWNER, REPO, ".github/roster.yml", ROSTER);
  seedMemberCandidate(fake, OWNER, REPO, { author: "ana", reviewer: "alice", firstDaysAgo: 40, now: NOW.getTime() });
  const store = await openStore({ databaseUrl: null, dataDir: "memory://" });
  services = {
    store,
    settings: readSettings({}),
    clock: () => NOW,
    background: new Set(),
    metrics: new Metrics({ defaultMetrics: false }),
    installationAccounts: new AllInstallationsOf({ id: 7, login: OWNER }),
    appLogin: async () => "stewards[bot]",
    // Access has its own tests; this file is about proposals.
    keepAccess: async () => undefined,
  };
  probot = probotAgainst(fake);
});

afterAll(async () => {
  await services?.store.close();
  await fake?.close();
});
afterEach(() => fake.assertNoViolations());

const promotionIssues = () => fake.issues(OWNER, REPO).filter((i) => i.labels.includes("stewards:promotion"));

describe("after an approval lands", () => {
  it("no sweep proposes the person just promoted again", async () => {
    await sweepNow(probot, services);
    expect(promotionIssues().map((i) => [i.title, i.state])).toEqual([[expect.stringMatching(/ana.*member/), "open"]]);
    const issue = promotionIssues()[0]!;

    fake.addReaction(OWNER, REPO, { issue: issue.number }, { user: "alice", content: "+1" });
    fake.addReaction(OWNER, REPO, { issue: issue.number }, { user: "bob", content: "+1" });
    // This sweep re-reads the reactions and applies the approval…
    await sweepNow(probot, services);
    expect(fake.issues(OWNER, REPO).find((i) => i.number === issue.number)!.state).toBe("closed");
    expect(fake.file(OWNER, REPO, ".github/roster.yml")!.match(/login: ana/g)).toHaveLength(1);
    // The sweep measured everyone with the roster it read before it applied the approval.
    expect(promotionIssues()).toHaveLength(1);
    // …and neither it nor the next ones propose ana for member again.
    await sweepNow(probot, services);
    await sweepNow(probot, services);
    expect(promotionIssues().map((i) => [i.number, i.state])).toEqual([[issue.number, "closed"]]);
    expect(fake.file(OWNER, REPO, "GOVERNANCE-LOG.md")!.match(/^## D-\d+ — promotion: ana$/gm)).toHaveLength(1);
  });
});
