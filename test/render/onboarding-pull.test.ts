/**
 * The onboarding pull request's body: the ladder in words, who stands where,
 * who would be proposed, the CODEOWNERS block, what was left out, and how to
 * change it — mentioning nobody, whatever the repository's names say.
 */
import type { MergedPullRequest, SubmittedReview } from "../../src/ladder/contributions.js";
import { measureAll } from "../../src/ladder/measure.js";
import { planOnboardingFiles, type AuthorityHolder } from "../../src/plan/onboarding-files.js";
import { fitLadder } from "../../src/plan/onboarding-ladder.js";
import { findMarker } from "../../src/render/markers.js";
import { onboardingPullTitle, renderOnboardingPullBody, type OnboardingPullInput } from "../../src/render/onboarding-pull.js";

const NOW = new Date("2026-12-08T12:00:00Z");
const REPO = { owner: "acme", repo: "widgets" };

function pr(author: string, n: number, daysAgo: number): MergedPullRequest {
  return {
    repo: "acme/widgets",
    number: n,
    author,
    mergedAt: new Date(NOW.getTime() - daysAgo * 86_400_000).toISOString(),
    additions: 10,
    deletions: 1,
    labels: [],
    paths: null,
    url: `https://github.com/acme/widgets/pull/${n}`,
  };
}

function review(reviewer: string, prAuthor: string, n: number, daysAgo: number): SubmittedReview {
  return {
    id: n * 1000 + reviewer.length,
    repo: "acme/widgets",
    prNumber: n,
    prAuthor,
    reviewer,
    state: "APPROVED",
    submittedAt: new Date(NOW.getTime() - daysAgo * 86_400_000).toISOString(),
    url: `https://github.com/acme/widgets/pull/${n}#review`,
  };
}

let next = 1;
const many = (author: string, count: number, daysAgo = 10) => Array.from({ length: count }, () => pr(author, next++, daysAgo));

function inputFor(
  holders: AuthorityHolder[],
  opts: { preset?: "cncf" | "kubernetes"; skipped?: OnboardingPullInput["skipped"]; teams?: Record<string, string[]>; ledger?: { pullRequests: MergedPullRequest[]; reviews: SubmittedReview[] } } = {},
): OnboardingPullInput {
  const ledger = opts.ledger ?? { pullRequests: [...many("ana", 4), ...many("ben", 1)], reviews: [] };
  const fitted = fitLadder(opts.preset ?? "cncf", []);
  const planned = planOnboardingFiles({
    fitted,
    teams: opts.teams ?? {},
    holders,
    existingCodeowners: { path: null, text: null },
    repo: REPO,
    today: "2026-12-08",
    webUrl: "https://github.com",
  });
  const standings = measureAll(ledger, planned.governance, planned.roster, NOW);
  return { repo: REPO, files: planned, notes: fitted.notes, standings, skipped: opts.skipped ?? [], webUrl: "https://github.com" };
}

function body(...args: Parameters<typeof inputFor>): string {
  return renderOnboardingPullBody(inputFor(...args));
}

/** The body without its fenced code blocks (GitHub links no mention inside them). */
function outsideFences(text: string): string {
  return text.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, "");
}

