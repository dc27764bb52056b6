/**
 * End to end: the real server started with `npm start` and the operating
 * contract's variables, signed webhooks over HTTP, and a stateful fake GitHub
 * (reached through GHE_HOST/GHE_PROTOCOL) that validates every request
 * against GitHub's OpenAPI description and GraphQL schema.
 */
import { readFileSync } from "node:fs";
import type { FakeGitHub } from "../fake-github/server.js";
import { startGhesFake } from "../support/ghes-fake.js";
import { eventually, installedAppEnv, startApp, type AppProcess } from "../support/app-process.js";
import { seedMemberCandidate } from "../support/seed-candidate.js";
import { examplePayload, sendWebhook } from "../support/webhooks.js";

const OWNER = "acme";
const REPO = "widgets";
const INSTALLATION = 7;
const SECRET = "e2e-secret";
const ladder = readFileSync("fixtures/governance/spec-example.yml", "utf8");

let fake: FakeGitHub;
let app: AppProcess;
let delivery = 0;

async function send(event: string, payload: unknown, deliveryId = `e2e-${++delivery}`) {
  const started = Date.now();
  const res = await sendWebhook(app.webhookUrl, { secret: SECRET, event, deliveryId, payload: payload as Record<string, unknown> });
  // The answer comes once the work is queued; wait for the worker to finish it (or to have dropped a duplicate).
  if (res.status === 200) await eventually(() => handled(deliveryId), `delivery ${deliveryId} to be handled`);
  if (process.env.E2E_DEBUG) console.log(`${event} ${deliveryId}: ${res.status} in ${Date.now() - started} ms`);
  return res;
}

function handled(deliveryId: string): boolean {
  const id = `"id":"${deliveryId}"`;
  return app.output().split("\n").some((l) => l.includes(id) && (l.includes('"msg":"delivery handled"') || l.includes('"msg":"duplicate delivery ignored"')));
}

function comment(body: string, issueNumber: number, sender = "ana") {
  return examplePayload("issue_comment", "created", {
    owner: OWNER,
    repo: REPO,
    installationId: INSTALLATION,
    sender,
    patch: {
      issue: { number: issueNumber },
      comment: { body, user: { login: sender, id: 4242, type: "User" } },
    },
  });
}

function appComments(issueNumber: number) {
  return fake.comments(OWNER, REPO, issueNumber).filter((c) => c.user.login.endsWith("[bot]"));
}

beforeAll(async () => {
  fake = await startGhesFake();
  fake.addRepo({ owner: OWNER, name: REPO, installationId: INSTALLATION });
  fake.putFile(OWNER, REPO, ".github/governance.yml", ladder);
  fake.putFile(OWNER, REPO, ".github/roster.yml", "members:\n  - login: alice\n    role: maintainer\n    since: 2024-01-15\n");
  // ana: 6 merged PRs, one of them labelled `trivial` (excluded by the ladder's counting rules), each approved by alice.
  seedMemberCandidate(fake, OWNER, REPO, { author: "ana", reviewer: "alice", firstDaysAgo: 100 });
  fake.addIssue(OWNER, REPO, { title: "Where do I stand?", number: 100, author: "ana" });
  app = await startApp(installedAppEnv(fake.host, SECRET, { SWEEP_INTERVAL: "1h" }));
}, 180_000);

afterAll(async () => {
  if (process.env.E2E_DEBUG) console.log(app.output().split("\n").filter((l) => l.includes("POST /api") || l.includes("octokit")).map((l) => l.slice(0, 400)).join("\n"));
  await app?.stop();
  await fake?.close();
});

afterEach(() => {
  fake.assertNoViolations();
});

