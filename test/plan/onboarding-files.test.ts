/**
 * The files of the onboarding pull request: a valid ladder, a roster of
 * exactly the people who hold authority today (at the top role, pointing to
 * D-0001), a log with that one founding entry, and CODEOWNERS with the block
 * and every other line as it was. What cannot go in safely is skipped and said.
 */
import { parseGovernance } from "../../src/config/parse-governance.js";
import { parseRoster } from "../../src/config/parse-roster.js";
import { parseLog } from "../../src/log/parse-log.js";
import { BLOCK_BEGIN, BLOCK_END } from "../../src/plan/codeowners-block.js";
import { planOnboardingFiles, type OnboardingFilesInput } from "../../src/plan/onboarding-files.js";
import { fitLadder } from "../../src/plan/onboarding-ladder.js";
import { createRoster } from "../../src/plan/roster-edit.js";

const year = [
  { login: "alice", mergedPrs: 30, reviews: 40 },
  { login: "bob", mergedPrs: 6, reviews: 3 },
  { login: "carol", mergedPrs: 2, reviews: 0 },
];

function input(over: Partial<OnboardingFilesInput> = {}): OnboardingFilesInput {
  return {
    fitted: fitLadder("cncf", year),
    teams: {},
    holders: [
      { login: "Alice", sources: ["repository admin"] },
      { login: "dan", sources: ["CODEOWNERS owner of *", "team maintainers (maintain access)"] },
      { login: "alice", sources: ["CODEOWNERS owner of /docs/"] },
    ],
    existingCodeowners: { path: null, text: null },
    repo: { owner: "acme", repo: "widgets" },
    today: "2026-12-08",
    webUrl: "https://github.com",
    ...over,
  };
}

