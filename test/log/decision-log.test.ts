import { describe, expect, it } from "@jest/globals";
import { appendEntries, LOG_HEADER } from "../../src/log/append-entries.js";
import type { DecisionDraft, DecisionEntry } from "../../src/log/decision-entry.js";
import { decisionNumber, formatDecisionId, isDecisionDate } from "../../src/log/decision-entry.js";
import { nextDecisionId, parseLog } from "../../src/log/parse-log.js";
import { renderEntry } from "../../src/log/render-entry.js";
import { evidenceRows } from "../../src/log/evidence-rows.js";
import { measureOne } from "../../src/ladder/measure.js";
import { NOW, pr, roster, smallLadder } from "../ladder/builders.js";

const ZWJ = "\u200D";

function promotion(over: Partial<DecisionEntry> = {}): DecisionEntry {
  return {
    id: "D-0007",
    kind: "promotion",
    date: "2026-12-01",
    subject: "alice",
    role: { from: "member", to: "reviewer" },
    evidence: [
      {
        criterion: "merged PRs in the last 180 days",
        threshold: "15",
        measured: "17",
        met: true,
        links: [
          { label: "acme/widgets#12", url: "https://github.com/acme/widgets/pull/12" },
          { label: "acme/widgets#9", url: "https://github.com/acme/widgets/pull/9" },
        ],
      },
      { criterion: "time since the first counted contribution", threshold: "90 days", measured: "200 days", met: true, links: [] },
    ],
    approvers: ["bob", "carol"],
    objectors: [],
    reason: null,
    link: { label: "acme/widgets#40", url: "https://github.com/acme/widgets/issues/40" },
    decidedBy: "quorum: 2 of 2 approvals by reaction",
    key: "promotion:acme/widgets#40",
    ...over,
  };
}

function draft(over: Partial<DecisionDraft> = {}): DecisionDraft {
  const { id: _id, ...rest } = promotion();
  return { ...rest, ...over };
}

describe("renderEntry", () => {
  it("renders a promotion with its evidence", () => {
    expect(renderEntry(promotion())).toMatchInlineSnapshot(`
"## D-0007 — promotion: alice
<!-- stewards:{"kind":"decision","id":"D\\u002d0007","key":"promotion:acme/widgets#40"} -->

- **Date:** 2026-12-01
- **Kind:** promotion
- **Subject:** [alice](https://github.com/alice)
- **Role:** member → reviewer
- **Approved by:** [bob](https://github.com/bob), [carol](https://github.com/carol)
- **Objected by:** —
- **Decided by:** quorum: 2 of 2 approvals by reaction
- **Discussion:** [acme/widgets\\#40](https://github.com/acme/widgets/issues/40)

| criterion | threshold | measured | met | links |
| --- | --: | --: | :-: | --- |
| merged PRs in the last 180 days | 15 | 17 | ✅ | [acme/widgets\\#12](https://github.com/acme/widgets/pull/12), [acme/widgets\\#9](https://github.com/acme/widgets/pull/9) |
| time since the first counted contribution | 90 days | 200 days | ✅ | — |"
`);
  });

  it("renders a rejection with its reason and no role line, links on a GHE host", () => {
    const text = renderEntry(
      promotion({ kind: "rejection", role: null, evidence: [], approvers: [], objectors: ["dave"], reason: "needs more reviews", decidedBy: "dave (/reject)", key: undefined }),
      { webUrl: "https://ghe.example.com/" },
    );
    expect(text).toMatchInlineSnapshot(`
"## D-0007 — rejection: alice

- **Date:** 2026-12-01
- **Kind:** rejection
- **Subject:** [alice](https://ghe.example.com/alice)
- **Approved by:** —
- **Objected by:** [dave](https://ghe.example.com/dave)
- **Reason:** needs more reviews
- **Decided by:** dave (/reject)
- **Discussion:** [acme/widgets\\#40](https://github.com/acme/widgets/issues/40)"
`);
  });

  it.each([
    ["a malformed id", { id: "D-7" }],
    ["a malformed date", { date: "2026-13-01" }],
    ["an unknown kind", { kind: "coronation" as DecisionEntry["kind"] }],
  ])("throws on %s (a programming error)", (_name, over) => {
    expect(() => renderEntry(promotion(over))).toThrow(RangeError);
  });

  it("never links an address that is not http(s), and encodes what would end a link", () => {
    const text = renderEntry(
      promotion({
        link: { label: "click", url: "javascript:alert(1)" },
        evidence: [{ criterion: "c", threshold: "1", measured: "1", met: true, links: [{ label: "x", url: "https://e.com/a b)(<c>" }] }],
      }),
    );
    expect(text).toContain("- **Discussion:** click\n");
    expect(text).not.toContain("javascript:");
    expect(text).toContain("[x](https://e.com/a%20b%29%28%3Cc%3E)");
  });
});

