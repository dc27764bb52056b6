import {
  codeSpan,
  escapeMarkdownInline,
  escapeTableCell,
  mentionUser,
  neutralizeMentions,
  userLink,
} from "../../src/render/escape.js";

const Z = "\u200D";

describe("neutralizeMentions", () => {
  it.each<[string, string]>([
    ["@alice", `@${Z}alice`],
    ["hi @alice and @bob", `hi @${Z}alice and @${Z}bob`],
    ["@org/team", `@${Z}org/team`],
    ["@@x", `@${Z}@${Z}x`],
    ["a@b.example", `a@${Z}b.example`],
    ["&#64;user", `@${Z}user`],
    ["&#064;user", `@${Z}user`],
    ["&#x40;user", `@${Z}user`],
    ["&#X40;user", `@${Z}user`],
    ["&#64user", `@${Z}user`],
    ["&commat;user", `@${Z}user`],
    ["\uFF20user", `\uFF20${Z}user`],
    ["\uFE6Buser", `\uFE6B${Z}user`],
    ["no at signs", "no at signs"],
    ["trailing @", `trailing @${Z}`],
  ])("%j", (input, expected) => {
    expect(neutralizeMentions(input)).toBe(expected);
  });

  it.each(["@alice", "&#64;x @@y", "\uFF20z"])("is idempotent on %j", (input) => {
    const once = neutralizeMentions(input);
    expect(neutralizeMentions(once)).toBe(once);
  });
});

describe("escapeMarkdownInline", () => {
  it.each<[string, string, string]>([
    ["plain text", "hello world", "hello world"],
    ["a mention", "ping @alice", `ping @${Z}alice`],
    ["a team mention", "@org/team", `@${Z}org/team`],
    ["an entity mention", "&#64;alice", `@${Z}alice`],
    ["an HTML image", "<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"],
    ["an HTML comment that could forge a marker", "<!-- stewards:{} -->", "&lt;!-- stewards:{} --&gt;"],
    ["a javascript link", "[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"],
    ["an image", "![x](https://e.vil/x.png)", "!\\[x\\](https://e.vil/x.png)"],
    ["a heading injected after a newline", "ok\n## Approved by everyone", "ok \\#\\# Approved by everyone"],
    ["CRLF", "a\r\nb", "a b"],
    ["a lone CR", "a\rb", "a b"],
    ["U+2028 line separator", "a\u2028## b", "a \\#\\# b"],
    ["U+2029 paragraph separator", "a\u2029b", "a b"],
    ["NEL, vertical tab and form feed", "a\u0085b\u000Bc\u000Cd", "a b c d"],
    ["a tab", "a\tb", "a b"],
    ["control characters", "a\u0000b\u0007c\u001Bd\u007Fe\u009Bf", "abcdef"],
    ["bidi overrides", "safe\u202Eexe.txt\u2066x\u2069", "safeexe.txtx"],
    ["emphasis", "*bold* _it_ ~~gone~~", "\\*bold\\* \\_it\\_ \\~\\~gone\\~\\~"],
    ["a table pipe", "a | b", "a \\| b"],
    ["backticks", "`code`", "\\`code\\`"],
    ["backslashes", "a\\*b", "a\\\\\\*b"],
    ["an issue reference", "fixes #12", "fixes \\#12"],
    ["math", "$\\color{red}{x}$", "\\$\\\\color{red}{x}\\$"],
    ["an entity", "&amp; &lt;", "&amp;amp; &amp;lt;"],
    ["a leading list marker", "- item", "\\- item"],
    ["a leading plus", "+ item", "\\+ item"],
    ["a leading setext underline", "===", "\\==="],
    ["a leading ordered list marker", "1. first", "1\\. first"],
    ["a leading ordered list marker with a parenthesis", "12) x", "12\\) x"],
    ["a leading quote", "> quoted", "&gt; quoted"],
    ["surrounding whitespace and blank lines", "\n\n  text  \n", "text"],
    ["a dash inside text", "a - b", "a - b"],
    ["emoji and non-Latin text", "🎉 héllo 世界", "🎉 héllo 世界"],
  ])("%s", (_what, input, expected) => {
    expect(escapeMarkdownInline(input)).toBe(expected);
  });

  it("never leaves a raw line break, tag opener or unescaped pipe", () => {
    const nasty = "a\n|b|\r<c>\u2028@d\u2029`e`\u0085[f](g)";
    const out = escapeMarkdownInline(nasty);
    expect(out).not.toMatch(/[\n\r\u2028\u2029\u0085<>]/);
    expect(out).not.toMatch(/(^|[^\\])\|/);
    expect(out).not.toMatch(/@(?!\u200D)/);
  });
});

