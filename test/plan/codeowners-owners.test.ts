import { codeownersOwners, otherOwnerWhy } from "../../src/plan/codeowners-owners.js";

const none = { users: [], teams: [], others: [] };

describe("codeownersOwners", () => {
  it.each<[string, string, ReturnType<typeof codeownersOwners>]>([
    ["an empty file", "", none],
    ["comments and blank lines only", "# * @alice\n\n   # docs/ @bob\n", none],
    ["users, each once whatever the case, first spelling kept, in file order", "* @Alice @bob\n/docs/ @alice @carol\n", { users: ["Alice", "bob", "carol"], teams: [], others: [] }],
    ["a team, each once", "* @acme/maintainers\n/docs/ @ACME/Maintainers @acme/docs\n", { users: [], teams: [{ org: "acme", slug: "maintainers" }, { org: "acme", slug: "docs" }], others: [] }],
    ["e-mail addresses and tokens that are no owner go to others", "* docs@example.com @ bob @a/b/c @-x\n", { users: [], teams: [], others: ["docs@example.com", "@", "bob", "@a/b/c", "@-x"] }],
    ["an inline comment ends the owners", "* @alice # @bob owns nothing here\n", { users: ["alice"], teams: [], others: [] }],
    ["a pattern without owners names nobody", "/vendor/\n", none],
    ["an escaped space stays inside the pattern", "/My\\ Docs/ @alice\n", { users: ["alice"], teams: [], others: [] }],
    ["CRLF line ends", "* @alice\r\n/docs/ @bob\r\n", { users: ["alice", "bob"], teams: [], others: [] }],
    ["tabs between tokens", "*\t@alice\t\t@acme/web\n", { users: ["alice"], teams: [{ org: "acme", slug: "web" }], others: [] }],
    [
      "the stewards block is left out, lines around it kept",
      "* @alice\n# BEGIN stewards\n# Maintained by Stewards from the roster; edit the roster, not these lines.\n* @bob @acme/stewards\n# END stewards\n/docs/ @carol\n",
      { users: ["alice", "carol"], teams: [], others: [] },
    ],
    [
      "a broken block (no END) is not skipped: the project's lines cannot be told apart",
      "# BEGIN stewards\n* @bob\n/docs/ @carol\n",
      { users: ["bob", "carol"], teams: [], others: [] },
    ],
    [
      "an indented block marker still counts as the marker",
      "  # BEGIN stewards\n* @bob\n  # END stewards\n* @dave\n",
      { users: ["dave"], teams: [], others: [] },
    ],
  ])("%s", (_name, text, expected) => {
    expect(codeownersOwners(text)).toEqual(expected);
  });
});

describe("otherOwnerWhy", () => {
  it.each([
    ["docs@example.com", /e-mail address/],
    ["bob", /not an owner CODEOWNERS understands/],
    ["@a/b/c", /not an owner CODEOWNERS understands/],
  ])("%s", (token, why) => {
    expect(otherOwnerWhy(token)).toMatch(why);
  });
});
