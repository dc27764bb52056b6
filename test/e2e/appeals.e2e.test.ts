/**
 * End to end, an appeal as people live it (issue 12's "done when"), through
 * the real server (`npm start`), signed webhooks and the stateful fake
 * GitHub in GHES mode: a nomination is rejected → the candidate appeals on
 * the proposal issue → one appeal issue, the panel assigned without the
 * rejecter and the appellant → a stranger's /overturn is not counted → two
 * panel /overturn → the person holds the role, their team follows, the
 * appeal is closed, and the log has the rejection, the filing and the
 * outcome; appealing again is refused. Then a second process with its own
 * store (another replica, or the same after losing its disk) files the next
 * appeal: its panel continues the rotation, read from the log.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { FakeGitHub } from "../fake-github/server.js";
import { startGhesFake } from "../support/ghes-fake.js";
import { eventually, installedAppEnv, startApp, type AppProcess } from "../support/app-process.js";
import { examplePayload, sendWebhook } from "../support/webhooks.js";
import { parseLog } from "../../src/log/parse-log.js";

const OWNER = "acme";
const REPO = "courts";
const INSTALLATION = 11;
const SECRET = "e2e-secret";
const SLOW = 120_000;
const ladder = readFileSync("fixtures/governance/spec-example.yml", "utf8");
const MAINTAINERS = ["alice", "bob", "carol", "dan", "erin"];
const ROSTER = `members:\n${MAINTAINERS.map((l) => `  - login: ${l}\n    role: maintainer\n    since: 2024-01-15\n`).join("")}`;

let fake: FakeGitHub;
let app: AppProcess;
let delivery = 0;

function send(target: AppProcess, event: string, payload: unknown) {
  return sendWebhook(target.webhookUrl, { secret: SECRET, event, deliveryId: `appeal-${++delivery}`, payload: payload as Record<string, unknown> });
}

function comment(body: string, issueNumber: number, sender: string) {
  return examplePayload("issue_comment", "created", {
    owner: OWNER,
    repo: REPO,
    installationId: INSTALLATION,
    sender,
    patch: { issue: { number: issueNumber }, comment: { body, user: { login: sender, id: 9000 + delivery, type: "User" } }, repository: { default_branch: "main" } },
  });
}

const botReplies = (issue: number) => fake.comments(OWNER, REPO, issue).filter((c) => c.user.login.endsWith("[bot]") && c.body.includes('"kind":"command-reply"'));
const logOf = () => parseLog(fake.file(OWNER, REPO, "GOVERNANCE-LOG.md") ?? "");
const appealIssues = () => fake.issues(OWNER, REPO).filter((i) => i.labels.includes("stewards:appeal"));

async function ask(target: AppProcess, body: string, issue: number, sender: string): Promise<string> {
  const before = botReplies(issue).length;
  await send(target, "issue_comment", comment(body, issue, sender));
  return (await eventually(() => botReplies(issue)[before], `a reply to ${JSON.stringify(body)}`)).body;
}

beforeAll(async () => {
  fake = await startGhesFake();
  fake.addRepo({ owner: OWNER, name: REPO, installationId: INSTALLATION });
  fake.putFile(OWNER, REPO, ".github/governance.yml", ladder);
  fake.putFile(OWNER, REPO, ".github/roster.yml", ROSTER);
  fake.addTeam(OWNER, "contributors", { members: [] });
  fake.addTeam(OWNER, "reviewers", { members: [] });
  fake.addTeam(OWNER, "maintainers", { members: MAINTAINERS });
  for (const l of [...MAINTAINERS, "ana", "ben"]) fake.setOrgRole(OWNER, l, "member");
  fake.addIssue(OWNER, REPO, { title: "Nominations", number: 100, author: "alice" });
  app = await startApp(installedAppEnv(fake.host, SECRET, { SWEEP_INTERVAL: "1h" }));
  await send(app, "installation", examplePayload("installation", "created", {
    installationId: INSTALLATION,
    patch: { installation: { account: { login: OWNER, id: 4100 } }, repositories: [{ id: 1, node_id: "R_1", name: REPO, full_name: `${OWNER}/${REPO}`, private: false }] },
  }));
  await eventually(() => app.output().includes('"msg":"history backfilled"'), "the backfill to finish", 60_000);
}, 180_000);

afterAll(async () => {
  if (process.env.E2E_DEBUG) writeFileSync("/tmp/appeals-app.log", app.output());
  await app?.stop();
  await fake?.close();
});

afterEach(() => fake.assertNoViolations());

async function nominateAndReject(login: string): Promise<number> {
  const reply = await ask(app, `/nominate @${login} member Fixed the release scripts`, 100, "alice");
  const issue = Number(/#(\d+)/.exec(reply)![1]);
  await send(app, "issue_comment", comment("/reject not enough history yet", issue, "bob"));
  await eventually(() => fake.issues(OWNER, REPO).find((i) => i.number === issue)!.state === "closed", "the rejection to land");
  return issue;
}

describe("an appeal, end to end", () => {
  it(
    "reject → /appeal → panel without the decider → a stranger's /overturn ignored → two /overturn → promoted, team synced, closed, logged",
    async () => {
      const proposal = await nominateAndReject("ana");
      expect(logOf().map((e) => `${e.id} ${e.kind}: ${e.subject}`)).toEqual(["D-0001 rejection: ana"]);

      const filed = await ask(app, "/appeal I fixed the release scripts twice, see #4", proposal, "ana");
      expect(filed).toMatch(/Appeal of D-0001 opened: #\d+/);
      const [appeal] = appealIssues();
      expect(appeal).toBeDefined();
      // In rotation from the start of the order, leaving out bob (who rejected) and ana (who appeals).
      expect(appeal!.assignees).toEqual(["alice", "carol", "dan"]);
      expect(appeal!.body).toMatch(/@alice, @carol, @dan/);

      expect(await ask(app, "/overturn she did the work", appeal!.number, "erin")).toMatch(/Only the panel/);
      await send(app, "issue_comment", comment("/overturn her release work counts", appeal!.number, "alice"));
      // The status comment, edited in place, shows the tally.
      await eventually(() => fake.comments(OWNER, REPO, appeal!.number).some((c) => /1 to overturn \(of 2 needed\)/.test(c.body)), "the tally to show alice's vote");
      expect(fake.comments(OWNER, REPO, appeal!.number).filter((c) => /Appeal tally/.test(c.body))).toHaveLength(1);
      expect(fake.issues(OWNER, REPO).find((i) => i.number === appeal!.number)!.state).toBe("open");
      await send(app, "issue_comment", comment("/overturn agreed, and @dan too", appeal!.number, "carol"));
      await eventually(() => fake.issues(OWNER, REPO).find((i) => i.number === appeal!.number)!.state === "closed", "the appeal to close");

      expect(fake.file(OWNER, REPO, ".github/roster.yml")).toMatch(/- login: ana\n\s+role: member\n\s+since: \d{4}-\d{2}-\d{2}\n\s+decision: D-0003/);
      await eventually(() => fake.teamMembers(OWNER, "contributors").includes("ana"), "ana in the contributors team");
      const log = logOf();
      expect(log.map((e) => `${e.id} ${e.kind}`)).toEqual(["D-0001 rejection", "D-0002 appeal filed", "D-0003 appeal outcome"]);
      expect(log[2]!.appeal).toMatchObject({ decision: "D-0001", outcome: "overturned", votes: [{ login: "alice", vote: "overturn" }, { login: "carol", vote: "overturn" }] });
      // The log names people by link only: the reason's @dan does not mention anyone.
      expect(fake.file(OWNER, REPO, "GOVERNANCE-LOG.md")).not.toMatch(/(^|[^\w\u200d`])@dan\b/m);

      expect(await ask(app, "/appeal once more", proposal, "ana")).toMatch(/appealed already/);
      expect(appealIssues()).toHaveLength(1);
      expect(logOf()).toHaveLength(3);
    },
    SLOW,
  );

  it(
    "a second process with its own store continues the panel rotation from the log",
    async () => {
      const proposal = await nominateAndReject("ben");
      const rejection = logOf().at(-1)!;
      expect(rejection).toMatchObject({ kind: "rejection", subject: "ben" });
      const other = await startApp(installedAppEnv(fake.host, SECRET, { SWEEP_INTERVAL: "1h" }));
      try {
        const reply = await ask(other, `/appeal ${rejection.id} my scripts were merged after all`, proposal, "ben");
        expect(reply).toMatch(new RegExp(`Appeal of ${rejection.id} opened`));
      } finally {
        await other.stop();
      }
      const second = appealIssues().find((i) => i.state === "open")!;
      // The last panel ended with dan: erin, then round to alice and carol (bob rejected; ben appeals).
      expect(second.assignees).toEqual(["erin", "alice", "carol"]);
      expect(logOf().at(-1)).toMatchObject({ kind: "appeal filed", appeal: { panel: ["erin", "alice", "carol"], rotation: "carol" } });
    },
    SLOW,
  );
});
