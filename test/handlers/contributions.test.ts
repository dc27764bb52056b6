import nock from "nock";
import { examplePayload } from "../support/webhooks.js";
import { closeProbots, makeProbot } from "./harness.js";

beforeAll(() => nock.disableNetConnect());
afterEach(async () => {
  nock.cleanAll();
  await closeProbots();
});

describe("merged PRs and reviews feed the ledger from the payload alone", () => {
  it("stores a merged PR with no API request", async () => {
    const { probot, services } = await makeProbot();
    const payload = examplePayload("pull_request", "closed", {
      owner: "acme",
      repo: "widgets",
      patch: {
        pull_request: {
          number: 12,
          merged: true,
          merged_at: "2026-11-01T10:00:00Z",
          additions: 30,
          deletions: 4,
          labels: [{ name: "docs" }],
          user: { login: "ana", id: 5, type: "User" },
        },
      },
    });
    // No nock scope is registered: any request would fail the handler and leave the ledger empty.
    await probot.receive({ id: "d-1", name: "pull_request", payload } as never);
    const prs = await services.store.listPullRequests({ repos: ["acme/widgets"] });
    expect(prs).toEqual([
      expect.objectContaining({ repo: "acme/widgets", number: 12, author: "ana", additions: 30, deletions: 4, labels: ["docs"], paths: null }),
    ]);
  });

  it("ignores a PR closed without merging", async () => {
    const { probot, services } = await makeProbot();
    const payload = examplePayload("pull_request", "closed", {
      owner: "acme",
      repo: "widgets",
      patch: { pull_request: { number: 13, merged: false, merged_at: null } },
    });
    await probot.receive({ id: "d-2", name: "pull_request", payload } as never);
    expect(await services.store.listPullRequests({ repos: ["acme/widgets"] })).toEqual([]);
  });

  it("stores a submitted review with no API request, once however often it is delivered", async () => {
    const { probot, services } = await makeProbot();
    const payload = examplePayload("pull_request_review", "submitted", { owner: "acme", repo: "widgets" });
    await probot.receive({ id: "d-3", name: "pull_request_review", payload } as never);
    await probot.receive({ id: "d-4", name: "pull_request_review", payload } as never);
    const reviews = await services.store.listReviews({ repos: ["acme/widgets"] });
    expect(reviews).toHaveLength(1);
    expect(reviews[0]).toMatchObject({ repo: "acme/widgets", reviewer: payload.review.user!.login });
  });
});