describe("planOnboardingFiles", () => {
  it.each(["cncf", "kubernetes"] as const)("%s: the files parse, the roster is exactly the holders at the top role, the log one founding entry", (preset) => {
    const plan = planOnboardingFiles(input({ fitted: fitLadder(preset, year) }));
    const gov = parseGovernance(plan.governanceYml);
    expect(gov.ok).toBe(true);
    const top = plan.governance.ladder.at(-1)!.role;
    expect(plan.topRole).toBe(top);

    const roster = parseRoster(plan.rosterYml, plan.governance);
    if (!roster.ok) throw new Error(JSON.stringify(roster.errors));
    expect(roster.roster).toEqual({
      members: [
        { login: "Alice", role: top, since: "2026-12-08", decision: "D-0001" },
        { login: "dan", role: top, since: "2026-12-08", decision: "D-0001" },
      ],
      emeritus: [],
    });
    expect(plan.roster).toEqual(roster.roster);
    expect(plan.holders).toEqual([
      { login: "Alice", sources: ["repository admin", "CODEOWNERS owner of /docs/"] },
      { login: "dan", sources: ["CODEOWNERS owner of *", "team maintainers (maintain access)"] },
    ]);

    const log = parseLog(plan.logMd);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      id: "D-0001",
      kind: "manual roster change",
      date: "2026-12-08",
      subject: "founding roster",
      role: { from: null, to: top },
      decidedBy: "onboarding pull request (merged by a maintainer)",
      key: "onboarding:acme/widgets",
    });
    expect(log[0]!.reason).toContain("Alice (repository admin; CODEOWNERS owner of /docs/)");

    expect(plan.codeowners).toEqual({ path: ".github/CODEOWNERS", text: `${plan.codeownersBlock}\n` });
    expect(plan.codeownersBlock).toContain("/.github/roster.yml @Alice @dan");
    expect(plan.files.map((f) => f.path)).toEqual([".github/governance.yml", ".github/roster.yml", "GOVERNANCE-LOG.md", ".github/CODEOWNERS"]);
    expect(plan.skipped).toEqual([]);
  });

  it("skips and reports a login that is not a GitHub username, and a team slug GitHub would not have", () => {
    const plan = planOnboardingFiles(
      input({
        holders: [
          { login: "ok-user", sources: ["repository admin"] },
          { login: "evil`<b>\nname", sources: ["CODEOWNERS owner of *"] },
          { login: "@acme/team", sources: ["CODEOWNERS"] },
          { login: "renovate[bot]", sources: ["team bots (admin access)"] },
        ],
        teams: { maintainer: ["maintainers", "@evil team"] },
      }),
    );
    expect(plan.roster.members.map((m) => m.login)).toEqual(["ok-user"]);
    expect(plan.skipped.map((s) => s.what)).toEqual(["team @evil team", "evil`<b>\nname", "@acme/team", "renovate[bot]"]);
    expect(plan.skipped[1]!.why).toBe("not a GitHub username, from CODEOWNERS owner of *; not on the roster");
    expect(plan.skipped[3]!.why).toBe("a bot account (apps hold no roles), from team bots (admin access); not on the roster");
    expect(plan.governance.ladder.at(-1)!.grants.teams).toEqual(["maintainers"]);
  });

  it("with nobody holding authority: an empty roster, and the body is told why nobody can approve", () => {
    const plan = planOnboardingFiles(input({ holders: [] }));
    expect(plan.roster.members).toEqual([]);
    expect(parseLog(plan.logMd)).toHaveLength(1);
    expect(plan.skipped).toEqual([expect.objectContaining({ what: "the roster" })]);
  });

  it("keeps every line of an existing CODEOWNERS outside the block", () => {
    const text = "# owners\n*.js @acme/js-team\n/docs/ @old-owner\n";
    const plan = planOnboardingFiles(input({ existingCodeowners: { path: "docs/CODEOWNERS", text } }));
    expect(plan.codeowners?.path).toBe("docs/CODEOWNERS");
    expect(plan.codeowners?.text.startsWith(text)).toBe(true);
    expect(plan.codeowners?.text.slice(text.length)).toBe(`\n${plan.codeownersBlock}\n`);

    const replaced = planOnboardingFiles(input({ existingCodeowners: { path: "CODEOWNERS", text: `a @x\n${BLOCK_BEGIN}\n* @gone\n${BLOCK_END}\nb @y\n` } }));
    expect(replaced.codeowners?.text).toBe(`a @x\n${replaced.codeownersBlock}\nb @y\n`);
  });

  it("a CODEOWNERS whose block is broken is left alone, and said", () => {
    const plan = planOnboardingFiles(input({ existingCodeowners: { path: "CODEOWNERS", text: `${BLOCK_BEGIN}\n* @x\n` } }));
    expect(plan.codeowners).toBeNull();
    expect(plan.files.map((f) => f.path)).not.toContain("CODEOWNERS");
    expect(plan.skipped).toEqual([expect.objectContaining({ what: "CODEOWNERS" })]);
  });

  it("many holders in one pass", () => {
    const holders = Array.from({ length: 400 }, (_, i) => ({ login: `user${i}`, sources: ["team maintainers (maintain access)"] }));
    const plan = planOnboardingFiles(input({ holders }));
    expect(plan.roster.members).toHaveLength(400);
  });
});

describe("createRoster", () => {
  const gov = planOnboardingFiles(input()).governance;

  it("refuses what a change would refuse", () => {
    const entry = { login: "a", role: "maintainer", since: "2026-12-08", decision: "D-0001" };
    expect(createRoster({ members: [{ ...entry, login: "a b" }], emeritus: [] }, gov)).toMatchObject({ ok: false, error: { code: "invalid-change" } });
    expect(createRoster({ members: [{ ...entry, role: "boss" }], emeritus: [] }, gov)).toMatchObject({ ok: false, error: { code: "unknown-role" } });
    expect(createRoster({ members: [entry, { ...entry, login: "A" }], emeritus: [] }, gov)).toMatchObject({ ok: false, error: { code: "invalid-change" } });
    expect(createRoster({ members: [{ ...entry, since: "8 Dec" }], emeritus: [] }, gov)).toMatchObject({ ok: false, error: { code: "invalid-change" } });
    expect(createRoster({ members: [entry], emeritus: [] }, gov)).toMatchObject({ ok: true, roster: { members: [entry], emeritus: [] } });
  });
});
