import { createServer } from "node:http";
import type { IncomingHttpHeaders, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createPrivateKey } from "node:crypto";
import { verify } from "@octokit/webhooks-methods";
import { testKeyPair, testPrivateKey } from "../support/keys.js";
import { examplePayload, sendWebhook, signPayload } from "../support/webhooks.js";

describe("webhook helpers", () => {
  let server: Server;
  let url: string;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
        res.writeHead(202, { "content-type": "text/plain" }).end("ok");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("signs a body so that @octokit/webhooks-methods verifies it, and not a tampered one", async () => {
    const signature = await signPayload("s3cret", '{"a":1}');
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    await expect(verify("s3cret", '{"a":1}', signature)).resolves.toBe(true);
    await expect(verify("s3cret", '{"a":2}', signature)).resolves.toBe(false);
  });

  it("delivers a signed webhook with GitHub's headers over HTTP", async () => {
    const payload = examplePayload("issue_comment", "created", { owner: "acme", repo: "widgets", patch: { comment: { body: "/ladder" } } });
    const response = await sendWebhook(url, { secret: "s3cret", event: "issue_comment", deliveryId: "d-1", payload });
    expect(response).toEqual({ status: 202, body: "ok" });
    const got = received.at(-1);
    expect(got?.headers).toMatchObject({ "x-github-event": "issue_comment", "x-github-delivery": "d-1", "content-type": "application/json" });
    await expect(verify("s3cret", got?.body ?? "", String(got?.headers["x-hub-signature-256"]))).resolves.toBe(true);
    expect(JSON.parse(got?.body ?? "{}").comment.body).toBe("/ladder");
  });
});

describe("examplePayload", () => {
  it("adds an installation where GitHub's example has none", () => {
    const payload = examplePayload("issue_comment", "created");
    expect(payload.installation).toEqual({ id: 1, node_id: expect.any(String) });
  });

  it("moves the example to another repository, sender and installation", () => {
    const payload = examplePayload("pull_request", "closed", { owner: "acme", repo: "widgets", sender: "renovate[bot]", installationId: 9, patch: { pull_request: { merged: true } } });
    expect(payload.repository).toMatchObject({ name: "widgets", full_name: "acme/widgets", owner: { login: "acme" } });
    expect(payload.pull_request.base.repo.full_name).toBe("acme/widgets");
    expect(payload.pull_request.url).toContain("/repos/acme/widgets/pulls/");
    expect(payload.pull_request.merged).toBe(true);
    expect(payload.sender).toMatchObject({ login: "renovate[bot]", type: "Bot" });
    expect(payload.installation?.id).toBe(9);
  });

  it("returns a fresh copy each time", () => {
    const a = examplePayload("issues", "opened");
    a.issue.title = "changed";
    expect(examplePayload("issues", "opened").issue.title).not.toBe("changed");
  });

  it("fails loudly for an action GitHub's examples do not have", () => {
    expect(() => examplePayload("issues", "exploded")).toThrow("no example 0 for issues.exploded");
  });
});

describe("test keys", () => {
  it("is a 2048-bit PKCS#1 RSA key, generated once", () => {
    expect(testPrivateKey()).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    expect(createPrivateKey(testPrivateKey()).asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(testKeyPair()).toBe(testKeyPair());
  });
});
