import { readFileSync } from "node:fs";
import { parseGovernance, parseGovernanceFiles } from "../../src/config/parse-governance.js";
import type { Floors } from "../../src/config/schema.js";

const orgDefaults = readFileSync(new URL("../../fixtures/governance/org-defaults.yml", import.meta.url), "utf8");
const ORG = "acme/.github:.github/governance.yml";

const repoFile = (body: string) => `version: 1\n${body}`;
const ladder = (top: string) => `ladder:\n  - role: member\n  - role: maintainer\n    requires:\n${top}`;

describe("floors given by the organisation", () => {
  const floors: Floors = { quorum: 2, appeals_quorum: 2, merged_prs: 30, reviews: 40 };

  it.each([
    {
      name: "promotion quorum below the floor",
      text: repoFile(`${ladder("      merged_prs: 30\n      reviews: 40\n")}promotion:\n  quorum: 1\n`),
      path: "promotion.quorum",
      line: 9,
      message: "`promotion.quorum` is 1, below the organisation's floor of 2 (set in `org`)",
    },
    {
      name: "appeals quorum below the floor",
      text: repoFile(`${ladder("      merged_prs: 30\n      reviews: 40\n")}appeals:\n  panel: 1\n  quorum: 1\n`),
      path: "appeals.quorum",
      line: 10,
      message: "`appeals.quorum` is 1, below the organisation's floor of 2",
    },
    {
      name: "top rung merged PRs below the floor",
      text: repoFile(ladder("      merged_prs: 29\n      reviews: 40\n")),
      path: "ladder[1].requires.merged_prs",
      line: 6,
      message: "the top rung `maintainer` requires 29 merged PRs, below the organisation's floor of 30",
    },
    {
      name: "top rung without reviews at all: points at its `requires`",
      text: repoFile(ladder("      merged_prs: 30\n")),
      path: "ladder[1].requires.reviews",
      line: 5,
      message: "the top rung `maintainer` does not require reviews, below the organisation's floor of 40",
    },
  ])("$name", ({ text, path, line, message }) => {
    const r = parseGovernance(text, { floors, floorsSource: "org" });
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.errors).toEqual([expect.objectContaining({ path, line, message: expect.stringContaining(message), severity: "error" })]);
  });

  it("a file at the floors passes and carries the floors it was held to", () => {
    const r = parseGovernance(repoFile(ladder("      merged_prs: 30\n      reviews: 40\n")), { floors });
    expect(r.ok && r.governance.floors).toEqual(floors);
  });
});

describe("floors through _extends", () => {
  it("the repository's file cannot lower them by declaring its own floors", () => {
    const repo = "_extends: .github\npromotion:\n  quorum: 1\nfloors:\n  quorum: 1\n";
    const r = parseGovernanceFiles([
      { name: ".github/governance.yml", text: repo, isBase: false },
      { name: ORG, text: orgDefaults, isBase: true },
    ]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([
      expect.objectContaining({ path: "promotion.quorum", line: 3, file: ".github/governance.yml", message: expect.stringContaining(`floor of 2 (set in \`${ORG}\`)`) }),
    ]);
    expect(r.warnings).toEqual([expect.objectContaining({ path: "floors", line: 4, message: expect.stringContaining("do not apply to this file itself") })]);
  });

  it("a threshold inherited from the org file that breaks a floor is reported in the org file", () => {
    const org = orgDefaults.replace("reviews: 60", "reviews: 10");
    const r = parseGovernanceFiles([
      { name: ".github/governance.yml", text: "_extends: .github\n", isBase: false },
      { name: ORG, text: org, isBase: true },
    ]);
    expect(!r.ok && r.errors).toEqual([expect.objectContaining({ path: "ladder[1].requires.reviews", file: ORG, line: 10 })]);
  });

  it("floors-only files bind without contributing anything else", () => {
    const r = parseGovernanceFiles([
      { name: ".github/governance.yml", text: "version: 1\nladder:\n  - role: maintainer\n", isBase: false },
      { name: ORG, text: orgDefaults, isBase: true, floorsOnly: true },
    ]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    // Nothing of the org ladder was merged in: the repo's single rung is the top rung.
    expect(r.errors.map((e) => [e.path, e.line])).toEqual([
      ["ladder[0].requires.merged_prs", 3],
      ["ladder[0].requires.reviews", 3],
    ]);
    expect(r.errors[0]!.message).toContain("`maintainer` does not require merged PRs");
  });

  it("a bad floors block in the org file is an error there", () => {
    const r = parseGovernanceFiles([
      { name: ".github/governance.yml", text: "version: 1\nladder: [{ role: a }]\n", isBase: false },
      { name: ORG, text: "floors:\n  quorom: 2\n", isBase: true, floorsOnly: true },
    ]);
    expect(!r.ok && r.errors).toEqual([
      expect.objectContaining({ path: "floors.quorom", line: 2, file: ORG, message: "unknown key `quorom`; did you mean `quorum`?" }),
    ]);
  });

  it("repository values win over the org file, lists replaced whole", () => {
    const repo = "_extends: .github\nladder:\n  - role: member\n  - role: maintainer\n    requires: { merged_prs: 50, reviews: 50 }\n";
    const r = parseGovernanceFiles([
      { name: ".github/governance.yml", text: repo, isBase: false },
      { name: ORG, text: orgDefaults, isBase: true },
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.governance.ladder.map((x) => [x.role, x.requires])).toEqual([
      ["member", {}],
      ["maintainer", { merged_prs: 50, reviews: 50 }],
    ]);
    expect(r.governance.promotion.quorum).toBe(3);
    expect(r.governance.floors).toEqual({ quorum: 2, appeals_quorum: 2, merged_prs: 30, reviews: 40 });
  });
});
