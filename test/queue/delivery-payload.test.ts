import { gzipSync } from "node:zlib";
import { packedSize, packPayload, unpackPayload } from "../../src/queue/delivery-payload.js";
import { examplePayload } from "../support/webhooks.js";

describe("a delivery's payload in its job", () => {
  const payload = examplePayload("pull_request", "closed", { owner: "acme", repo: "widgets" });

  it("comes back equal to what was packed", () => {
    const packed = packPayload(payload);
    expect(unpackPayload(packed)).toEqual(payload);
  });

  it("is gzip in base64, a fraction of the JSON text", () => {
    const packed = packPayload(payload);
    const json = JSON.stringify(payload);
    expect(packed.payloadGz).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(packed.payloadJson).toBeUndefined();
    expect(packedSize(packed)).toBe(packed.payloadGz!.length);
    expect(packedSize(packed)).toBeLessThan(json.length / 3);
  });

  it("keeps characters jsonb refuses in object strings (NUL) and any Unicode", () => {
    const odd = { body: "a \u0000 b é ✓ 🎉 </script> `x`", n: 1 };
    expect(unpackPayload(packPayload(odd))).toEqual(odd);
  });

  it("reads jobs that earlier versions queued with plain JSON text", () => {
    expect(unpackPayload({ payloadJson: JSON.stringify(payload) })).toEqual(payload);
    expect(packedSize({ payloadJson: "{}" })).toBe(2);
  });

  it("throws on a corrupt or missing payload rather than running a handler on nothing", () => {
    expect(() => unpackPayload({ payloadGz: "bm90IGd6aXA=" })).toThrow();
    expect(() => unpackPayload({ payloadGz: gzipSync("{not json").toString("base64") })).toThrow(SyntaxError);
    expect(() => unpackPayload({} as never)).toThrow("the job carries no payload");
  });
});
