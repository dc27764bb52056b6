import { MAX_COMMANDS_PER_COMMENT, MAX_SLASH_LINES_READ, parseCommands } from "../../src/commands/parse.js";
import type { ParsedCommand } from "../../src/commands/parse.js";

/** The one command in `body`, failing when there is not exactly one. */
function only(body: string): ParsedCommand {
  const parsed = parseCommands(body);
  expect(parsed).toHaveLength(1);
  return parsed[0] as ParsedCommand;
}

describe("parseCommands: well-formed commands", () => {
  it.each<[string, unknown]>([
    ["/ladder", { name: "ladder", args: { user: null } }],
    ["/ladder @alice", { name: "ladder", args: { user: "alice" } }],
    ["/ladder alice", { name: "ladder", args: { user: "alice" } }],
    ["/ladder   @Alice-Bob  ", { name: "ladder", args: { user: "Alice-Bob" } }],
    ["/LADDER @a", { name: "ladder", args: { user: "a" } }],
    ["   /ladder", { name: "ladder", args: { user: null } }],
    ["/ladder\t@alice", { name: "ladder", args: { user: "alice" } }],
    ["/stewards help", { name: "help", args: {} }],
    ["/stewards", { name: "help", args: {} }],
    ["/Stewards HELP", { name: "help", args: {} }],
    ["/stewards help please", { name: "help", args: {} }],
    ["/appeal the numbers are wrong", { name: "appeal", args: { decision: null, reason: "the numbers are wrong" } }],
    ["/appeal D-42 the numbers are wrong", { name: "appeal", args: { decision: "D-0042", reason: "the numbers are wrong" } }],
    ["/appeal d-0007 late", { name: "appeal", args: { decision: "D-0007", reason: "late" } }],
    ["/appeal D-12345 x", { name: "appeal", args: { decision: "D-12345", reason: "x" } }],
    ["/appeal Denied unfairly", { name: "appeal", args: { decision: null, reason: "Denied unfairly" } }],
    ["/appeal D-abc is not an id", { name: "appeal", args: { decision: null, reason: "D-abc is not an id" } }],
    ["/reject not   yet ", { name: "reject", args: { reason: "not   yet" } }],
    ["/withdraw", { name: "withdraw", args: {} }],
    ["/uphold", { name: "uphold", args: {} }],
    ["/overturn ignored reviews", { name: "overturn", args: { reason: "ignored reviews" } }],
    ["/nominate @bob reviewer", { name: "nominate", args: { user: "bob", role: "reviewer", reason: null } }],
    ["/nominate bob Reviewer leads docs", { name: "nominate", args: { user: "bob", role: "reviewer", reason: "leads docs" } }],
    ["/step-down", { name: "step-down", args: { role: null } }],
    ["/step-down maintainer", { name: "step-down", args: { role: "maintainer" } }],
    ["/Step-Down sig_docs-lead", { name: "step-down", args: { role: "sig_docs-lead" } }],
  ])("%j", (body, expected) => {
    expect(only(body)).toEqual({ kind: "ok", line: 1, ...(expected as object) });
  });

  it("reads a reason with markdown and mentions verbatim (escaping is the renderer's job)", () => {
    expect(only("/reject see @org/team and `code` <b>x</b>")).toMatchObject({
      args: { reason: "see @org/team and `code` <b>x</b>" },
    });
  });

  it("accepts CRLF and CR line endings and a byte-order mark", () => {
    expect(parseCommands("\uFEFF/ladder\r\n/withdraw\r/uphold").map((c) => [c.kind, c.line])).toEqual([
      ["ok", 1],
      ["ok", 2],
      ["ok", 3],
    ]);
  });
});

