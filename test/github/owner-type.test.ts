/**
 * The owner-type lookup: one `GET /users/{owner}` per account, ever; a kind
 * a payload gave is remembered, and only a change is written.
 */
import { describe, expect, it } from "@jest/globals";
import { ownerTypeFrom, ownerTypeOf, rememberOwnerType } from "../../src/github/owner-type.js";

function values() {
  const map = new Map<string, unknown>();
  const writes: string[] = [];
  return {
    writes,
    getValue: async <T>(key: string) => (map.has(key) ? (map.get(key) as T) : null),
    setValue: async <T>(key: string, value: T) => {
      writes.push(key);
      map.set(key, value);
    },
  };
}

function client(type: string | undefined) {
  const calls: unknown[] = [];
  return { calls, request: async (route: string, params: Record<string, unknown>) => (calls.push([route, params]), { data: { type }, status: 200 }) };
}

describe("ownerTypeOf", () => {
  it.each([
    ["Organization", "Organization"],
    ["User", "User"],
    [undefined, "User"],
  ])("asks GitHub once (type %j is %s), then the store answers, whatever the case of the login", async (type, expected) => {
    const store = values();
    const gh = client(type);
    expect(await ownerTypeOf({ values: store, client: gh }, "Acme")).toBe(expected);
    expect(await ownerTypeOf({ values: store, client: gh }, "acme")).toBe(expected);
    expect(gh.calls).toEqual([["GET /users/{username}", { username: "Acme" }]]);
  });

  it("needs no request for an account a payload named; remembering the same kind again writes nothing", async () => {
    const store = values();
    const gh = client("User");
    await rememberOwnerType(store, "acme", "Organization");
    await rememberOwnerType(store, "ACME", "Organization");
    expect(await ownerTypeOf({ values: store, client: gh }, "acme")).toBe("Organization");
    expect(gh.calls).toEqual([]);
    expect(store.writes).toHaveLength(1);
  });

  it.each([
    ["Organization", "Organization"],
    ["User", "User"],
    ["Bot", undefined],
    [undefined, undefined],
  ])("reads %j from a payload as %j", (type, expected) => {
    expect(ownerTypeFrom(type)).toBe(expected);
  });
});
