import { readFileSync } from "node:fs";
import type { LoadResult } from "../../src/config/load-governance.js";
import { parseGovernance, parseGovernanceFiles } from "../../src/config/parse-governance.js";
import { parseRoster } from "../../src/config/parse-roster.js";
import { describeRequirements, MAX_ANNOTATIONS, renderCheckRunOutput, renderConfigIssueBody } from "../../src/render/config-report.js";

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/governance/${name}`, import.meta.url), "utf8");

function load(text: string, files = [".github/governance.yml"]): LoadResult {
  const r = parseGovernance(text);
  return r.ok ? { kind: "ok", governance: r.governance, warnings: r.warnings, files } : { kind: "invalid", errors: r.errors, warnings: r.warnings, files };
}

describe("renderCheckRunOutput", () => {
  it("success: the ladder in words", () => {
    const out = renderCheckRunOutput(load(fixture("spec-example.yml")));
    expect(out.title).toBe("Ladder valid: member → reviewer → maintainer");
    expect(out.annotations).toEqual([]);
    expect(out.summary).toMatchInlineSnapshot(`
"**The ladder** (lowest rung first; each role includes those below it):

1. **member** — Regular contributor.
   - Requires: 5 merged PRs in the last 365 days.
   - Grants: team \`contributors\`.
2. **reviewer**
   - Requires: 15 merged PRs and 20 reviews in the last 180 days, 90 days since first contribution.
   - Grants: team \`reviewers\`; code owner of \`/docs/\`.
3. **maintainer**
   - Requires: 40 merged PRs and 60 reviews in the last 365 days, 180 days as reviewer.
   - Grants: team \`maintainers\`; code owner of \`*\`; may bypass branch protection on \`main\`.

**Promotion:** 2 approvals from **maintainer**, given by a 👍 reaction on the promotion issue. A 👎 from an approver holds the proposal. An undecided proposal expires after 30 days.
**Demotion:** emeritus proposed after 365 days without counted activity; no term limit; 14 days notice.
**Appeals:** a panel of 3 drawn from the approvers; 2 votes to overturn; within 14 days of a decision; one open appeal per person, a new one after 30 days."
`);
    expect(out.text).toMatchInlineSnapshot(`
"Files read, the first one winning:

- \`.github/governance.yml\`"
`);
  });

  it("failure: each problem in words, annotated at its line", () => {
    const text = "version: 1\nladder:\n  - role: member\n    requires: { merged_pr: 5 }\npromotion:\n  approvers: [maintainer]\n  quorum: 0\n";
    const out = renderCheckRunOutput(load(text));
    expect(out.title).toBe("governance.yml is invalid: 2 errors");
    expect(out.summary).toMatchInlineSnapshot(`
"Stewards keeps using the last valid ladder (or does nothing, if there never was one) until this is fixed.

- \`.github/governance.yml line 4\`, \`ladder[0].requires.merged_pr\`: unknown key \`merged_pr\` in \`ladder[0].requires\`; did you mean \`merged_prs\`?
- \`.github/governance.yml line 7\`, \`promotion.quorum\`: must be greater than 0 (found \`0\`)"
`);
    expect(out.annotations).toMatchInlineSnapshot(`
[
  {
    "annotation_level": "failure",
    "end_line": 4,
    "message": "ladder[0].requires.merged_pr: unknown key \`merged_pr\` in \`ladder[0].requires\`; did you mean \`merged_prs\`?",
    "path": ".github/governance.yml",
    "start_line": 4,
    "title": "Invalid governance setting",
  },
  {
    "annotation_level": "failure",
    "end_line": 7,
    "message": "promotion.quorum: must be greater than 0 (found \`0\`)",
    "path": ".github/governance.yml",
    "start_line": 7,
    "title": "Invalid governance setting",
  },
]
`);
  });

  it("problems in another repository's file or without a line go in the summary only", () => {
    const ORG = "acme/.github:.github/governance.yml";
    const r = parseGovernanceFiles([
      { name: ".github/governance.yml", text: "_extends: .github\n", isBase: false },
      { name: ORG, text: "ladder:\n  - role: member\n    requires: { reviews: x }\n", isBase: true },
    ]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const out = renderCheckRunOutput({ kind: "invalid", errors: r.errors, warnings: r.warnings, files: [".github/governance.yml", ORG] });
    expect(out.annotations).toEqual([]);
    expect(out.summary).toContain("- `acme/.github:.github/governance.yml line 3`, `ladder[0].requires.reviews`: must be a number (found `x`)");
    expect(out.summary).toContain("- `.github/governance.yml`, `version`: is required");
  });

  it("warnings are annotated as warnings and the check still succeeds", () => {
    const out = renderCheckRunOutput(load("version: 1\nladder:\n  - role: a\n    requires: { reviews: 3 }\n  - role: b\n    requires: { merged_prs: 3 }\n"));
    expect(out.title).toBe("Ladder valid: a → b (1 warning)");
    expect(out.annotations).toEqual([expect.objectContaining({ annotation_level: "warning", start_line: 6, title: "Governance warning" })]);
    expect(out.summary.split("\n")[0]).toBe(
      "- ⚠️ `.github/governance.yml line 6`, `ladder[1].requires`: `b` does not set `reviews` although `a` below it requires 3; a rung without it asks for none — write it out if that is intended",
    );
  });

  it("a valid ladder with a broken roster fails on the roster", () => {
    const result = load(fixture("spec-example.yml"));
    if (result.kind !== "ok") throw new Error("fixture must be valid");
    const roster = parseRoster("members:\n  - login: alice\n    role: owner\n    since: 2024-01-01\n", result.governance);
    const out = renderCheckRunOutput(result, { rosterProblems: roster.ok ? [] : roster.errors });
    expect(out.title).toBe("The roster is invalid: 1 error");
    expect(out.annotations).toEqual([expect.objectContaining({ path: ".github/roster.yml", start_line: 3, annotation_level: "failure" })]);
  });

  it("absent and load-error say so without judging the file", () => {
    expect(renderCheckRunOutput({ kind: "absent" }).title).toBe("No governance.yml");
    const out = renderCheckRunOutput({ kind: "load-error", error: new Error("HTTP 502 <b>bad</b>"), retryable: true });
    expect(out.summary).toBe("GitHub could not be read (HTTP 502 &lt;b&gt;bad&lt;/b&gt;). This says nothing about the file; Stewards will try again.");
  });

  it("keeps user descriptions from breaking the markdown", () => {
    const out = renderCheckRunOutput(load("version: 1\nladder:\n  - role: a\n    description: \"<img src=x> **hi** @everyone `x`\"\n"));
    expect(out.summary).toContain("1. **a** — &lt;img src=x&gt; \\*\\*hi\\*\\* @\u200Deveryone \\`x\\`");
  });

  it("caps annotations at GitHub's limit", () => {
    const keys = Array.from({ length: 60 }, (_, i) => `  k${i}: 1`).join("\n");
    const out = renderCheckRunOutput(load(`version: 1\nladder: [{ role: a }]\ncounting:\n${keys}\n`));
    expect(out.annotations).toHaveLength(MAX_ANNOTATIONS);
    expect(out.summary).toContain("(10 more problems listed above without an annotation: GitHub shows at most 50.)");
  });
});

