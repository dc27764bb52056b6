/**
 * The commands of the promotion lifecycle (issue 4): parsed only at the start
 * of a line of ordinary text, never inside code or quotes, and `/reject`
 * never without a reason.
 */
import { describe, expect, it } from "@jest/globals";
import { parseCommands } from "../../src/commands/parse.js";

describe("proposal commands", () => {
  it.each<[string, string, object]>([
    ["/reject needs more reviews", "reject", { reason: "needs more reviews" }],
    ["/REJECT Not yet: see #12", "reject", { reason: "Not yet: see #12" }],
    ["/withdraw", "withdraw", {}],
    ["/nominate @ana reviewer leads the docs rewrite", "nominate", { user: "ana", role: "reviewer", reason: "leads the docs rewrite" }],
    ["/nominate ana Maintainer", "nominate", { user: "ana", role: "maintainer", reason: null }],
    ["/step-down", "step-down", { role: null }],
    ["/step-down reviewer", "step-down", { role: "reviewer" }],
  ])("%j", (body, name, args) => {
    expect(parseCommands(body)).toEqual([{ kind: "ok", name, args, line: 1 }]);
  });

  it.each(["/reject", "/reject   ", "/reject\t", "/reject\n\nthe reason on the next line"])("refuses %j: a reason is required", (body) => {
    expect(parseCommands(body)[0]).toMatchObject({ kind: "malformed", name: "reject", problem: "a reason is required", usage: "/reject <reason>" });
  });

  it.each([
    ["a quoted earlier rejection", "> /reject not ready\n\nI disagree."],
    ["a rejection shown in a fence", "To reject, type:\n```\n/reject <reason>\n```"],
    ["a rejection in inline code", "type `/reject <reason>` to reject"],
    ["a rejection mid-line", "I would /reject this"],
    ["a withdrawal in a list item", "- /withdraw"],
    ["a withdrawal indented as code", "    /withdraw"],
    ["a nomination in a quote's lazy continuation", "> they said\n/nominate @ana reviewer"],
  ])("ignores %s", (_name, body) => {
    expect(parseCommands(body)).toEqual([]);
  });

  it("reads the command after a quote of another one", () => {
    expect(parseCommands("> /reject not ready\n\n/withdraw")).toEqual([{ kind: "ok", name: "withdraw", args: {}, line: 3 }]);
  });
});
