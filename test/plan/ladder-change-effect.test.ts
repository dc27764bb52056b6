/**
 * The effect of a change to the ladder or the roster (src/plan/roster-diff.ts,
 * src/plan/ladder-change-effect.ts): tables of base → head and what they do,
 * and the words the check run and the log give it (src/render/ladder-effect.ts).
 */
import { governanceSchema, type GovernanceInput, type Roster } from "../../src/config/schema.js";
import { ladderChangeEffect, isNoEffect, type EffectInput, type LoggedDecision } from "../../src/plan/ladder-change-effect.js";
import { diffRoster, rankIn } from "../../src/plan/roster-diff.js";
import { describeRosterChange, describeRuleChange, renderEffect } from "../../src/render/ladder-effect.js";
import { NOW, prs, reviews } from "../ladder/builders.js";

const ladderInput: GovernanceInput = {
  version: 1,
  ladder: [
    { role: "member", requires: { merged_prs: 2, window: "30d" }, grants: { teams: ["contributors"] } },
    { role: "reviewer", requires: { merged_prs: 3, reviews: 2, window: "30d" }, grants: { teams: ["reviewers"], codeowners: ["/docs/"] } },
    {
      role: "maintainer",
      requires: { reviews: 3, time_in_role: "20d" },
      grants: { teams: ["maintainers"], codeowners: ["*"], branch_protection: { branches: ["main"], bypass: true } },
    },
  ],
  promotion: { approvers: ["maintainer"], quorum: 2 },
};
const gov = (over: (g: GovernanceInput) => void = () => undefined) => {
  const input = structuredClone(ladderInput);
  over(input);
  return governanceSchema.parse(input);
};

const roster: Roster = {
  members: [
    { login: "alice", role: "maintainer", since: "2024-01-15", decision: "D-0001" },
    { login: "bob", role: "reviewer", since: "2024-06-01", decision: "D-0002" },
    { login: "cy", role: "member", since: "2025-01-01" },
  ],
  emeritus: [{ login: "carol", role: "maintainer", since: "2025-03-01", decision: "D-0003" }],
};
const withRoster = (edit: (r: Roster) => void): Roster => {
  const r = structuredClone(roster);
  edit(r);
  return r;
};

const decisions: LoggedDecision[] = [
  { id: "D-0001", subject: "alice", to: "maintainer" },
  { id: "D-0002", subject: "bob", to: "reviewer" },
  { id: "D-0003", subject: "carol", to: null },
  { id: "D-0004", subject: "bob", to: "maintainer" },
  { id: "D-0005", subject: "bob", to: "maintainer", manual: true },
];

function effectOf(over: Partial<EffectInput> = {}) {
  return ladderChangeEffect({ base: { governance: gov(), roster }, head: { governance: gov(), roster }, decisions, ledger: null, now: NOW, ...over });
}

describe("diffRoster", () => {
  const rank = rankIn(gov().ladder);
  it.each<[string, (r: Roster) => void, { movement: string; raises: boolean; backdated?: boolean }[]]>([
    ["nothing changed", () => undefined, []],
    ["a decision id filled in where there was none is no change (the app's own fill-in)", (r) => (r.members[2]!.decision = "D-0009"), []],
    ["a decision id replaced is a change", (r) => (r.members[1]!.decision = "D-0009"), [{ movement: "updated", raises: false }]],
    ["promoted", (r) => (r.members[1]!.role = "maintainer"), [{ movement: "promoted", raises: true }]],
    ["demoted", (r) => (r.members[0]!.role = "member"), [{ movement: "demoted", raises: false }]],
    ["made emeritus", (r) => r.emeritus.push({ ...r.members.splice(1, 1)[0]! }), [{ movement: "emeritus", raises: false }]],
    ["removed", (r) => void r.members.splice(2, 1), [{ movement: "removed", raises: false }]],
    ["added", (r) => r.members.push({ login: "dee", role: "member", since: "2025-05-01" }), [{ movement: "added", raises: true }]],
    ["reinstated from emeritus", (r) => r.members.push({ ...r.emeritus.pop()! }), [{ movement: "reinstated", raises: true }]],
    ["backdated", (r) => (r.members[1]!.since = "2023-01-01"), [{ movement: "updated", raises: false, backdated: true }]],
    ["a login's case is not a change", (r) => (r.members[1]!.login = "BOB"), []],
  ])("%s", (_name, edit, expected) => {
    const changes = diffRoster(roster, withRoster(edit), rank);
    expect(changes.map((c) => ({ movement: c.movement, raises: c.raises, ...(c.backdated ? { backdated: true } : {}) }))).toEqual(expected);
  });
});