describe("escaping user text in the log", () => {
  const hostile = "ok\n## D-9999 — promotion: mallory\n<img src=x onerror=alert(1)> @bob &#64;carol &#x40;dave &commat;erin ＠frank <!-- stewards:{\"kind\":\"decision\"} -->";

  it("keeps a hostile reason inside its entry, mentions and HTML neutralised", () => {
    const text = renderEntry(promotion({ reason: hostile, decidedBy: "x\r\n- **Date:** 1999-01-01" }));
    const lines = text.split("\n");
    expect(lines.filter((l) => l.startsWith("## "))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith("- **Date:**"))).toEqual(["- **Date:** 2026-12-01"]);
    expect(text).not.toMatch(/<img|<!-- stewards:\{"kind":"decision"\}/);
    expect(text).not.toMatch(/&#64;|&#x40;|&commat;/);
    for (const name of ["bob", "carol", "dave", "erin", "frank"]) expect(text).toContain(`${ZWJ}${name}`);
    expect(text).not.toMatch(/[@＠](?!\u200D)/u);
    const parsed = parseLog(text);
    expect(parsed).toHaveLength(1);
    expect(parsed[0]?.reason).toContain("## D-9999 — promotion: mallory");
    expect(parsed[0]?.date).toBe("2026-12-01");
    expect(parsed[0]?.key).toBe("promotion:acme/widgets#40");
  });

  it("escapes a subject, role and login that are not what they claim", () => {
    const text = renderEntry(
      promotion({ subject: "x\n## D-0001 — fake", role: { from: "<b>", to: "r" }, approvers: ["not a login @ceo"], objectors: ["renovate[bot]"] }),
    );
    expect(text.split("\n").filter((l) => l.startsWith("## "))).toEqual(["## D-0007 — promotion: x \\#\\# D-0001 — fake"]);
    expect(text).toContain("- **Role:** &lt;b&gt; → r");
    expect(text).toContain(`- **Approved by:** not a login @${ZWJ}ceo`);
    expect(text).toContain("- **Objected by:** [renovate\\[bot\\]](https://github.com/apps/renovate)");
    expect(parseLog(text)[0]).toMatchObject({ subject: "x ## D-0001 — fake", role: { from: "<b>", to: "r" }, objectors: ["renovate[bot]"] });
  });
});

describe("render → parse round trip", () => {
  /** What rendering keeps of user text: one line, mentions neutralised, trimmed. */
  const asShown = (s: string) => s.replace(/\r\n|[\n\r]/g, " ").replace(/@/g, `@${ZWJ}`).trim();

  it.each<[string, DecisionEntry]>([
    ["a promotion", promotion()],
    ["a rejection with a tricky reason", promotion({ kind: "rejection", role: null, reason: "see *docs* [here](x) | `code` \\ & <tag> 1. 100% $x$ ~y~ @team", key: undefined })],
    ["an emeritus move", promotion({ kind: "emeritus", role: { from: "maintainer", to: null }, evidence: [], approvers: ["a-b", "C9"], objectors: ["z"] })],
    ["a first role", promotion({ role: { from: null, to: "member" } })],
    ["a ladder change", promotion({ kind: "ladder change", subject: ".github/governance.yml", role: null, approvers: [], link: null, reason: "raise the quorum to 3" })],
    ["a manual roster change", promotion({ kind: "manual roster change", subject: "eve", decidedBy: "eve (push abc1234)", link: null })],
    ["an unmet row and a bot", promotion({ evidence: [{ criterion: "reviews | x", threshold: "20", measured: "3", met: false, links: [] }], approvers: ["dependabot[bot]"] })],
  ])("%s", (_name, entry) => {
    const text = renderEntry(entry);
    const [parsed, ...rest] = parseLog(text);
    expect(rest).toEqual([]);
    const { line, kindText, ...read } = parsed!;
    expect(line).toBe(1);
    expect(kindText).toBe(entry.kind);
    expect(read).toEqual({ ...entry, reason: entry.reason === null ? null : asShown(entry.reason), decidedBy: asShown(entry.decidedBy) });
    // And the parsed entry renders to the same text: rendering is a fixed point.
    expect(renderEntry({ ...read, kind: parsed!.kind!, date: parsed!.date! })).toBe(text);
  });
});

