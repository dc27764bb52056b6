import { findMarker, findMarkers, renderMarker, stripMarkers } from "../../src/render/markers.js";
import type { MarkerKey } from "../../src/render/markers.js";

describe("renderMarker", () => {
  it("renders a one-line HTML comment with the kind first and sorted keys", () => {
    expect(renderMarker("ladder-reply", { login: "alice", issue: 7 })).toMatchInlineSnapshot(
      `"<!-- stewards:{"kind":"ladder-reply","issue":7,"login":"alice"} -->"`,
    );
  });

  it("renders the same text whatever order the key was built in", () => {
    expect(renderMarker("k", { b: 1, a: "x" })).toBe(renderMarker("k", { a: "x", b: 1 }));
  });

  it("escapes dashes and angle brackets inside values so the comment cannot be closed early", () => {
    const marker = renderMarker("config-issue", { note: "a --> b <!-- c --!> d" });
    expect(marker).toMatchInlineSnapshot(
      `"<!-- stewards:{"kind":"config-issue","note":"a \\u002d\\u002d\\u003e b \\u003c!\\u002d\\u002d c \\u002d\\u002d!\\u003e d"} -->"`,
    );
    const inner = marker.slice("<!--".length, -"-->".length);
    expect(inner).not.toMatch(/--|<|>/);
  });

  it.each<[string, string, MarkerKey]>([
    ["an upper-case kind", "Ladder", {}],
    ["a kind with spaces", "a b", {}],
    ["a kind with a comment closer", "x-->", {}],
    ["a kind with a double dash", "a--b", {}],
    ["a key named kind", "k", { kind: "x" }],
    ["NaN", "k", { n: Number.NaN }],
    ["Infinity", "k", { n: Number.POSITIVE_INFINITY }],
  ])("refuses %s", (_what, kind, key) => {
    expect(() => renderMarker(kind, key)).toThrow();
  });
});

describe("findMarker", () => {
  it.each<[string, MarkerKey]>([
    ["simple", { login: "alice" }],
    ["numbers, negative and fractional", { n: -5, f: 1.5e-7, z: 0 }],
    ["comment closers", { v: "-->", w: "--!>", x: "<!--", y: "---->" }],
    ["quotes, backslashes and braces", { v: '"} -->\\', w: "{}" }],
    ["line breaks and unicode", { v: "a\nb\r\nc\u2028d 🎉 世界" }],
    ["an empty key", {}],
    ["a key name with dashes", { "a-b--c": "d" }],
  ])("reads back what renderMarker wrote: %s", (_what, key) => {
    const body = `Some text\n\n${renderMarker("ladder-reply", key)}\n`;
    expect(findMarker(body, "ladder-reply")).toEqual(key);
  });

  it("finds the marker of the requested kind among several", () => {
    const body = [renderMarker("a", { n: 1 }), "text", renderMarker("b", { n: 2 }), renderMarker("b", { n: 3 })].join("\n");
    expect(findMarker(body, "b")).toEqual({ n: 2 });
    expect(findMarker(body, "c")).toBeNull();
    expect(findMarkers(body).map((m) => m.kind)).toEqual(["a", "b", "b"]);
  });

  it("works in CRLF bodies", () => {
    expect(findMarker(`text\r\n${renderMarker("k", { a: "b" })}\r\n`, "k")).toEqual({ a: "b" });
  });

  it.each<[string, string]>([
    ["no marker", "just text"],
    ["broken JSON", '<!-- stewards:{"kind":"k",} -->'],
    ["a non-object", '<!-- stewards:["k"] -->'],
    ["no kind", '<!-- stewards:{"a":1} -->'],
    ["a nested value", '<!-- stewards:{"kind":"k","a":{"b":1}} -->'],
    ["a boolean value", '<!-- stewards:{"kind":"k","a":true} -->'],
    ["a null value", '<!-- stewards:{"kind":"k","a":null} -->'],
    ["another app's marker", '<!-- other:{"kind":"k"} -->'],
    ["a marker split across lines", '<!-- stewards:{"kind":"k",\n"a":1} -->'],
    ["escaped text, as escapeMarkdownInline leaves it", '&lt;!-- stewards:{"kind":"k"} --&gt;'],
  ])("ignores %s", (_what, body) => {
    expect(findMarker(body, "k")).toBeNull();
  });

  it("does not let text before a marker swallow it", () => {
    const body = `<!-- stewards:{"kind":"k" oops -->\n${renderMarker("k", { a: 1 })}`;
    expect(findMarker(body, "k")).toEqual({ a: 1 });
  });
});

describe("stripMarkers", () => {
  it("removes markers and the blank lines they leave at the end", () => {
    const body = `Hello\n\n${renderMarker("k", { a: "x-->y" })}\n`;
    expect(stripMarkers(body)).toBe("Hello");
  });

  it("keeps other HTML comments", () => {
    expect(stripMarkers(`<!-- note -->\nHello ${renderMarker("k", {})}`)).toBe("<!-- note -->\nHello");
  });
});