describe("ladderChangeEffect: the roster", () => {
  it.each<[string, (r: Roster) => void, string | null]>([
    ["a promotion with no decision id", (r) => (r.members[2]!.role = "reviewer"), "no-decision"],
    ["a promotion that keeps the decision of the role before", (r) => (r.members[1]!.role = "maintainer"), "other-decision"],
    ["a promotion naming an id the log lacks", (r) => Object.assign(r.members[1]!, { role: "maintainer", decision: "D-0099" }), "not-in-log"],
    ["a promotion naming someone else's decision", (r) => Object.assign(r.members[2]!, { role: "reviewer", decision: "D-0002" }), "other-decision"],
    ["a promotion naming the decision for another role", (r) => Object.assign(r.members[2]!, { role: "reviewer", decision: "D-0001" }), "other-decision"],
    ["a promotion naming a logged hand edit", (r) => Object.assign(r.members[1]!, { role: "maintainer", decision: "D-0005" }), "manual-change"],
    ["a promotion the log decided", (r) => Object.assign(r.members[1]!, { role: "maintainer", decision: "D-0004" }), "logged"],
    ["a demotion needs no decision", (r) => (r.members[1]!.role = "member"), null],
  ])("%s", (_name, edit, backing) => {
    const e = effectOf({ head: { governance: gov(), roster: withRoster(edit) } });
    expect(e.roster).toHaveLength(1);
    expect(e.roster[0]!.backing?.kind ?? null).toBe(backing);
    const flagged = e.concerns.some((c) => c.kind === "unlogged-raise");
    expect(flagged).toBe(backing !== null && backing !== "logged");
  });

  it("a promotion the log decided brings its grants with it, unflagged", () => {
    const e = effectOf({ head: { governance: gov(), roster: withRoster((r) => Object.assign(r.members[1]!, { role: "maintainer", decision: "D-0004" })) } });
    expect(e.access).toEqual([
      {
        login: "bob",
        gains: [{ kind: "approver" }, { kind: "bypass", branch: "main" }, { kind: "codeowner", pattern: "*" }, { kind: "team", team: "maintainers" }],
        losses: [],
      },
    ]);
    expect(e.concerns).toEqual([]);
  });

  it("a backdated `since` is a concern", () => {
    const e = effectOf({ head: { governance: gov(), roster: withRoster((r) => (r.members[1]!.since = "2023-01-01")) } });
    expect(e.concerns).toEqual([{ kind: "backdated", login: "bob", role: "reviewer", from: "2024-06-01", to: "2023-01-01" }]);
  });

  it("with no valid ladder before, the roster is listed as where the ladder starts, and nothing is flagged", () => {
    const e = effectOf({ base: null });
    expect(e.compared).toBe(false);
    expect(e.roster.map((c) => [c.login, c.movement])).toEqual([
      ["alice", "added"],
      ["bob", "added"],
      ["cy", "added"],
      ["carol", "added"],
    ]);
    expect(e.concerns).toEqual([]);
  });
});

