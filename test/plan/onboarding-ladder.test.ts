/**
 * The onboarding pull request's proposed ladder: a preset fitted to a
 * repository's last year, rendered with every field commented — and always
 * a valid ladder (it goes through the same parser as any governance.yml).
 */
import { parseGovernance } from "../../src/config/parse-governance.js";
import { fitLadder, percentile, renderGovernanceYaml, type YearOfContributions } from "../../src/plan/onboarding-ladder.js";

/** 100 contributors with a long tail: person i merged 100/(i+1) PRs and reviewed half as many. */
const tail: YearOfContributions[] = Array.from({ length: 100 }, (_, i) => ({ login: `p${i}`, mergedPrs: Math.floor(100 / (i + 1)), reviews: Math.floor(50 / (i + 1)) }));

function parsed(text: string) {
  const result = parseGovernance(text);
  if (!result.ok) throw new Error(`not a valid ladder:\n${JSON.stringify(result.errors, null, 2)}\n${text}`);
  return result.governance;
}

describe("percentile", () => {
  it.each([
    [[], 0.5, null],
    [[7], 0.9, 7],
    [[1, 2, 3, 4], 0.75, 3],
    [[4, 1, 3, 2], 1, 4],
  ])("%j at %d is %j", (xs, p, expected) => {
    expect(percentile(xs, p)).toBe(expected);
  });
});

describe("fitLadder", () => {
  it.each(["cncf", "kubernetes"] as const)("%s: fitted to the history, never above the preset, never below the rung beneath, and a valid ladder", (preset) => {
    const fitted = fitLadder(preset, tail);
    const gov = parsed(renderGovernanceYaml(fitted));
    expect(gov.ladder.map((r) => r.role)).toEqual(fitted.rungs.map((r) => r.role));
    const prs = gov.ladder.map((r) => r.requires.merged_prs ?? 0);
    expect([...prs].sort((a, b) => a - b)).toEqual(prs);
    expect(prs[0]).toBeGreaterThanOrEqual(2);
    expect(fitted.notes.length).toBe(fitted.rungs.length);
  });

  it("a small project gets lower numbers than the published preset", () => {
    const small: YearOfContributions[] = [
      { login: "a", mergedPrs: 12, reviews: 9 },
      { login: "b", mergedPrs: 3, reviews: 2 },
      { login: "c", mergedPrs: 2, reviews: 1 },
      { login: "d", mergedPrs: 1, reviews: 0 },
    ];
    const fitted = fitLadder("cncf", small);
    expect(fitted.rungs.map((r) => [r.role, r.merged_prs, r.reviews])).toEqual([
      ["member", 3, null],
      ["reviewer", 10, 9],
      ["maintainer", 12, 10], // the top rung's floor of 10 reviews
    ]);
    parsed(renderGovernanceYaml(fitted));
  });

  it("with no history the preset's numbers stand, and the notes say so", () => {
    const fitted = fitLadder("kubernetes", []);
    expect(fitted.rungs.map((r) => [r.merged_prs, r.reviews])).toEqual([
      [5, null],
      [5, 20],
      [5, 30],
    ]);
    expect(fitted.notes).toEqual(["No merged pull requests in the last year: the kubernetes preset's numbers stand."]);
  });

  it("comments every field and grants the teams given", () => {
    const text = renderGovernanceYaml(fitLadder("cncf", tail), { teams: { maintainer: ["maintainers"] } });
    for (const line of text.split("\n")) {
      if (/^\s*[a-z_]+:\s*\S/.test(line) && !/^\s*(version|description|role):/.test(line) && !line.includes("#")) throw new Error(`uncommented field: ${line}`);
    }
    expect(parsed(text).ladder.at(-1)!.grants.teams).toEqual(["maintainers"]);
  });
});
