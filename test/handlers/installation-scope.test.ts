/**
 * A verified payload whose repository or organisation is not the account of
 * its installation is refused before any handler runs: a log line, the
 * `refused` counter, no API request touching the named repository, and
 * nothing written to the ledger.
 */
import nock from "nock";
import { PassThrough } from "node:stream";
import { InstallationAccountCache } from "../../src/github/installation-accounts.js";
import { createAppLogger } from "../../src/runtime/app-logger.js";
import { ROUTES } from "../../src/handlers/routes.js";
import { examplePayload } from "../support/webhooks.js";
import { API, closeProbots, makeProbot } from "./harness.js";

beforeAll(() => nock.disableNetConnect());
afterEach(async () => {
  nock.cleanAll();
  await closeProbots();
});

/** The counter counts handler runs (README "Metrics"): one per route of `pull_request.closed` (the ledger, promotion pull requests). */
const CLOSED_HANDLERS = ROUTES.filter((r) => r.events.includes("pull_request.closed")).length;

function mergedPr(owner: string, opts: { organization?: string } = {}) {
  return examplePayload("pull_request", "closed", {
    owner,
    repo: "widgets",
    installationId: 3,
    patch: {
      pull_request: { number: 12, merged: true, merged_at: "2026-11-01T10:00:00Z", additions: 30, deletions: 4, labels: [], user: { login: "ana", id: 5, type: "User" } },
      ...(opts.organization ? { organization: { login: opts.organization, id: 99 } } : {}),
    },
  });
}

async function setup() {
  const sink = new PassThrough();
  let text = "";
  sink.on("data", (d: Buffer) => (text += d.toString()));
  const log = await createAppLogger({ LOG_FORMAT: "json", LOG_LEVEL: "info" }, { destination: sink });
  const accounts = new InstallationAccountCache();
  const { probot, services } = await makeProbot({ installationAccounts: accounts, log });
  const lines = async () => {
    await new Promise((r) => setTimeout(r, 20));
    return text.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  };
  const counted = async (outcome: string, event = "pull_request") => {
    const metric = await services.metrics.deliveries.get();
    return metric.values.find((v) => v.labels.outcome === outcome && v.labels.event === event)?.value ?? 0;
  };
  return { probot, services, accounts, lines, counted };
}

describe("deliveries are confined to their installation's account", () => {
  it("refuses a payload naming another account's repository with a log line and no API request at all when the account is known", async () => {
    const { probot, services, accounts, lines, counted } = await setup();
    accounts.remember(3, { id: 1, login: "acme" });
    // No nock interceptor: any request would fail the test through the "failed" outcome below.
    await probot.receive({ id: "evil-1", name: "pull_request", payload: mergedPr("other-org") } as never);
    expect(await services.store.listPullRequests({ repos: ["other-org/widgets"] })).toEqual([]);
    expect(await counted("refused")).toBe(CLOSED_HANDLERS);
    expect(await counted("failed")).toBe(0);
    const refusal = (await lines()).find((l) => l.msg === "delivery refused: it names resources outside its installation");
    expect(refusal).toMatchObject({ id: "evil-1", installation: 3, reason: "installation 3 belongs to acme, but the payload names other-org" });
  });

  it("asks GitHub (as the app) whose installation it is when it does not know, and still touches nothing of the named repository", async () => {
    const { probot, services, counted } = await setup();
    const scope = nock(API).get("/app/installations/3").reply(200, { id: 3, account: { login: "acme", id: 1 } });
    await probot.receive({ id: "evil-2", name: "pull_request", payload: mergedPr("other-org") } as never);
    expect(scope.pendingMocks()).toEqual([]);
    expect(await counted("refused")).toBe(CLOSED_HANDLERS);
    expect(await services.store.listPullRequests({ repos: ["other-org/widgets"] })).toEqual([]);

    // The answer is cached: a later delivery for the right account needs no lookup and is handled.
    await probot.receive({ id: "good-1", name: "pull_request", payload: mergedPr("acme") } as never);
    expect(await counted("handled")).toBe(CLOSED_HANDLERS);
    expect(await services.store.listPullRequests({ repos: ["acme/widgets"] })).toHaveLength(1);
  });

  it("refuses a payload whose organisation is not the installation's account, even with a matching repository owner", async () => {
    const { probot, services, accounts, counted } = await setup();
    accounts.remember(3, { id: 1, login: "acme" });
    await probot.receive({ id: "evil-3", name: "pull_request", payload: mergedPr("acme", { organization: "other-org" }) } as never);
    expect(await counted("refused")).toBe(CLOSED_HANDLERS);
    expect(await services.store.listPullRequests({ repos: ["acme/widgets"] })).toEqual([]);
  });

  it("refuses a payload for an installation GitHub does not know", async () => {
    const { probot, counted } = await setup();
    const scope = nock(API).get("/app/installations/3").reply(404, { message: "Not Found" });
    await probot.receive({ id: "evil-4", name: "pull_request", payload: mergedPr("acme") } as never);
    expect(scope.pendingMocks()).toEqual([]);
    expect(await counted("refused")).toBe(CLOSED_HANDLERS);
  });

  it("learns the account from installation payloads, and refuses added repositories of another account", async () => {
    const { probot, accounts, counted } = await setup();
    const payload = examplePayload("installation_repositories", "added", {
      installationId: 3,
      patch: {
        installation: { account: { login: "acme", id: 1 } },
        repositories_added: [{ id: 9, node_id: "R_9", name: "widgets", full_name: "other-org/widgets", private: false }],
      },
    });
    // No interceptor: the account comes from the payload, and the foreign repository is never backfilled.
    await probot.receive({ id: "evil-5", name: "installation_repositories", payload } as never);
    expect(await counted("refused", "installation_repositories")).toBe(1);
    expect(await accounts.accountOf(3, () => Promise.reject(new Error("must not be asked")))).toEqual({ login: "acme", id: 1 });
  });
});