describe("escapeTableCell", () => {
  it.each<[string, string]>([
    ["a|b", "a\\|b"],
    ["line\nbreak", "line break"],
    ["@x", `@${Z}x`],
    ["", ""],
  ])("%j", (input, expected) => {
    expect(escapeTableCell(input)).toBe(expected);
  });
});

describe("codeSpan", () => {
  it.each<[string, string]>([
    ["/ladder", "`/ladder`"],
    ["a`b", "``a`b``"],
    ["a``b`c", "```a``b`c```"],
    ["`starts", "`` `starts ``"],
    ["ends`", "`` ends` ``"],
    [" both ", "`  both  `"],
    ["  ", "`  `"],
    ["", "` `"],
    ["one\ntwo", "`one two`"],
    ["a\u2028b", "`a b`"],
    ["<img src=x>", "`<img src=x>`"],
    ["@alice", "`@alice`"],
    ["a|b", "`a|b`"],
    ["x\u0000y", "`xy`"],
  ])("%j", (input, expected) => {
    expect(codeSpan(input)).toBe(expected);
  });

  it.each<[string, string]>([
    ["a|b", "`a\\|b`"],
    ["a\\|b", "`a\\\\\\|b`"],
    ["a\\\\|b", "`a\\\\\\|b`"],
    ["/ladder [@user]", "`/ladder [@user]`"],
  ])("in a table: %j", (input, expected) => {
    expect(codeSpan(input, { table: true })).toBe(expected);
  });

  it.each(["a`b", "``", "`x`", "a ``` b", "` `"])("round-trips %j by CommonMark's rules", (input) => {
    const span = codeSpan(input);
    const fence = /^`+/.exec(span)?.[0] ?? "";
    let inner = span.slice(fence.length, span.length - fence.length);
    if (inner.startsWith(" ") && inner.endsWith(" ") && inner.trim() !== "") inner = inner.slice(1, -1);
    expect(inner).toBe(input);
    expect(inner.includes(fence)).toBe(false);
  });
});

describe("userLink", () => {
  it.each<[string, string]>([
    ["alice", "[alice](https://github.com/alice)"],
    ["Alice-B0b", "[Alice-B0b](https://github.com/Alice-B0b)"],
    ["renovate[bot]", "[renovate\\[bot\\]](https://github.com/apps/renovate)"],
    ["@alice", `@${Z}alice`],
    ["-alice", "\\-alice"],
    ["al--ice", "al--ice"],
    ["a".repeat(40), "a".repeat(40)],
    ["x](javascript:alert(1))", "x\\](javascript:alert(1))"],
    ["<b>", "&lt;b&gt;"],
    ["", ""],
  ])("%j", (login, expected) => {
    expect(userLink(login)).toBe(expected);
  });

  it("uses the GitHub Enterprise web root when given one", () => {
    expect(userLink("alice", "https://ghe.example.com/")).toBe("[alice](https://ghe.example.com/alice)");
  });
});

describe("mentionUser", () => {
  it.each<[string, string]>([
    ["alice", "@alice"],
    ["org/team", "org/team"],
    ["@@x", `@${Z}@${Z}x`],
    ["a b", "a b"],
  ])("%j", (login, expected) => {
    expect(mentionUser(login)).toBe(expected);
  });
});
