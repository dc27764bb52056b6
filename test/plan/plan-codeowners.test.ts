import { describe, expect, it } from "@jest/globals";
import { nextCodeowners, type CodeownersChange } from "../../src/plan/plan-codeowners.js";

const BLOCK = "# BEGIN stewards\n* @alice\n# END stewards";
const OLD_BLOCK = "# BEGIN stewards\n* @alice @dave\n# END stewards";

describe("nextCodeowners", () => {
  it.each<[string, { path: string | null; text: string | null }, CodeownersChange]>([
    ["no file: a new .github/CODEOWNERS holding only the block", { path: null, text: null }, { kind: "write", path: ".github/CODEOWNERS", text: `${BLOCK}\n`, blockLines: { start: 1, end: 3 } }],
    ["an empty file: the block, at the file's own path", { path: "CODEOWNERS", text: "" }, { kind: "write", path: "CODEOWNERS", text: `${BLOCK}\n`, blockLines: { start: 1, end: 3 } }],
    ["the block as it should be: unchanged", { path: ".github/CODEOWNERS", text: `${BLOCK}\n` }, { kind: "unchanged" }],
    [
      "an old block between people's lines: replaced, the rest kept",
      { path: "docs/CODEOWNERS", text: `/api/ @zed\n${OLD_BLOCK}\n/web/ @yan\n` },
      { kind: "write", path: "docs/CODEOWNERS", text: `/api/ @zed\n${BLOCK}\n/web/ @yan\n`, blockLines: { start: 2, end: 4 } },
    ],
    [
      "no block yet: appended after a blank line",
      { path: "CODEOWNERS", text: "/api/ @zed\n" },
      { kind: "write", path: "CODEOWNERS", text: `/api/ @zed\n\n${BLOCK}\n`, blockLines: { start: 3, end: 5 } },
    ],
    [
      "no block, no final newline: one is added before the blank line",
      { path: "CODEOWNERS", text: "/api/ @zed" },
      { kind: "write", path: "CODEOWNERS", text: `/api/ @zed\n\n${BLOCK}\n`, blockLines: { start: 3, end: 5 } },
    ],
    [
      "CRLF line ends are kept, in the block too",
      { path: "CODEOWNERS", text: `/api/ @zed\r\n${OLD_BLOCK.replaceAll("\n", "\r\n")}\r\n` },
      { kind: "write", path: "CODEOWNERS", text: `/api/ @zed\r\n${BLOCK.replaceAll("\n", "\r\n")}\r\n`, blockLines: { start: 2, end: 4 } },
    ],
    ["two BEGIN lines: malformed, left alone", { path: "CODEOWNERS", text: `# BEGIN stewards\n${BLOCK}\n` }, { kind: "malformed", path: "CODEOWNERS" }],
    ["BEGIN without END: malformed", { path: ".github/CODEOWNERS", text: "# BEGIN stewards\n* @alice\n" }, { kind: "malformed", path: ".github/CODEOWNERS" }],
    ["END before BEGIN: malformed", { path: "CODEOWNERS", text: "# END stewards\n# BEGIN stewards\n" }, { kind: "malformed", path: "CODEOWNERS" }],
  ])("%s", (_name, current, expected) => {
    expect(nextCodeowners(BLOCK, current)).toEqual(expected);
  });

  it("is idempotent: writing its text and asking again gives unchanged", () => {
    const first = nextCodeowners(BLOCK, { path: "CODEOWNERS", text: `/api/ @zed\n${OLD_BLOCK}\n` });
    expect(first.kind).toBe("write");
    if (first.kind !== "write") return;
    expect(nextCodeowners(BLOCK, { path: first.path, text: first.text })).toEqual({ kind: "unchanged" });
  });

  it("gives the block's 1-based lines in the new text", () => {
    const next = nextCodeowners(BLOCK, { path: "CODEOWNERS", text: "/a/ @x\n/b/ @y\n\n" });
    if (next.kind !== "write") throw new Error(`expected a write, got ${next.kind}`);
    const lines = next.text.split("\n");
    expect(lines.slice(next.blockLines.start - 1, next.blockLines.end).join("\n")).toBe(BLOCK);
  });
});
