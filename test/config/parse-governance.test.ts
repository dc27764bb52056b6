import { readFileSync } from "node:fs";
import { parseGovernance } from "../../src/config/parse-governance.js";
import type { ConfigProblem } from "../../src/config/problems.js";

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/governance/${name}`, import.meta.url), "utf8");

function ok(text: string) {
  const r = parseGovernance(text);
  if (!r.ok) throw new Error(`expected valid, got:\n${r.errors.map((e) => `${e.line}: ${e.path}: ${e.message}`).join("\n")}`);
  return r;
}

describe("valid files", () => {
  it.each([
    ["minimal.yml", ["maintainer"], ["maintainer"], 2],
    ["spec-example.yml", ["member", "reviewer", "maintainer"], ["maintainer"], 2],
    ["preset-kubernetes.yml", ["member", "reviewer", "approver"], ["approver"], 2],
    ["preset-cncf-override.yml", ["member", "reviewer", "maintainer"], ["maintainer"], 3],
    ["preset-ladder-replaced.yml", ["member", "approver"], ["approver"], 2],
  ])("%s", (file, roles, approvers, quorum) => {
    const { governance, warnings } = ok(fixture(file));
    expect(governance.ladder.map((r) => r.role)).toEqual(roles);
    expect(governance.promotion.approvers).toEqual(approvers);
    expect(governance.promotion.quorum).toBe(quorum);
    expect(warnings).toEqual([]);
  });

  it("fills in every default of the minimal file", () => {
    expect(ok(fixture("minimal.yml")).governance).toEqual({
      version: 1,
      scope: "repo",
      ladder: [{ role: "maintainer", requires: {}, grants: { teams: [], codeowners: [] } }],
      counting: { exclude_authors: ["dependabot[bot]", "renovate[bot]"], exclude_labels: [], min_changed_lines: 1, paths: [] },
      promotion: { approvers: ["maintainer"], quorum: 2, approve_with: "reaction", objection: "block", expires_after: "30d", announce_progress: true },
      demotion: { inactive_after: "365d", term_limit: null, notice: "14d", max_removal_share: 0.25 },
      appeals: { panel: 3, quorum: 2, within: "14d", cooldown: "30d" },
      health: { period: "month" },
      log: { path: "GOVERNANCE-LOG.md" },
      roster: { path: ".github/roster.yml" },
      dry_run: false,
    });
  });

  it("reads the SPEC example exactly", () => {
    const g = ok(fixture("spec-example.yml")).governance;
    expect(g.ladder[1]).toEqual({
      role: "reviewer",
      requires: { merged_prs: 15, reviews: 20, tenure: "90d", window: "180d" },
      grants: { teams: ["reviewers"], codeowners: ["/docs/"] },
    });
    expect(g.ladder[2]!.grants.branch_protection).toEqual({ branches: ["main"], bypass: true });
    expect(g.counting.exclude_labels).toEqual(["trivial"]);
    expect(g.promotion.expires_after).toBe("30d");
  });

  it("keeps the preset's thresholds under an override (deep merge of mappings)", () => {
    const g = ok(fixture("preset-cncf-override.yml")).governance;
    expect(g.preset).toBe("cncf");
    expect(g.ladder[2]!.requires).toEqual({ merged_prs: 30, reviews: 50, tenure: "180d", time_in_role: "180d", window: "365d" });
    expect(g.counting.exclude_labels).toEqual(["trivial"]);
    expect(g.counting.exclude_authors).toEqual(["dependabot[bot]", "renovate[bot]"]);
  });

  it("states Kubernetes' published thresholds", () => {
    const g = ok(fixture("preset-kubernetes.yml")).governance;
    expect(g.ladder.map((r) => [r.role, r.requires])).toEqual([
      ["member", { merged_prs: 5, window: "365d" }],
      ["reviewer", { merged_prs: 5, reviews: 20, time_in_role: "90d", window: "365d" }],
      ["approver", { merged_prs: 5, reviews: 30, time_in_role: "90d", window: "365d" }],
    ]);
  });

  it("ignores `_extends` (the loader resolves it)", () => {
    expect(ok("_extends: .github\nversion: 1\nladder: [{ role: a }]\n").governance.ladder).toHaveLength(1);
  });
});

interface Case {
  name: string;
  yaml: string;
  path: string;
  line: number | null;
  message: string;
}

const cases: Case[] = [
  {
    name: "YAML syntax error",
    yaml: "version: 1\nladder:\n  - role: member\n    requires: { merged_prs: 5\n",
    path: "",
    line: 5,
    message: "YAML syntax",
  },
  {
    name: "duplicate key",
    yaml: "version: 1\nladder:\n  - role: member\nversion: 1\n",
    path: "",
    line: 4,
    message: "the key `version` is written twice",
  },
  {
    name: "a list instead of a mapping",
    yaml: "- role: member\n",
    path: "",
    line: 1,
    message: "must be a mapping of keys",
  },
  {
    name: "wrong type",
    yaml: "version: 1\nladder:\n  - role: member\n    requires:\n      merged_prs: five\n",
    path: "ladder[0].requires.merged_prs",
    line: 5,
    message: "must be a number (found `five`)",
  },
  {
    name: "not a whole number",
    yaml: "version: 1\nladder:\n  - role: member\n    requires:\n      reviews: 2.5\n",
    path: "ladder[0].requires.reviews",
    line: 5,
    message: "must be a whole number (found `2.5`)",
  },
  {
    name: "unknown key with a suggestion",
    yaml: "version: 1\nladder:\n  - role: member\n    requires:\n      window: 365d\n      merged_pr: 5\n",
    path: "ladder[0].requires.merged_pr",
    line: 6,
    message: "unknown key `merged_pr` in `ladder[0].requires`; did you mean `merged_prs`?",
  },
  {
    name: "unknown top-level key, case variant",
    yaml: "version: 1\nladder:\n  - role: member\ndryRun: true\n",
    path: "dryRun",
    line: 4,
    message: "unknown key `dryRun`; did you mean `dry_run`?",
  },
  {
    name: "unknown key with no close match lists the valid ones",
    yaml: "version: 1\nladder:\n  - role: member\n    grants:\n      wiki: true\n",
    path: "ladder[0].grants.wiki",
    line: 5,
    message: "valid keys here: `teams`, `codeowners`, `branch_protection`",
  },
  {
    name: "missing version",
    yaml: "ladder:\n  - role: member\n",
    path: "version",
    line: null,
    message: "is required",
  },
  {
    name: "empty ladder",
    yaml: "version: 1\nladder: []\n",
    path: "ladder",
    line: 2,
    message: "must list at least 1 item",
  },
  {
    name: "bad enum",
    yaml: "version: 1\nladder:\n  - role: member\npromotion:\n  approve_with: emoji\n",
    path: "promotion.approve_with",
    line: 5,
    message: "must be one of `reaction`, `pull_request`, `either` (found `emoji`)",
  },
  {
    name: "bad duration",
    yaml: "version: 1\nladder:\n  - role: member\n    requires:\n      merged_prs: 1\n      window: 6 months\n",
    path: "ladder[0].requires.window",
    line: 6,
    message: "must be a duration such as 30d, 12h, 2w (found `6 months`)",
  },
  {
    name: "role name with capitals",
    yaml: "version: 1\nladder:\n  - role: Maintainer\n",
    path: "ladder[0].role",
    line: 3,
    message: "must be a role name in lower case",
  },
  {
    name: "unknown preset",
    yaml: "preset: k8s\n",
    path: "preset",
    line: 1,
    message: "must be one of `cncf`, `kubernetes` (found `k8s`)",
  },
  {
    name: "duplicate role",
    yaml: "version: 1\nladder:\n  - role: member\n  - role: reviewer\n  - role: member\n",
    path: "ladder[2].role",
    line: 5,
    message: "the role `member` is already defined at `ladder[0]`",
  },
  {
    name: "unknown approver role",
    yaml: "version: 1\nladder:\n  - role: member\n  - role: maintainer\npromotion:\n  approvers:\n    - maintainers\n",
    path: "promotion.approvers[0]",
    line: 7,
    message: "`maintainers` is not a role on the ladder; did you mean `maintainer`?",
  },
  {
    name: "falling merged_prs",
    yaml: "version: 1\nladder:\n  - role: member\n    requires: { merged_prs: 10 }\n  - role: reviewer\n    requires:\n      merged_prs: 5\n",
    path: "ladder[1].requires.merged_prs",
    line: 7,
    message: "`reviewer` requires merged_prs 5, less than the 10 of `member` below it",
  },
  {
    name: "falling tenure, compared as durations",
    yaml: "version: 1\nladder:\n  - role: member\n    requires: { tenure: 2w }\n  - role: reviewer\n    requires:\n      tenure: 10d\n",
    path: "ladder[1].requires.tenure",
    line: 7,
    message: "requires tenure 10d, less than the 2w of `member`",
  },
  {
    name: "falling after a gap",
    yaml: "version: 1\nladder:\n  - role: a\n    requires: { reviews: 30 }\n  - role: b\n    requires: { reviews: 30 }\n  - role: c\n    requires: { reviews: 20 }\n",
    path: "ladder[2].requires.reviews",
    line: 8,
    message: "less than the 30 of `a` below it",
  },
  {
    name: "appeals quorum above panel",
    yaml: "version: 1\nladder:\n  - role: member\nappeals:\n  panel: 3\n  quorum: 4\n",
    path: "appeals.quorum",
    line: 6,
    message: "an appeal needs 4 panel votes but the panel has only 3 people",
  },
  {
    name: "time_in_role on the first rung",
    yaml: "version: 1\nladder:\n  - role: member\n    requires:\n      merged_prs: 3\n      time_in_role: 30d\n",
    path: "ladder[0].requires.time_in_role",
    line: 6,
    message: "`member` is the lowest rung; use `tenure`",
  },
  {
    name: "error in a value that came from a preset points at `preset:`",
    yaml: "version: 1\n\npreset: kubernetes\npromotion:\n  approvers: [maintainer]\n",
    path: "promotion.approvers[0]",
    line: 5,
    message: "`maintainer` is not a role on the ladder; roles are `member`, `reviewer`, `approver`",
  },
];

describe("invalid files", () => {
  it.each(cases)("$name", ({ yaml, path, line, message }) => {
    const r = parseGovernance(yaml);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const match = r.errors.find((e: ConfigProblem) => e.path === path && e.message.includes(message));
    expect({ found: match ? { path: match.path, line: match.line } : null, all: r.errors }).toMatchObject({ found: { path, line } });
    expect(match!.severity).toBe("error");
    expect(match!.file).toBe(".github/governance.yml");
  });

  it("reports every error at once, sorted by line", () => {
    const r = parseGovernance("version: 2\nladder:\n  - role: a\n    requires: { merged_pr: 1 }\nscope: everywhere\n");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.line, e.path])).toEqual([
      [1, "version"],
      [4, "ladder[0].requires.merged_pr"],
      [5, "scope"],
    ]);
  });

  it("names the file given", () => {
    const r = parseGovernance("version: x\nladder: [{ role: a }]\n", { fileName: "org/.github:.github/governance.yml" });
    expect(!r.ok && r.errors[0]!.file).toBe("org/.github:.github/governance.yml");
  });
});

describe("warnings", () => {
  it("a higher rung that drops a requirement of the rung below", () => {
    const r = ok("version: 1\nladder:\n  - role: member\n    requires: { reviews: 5 }\n  - role: maintainer\n    requires:\n      merged_prs: 10\n");
    expect(r.warnings).toEqual([
      expect.objectContaining({ path: "ladder[1].requires", line: 6, severity: "warning", message: expect.stringContaining("does not set `reviews`") }),
    ]);
  });

  it("no warning for tenure left out where time_in_role implies it", () => {
    expect(ok(fixture("spec-example.yml")).warnings).toEqual([]);
  });

  it("floors written in the repository's own file", () => {
    const r = ok("version: 1\nladder: [{ role: a }]\nfloors:\n  quorum: 1\n");
    expect(r.warnings).toEqual([expect.objectContaining({ path: "floors", line: 3, message: expect.stringContaining("do not apply to this file itself") })]);
    expect(r.governance.floors).toBeUndefined();
  });
});

describe("values shown in messages", () => {
  it.each([
    ['version: "1"', "version", 'must be `1` (found `"1"`)'],
    ["version: 1\nladder: [{ role: a, requires: { reviews: \"5\" } }]", "ladder[0].requires.reviews", 'must be a number (found `"5"`)'],
    ["version: 1\nladder: [{ role: a }]\ndry_run: yes", "dry_run", "must be true or false (found `yes`)"],
    ["version: 1\nladder: [{ role: a }]\ncounting: [x]", "counting", "must be a mapping of keys (found a list)"],
  ])("%j", (yaml, path, message) => {
    const r = parseGovernance(yaml);
    expect(!r.ok && r.errors.find((e) => e.path === path)?.message).toBe(message);
  });
});
