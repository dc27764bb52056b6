/** The health report issue: one per period, edited only when its text changes, found again after a crash. */
import { rosterSchema } from "../../src/config/schema.js";
import type { MergedPullRequest } from "../../src/ladder/contributions.js";
import type { Action } from "../../src/plan/actions.js";
import { computeHealth } from "../../src/health/figures.js";
import { healthFigures } from "../../src/render/health-page.js";
import { renderHealthReport } from "../../src/render/health-report.js";
import { renderMarker } from "../../src/render/markers.js";
import { upsertHealthReport, type HealthReportGitHub } from "../../src/usecases/health-report.js";
import type { MarkedIssue } from "../../src/github/issue-reads.js";
import { smallLadder } from "../ladder/builders.js";
import { silent } from "../support/silent-logger.js";

const REPO = { owner: "acme", repo: "widgets" };
function pr(author: string, at: string, n: number): MergedPullRequest {
  return { repo: "acme/widgets", number: n, author, mergedAt: at, additions: 3, deletions: 1, labels: [], paths: null, url: `https://github.com/acme/widgets/pull/${n}` };
}
function figuresAt(now: string, prs: MergedPullRequest[]) {
  const roster = rosterSchema.parse({ members: [{ login: "carol", role: "maintainer", since: "2025-01-01" }] });
  const result = computeHealth({
    repository: "acme/widgets",
    governance: smallLadder(),
    roster,
    ledger: { pullRequests: prs, reviews: [] },
    log: [{ id: "D-0001", kind: "promotion", kindText: "promotion", date: "2025-06-02", subject: "x", role: null, reason: null, decidedBy: "", link: null }],
    openProposals: [{ issue: 9, login: "ann", role: "member", openedAt: "2025-06-01T00:00:00.000Z" }],
    now: new Date(now),
    historyPeriods: 1,
  });
  return healthFigures(result, new Date(now));
}
const JUNE = [pr("ann", "2025-06-01T00:00:00.000Z", 1), pr("ann", "2025-06-02T00:00:00.000Z", 2), pr("bob", "2025-06-03T00:00:00.000Z", 3)];

function world(open: MarkedIssue[] = []) {
  const values = new Map<string, unknown>();
  const executed: Action[] = [];
  let finds = 0;
  let next = 50;
  const github: HealthReportGitHub = {
    findOpenReports: async () => (finds++, open),
    execute: async (actions) => {
      executed.push(...actions);
      return actions.map((action) => (action.kind === "issue.create" ? { action, dryRun: false, created: { id: 1, number: next++ } } : { action, dryRun: false }));
    },
  };
  const kv = {
    getValue: async <T,>(k: string) => (values.get(k) ?? null) as T | null,
    setValue: async <T,>(k: string, v: T) => void values.set(k, v),
  };
  return { deps: { kv, github, log: silent, webUrl: "https://github.com", pageUrl: "https://stewards.example.org/stewards/acme/widgets" }, executed, finds: () => finds };
}