const HAND_WRITTEN = [
  "# Decisions",
  "",
  "Kept by hand until 2026.",
  "",
  "## D-0001 — promotion: alice",
  "",
  "Date: 2024-01-15",
  "Approvers: @bob, @carol and @x-and-y",
  "Role: none -> maintainer",
  "Issue: [#3](https://github.com/acme/widgets/issues/3)",
  "",
  "```md",
  "## D-0099 — example: not an entry",
  "```",
  "",
  "## D-0007 – charter amendment: the whole project",
  "",
  "We agreed on the call.",
  "",
  "## D-5 — Emeritus: dora",
  "* **Date**: 2025-02-30",
  "",
].join("\n");

describe("parseLog on a hand-written log", () => {
  it("reads each heading's entry, leaving out what it cannot read", () => {
    const entries = parseLog(HAND_WRITTEN);
    expect(entries.map((e) => [e.id, e.kind, e.kindText, e.subject, e.line])).toEqual([
      ["D-0001", "promotion", "promotion", "alice", 5],
      ["D-0007", null, "charter amendment", "the whole project", 16],
      ["D-0005", "emeritus", "emeritus", "dora", 20],
    ]);
    expect(entries[0]).toMatchObject({
      date: "2024-01-15",
      approvers: ["bob", "carol", "x-and-y"],
      role: { from: null, to: "maintainer" },
      link: { label: "#3", url: "https://github.com/acme/widgets/issues/3" },
      reason: null,
      evidence: [],
    });
    expect(entries[1]).toMatchObject({ date: null, approvers: [], role: null, link: null, decidedBy: "" });
    // 2025-02-30 is not a day.
    expect(entries[2]?.date).toBeNull();
  });

  it.each([
    ["", []],
    ["# Governance log\n\nNothing yet.\n", []],
    ["## D-0001\n", [["D-0001", ""]]],
    ["## D-x — promotion: a\n## Notes\n", []],
    ["\uFEFF## D-0002 — promotion: a\r\n- **Date:** 2026-01-02\r\n", [["D-0002", "2026-01-02"]]],
  ])("tolerates %j", (text, expected) => {
    expect(parseLog(text).map((e) => (e.date ? [e.id, e.date] : [e.id, e.subject]))).toEqual(expected);
  });
});

describe("nextDecisionId", () => {
  it.each<[string, string | null, string]>([
    ["no file", null, "D-0001"],
    ["an empty file", "", "D-0001"],
    ["a hand-written log (gaps and order kept, fenced headings ignored)", HAND_WRITTEN, "D-0008"],
    ["an id past 9999", "## D-9999 — promotion: a\n\n## D-10000 — promotion: b\n", "D-10001"],
    ["an id mentioned in text only", "See D-0042.\n", "D-0001"],
  ])("%s", (_name, text, expected) => {
    expect(nextDecisionId(text)).toBe(expected);
  });

  it("formats and reads ids", () => {
    expect([formatDecisionId(1), formatDecisionId(12345)]).toEqual(["D-0001", "D-12345"]);
    expect(() => formatDecisionId(0)).toThrow(RangeError);
    expect([decisionNumber("d-7"), decisionNumber("D-0"), decisionNumber("X-1")]).toEqual([7, null, null]);
    expect([isDecisionDate("2024-02-29"), isDecisionDate("2023-02-29")]).toEqual([true, false]);
  });
});