describe("onboarding pull request", () => {
  it("is titled Configure Stewards", () => {
    expect(onboardingPullTitle()).toBe("Configure Stewards");
  });

  it("previews a small case", () => {
    const text = body([{ login: "maya", sources: ["repository admin", "CODEOWNERS owner of *"] }]);
    expect(text).toMatchInlineSnapshot(`
"Stewards runs this repository's contributor ladder in the open: it measures each contributor's history against the ladder, proposes promotions as issues for the approvers to decide, keeps CODEOWNERS and teams in step with the roster, and logs every decision with its reasons.

This pull request proposes how to start. **Nothing else happens in this repository until it is merged.** It adds:
- \`.github/governance.yml\` — the ladder: its rungs, what each requires, and who approves; every field is explained beside it
- \`.github/roster.yml\` — who holds which role: 1 person as \`maintainer\`
- \`GOVERNANCE-LOG.md\` — the governance log, with the founding decision \`D-0001\` every roster entry points to
- \`.github/CODEOWNERS\` — the Stewards block of CODEOWNERS

### The ladder

1. **member** — requires 5 merged PRs in the last 365 days; 90 days since the first counted contribution. _Organization Member: an established contributor who regularly participates in the project._
2. **reviewer** — requires 10 merged PRs and 20 reviews of others' PRs in the last 365 days; 180 days since the first counted contribution. _Reviewer: responsible for reviewing changes to a specific area of the project._
3. **maintainer** — requires 30 merged PRs and 50 reviews of others' PRs in the last 365 days; 180 days since the first counted contribution; 180 days as \`reviewer\`. _Maintainer: responsible for the entire project, its strategy and priorities._

Each role includes the ones below it. A promotion needs 2 approvals from \`maintainer\`.

How the numbers were chosen:
- No merged pull requests in the last year: the cncf preset's numbers stand.

### Who stands where

**\`maintainer\`** — everyone who holds authority over this repository today (1), so nobody loses the say they have:

- [maya](https://github.com/maya) — repository admin; CODEOWNERS owner of \\*

Other recent contributors, nearest rung first (2):

- [ana](https://github.com/ana) — \`member\`: 1 more merged PR and 80 more days since the first counted contribution to go
- [ben](https://github.com/ben) — \`member\`: 4 more merged PRs and 80 more days since the first counted contribution to go

### Who would be proposed once this lands

Nobody yet: no contributor meets the next rung's requirements.

### CODEOWNERS

\`.github/CODEOWNERS\` gets this block; every other line of the file stays as it is. After merging, Stewards keeps the block in step with the roster.

\`\`\`text
# BEGIN stewards
# Maintained by Stewards from the roster; edit the roster, not these lines.
/.github/governance.yml @maya
/.github/roster.yml @maya
# END stewards
\`\`\`

### Before merging

- **Change anything by editing the files in this pull request:** a number or a role in \`.github/governance.yml\`, a person or their role in \`.github/roster.yml\`. Keep \`decision: D-0001\` on each roster entry: it is the founding entry of \`GOVERNANCE-LOG.md\`.
- **Merging** starts Stewards here: it reads the history, opens proposals for the people above, and keeps CODEOWNERS and teams in step with the roster.
- **Closing this pull request without merging** means Stewards will not open it again for this repository; a ladder added later by hand starts it all the same.
- Whoever runs Stewards can turn onboarding pull requests off everywhere with \`STEWARDS_ONBOARDING=false\`.

<!-- stewards:{"kind":"onboarding","repo":"acme/widgets"} -->"
`);
  });

  it.each(["cncf", "kubernetes"] as const)("%s: every rung in words, and a marker the app finds", (preset) => {
    const text = body([{ login: "maya", sources: ["repository admin"] }], { preset });
    const roles = preset === "cncf" ? ["member", "reviewer", "maintainer"] : ["member", "reviewer", "approver"];
    roles.forEach((role, i) => expect(text).toContain(`${i + 1}. **${role}** — `));
    expect(findMarker(text, "onboarding")).toEqual({ repo: "acme/widgets" });
    expect(outsideFences(text)).not.toMatch(/@\w/);
  });

  it("escapes hostile logins, team names and sources, and mentions nobody", () => {
    const hostile = "x`</code><b>hi</b>\n## Heading @acme/admins [link](http://evil)";
    const text = body(
      [
        { login: "maya", sources: [hostile, "team @acme/maintainers"] },
        { login: "@everyone", sources: ["CODEOWNERS"] },
        { login: "bad`login", sources: [hostile] },
      ],
      {
        teams: { maintainer: ["@acme/evil", "<b>team</b>", "maintainers"] },
        skipped: [{ what: "@ghost-team", why: "unknown team ``` in CODEOWNERS\n```\n@mention <img src=x>" }],
        ledger: { pullRequests: [...many("ana", 2), ...many("`tick`", 2)], reviews: [review("ana", "ben", 1, 3)] },
      },
    );
    const outside = outsideFences(text);
    expect(outside).not.toMatch(/@\w/);
    expect(outside).not.toMatch(/<(b|img|code)/);
    expect(outside).not.toMatch(/^#+ Heading/m);
    expect(outside).toContain("\\[link\\](http://evil)");
    // The only fence is the CODEOWNERS block, and it holds only its own lines.
    const fences = text.match(/^`{3,}/gm) ?? [];
    expect(fences).toHaveLength(2);
    expect(text).toContain("[maya](https://github.com/maya)");
    expect(text).toContain("; its holders are kept in team `maintainers`.");
  });

  it("a CODEOWNERS block with backticks in it cannot end its fence", () => {
    const input = inputFor([{ login: "maya", sources: ["repository admin"] }]);
    const text = renderOnboardingPullBody({ ...input, files: { ...input.files, codeownersBlock: "# BEGIN stewards\n/a```b/ @maya\n````\n# END stewards" } });
    expect(text).toContain("`````text\n# BEGIN stewards\n/a```b/ @maya\n````\n# END stewards\n`````\n");
  });

  it("lists the nearest 20 by progress and counts the rest; the eligible ones as proposals", () => {
    const prs = Array.from({ length: 25 }, (_, i) => many(`dev${String(i + 1).padStart(2, "0")}`, i + 1, 100)).flat();
    const text = body([{ login: "maya", sources: ["repository admin"] }], { ledger: { pullRequests: prs, reviews: [] } });
    expect(text).toContain("Other recent contributors, nearest rung first (25):");
    const listed = text.split("\n").filter((l) => /^- \[dev\d\d\]/.test(l));
    // 21 meet member (5 PRs, 90 days): the first 20 of them (by login) are listed, and again as proposals, the 21st counted.
    expect(listed.filter((l) => l.includes("every requirement met"))).toHaveLength(20);
    expect(text).toContain("- and 5 more\n");
    expect(text).not.toContain("[dev01]");
    expect(text).toContain("Stewards would open a proposal issue for each, for the approvers to decide (21):");
    expect(text).toContain("- [dev05](https://github.com/dev05) for `member`");
    expect(text).toContain("- and 1 more\n");
  });

  it("stays under GitHub's body limit with thousands of holders and hostile text everywhere", () => {
    const hostile = "&".repeat(500);
    const holders = Array.from({ length: 2000 }, (_, i) => ({ login: `user${i}`, sources: [hostile, hostile, hostile, hostile, hostile] }));
    const skipped = Array.from({ length: 100 }, () => ({ what: hostile, why: hostile }));
    const text = body(holders, { skipped });
    expect(text.length).toBeLessThan(60_000);
    expect(text).toContain("- and 1990 more (all in `.github/roster.yml`)");
    expect(text).toContain("- and 90 more\n");
    expect(text).toMatch(/_and \d+ more lines: the whole file is in this pull request._/);
  });
});
