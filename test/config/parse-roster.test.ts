import { readFileSync } from "node:fs";
import { parseGovernance } from "../../src/config/parse-governance.js";
import { parseRoster } from "../../src/config/parse-roster.js";
import { checkQuorumAgainstRoster } from "../../src/config/semantic-checks.js";
import type { Governance } from "../../src/config/schema.js";

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/governance/${name}`, import.meta.url), "utf8");

function spec(): Governance {
  const r = parseGovernance(fixture("spec-example.yml"));
  if (!r.ok) throw new Error("spec example must be valid");
  return r.governance;
}

describe("parseRoster", () => {
  it("reads the fixture roster", () => {
    const r = parseRoster(fixture("roster.yml"), spec());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.roster).toEqual({
      members: [
        { login: "alice", role: "maintainer", since: "2024-01-15", decision: "D-0001" },
        { login: "bob", role: "reviewer", since: "2024-06-01" },
      ],
      emeritus: [{ login: "carol", role: "maintainer", since: "2026-06-01", decision: "D-0020" }],
    });
  });

  it.each(["", "# nobody yet\n", "members:\n", "members: []\nemeritus:\n"])("an empty roster: %j", (text) => {
    expect(parseRoster(text, spec())).toEqual({ ok: true, roster: { members: [], emeritus: [] }, warnings: [] });
  });

  it.each([
    {
      name: "YAML syntax error",
      text: "members:\n  - login: alice\n    role: [maintainer\n",
      path: "",
      line: 4,
      message: "YAML syntax",
    },
    {
      name: "unknown role, with a suggestion",
      text: "members:\n  - login: alice\n    role: maintainer\n    since: 2024-01-15\n  - login: bob\n    role: reviwer\n    since: 2024-01-15\n",
      path: "members[1].role",
      line: 6,
      message: "`reviwer` is not a role on the ladder; did you mean `reviewer`?",
    },
    {
      name: "unknown role in emeritus",
      text: "emeritus:\n  - login: carol\n    role: owner\n    since: 2024-01-15\n",
      path: "emeritus[0].role",
      line: 3,
      message: "`owner` is not a role on the ladder; roles are `member`, `reviewer`, `maintainer`",
    },
    {
      name: "a login listed twice (any case)",
      text: "members:\n  - login: alice\n    role: maintainer\n    since: 2024-01-15\n  - login: Alice\n    role: member\n    since: 2024-02-01\n",
      path: "members[1].login",
      line: 5,
      message: "`Alice` is already listed at `members[0]`",
    },
    {
      name: "a bad date",
      text: "members:\n  - login: alice\n    role: maintainer\n    since: 15/01/2024\n",
      path: "members[0].since",
      line: 4,
      message: "must be a date as YYYY-MM-DD (found `15/01/2024`)",
    },
    {
      name: "a bad decision id",
      text: "members:\n  - login: alice\n    role: maintainer\n    since: 2024-01-15\n    decision: 7\n",
      path: "members[0].decision",
      line: 5,
      message: "must be text (found `7`)",
    },
    {
      name: "an unknown key",
      text: "members:\n  - login: alice\n    role: maintainer\n    sinse: 2024-01-15\n",
      path: "members[0].sinse",
      line: 4,
      message: "unknown key `sinse` in `members[0]`; did you mean `since`?",
    },
    {
      name: "a missing login",
      text: "members:\n  - role: maintainer\n    since: 2024-01-15\n",
      path: "members[0].login",
      line: 2,
      message: "is required",
    },
  ])("$name", ({ text, path, line, message }) => {
    const r = parseRoster(text, spec());
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toContainEqual(expect.objectContaining({ path, line, message: expect.stringContaining(message), file: ".github/roster.yml" }));
  });
});

describe("checkQuorumAgainstRoster", () => {
  const member = (login: string, role: string) => ({ login, role, since: "2024-01-01" });

  it.each([
    { name: "two maintainers meet quorum 2, but not a panel of 3", members: [member("a", "maintainer"), member("b", "maintainer")], paths: ["appeals.panel"] },
    { name: "one maintainer: neither", members: [member("a", "maintainer"), member("b", "reviewer")], paths: ["promotion.quorum", "appeals.panel"] },
    { name: "three maintainers: both", members: [member("a", "maintainer"), member("b", "maintainer"), member("c", "maintainer")], paths: [] },
    { name: "emeritus holders do not count", members: [member("a", "maintainer")], paths: ["promotion.quorum", "appeals.panel"] },
  ])("$name", ({ members, paths }) => {
    const warnings = checkQuorumAgainstRoster(spec(), { members, emeritus: [member("z", "maintainer")] });
    expect(warnings.map((w) => w.path)).toEqual(paths);
    expect(warnings.every((w) => w.severity === "warning")).toBe(true);
  });

  it("holders of a role above an approver role count", () => {
    const gov = { ...spec(), promotion: { ...spec().promotion, approvers: ["reviewer"], quorum: 2 } };
    expect(checkQuorumAgainstRoster(gov, { members: [member("a", "maintainer"), member("b", "reviewer")], emeritus: [] }).map((w) => w.path)).toEqual([
      "appeals.panel",
    ]);
  });

  it("says it in words", () => {
    expect(checkQuorumAgainstRoster(spec(), { members: [member("a", "maintainer")], emeritus: [] })[0]!.message).toBe(
      "a promotion needs 2 approvals but only 1 person holds `maintainer` (or a role above) in the roster; no proposal can be approved until more do",
    );
  });
});