describe("the app started with npm start against a fake GitHub", () => {
  it("answers /healthz", async () => {
    const res = await fetch(`${app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", store: "ok" });
  });

  it("refuses a webhook with a bad signature and does nothing", async () => {
    const before = fake.requests.length;
    const res = await sendWebhook(app.webhookUrl, {
      secret: "wrong",
      event: "issue_comment",
      deliveryId: "bad-signature",
      payload: comment("/stewards help", 100) as unknown as Record<string, unknown>,
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(fake.requests.length).toBe(before);
  });

  it("backfills the ledger with GraphQL when installed", async () => {
    const payload = examplePayload("installation", "created", {
      installationId: INSTALLATION,
      // Installed on acme, the owner of the repository (a payload pairing an installation with another account's repositories is refused).
      patch: { installation: { account: { login: OWNER, id: 4100 } }, repositories: [{ id: 1, node_id: "R_1", name: REPO, full_name: `${OWNER}/${REPO}`, private: false }] },
    });
    const res = await send("installation", payload);
    expect(res.status).toBe(200);
    await eventually(() => app.output().includes('"msg":"history backfilled"'), "the backfill to finish");
    const graphql = fake.requests.filter((r) => r.path.endsWith("/graphql"));
    expect(graphql.length).toBeGreaterThanOrEqual(1);
    // Labels are read because the ladder excludes `trivial`: 2 points for one page of PRs.
    expect(fake.graphqlPointsSpent).toBeLessThanOrEqual(2);
  });

  it("replies to /ladder with the person's standing, and updates the same reply when asked again", async () => {
    const res = await send("issue_comment", comment("/ladder", 100));
    expect(res.status).toBe(200);
    const replies = appComments(100);
    expect(replies).toHaveLength(1);
    const body = replies[0]!.body;
    // 5 counted PRs (the `trivial` one is excluded): member's threshold of 5 is met.
    expect(body).toContain("[ana](");
    expect(body).toMatch(/\| merged PRs in the last 365 days \| 5 \| 5 \| ✅ \|/);
    // alice's reviews were read too (ana reviewed nobody, so ana has 0 reviews).
    expect(body).toMatch(/\| PRs of others reviewed in the last 180 days \| 20 \| 0 \| ❌ \|/);
    expect(body).not.toMatch(/(^|[^\u200d])@ana/);

    await send("issue_comment", comment("/ladder @ana", 100));
    expect(appComments(100)).toHaveLength(1);
  });

  it("folds a merged PR into the ledger straight from the payload: no history or file read, and no request at all once the author's proposal is open", async () => {
    const mergedPr = (number: number) =>
      examplePayload("pull_request", "closed", {
        owner: OWNER,
        repo: REPO,
        installationId: INSTALLATION,
        sender: "ana",
        patch: {
          pull_request: { number, merged: true, merged_at: new Date().toISOString(), additions: 40, deletions: 3, labels: [], user: { login: "ana", id: 4242, type: "User" } },
          repository: { default_branch: "main" },
        },
      });
    // ana meets member's requirements: this merge opens her promotion proposal. No history and no
    // file is read, except the roster at the branch head in one GraphQL request, just before the
    // issue (someone who already holds the role there is not proposed, whatever the cache says).
    let before = fake.requests.length;
    expect((await send("pull_request", mergedPr(7))).status).toBe(200);
    await eventually(() => fake.issues(OWNER, REPO).some((i) => i.labels.includes("stewards:promotion")), "ana's proposal");
    const requests = fake.requests.slice(before);
    const routes = requests.map((r) => r.route);
    expect(routes.filter((r) => r.includes("/contents/"))).toEqual([]);
    const queries = requests.filter((r) => r.route === "POST /graphql").map((r) => /query (\w+)/.exec(String((r.body as { query?: unknown }).query))?.[1]);
    expect(queries).toEqual(["stewardsBranchSnapshot"]);
    expect(routes.filter((r) => r === "POST /repos/{owner}/{repo}/issues")).toHaveLength(1);

    // The next merge finds the open proposal in the store: no request at all.
    before = fake.requests.length;
    expect((await send("pull_request", mergedPr(8))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.requests.slice(before)).toEqual([]);

    fake.addIssue(OWNER, REPO, { title: "Again", number: 151, author: "ana" });
    await send("issue_comment", comment("/ladder", 151));
    const body = (await eventually(() => appComments(151)[0], "the /ladder reply")).body;
    expect(body).toMatch(/\| merged PRs in the last 365 days \| 5 \| 7 \| ✅ \|/);
  });

  it("answers a duplicate delivery once", async () => {
    fake.addIssue(OWNER, REPO, { title: "Help", number: 152, author: "ana" });
    const payload = comment("/stewards help", 152);
    await send("issue_comment", payload, "dup-1");
    await send("issue_comment", payload, "dup-1");
    const replies = appComments(152);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toContain("/ladder");
  });

  it("answers a near-miss command with a suggestion, and ignores other bots' commands", async () => {
    fake.addIssue(OWNER, REPO, { title: "Typo", number: 153, author: "ana" });
    await send("issue_comment", comment("/ladders", 153));
    await send("issue_comment", comment("/lgtm\n/assign @bob", 153));
    const replies = appComments(153);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toContain("/ladder");
  });

  it("reports a broken governance.yml on the default branch as a failing check run and one issue, closed when fixed", async () => {
    const push = (sha: string) =>
      examplePayload("push", undefined, {
        owner: OWNER,
        repo: REPO,
        installationId: INSTALLATION,
        sender: "alice",
        patch: {
          ref: "refs/heads/main",
          after: sha,
          deleted: false,
          repository: { default_branch: "main" },
          commits: [{ id: sha, added: [], removed: [], modified: [".github/governance.yml"] }],
        },
      });

    const broken = ladder.replace("merged_prs: 15", "merged_prs: fifteen");
    const sha1 = fake.putFile(OWNER, REPO, ".github/governance.yml", broken);
    await send("push", push(sha1));
    let runs = fake.checkRuns(OWNER, REPO);
    expect(runs.at(-1)).toMatchObject({ name: "Stewards / governance.yml", conclusion: "failure", headSha: sha1 });
    const line = broken.split("\n").findIndex((l) => l.includes("fifteen")) + 1;
    expect(runs.at(-1)!.annotations.map((a) => a.start_line)).toContain(line);
    let issues = fake.issues(OWNER, REPO).filter((i) => i.labels.includes("stewards:config"));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.state).toBe("open");
    expect(issues[0]!.body).toContain(String(line));

    // A second broken push updates the same issue.
    const broken2 = ladder.replace("approve_with:", "approve_whith:");
    const sha2 = fake.putFile(OWNER, REPO, ".github/governance.yml", broken2);
    await send("push", push(sha2));
    issues = fake.issues(OWNER, REPO).filter((i) => i.labels.includes("stewards:config"));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.body).toContain("approve_whith");

    // Fixed: success, and the issue is closed.
    const sha3 = fake.putFile(OWNER, REPO, ".github/governance.yml", ladder);
    await send("push", push(sha3));
    runs = fake.checkRuns(OWNER, REPO);
    expect(runs.at(-1)).toMatchObject({ conclusion: "success", headSha: sha3 });
    issues = fake.issues(OWNER, REPO).filter((i) => i.labels.includes("stewards:config"));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.state).toBe("closed");
  });
});

describe("npm start with no credentials", () => {
  it("shows Probot's setup page", async () => {
    const setup = await startApp({ GHE_HOST: "127.0.0.1:9", GHE_PROTOCOL: "http" }, { readyPath: "/probot" });
    try {
      const res = await fetch(`${setup.url}/probot`);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/Register GitHub App|Probot/);
    } finally {
      await setup.stop();
    }
  }, 120_000);
});