describe("ladderChangeEffect: the rules", () => {
  it.each<[string, (g: GovernanceInput) => void, Array<[string, string | undefined, unknown, unknown, string]>]>([
    ["nothing", () => undefined, []],
    ["a threshold falls", (g) => (g.ladder[1]!.requires!.merged_prs = 1), [["requires.merged_prs", "reviewer", 3, 1, "weaker"]]],
    ["a threshold rises", (g) => (g.ladder[1]!.requires!.reviews = 5), [["requires.reviews", "reviewer", 2, 5, "stronger"]]],
    ["a requirement dropped", (g) => delete g.ladder[2]!.requires!.time_in_role, [["requires.time_in_role", "maintainer", "20d", null, "weaker"]]],
    ["a longer window counts more", (g) => (g.ladder[0]!.requires!.window = "90d"), [["requires.window", "member", "30d", "90d", "weaker"]]],
    ["the quorum falls", (g) => (g.promotion!.quorum = 1), [["promotion.quorum", undefined, 2, 1, "weaker"]]],
    ["a lower role approves", (g) => (g.promotion!.approvers = ["reviewer"]), [["promotion.approvers", undefined, "maintainer", "reviewer", "weaker"]]],
    ["objections no longer hold", (g) => (g.promotion!.objection = "ignore"), [["promotion.objection", undefined, "block", "ignore", "weaker"]]],
    ["approving by merge too", (g) => (g.promotion!.approve_with = "either"), [["promotion.approve_with", undefined, "reaction", "either", "weaker"]]],
    ["approving by merge instead", (g) => (g.promotion!.approve_with = "pull_request"), [["promotion.approve_with", undefined, "reaction", "pull_request", "changed"]]],
    ["inactivity never demotes", (g) => (g.demotion = { inactive_after: null }), [["demotion.inactive_after", undefined, "365d", null, "weaker"]]],
    ["dry run on", (g) => (g.dry_run = true), [["dry_run", undefined, false, true, "changed"]]],
    ["an exclusion dropped", (g) => (g.counting = { exclude_authors: ["dependabot[bot]"] }), [["counting.exclude_authors", undefined, "renovate[bot]", null, "weaker"]]],
    ["scope widened to the organisation", (g) => (g.scope = "org"), [["scope", undefined, "repo", "org", "weaker"]]],
    ["a grant added", (g) => (g.ladder[0]!.grants = { teams: ["contributors"], codeowners: ["/tests/"] }), [["grants.codeowners", "member", null, "/tests/", "weaker"]]],
    ["bypass taken away", (g) => delete g.ladder[2]!.grants!.branch_protection, [["grants.bypass", "maintainer", "main", null, "stronger"]]],
    [
      "a rung added on top",
      (g) => g.ladder.push({ role: "owner", requires: { reviews: 10 } }),
      // The approvers stay `maintainer` as written: approving is unchanged.
      [["rung", "owner", null, "owner", "changed"]],
    ],
    ["a rung removed", (g) => void g.ladder.splice(1, 1), [["rung", "reviewer", "reviewer", null, "changed"]]],
  ])("%s", (_name, edit, expected) => {
    const e = effectOf({ head: { governance: gov(edit), roster } });
    expect(e.rules.map((r) => [r.key, r.rung, r.before, r.after, r.direction])).toEqual(expected);
    expect(e.concerns.filter((c) => c.kind === "weaker-rule")).toHaveLength(expected.filter((x) => x[4] === "weaker").length);
  });

  it("a grant widened to people who hold the rung gives them access, flagged as gained without a decision", () => {
    const e = effectOf({ head: { governance: gov((g) => (g.ladder[1]!.grants!.branch_protection = { branches: ["main"], bypass: true })), roster } });
    expect(e.access).toEqual([{ login: "bob", gains: [{ kind: "bypass", branch: "main" }], losses: [] }]);
    expect(e.concerns.map((c) => c.kind)).toEqual(["access-gain", "weaker-rule"]);
  });

  it("nothing at all is no effect", () => {
    expect(isNoEffect(effectOf())).toBe(true);
  });
});

describe("ladderChangeEffect: eligibility from the ledger", () => {
  // dee: 2 merged PRs (member needs 2); eve: 1 (member needs 2, and 1 after the change); bob: 3 PRs and 2 reviews, already reviewer.
  const ledger = { pullRequests: [...prs("dee", 2), ...prs("eve", 1), ...prs("bob", 3)], reviews: [...reviews("bob", 2)] };

  it("lists who would be proposed after the change and is not now", () => {
    const e = effectOf({ head: { governance: gov((g) => (g.ladder[0]!.requires!.merged_prs = 1)), roster }, ledger: { base: ledger, head: ledger } });
    expect(e.eligibility).toMatchObject({ gained: [{ login: "eve", role: "member" }], lost: [] });
    expect(e.eligibility!.measured).toBe(5); // dee, eve, bob, and the members alice and cy
  });

  it("and who would no longer be", () => {
    const e = effectOf({ head: { governance: gov((g) => (g.ladder[0]!.requires!.merged_prs = 3)), roster }, ledger: { base: ledger, head: ledger } });
    expect(e.eligibility).toMatchObject({ gained: [], lost: [{ login: "dee", role: "member" }] });
  });

  it("is not shown without a ledger", () => {
    expect(effectOf().eligibility).toBeNull();
  });
});