describe("appendEntries", () => {
  it("creates the log with a header when it is absent", () => {
    const result = appendEntries(null, [draft()]);
    expect(result.appended).toBe(1);
    expect(result.entries.map((e) => e.id)).toEqual(["D-0001"]);
    expect(result.text.startsWith(`${LOG_HEADER}\n\n## D-0001 — promotion: alice\n`)).toBe(true);
    expect(result.text.endsWith("|\n")).toBe(true);
    expect(parseLog(result.text).map((e) => e.id)).toEqual(["D-0001"]);
  });

  it("continues a hand-written log after its highest id, without rewriting it", () => {
    const result = appendEntries(HAND_WRITTEN, [draft({ key: "a" }), draft({ key: "b", subject: "bob" })]);
    expect(result.text.startsWith(HAND_WRITTEN)).toBe(true);
    expect(result.entries.map((e) => [e.id, e.subject])).toEqual([["D-0008", "alice"], ["D-0009", "bob"]]);
    expect(parseLog(result.text).map((e) => e.id)).toEqual(["D-0001", "D-0007", "D-0005", "D-0008", "D-0009"]);
    expect(result.text).not.toContain(LOG_HEADER);
  });

  it.each([
    ["no final newline", "# Log\n\n## D-0001 — promotion: a", "# Log\n\n## D-0001 — promotion: a\n\n## D-0002"],
    ["one final newline", "# Log\n", "# Log\n\n## D-0001"],
    ["a blank line at the end", "# Log\n\n", "# Log\n\n## D-0001"],
    ["CRLF line endings", "# Log\r\n", "# Log\r\n\r\n## D-0001 — promotion: alice\r\n<!--"],
  ])("separates the new entry from %s", (_name, existing, start) => {
    const { text } = appendEntries(existing, [draft()]);
    expect(text.startsWith(start)).toBe(true);
    if (existing.includes("\r\n")) expect(text.replace(/\r\n/g, "")).not.toContain("\n");
  });

  it("writes a decision with a logged key no second time, and says under which id it is logged", () => {
    const first = appendEntries(null, [draft({ key: "promotion:#40" })]);
    const again = appendEntries(first.text, [draft({ key: "promotion:#40" }), draft({ key: "rejection:#41", kind: "rejection" })]);
    expect(again.entries.map((e) => e.id)).toEqual(["D-0001", "D-0002"]);
    expect(again.appended).toBe(1);
    expect(again.text.startsWith(first.text)).toBe(true);
    expect(parseLog(again.text).map((e) => e.key)).toEqual(["promotion:#40", "rejection:#41"]);
    const nothing = appendEntries(again.text, [draft({ key: "rejection:#41" })]);
    expect(nothing).toEqual({ text: again.text, entries: [expect.objectContaining({ id: "D-0002" })], appended: 0 });
  });

  it("writes the same key twice in one call once", () => {
    const result = appendEntries("", [draft({ key: "k" }), draft({ key: "k" }), draft({ key: undefined })]);
    expect(result.entries.map((e) => e.id)).toEqual(["D-0001", "D-0001", "D-0002"]);
    expect(result.appended).toBe(2);
  });

  it("allocates the id nextDecisionId announces, so the roster can cite it before the commit", () => {
    const expected = nextDecisionId(HAND_WRITTEN);
    expect(appendEntries(HAND_WRITTEN, [draft()]).entries[0]?.id).toBe(expected);
  });

  it("returns the text unchanged for no drafts", () => {
    expect(appendEntries(HAND_WRITTEN, [])).toEqual({ text: HAND_WRITTEN, entries: [], appended: 0 });
  });
});

