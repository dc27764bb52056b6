import nock from "nock";
import { readFileSync } from "node:fs";
import { examplePayload } from "../support/webhooks.js";
import { API, closeProbots, makeProbot, tokenReply } from "./harness.js";

const ladder = readFileSync("fixtures/governance/spec-example.yml", "utf8");

beforeAll(() => nock.disableNetConnect());
afterEach(async () => {
  nock.cleanAll();
  await closeProbots();
});

function commentPayload(body: string, sender = "ana", issueNumber = 5) {
  return examplePayload("issue_comment", "created", {
    owner: "acme",
    repo: "widgets",
    installationId: 3,
    sender,
    patch: { issue: { number: issueNumber }, comment: { body, user: { login: sender, id: 77, type: sender.endsWith("[bot]") ? "Bot" : "User" } } },
  });
}

describe("issue_comment.created commands", () => {
  it("replies to /ladder @user with the standing, and updates that reply when asked again", async () => {
    const { probot, services } = await makeProbot({ now: new Date("2026-11-21T00:00:00Z") });
    // The history was read (with labels: the spec ladder excludes `trivial`); test/e2e/cold-start covers a history not read yet.
    await services.store.setSyncState({ repo: "acme/widgets", backfilled: true, updatedThrough: null, lastSyncAt: "2026-11-20T00:00:00.000Z", fields: { labels: true, paths: false } });
    await services.store.upsertPullRequests(
      [1, 2, 3, 4, 5].map((n) => ({
        repo: "acme/widgets",
        number: n,
        author: "bob",
        mergedAt: `2026-10-0${n}T00:00:00Z`,
        additions: 5,
        deletions: 0,
        labels: [],
        paths: null,
        url: `https://github.com/acme/widgets/pull/${n}`,
      })),
    );
    const bodies: string[] = [];
    const scope = nock(API)
      .post("/app/installations/3/access_tokens")
      .reply(200, tokenReply)
      .get("/repos/acme/widgets/contents/.github%2Fgovernance.yml")
      .reply(200, ladder, { "content-type": "text/plain; charset=utf-8" })
      .get("/repos/acme/.github/contents/.github%2Fgovernance.yml")
      .reply(404, { message: "Not Found" })
      .get("/repos/acme/widgets/contents/.github%2Froster.yml")
      .reply(404, { message: "Not Found" })
      .post("/repos/acme/widgets/issues/5/comments", (b: { body: string }) => {
        bodies.push(b.body);
        return true;
      })
      .reply(201, { id: 900, html_url: "https://github.com/acme/widgets/issues/5#issuecomment-900" });
    await probot.receive({ id: "c-1", name: "issue_comment", payload: commentPayload("/ladder @bob") } as never);
    expect(scope.pendingMocks()).toEqual([]);
    expect(bodies[0]).toContain("[bob](https://github.com/bob)");
    expect(bodies[0]).toMatch(/\| merged PRs in the last 365 days \| 5 \| 5 \| ✅ \|/);

    // Asked again after one more merged PR: the same comment is edited (the ladder is cached: no reads).
    await services.store.upsertPullRequests([
      { repo: "acme/widgets", number: 6, author: "bob", mergedAt: "2026-11-01T00:00:00Z", additions: 5, deletions: 0, labels: [], paths: null, url: "https://github.com/acme/widgets/pull/6" },
    ]);
    // The installation token is cached by Probot, so only the edit is asked.
    const scope2 = nock(API)
      .patch("/repos/acme/widgets/issues/comments/900", (b: { body: string }) => {
        bodies.push(b.body);
        return true;
      })
      .reply(200, { id: 900 });
    await probot.receive({ id: "c-2", name: "issue_comment", payload: commentPayload("/ladder @bob") } as never);
    expect(scope2.pendingMocks()).toEqual([]);
    expect(bodies[1]).toMatch(/\| merged PRs in the last 365 days \| 5 \| 6 \| ✅ \|/);
  });

  it("answers a malformed /ladder with its usage", async () => {
    const { probot } = await makeProbot();
    let reply = "";
    const scope = nock(API)
      .post("/app/installations/3/access_tokens")
      .reply(200, tokenReply)
      .post("/repos/acme/widgets/issues/5/comments", (b: { body: string }) => {
        reply = b.body;
        return true;
      })
      .reply(201, { id: 1 });
    await probot.receive({ id: "c-3", name: "issue_comment", payload: commentPayload("/ladder not a login!") } as never);
    expect(scope.pendingMocks()).toEqual([]);
    expect(reply).toContain("/ladder [@user]");
  });

  it("says when the repository has no ladder", async () => {
    const { probot } = await makeProbot();
    let reply = "";
    nock(API)
      .post("/app/installations/3/access_tokens")
      .reply(200, tokenReply)
      .get("/repos/acme/widgets/contents/.github%2Fgovernance.yml")
      .reply(404, { message: "Not Found" })
      .get("/repos/acme/.github/contents/.github%2Fgovernance.yml")
      .reply(404, { message: "Not Found" })
      .post("/repos/acme/widgets/issues/5/comments", (b: { body: string }) => {
        reply = b.body;
        return true;
      })
      .reply(201, { id: 1 });
    await probot.receive({ id: "c-4", name: "issue_comment", payload: commentPayload("/ladder") } as never);
    expect(reply).toMatch(/no `\.github\/governance\.yml`/);
  });

  it("ignores comments from bots and comments without commands", async () => {
    const { probot } = await makeProbot();
    // No scopes: a request would throw inside the handler, which the guard logs; nothing must be asked.
    const recorded: string[] = [];
    nock.emitter.on("no match", (req: Request) => recorded.push(req.url));
    await probot.receive({ id: "c-5", name: "issue_comment", payload: commentPayload("/ladder", "renovate[bot]") } as never);
    await probot.receive({ id: "c-6", name: "issue_comment", payload: commentPayload("Thanks! /ladder is neat") } as never);
    await probot.receive({ id: "c-7", name: "issue_comment", payload: commentPayload("```\n/ladder\n```") } as never);
    nock.emitter.removeAllListeners("no match");
    expect(recorded).toEqual([]);
  });

  it("survives GitHub failing while it answers, and a later delivery works", async () => {
    const { probot } = await makeProbot();
    nock(API).post("/app/installations/3/access_tokens").reply(200, tokenReply).post("/repos/acme/widgets/issues/5/comments").reply(502, { message: "Bad Gateway" });
    await expect(probot.receive({ id: "c-8", name: "issue_comment", payload: commentPayload("/stewards help") } as never)).resolves.not.toThrow();
    const ok = nock(API).post("/repos/acme/widgets/issues/5/comments").reply(201, { id: 2 });
    await probot.receive({ id: "c-9", name: "issue_comment", payload: commentPayload("/stewards help") } as never);
    expect(ok.isDone()).toBe(true);
  });
});
