import { registry } from "../../src/commands/registry.js";
import { renderCommandTable } from "../../src/render/help.js";
import { replaceBlock } from "../../src/render/readme-block.js";

const README = "# Title\n\n## Commands\n\n<!-- BEGIN commands -->\nold table\n<!-- END commands -->\n\nMore prose.\n";

describe("replaceBlock", () => {
  it("replaces only what is between the markers", () => {
    expect(replaceBlock(README, "| a |\n| --- |")).toBe(
      "# Title\n\n## Commands\n\n<!-- BEGIN commands -->\n| a |\n| --- |\n<!-- END commands -->\n\nMore prose.\n",
    );
  });

  it("fills an empty block, as the README starts out", () => {
    expect(replaceBlock("x\n<!-- BEGIN commands -->\n<!-- END commands -->\ny", "T")).toBe(
      "x\n<!-- BEGIN commands -->\nT\n<!-- END commands -->\ny",
    );
  });

  it("is idempotent, so --check passes right after a rewrite", () => {
    const table = renderCommandTable(registry);
    const once = replaceBlock(README, table);
    expect(replaceBlock(once, table)).toBe(once);
    expect(once).toContain("`/stewards help`");
  });

  it("keeps CRLF line endings", () => {
    const crlf = README.replace(/\n/g, "\r\n");
    const out = replaceBlock(crlf, "a\nb\n");
    expect(out).toContain("<!-- BEGIN commands -->\r\na\r\nb\r\n<!-- END commands -->");
    expect(out.replace(/\r\n/g, "")).not.toMatch(/\n/);
  });

  it("drops trailing newlines of the content and writes an empty block as one line break", () => {
    expect(replaceBlock(README, "t\n\n\n")).toContain("<!-- BEGIN commands -->\nt\n<!-- END commands -->");
    expect(replaceBlock(README, "")).toContain("<!-- BEGIN commands -->\n<!-- END commands -->");
  });

  it("can target another block name", () => {
    expect(replaceBlock("<!-- BEGIN env -->x<!-- END env -->", "y", "env")).toBe("<!-- BEGIN env -->\ny\n<!-- END env -->");
  });

  it.each<[string, string, string]>([
    ["no markers", "# Title\n", "no \"<!-- BEGIN commands -->\""],
    ["only the begin marker", "<!-- BEGIN commands -->\n", "no \"<!-- BEGIN commands -->\""],
    ["markers out of order", "<!-- END commands -->\n<!-- BEGIN commands -->\n", "comes before"],
    ["a repeated block", `${README}${README}`, "more than once"],
  ])("refuses %s", (_what, text, message) => {
    expect(() => replaceBlock(text, "t")).toThrow(message);
  });
});
