/**
 * `pull_request.closed` reaches the promotion-pull handler for every closed
 * pull request; only the app's own promotion pull requests may cost anything.
 */
import nock from "nock";
import { examplePayload } from "../support/webhooks.js";
import { API, closeProbots, makeProbot } from "./harness.js";

beforeAll(() => nock.disableNetConnect());
afterEach(async () => {
  nock.cleanAll();
  await closeProbots();
});

function closed(head: Record<string, unknown>, user: Record<string, unknown>, merged = true) {
  return examplePayload("pull_request", "closed", {
    owner: "acme",
    repo: "widgets",
    patch: { pull_request: { number: 40, merged, merged_at: merged ? "2026-11-01T10:00:00Z" : null, head, user, labels: [] }, repository: { default_branch: "main" } },
  });
}

const bot = { login: "stewards[bot]", id: 1, type: "Bot" };

describe("closed pull requests that are not the app's promotion pull requests", () => {
  it.each([
    ["any other branch", { ref: "fix-typo", repo: { full_name: "acme/widgets" } }, bot],
    ["a promotion branch of a fork", { ref: "stewards/promote/ana/member", repo: { full_name: "mallory/widgets" } }, bot],
    ["a promotion branch a person opened the pull request from", { ref: "stewards/promote/ana/member", repo: { full_name: "acme/widgets" } }, { login: "mallory", id: 9, type: "User" }],
  ])("cost no request: %s", async (_name, head, user) => {
    const { probot, services } = await makeProbot();
    // No nock scope for anything but the ledger's nothing: a request would fail the handler.
    await probot.receive({ id: `d-${Math.random()}`, name: "pull_request", payload: closed(head, user, false) } as never);
    expect(await services.store.getValue("proposal:acme/widgets:ana:member")).toBeNull();
  });

  it("a bot's promotion branch without a proposal of this app reads only the app's own login, and decides nothing", async () => {
    const { probot } = await makeProbot();
    const app = nock(API).get("/app").reply(200, { id: 1, slug: "stewards", name: "Stewards" });
    await probot.receive({ id: "d-2", name: "pull_request", payload: closed({ ref: "stewards/promote/ana/member", repo: { full_name: "acme/widgets" } }, bot, false) } as never);
    expect(app.isDone()).toBe(true);
  });
});