describe("parseCommands: malformed commands", () => {
  it.each<[string, string, string]>([
    ["/ladder @al!ce", "ladder", "“@al!ce” is not a GitHub username"],
    ["/ladder -alice", "ladder", "“-alice” is not a GitHub username"],
    ["/ladder alice-", "ladder", "“alice-” is not a GitHub username"],
    ["/ladder al--ice", "ladder", "“al--ice” is not a GitHub username"],
    ["/ladder @@alice", "ladder", "“@@alice” is not a GitHub username"],
    ["/ladder dependabot[bot]", "ladder", "“dependabot[bot]” is not a GitHub username"],
    [`/ladder ${"a".repeat(45)}`, "ladder", `“${"a".repeat(39)}…” is not a GitHub username`],
    ["/ladder @alice @bob", "ladder", "unexpected “@bob” at the end"],
    ["/appeal", "appeal", "a reason is required"],
    ["/appeal D-42", "appeal", "a reason is required"],
    ["/appeal    ", "appeal", "a reason is required"],
    ["/reject", "reject", "a reason is required"],
    ["/overturn", "overturn", "a reason is required"],
    ["/withdraw because", "withdraw", "it takes no arguments, but got “because”"],
    ["/uphold I agree", "uphold", "it takes no arguments, but got “I agree”"],
    ["/nominate", "nominate", "a username is required"],
    ["/nominate @bob", "nominate", "a role is required"],
    ["/nominate reviewer", "nominate", "a role is required"],
    ["/nominate @b!b reviewer", "nominate", "“@b!b” is not a GitHub username"],
    ["/nominate @bob 1st-role", "nominate", "“1st-role” is not a role name (letters, digits, - and _)"],
    ["/step-down @me", "step-down", "“@me” is not a role name (letters, digits, - and _)"],
    ["/step-down maintainer now", "step-down", "unexpected “now” at the end"],
  ])("%j", (body, name, problem) => {
    expect(only(body)).toMatchObject({ kind: "malformed", name, problem, line: 1 });
  });

  it("carries the declared usage and the line as written", () => {
    expect(only("text\n  /nominate   @bob  ")).toEqual({
      kind: "malformed",
      name: "nominate",
      problem: "a role is required",
      usage: "/nominate @user <role> [reason]",
      text: "/nominate   @bob",
      line: 2,
    });
  });

  it("shortens very long command text", () => {
    const parsed = only(`/withdraw ${"x".repeat(500)}`);
    expect(parsed.kind === "malformed" && [...parsed.text].length).toBe(100);
  });
});

describe("parseCommands: unknown commands addressed to the app", () => {
  it.each<[string, string, string | null]>([
    ["/ladders", "/ladders", "ladder"],
    ["/laddre @x", "/laddre", "ladder"],
    ["/Ladders", "/Ladders", "ladder"],
    ["/apeal D-1 x", "/apeal", "appeal"],
    ["/appael x", "/appael", "appeal"],
    ["/stepdown", "/stepdown", "step-down"],
    ["/step_down", "/step_down", "step-down"],
    ["/withdrawn", "/withdrawn", "withdraw"],
    ["/nominat @x r", "/nominat", "nominate"],
    ["/overtrun x", "/overtrun", "overturn"],
    ["/rejct x", "/rejct", "reject"],
    ["/steward help", "/steward", "help"],
    ["/stewards frobnicate", "/stewards frobnicate", null],
    ["/stewards ladder @x", "/stewards ladder", "ladder"],
    ["/stewards hepl", "/stewards hepl", "help"],
    ["/stewards approve", "/stewards approve", null],
  ])("%j", (body, text, suggestion) => {
    expect(only(body)).toEqual({ kind: "unknown", text, suggestion, line: 1 });
  });
});

describe("parseCommands: lines that are not commands to the app", () => {
  it.each<[string, string]>([
    ["other bots' commands", "/assign @alice\n/lgtm\n/retest\n/unhold\n/hold\n/approve\n/cc @bob\n/test all\n/help"],
    ["words far from any command", "/frobnicate\n/deploy staging\n/x"],
    ["paths", "/usr/bin/env\n/ladder/rung\n/ladder.md"],
    ["a slash not at the start of the line", "please /ladder me\n- /ladder\n* /withdraw\n1. /uphold"],
    ["four spaces of indentation", "    /ladder"],
    ["a tab of indentation", "\t/ladder"],
    ["a fenced code block", "```\n/ladder\n```"],
    ["a fenced code block with an info string", "```sh\n/ladder\n```"],
    ["a tilde fence", "~~~\n/ladder\n~~~"],
    ["an indented fence", "   ```\n/ladder\n   ```"],
    ["an unterminated fence", "text\n```\n/ladder\n/withdraw"],
    ["a fence closed only by a longer fence", "````\n```\n/ladder\n````"],
    ["a tilde fence not closed by backticks", "~~~\n```\n/ladder"],
    ["a block quote", "> /ladder"],
    ["a nested block quote", "> > /ladder"],
    ["an indented block quote", "   > /withdraw"],
    ["a lazy continuation of a quote", "> I said\n/ladder"],
    ["inline code", "`/ladder`"],
    ["inline code across lines", "see `the command\n/ladder @x` here"],
    ["double-backtick code across lines", "see ``a ` b\n/ladder`` ok"],
    ["an HTML comment", "<!--\n/ladder\n-->"],
    ["an inline HTML comment across lines", "text <!-- hidden\n/ladder -->"],
    ["a <pre> block", "<pre>\n/ladder\n</pre>"],
    ["an indented code block after a blank line", "text\n\n    /ladder"],
    ["an empty comment", ""],
    ["a lone slash", "/"],
    ["a non-breaking space before the slash", "\u00A0/ladder"],
  ])("%s", (_what, body) => {
    expect(parseCommands(body)).toEqual([]);
  });
});