describe("renderEffect", () => {
  it("states a self-promotion, its access, a weaker rule and who becomes eligible", () => {
    const head = {
      governance: gov((g) => (g.promotion!.quorum = 1)),
      roster: withRoster((r) => {
        r.members[2]!.role = "maintainer";
        r.members[0]!.since = "2020-01-01";
        r.emeritus.pop();
      }),
    };
    const ledger = { pullRequests: prs("dee", 2), reviews: [] };
    const e = effectOf({ head, ledger: { base: ledger, head: ledger } });
    expect(renderEffect(e, { against: "`main`" })).toMatchInlineSnapshot(`
"**Effect** (compared with \`main\`):

**⚠️ Needs approver review** — 3 things to look at:
- [alice](https://github.com/alice)'s \`since\` as \`maintainer\` moves back from 2024-01-15 to 2020-01-01: time in the role would count from a date nobody decided.
- [cy](https://github.com/cy) would hold \`maintainer\` without a decision in the log: no \`decision:\` id.
- \`promotion.quorum\`: \`2\` → \`1\`: makes authority easier to get or to keep.

**Roster:**
- [alice](https://github.com/alice) (\`maintainer\`): \`since\` 2024-01-15 → 2020-01-01 (earlier)
- [cy](https://github.com/cy): \`member\` → \`maintainer\` (promoted) — ⚠️ no \`decision:\` id
- [carol](https://github.com/carol) leaves the emeritus list (\`maintainer\`)

**Access** (teams, CODEOWNERS, branch protection and approving, from the roster and the ladder's grants):
- [cy](https://github.com/cy) gains approval of proposals (and code ownership of the governance files), bypass of branch protection on \`main\`, code owner of \`*\`, code owner of \`/docs/\`, team \`maintainers\`, team \`reviewers\`

**Rules:**
- \`promotion.quorum\`: \`2\` → \`1\` ⚠️ weaker

**Would be proposed after this change:** nobody new.

_Measured from the history Stewards has recorded (4 people); no extra request to GitHub._

Raising someone's authority is meant to go through a proposal, whose decision the log records. This check does not block merging by itself: the approvers own the ladder and the roster in CODEOWNERS, so their review is what decides."
`);
  });

  it("escapes what the files say: a login that is not one is never a link or a mention", () => {
    const head = { governance: gov(), roster: withRoster((r) => r.members.push({ login: "@everyone <b>", role: "member", since: "2025-05-01" })) };
    const text = renderEffect(effectOf({ head }), { against: "`main`" });
    expect(text).toContain("&lt;b&gt;");
    expect(text).not.toMatch(/(^|[^\u200d])@everyone/);
  });

  it("says when nothing changes", () => {
    expect(renderEffect(effectOf(), { against: "`main`" })).toMatchInlineSnapshot(`"**Effect** (compared with \`main\`): none — nobody's role, access or eligibility changes, and no rule changes."`);
  });

  it("in plain words for the log", () => {
    const e = effectOf({
      head: { governance: gov((g) => (g.ladder[1]!.requires!.merged_prs = 1)), roster: withRoster((r) => Object.assign(r.members[1]!, { role: "maintainer", decision: "D-0099" })) },
    });
    expect(e.roster.map(describeRosterChange)).toEqual(["bob: reviewer → maintainer (promoted) — D-0099 is not in the log"]);
    expect(e.rules.map(describeRuleChange)).toEqual(["reviewer: merged PRs required: 3 → 1 (weaker)"]);
  });
});
