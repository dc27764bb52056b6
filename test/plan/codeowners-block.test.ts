import { governanceSchema } from "../../src/config/schema.js";
import type { Roster } from "../../src/config/schema.js";
import { holdersAtOrAbove, renderCodeownersBlock } from "../../src/plan/codeowners-block.js";

const governance = governanceSchema.parse({
  version: 1,
  ladder: [
    { role: "member", requires: { merged_prs: 5 } },
    { role: "reviewer", requires: { merged_prs: 15 }, grants: { codeowners: ["/docs/"] } },
    { role: "maintainer", requires: { merged_prs: 40 }, grants: { codeowners: ["*"] } },
  ],
  promotion: { approvers: ["maintainer"] },
});

const roster: Roster = {
  members: [
    { login: "alice", role: "maintainer", since: "2024-01-15" },
    { login: "bob", role: "reviewer", since: "2025-01-01" },
    { login: "carol", role: "member", since: "2025-02-01" },
    { login: "evil\n* @mallory", role: "maintainer", since: "2025-02-01" },
  ],
  emeritus: [{ login: "dave", role: "maintainer", since: "2020-01-01" }],
};

describe("renderCodeownersBlock", () => {
  it("writes broad top-rung patterns first, each owned by the rung and those above, and guards the governance files", () => {
    expect(renderCodeownersBlock(governance, roster)).toMatchInlineSnapshot(`
"# BEGIN stewards
# Maintained by Stewards from the roster; edit the roster, not these lines.
* @alice
/docs/ @alice @bob
/.github/governance.yml @alice
/.github/roster.yml @alice
# END stewards"
`);
  });

  it.each([
    ["member", ["alice", "bob", "carol"]],
    ["reviewer", ["alice", "bob"]],
    ["maintainer", ["alice"]],
    ["nonexistent", []],
  ])("holders at or above %s", (role, expected) => {
    expect(holdersAtOrAbove(governance, roster, role)).toEqual(expected);
  });

  it("writes an empty block when nobody holds a role", () => {
    expect(renderCodeownersBlock(governance, { members: [], emeritus: [] })).toBe(
      "# BEGIN stewards\n# Maintained by Stewards from the roster; edit the roster, not these lines.\n# END stewards",
    );
  });
});