describe("parseCommands: lines that are commands despite markdown around them", () => {
  it.each<[string, string, number]>([
    ["after a closed fence", "```\n/withdraw\n```\n/ladder", 4],
    ["after a quote and a blank line", "> quoted\n\n/ladder", 3],
    ["after an empty quote line", ">\n/ladder", 2],
    ["after a quoted fence line", "> ```\n/ladder", 2],
    ["inside a paragraph", "Hello there,\n/ladder\nthanks", 2],
    ["after a closed HTML comment", "<!-- template -->\n/ladder", 2],
    ["after a multi-line HTML comment", "<!--\nnote\n-->\n/ladder", 4],
    ["after an unmatched backtick", "it's `odd\n/ladder", 2],
    ["after an escaped backtick", "a \\`b\n/ladder\nc`", 2],
    ["after closed inline code", "`a` and `b`\n/ladder", 2],
    ["after a heading", "# Title\n/ladder", 2],
    ["with a backtick fence-like line that has backticks in the info string", "``` a ` b\n/ladder", 2],
  ])("%s", (_what, body, line) => {
    expect(parseCommands(body)).toEqual([expect.objectContaining({ kind: "ok", name: "ladder", line })]);
  });
});

describe("parseCommands: several commands", () => {
  it("returns them in order with their lines", () => {
    const parsed = parseCommands("/ladder @a\n\n/stewards help\n/ladders\n/assign @x\n/reject");
    expect(parsed.map((c) => [c.kind, c.kind === "unknown" ? c.text : c.name, c.line])).toEqual([
      ["ok", "ladder", 1],
      ["ok", "help", 3],
      ["unknown", "/ladders", 4],
      ["malformed", "reject", 6],
    ]);
  });

  it(`reads at most ${MAX_COMMANDS_PER_COMMENT} from one comment`, () => {
    const parsed = parseCommands(Array.from({ length: 25 }, (_, i) => `/ladder u${i}`).join("\n"));
    expect(parsed).toHaveLength(MAX_COMMANDS_PER_COMMENT);
    expect(parsed.at(-1)).toMatchObject({ args: { user: `u${MAX_COMMANDS_PER_COMMENT - 1}` } });
  });

  it("does not count ignored lines toward the cap", () => {
    const body = [...Array.from({ length: 20 }, () => "/lgtm"), "/ladder"].join("\n");
    expect(parseCommands(body)).toHaveLength(1);
  });

  it.each<[string, string]>([
    ["unclosed HTML comments", `x ${"<!--".repeat(16000)}\n/ladder`],
    ["unclosed backtick runs of many lengths", `x ${Array.from({ length: 300 }, (_, i) => "`".repeat(i + 1)).join(" ")}\n/ladder`],
  ])("reads a 64 KB comment of %s quickly", (_what, body) => {
    const started = performance.now();
    expect(parseCommands(body)).toEqual([expect.objectContaining({ kind: "ok", name: "ladder" })]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it(`looks at only the first ${MAX_SLASH_LINES_READ} lines starting with a slash`, () => {
    const words = (n: number): string[] => Array.from({ length: n }, (_, i) => `/w${i}abcdefgh`);
    const started = performance.now();
    expect(parseCommands([...words(20000), "/ladder"].join("\n"))).toEqual([]);
    expect(performance.now() - started).toBeLessThan(500);
    expect(parseCommands([...words(MAX_SLASH_LINES_READ - 1), "/ladder"].join("\n"))).toHaveLength(1);
  });
});