describe("describeRequirements", () => {
  const rung = (requires: Record<string, unknown>) => ({ role: "r", requires, grants: { teams: [], codeowners: [] } });
  it.each([
    [{}, "nothing measured (by nomination only)"],
    [{ merged_prs: 1 }, "1 merged PR in the last 365 days"],
    [{ reviews: 3, window: "2w" }, "3 reviews in the last 14 days"],
    [{ tenure: "90d" }, "90 days since first contribution"],
    [{ merged_prs: 15, reviews: 20, tenure: "90d", window: "180d" }, "15 merged PRs and 20 reviews in the last 180 days, 90 days since first contribution"],
    [{ time_in_role: "3w" }, "21 days as below"],
  ])("%j -> %s", (requires, words) => {
    expect(describeRequirements(rung(requires), { ...rung({}), role: "below" })).toBe(words);
  });
});

describe("renderConfigIssueBody", () => {
  it("lists errors then warnings, linking lines of the governance file", () => {
    const r = parseGovernance("version: 1\nladder:\n  - role: a\n    requires: { reviews: 3 }\n  - role: b\n    requires: { merged_prs: 3 }\npromotion:\n  quorum: 0\n");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const body = renderConfigIssueBody([...r.errors, ...r.warnings], "https://github.com/acme/widget/blob/main/.github/governance.yml");
    expect(body).toMatchInlineSnapshot(`
"The Stewards configuration on the default branch is invalid. Until it is fixed, Stewards keeps using the last valid ladder (or does nothing, if there never was one) and changes no roles.

**1 error**

- [.github/governance.yml line 8](https://github.com/acme/widget/blob/main/.github/governance.yml#L8), \`promotion.quorum\`: must be greater than 0 (found \`0\`)

[Open the file](https://github.com/acme/widget/blob/main/.github/governance.yml). This issue is updated on every push and closed when the file is valid again."
`);
  });

  it("problems in other files are not linked to the governance file", () => {
    const body = renderConfigIssueBody(
      [{ path: "members[0].role", line: 3, column: 5, message: "`x` is not a role", severity: "error", file: ".github/roster.yml" }],
      "https://github.com/acme/widget/blob/main/.github/governance.yml",
    );
    expect(body).toContain("- `.github/roster.yml line 3`, `members[0].role`: `x` is not a role");
  });
});