describe("the health report issue", () => {
  it("renders the figures with the change from the period before, warnings, and links instead of mentions", () => {
    const body = renderHealthReport(figuresAt("2025-06-15T12:00:00.000Z", JUNE), { webUrl: "https://github.com", pageUrl: "https://stewards.example.org/stewards/acme/widgets" });
    expect(body).not.toContain("@");
    expect(body).toMatchInlineSnapshot(`
"## Governance health of acme/widgets, 2025-06

_Period 2025-06-01 to 2025-07-01 (end excluded). This issue is updated in place while the period is open, whenever a figure changes._

**Warnings**

- ⚠️ The top author made 67 % of merges in the last 90 days.
- ⚠️ Only 2 people had pull requests merged in the last 90 days.
- ⚠️ One proposal has waited more than a week for a decision: \\#9.

| figure | this period | change from 2025-05 |
| --- | --- | --- |
| Promotions | 1 | +1 |
| Demotions (emeritus: 0); step-downs apart: 0 | 0 | ±0 |
| Decisions contested (appealed) | 0 % | — |
| Appeals filed / upheld / overturned | 0 / 0 / 0 | — |
| Manual roster changes | 0 | ±0 |
| People with merged pull requests (90 days) | 2 | +2 |
| Merges by the top author | 67 % | — |
| Merges by the top three authors | 100 % | — |
| Absence factor (fewest people making half the merges) | 1 | +1 |
| Holding member | 0 | ±0 |
| Holding reviewer | 0 | ±0 |
| Holding maintainer | 1 | ±0 |

**One requirement away from the next rung:** [bob](https://github.com/bob)

**Open proposals older than a week:** [#9](https://github.com/acme/widgets/issues/9)

Charts, the ladder, everyone's progress and the decision log: [the health page](https://stewards.example.org/stewards/acme/widgets) ([JSON](https://stewards.example.org/stewards/acme/widgets/health.json)).

<!-- stewards:{"kind":"health-report","period":"2025\\u002d06\\u002d01T00:00:00.000Z"} -->"
`);
  });

  it("opens one issue, then edits it only when a figure changed", async () => {
    const w = world();
    const first = await upsertHealthReport(w.deps, REPO, figuresAt("2025-06-15T12:00:00.000Z", JUNE));
    expect(first).toEqual({ kind: "opened", issue: 50, closed: [] });
    expect(w.executed).toEqual([expect.objectContaining({ kind: "issue.create", title: "Governance health: 2025-06", labels: ["stewards:health"] })]);

    // Later in the period, same figures (a different clock): no request at all.
    expect(await upsertHealthReport(w.deps, REPO, figuresAt("2025-06-16T12:00:00.000Z", JUNE))).toEqual({ kind: "unchanged", issue: 50, closed: [] });
    expect(w.executed).toHaveLength(1);
    expect(w.finds()).toBe(1);

    // A new merge changes the figures: the same issue is edited.
    const more = [...JUNE, pr("cyd", "2025-06-16T00:00:00.000Z", 4)];
    expect(await upsertHealthReport(w.deps, REPO, figuresAt("2025-06-17T12:00:00.000Z", more))).toMatchObject({ kind: "updated", issue: 50 });
    expect(w.executed[1]).toMatchObject({ kind: "issue.update", number: 50 });
    expect((w.executed[1] as { body: string }).body).toContain("| People with merged pull requests (90 days) | 3 |");
  });

  it("a new period closes the last period's issue and opens its own", async () => {
    const june: MarkedIssue = { number: 50, title: "Governance health: 2025-06", body: "…", key: { period: "2025-06-01T00:00:00.000Z" } };
    const w = world([june]);
    const out = await upsertHealthReport(w.deps, REPO, figuresAt("2025-07-02T12:00:00.000Z", JUNE));
    expect(out).toEqual({ kind: "opened", issue: 50, closed: [50] });
    expect(w.executed.map((a) => [a.kind, "number" in a ? a.number : null])).toEqual([["issue.close", 50], ["issue.create", null]]);
  });

  it("without a record (a crash after creating it) adopts this period's open issue instead of opening another", async () => {
    const figures = figuresAt("2025-06-15T12:00:00.000Z", JUNE);
    const body = renderHealthReport(figures, { webUrl: "https://github.com", pageUrl: "https://stewards.example.org/stewards/acme/widgets" });
    const w = world([{ number: 77, title: "Governance health: 2025-06", body, key: { period: "2025-06-01T00:00:00.000Z" } }]);
    expect(await upsertHealthReport(w.deps, REPO, figures)).toEqual({ kind: "unchanged", issue: 77, closed: [] });
    expect(w.executed).toEqual([]);
    expect(body).toContain(renderMarker("health-report", { period: "2025-06-01T00:00:00.000Z" }));
  });
});