describe("evidenceRows", () => {
  it("puts the engine's rung into the log's words, with links but none for time in role", () => {
    const gov = smallLadder();
    const s = measureOne("ana", { pullRequests: [pr("ana", 1, { number: 5 }), pr("ana", 2, { number: 6 })], reviews: [] }, gov, roster([["ana", "reviewer", 30]]), NOW);
    const rows = evidenceRows(s.rungs[2]!, s, 1);
    expect(rows).toEqual([
      { criterion: "PRs of others reviewed in the last 365 days", threshold: "3", measured: "0", met: false, links: [] },
      { criterion: "time as reviewer", threshold: "20 days", measured: "30 days", met: true, links: [] },
    ]);
    expect(evidenceRows(s.rungs[0]!, s, 1)).toEqual([
      { criterion: "merged PRs in the last 30 days", threshold: "2", measured: "2", met: true, links: [{ label: "acme/widgets#5", url: "https://github.com/acme/widgets/pull/5" }] },
    ]);
    // Rendered and read back, the rows survive.
    const entry = promotion({ evidence: rows });
    expect(parseLog(renderEntry(entry))[0]?.evidence).toEqual(rows);
  });
});

describe("appeal entries", () => {
  const outcome: DecisionEntry = {
    id: "D-0012",
    kind: "appeal outcome",
    date: "2026-12-07",
    subject: "ana",
    role: { from: null, to: "member" },
    evidence: [],
    approvers: [],
    objectors: [],
    reason: null,
    link: { label: "acme/widgets#40", url: "https://github.com/acme/widgets/issues/40" },
    decidedBy: "panel of 3 (2 to overturn)",
    key: "appeal-outcome:acme/widgets#40",
    appeal: {
      decision: "D-0007",
      appellant: "ana",
      panel: ["bob", "carol", "dan"],
      rotation: "dan",
      issue: 40,
      votes: [
        { login: "bob", vote: "overturn", reason: "She did the work --> @carol see\n## not a heading | pipe" },
        { login: "carol", vote: "overturn", reason: "agreed &#64;dan" },
        { login: "dan", vote: "uphold", reason: null },
      ],
      outcome: "overturned",
    },
  };

  it("renders the panel, each vote and the outcome, mentioning nobody, and reads every fact back from the entry", () => {
    const text = renderEntry(outcome);
    expect(text).toMatch(/^- \*\*Appeal of:\*\* D-0007$/m);
    expect(text).toMatch(/^- \*\*Panel:\*\* \[bob\]\(https:\/\/github\.com\/bob\), \[carol\]/m);
    expect(text).toMatch(/^- \*\*Outcome:\*\* overturned$/m);
    expect(text).not.toMatch(/(^|[^\w\u200d`])@(carol|dan)\b/);
    expect(text.split("\n").filter((l) => l.startsWith("## "))).toHaveLength(1);
    const [parsed] = parseLog(`${LOG_HEADER}\n\n${text}\n`);
    expect(parsed!.appeal).toEqual(outcome.appeal);
    expect(parsed!.key).toBe(outcome.key);
  });

  it("keeps who decided and the role proposed in the marker only, and reads them back", () => {
    const rejection: DecisionEntry = { ...outcome, id: "D-0003", kind: "rejection", role: null, appeal: undefined, deciders: ["bob"], proposed: "member", key: "rejected:acme/widgets#9" };
    const text = renderEntry(rejection);
    expect(text.split("\n").filter((l) => /bob|member/.test(l) && !l.startsWith("<!--"))).toEqual([]);
    const [parsed] = parseLog(text);
    expect([parsed!.deciders, parsed!.proposed]).toEqual([["bob"], "member"]);
  });

  it("ignores appeal facts that are not the app's shape", () => {
    const forged = renderEntry({ ...outcome, appeal: undefined }).replace('"kind":"decision"', `"appeal":"{\\"decision\\":1}","kind":"decision"`);
    expect(parseLog(forged)[0]!.appeal).toBeUndefined();
  });

  it("appends a filing after the decision it contests, keeping both ids", () => {
    const filed: DecisionDraft = { ...outcome, kind: "appeal filed", key: "appeal-filed:acme/widgets#40", appeal: { decision: "D-0001", appellant: "ana", panel: ["bob"], rotation: "bob", issue: 40 } };
    const first = appendEntries(null, [{ ...outcome, kind: "rejection", key: "r", appeal: undefined }, filed]);
    const entries = parseLog(first.text);
    expect(entries.map((e) => [e.id, e.kind, e.appeal?.decision ?? null])).toEqual([["D-0001", "rejection", null], ["D-0002", "appeal filed", "D-0001"]]);
  });
});
