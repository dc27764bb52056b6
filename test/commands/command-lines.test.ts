import { commandCandidateLines } from "../../src/commands/command-lines.js";

describe("commandCandidateLines", () => {
  it("returns slash lines of paragraphs with their 1-based numbers, as written", () => {
    const body = ["Hi,", "  /ladder @a", "", "```", "/withdraw", "```", "> /uphold", "", "/reject no", "text /x"].join("\n");
    expect(commandCandidateLines(body)).toEqual([
      { line: 2, text: "  /ladder @a" },
      { line: 9, text: "/reject no" },
    ]);
  });

  it("counts lines the same way for CRLF, CR and LF", () => {
    for (const eol of ["\n", "\r\n", "\r"]) {
      expect(commandCandidateLines(["a", "", "/b"].join(eol))).toEqual([{ line: 3, text: "/b" }]);
    }
  });

  it("resumes after an HTML block that ends on its first line", () => {
    expect(commandCandidateLines("<pre>x</pre>\n/a\n<!-- c -->\n/b")).toEqual([
      { line: 2, text: "/a" },
      { line: 4, text: "/b" },
    ]);
  });

  it("treats a tab-indented line after a paragraph as a continuation, not code, but never as a command", () => {
    expect(commandCandidateLines("text `a\n\tb\n/c` d\n/e")).toEqual([{ line: 4, text: "/e" }]);
  });
});
