import { PassThrough } from "node:stream";
import { createAppLogger, secretScrubber } from "../../src/runtime/app-logger.js";
import { withDeliveryScope } from "../../src/runtime/delivery-scope.js";
import { testPrivateKey } from "../support/keys.js";

const KEY = testPrivateKey();
const WEBHOOK_SECRET = "hook-secret-4711";
const INSTALLATION_TOKEN = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";
const JWT = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIxIn0.c2lnbmF0dXJlLWJ5dGVz";

async function capture(env: NodeJS.ProcessEnv = {}) {
  const sink = new PassThrough();
  let text = "";
  sink.on("data", (d: Buffer) => (text += d.toString()));
  const log = await createAppLogger({ LOG_FORMAT: "json", LOG_LEVEL: "debug", PRIVATE_KEY: KEY, WEBHOOK_SECRET, DATABASE_URL: "postgres://stewards:pg-pass-991@db:5432/stewards", ...env }, { destination: sink });
  const lines = async () => {
    await new Promise((r) => setTimeout(r, 20));
    return text.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  };
  return { log, lines, text: () => text };
}

describe("the app's logger", () => {
  it("never writes tokens, keys or secrets, whatever field or message they hide in", async () => {
    const { log, lines, text } = await capture();
    log.info({ headers: { authorization: `token ${INSTALLATION_TOKEN}` } }, "request sent");
    log.info({ req: { headers: { authorization: `Bearer ${JWT}` } } }, "app request");
    log.info({ request: { headers: { authorization: "token abcdefgh" } } }, "raw header");
    log.info({ privateKey: KEY, token: "plain-token-value" }, "credentials object");
    log.info({ options: { auth: { token: INSTALLATION_TOKEN, privateKey: KEY } } }, "octokit options");
    log.error({ err: new Error(`could not authenticate with ${INSTALLATION_TOKEN}`) }, "failed");
    log.warn(`the key is ${KEY} and the secret ${WEBHOOK_SECRET}`);
    log.info({ url: "postgres://stewards:pg-pass-991@db:5432/stewards" }, "store opened");
    log.debug({ header: "Authorization: token gho_abcdefghijkl" }, "curl");
    const out = text();
    for (const secret of [INSTALLATION_TOKEN, JWT, "abcdefgh", "plain-token-value", WEBHOOK_SECRET, "pg-pass-991", "gho_abcdefghijkl", "PRIVATE KEY", KEY.split("\n")[1]!]) {
      expect(out).not.toContain(secret);
    }
    const parsed = await lines();
    expect(parsed).toHaveLength(9);
    expect(parsed.map((l) => l.msg)).toContain("request sent");
    expect(out).toContain("[REDACTED]");
    // The structure around the secret survives.
    expect(parsed[7]).toMatchObject({ url: "postgres://stewards:[REDACTED]@db:5432/stewards" });
  });

  it("puts the delivery id and installation on every line logged while a delivery is handled, by any logger", async () => {
    const { log, lines } = await capture();
    const octokitLog = log.child({ name: "github" });
    log.info("startup");
    await withDeliveryScope({ id: "delivery-1", installation: 7 }, async () => {
      await new Promise((r) => setTimeout(r, 5));
      octokitLog.debug("GET /repos/acme/widgets - 200");
      log.child({ name: "event", id: "delivery-1" }).info("handling");
    });
    log.info("after");
    const parsed = await lines();
    expect(parsed.map((l) => [l.msg, l.id, l.installation])).toEqual([
      ["startup", undefined, undefined],
      ["GET /repos/acme/widgets - 200", "delivery-1", 7],
      ["handling", "delivery-1", 7],
      ["after", undefined, undefined],
    ]);
  });

  it("does not write the delivery id twice when the logger already binds it", async () => {
    const { log, text } = await capture();
    withDeliveryScope({ id: "delivery-2" }, () => log.child({ id: "delivery-2" }).info("once"));
    await new Promise((r) => setTimeout(r, 20));
    expect(text().match(/"id":/g)).toHaveLength(1);
  });
});

describe("secretScrubber", () => {
  it("ignores secrets too short to scrub without censoring ordinary words", () => {
    expect(secretScrubber(["abc"])("abc def")).toBe("abc def");
    expect(secretScrubber(["abcdef"])("x abcdef y")).toBe("x [REDACTED] y");
  });
});
