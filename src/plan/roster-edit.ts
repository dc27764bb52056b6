/**
 * Changing `.github/roster.yml` as a person would: the text of the entries a
 * change does not touch stays exactly as written (comments, order, quoting,
 * blank lines, indentation), because the roster is reviewed by people in
 * diffs and a reformatted file hides what changed.
 *
 * How: the `yaml` Document gives each node's place in the text, and the
 * change is spliced in there (a value replaced, an item cut or added with the
 * indentation of its neighbours). The result is parsed again and compared
 * with the intended roster; if a file shaped unusually (flow sequences,
 * anchors, odd nulls) defeats the splice, the Document is edited and printed
 * instead (comments kept, layout normalised), and checked the same way. No
 * result is returned that does not parse to exactly the intended roster.
 *
 * Rules (each refusal is an error value, never a throw):
 * - the current text must be a valid roster for the ladder (SPEC: a broken
 *   roster is fixed by people first; the app changes nothing meanwhile);
 * - `grant` gives a role above the one held (a role implies those below it,
 *   so granting a role already held or implied is refused); a login on the
 *   emeritus list leaves it, as they hold a role again;
 * - `emeritus` moves a member to the emeritus list with the role they held
 *   (replacing an older emeritus entry of theirs);
 * - `step-down` goes to the role below, or emeritus from the lowest rung;
 *   the role, when named, must be the one held;
 * - neither takes away the last holder of the top role (SPEC safety floor:
 *   nobody would be left to approve anything);
 * - a `grant` without `decision` is the change a promotion pull request
 *   proposes: its decision id is allocated only when it merges, and then
 *   `record-decision` writes it (and the day of the merge as `since`) into
 *   the entry the merge added, which must hold exactly that role.
 */
import { isMap, isScalar, isSeq, parseDocument, stringify } from "yaml";
import type { Document, Node, Pair, YAMLMap, YAMLSeq } from "yaml";
import { isUserLogin } from "../commands/github-login.js";
import { parseRoster } from "../config/parse-roster.js";
import type { Governance, Roster, RosterEntry } from "../config/schema.js";

export type RosterChange =
  /** Give `login` the role `role` (above the one they hold), granted on `since` by `decision` (absent: not logged yet, see above). */
  | { kind: "grant"; login: string; role: string; since: string; decision?: string }
  /** Stamp the entry of `login`, who holds `role`, with the decision that granted it and the day it took effect. */
  | { kind: "record-decision"; login: string; role: string; since: string; decision: string }
  /** Move the member `login` to emeritus with the role they hold, on `since`, by `decision`. */
  | { kind: "emeritus"; login: string; since: string; decision: string }
  /** `login` gives up `role` (their current role; null: whatever they hold) for the role below, or emeritus. */
  | { kind: "step-down"; login: string; role: string | null; since: string; decision: string }
  /**
   * Undo a grant of `role` that an appeal overturned: `login` goes back to `to` (the role held before),
   * or off the roster when they held none — not emeritus: they never rightly held the role.
   */
  | { kind: "revoke"; login: string; role: string; to: string | null; since: string; decision: string };

export type RosterEditErrorCode =
  | "invalid-roster" // the current text is not a valid roster: people fix it first
  | "invalid-change" // a login, date or decision id that is not well-formed
  | "unknown-role" // the role is not on the ladder
  | "already-held" // grant of a role held or implied by the role held
  | "not-a-member" // emeritus / step-down of someone holding no role
  | "role-not-held" // step-down from a role other than the one held
  | "last-top-holder" // would leave the top role without holders
  | "edit-failed"; // the file's shape defeated both ways of editing it (a bug to report)

export interface RosterEditError {
  code: RosterEditErrorCode;
  /** One sentence for people (may quote logins and roles in code spans). */
  message: string;
}

export type RosterEditResult =
  | {
      ok: true;
      /** The new file text. */
      text: string;
      /** What the new text parses to. */
      roster: Roster;
      /** The role held before and after (null: none / emeritus), for the log's role line. */
      from: string | null;
      to: string | null;
    }
  | { ok: false; error: RosterEditError };

/** Written at the top of a roster the app creates. */
export const ROSTER_HEADER = [
  "# Who holds which role on the ladder of .github/governance.yml.",
  "# Maintained by Stewards through commits; change it by pull request. Every change is a decision in the governance log.",
].join("\n");

/**
 * `text` (null when the file does not exist) with `change` applied; see the
 * module comment for what is refused. Pure; never throws.
 */
export function applyRosterChange(
  text: string | null,
  change: RosterChange,
  governance: Pick<Governance, "ladder" | "roster">,
): RosterEditResult {
  const source = text ?? "";
  let current: Roster = { members: [], emeritus: [] };
  if (source.trim() !== "") {
    const parsed = parseRoster(source, governance);
    if (!parsed.ok) {
      const first = parsed.errors[0];
      const where = first?.line ? ` (line ${first.line})` : "";
      return fail("invalid-roster", `the roster is not valid${where}: ${first?.message ?? "it does not parse"}; fix it before any change`);
    }
    current = parsed.roster;
  }

  const planned = plan(current, change, governance.ladder.map((r) => r.role));
  if ("code" in planned) return { ok: false, error: planned };
  const { desired, from, to } = planned;

  for (const edit of [spliceEdit, documentEdit]) {
    const candidate = edit(source, current, desired);
    if (candidate === null) continue;
    const reparsed = parseRoster(candidate, governance);
    if (reparsed.ok && sameRoster(reparsed.roster, desired)) return { ok: true, text: candidate, roster: reparsed.roster, from, to };
  }
  return fail("edit-failed", "the roster file is shaped in a way the app could not edit safely; make the change by hand");
}

/** What createRoster gives: the new file and what it parses to, or why not. */
export type RosterCreateResult = { ok: true; text: string; roster: Roster } | { ok: false; error: RosterEditError };

/**
 * A new roster file (ROSTER_HEADER first) holding exactly `roster`, for a
 * repository that has none yet (the onboarding pull request seeds one). In
 * one pass, where granting each person in turn would re-parse a growing file
 * once per person. The same checks as a change: each login, date and
 * decision id well-formed, each role on the ladder, one entry per person; and
 * the same guarantee: no text is returned that does not parse to exactly
 * `roster`. Pure; never throws.
 */
export function createRoster(roster: Roster, governance: Pick<Governance, "ladder" | "roster">): RosterCreateResult {
  const roles = governance.ladder.map((r) => r.role);
  const seen = new Set<string>();
  for (const e of [...roster.members, ...roster.emeritus]) {
    if (!isUserLogin(e.login)) return fail("invalid-change", `\`${e.login}\` is not a GitHub username`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(e.since)) return fail("invalid-change", `\`${e.since}\` is not a date as YYYY-MM-DD`);
    if (e.decision !== undefined && !/^D-\d{4,}$/.test(e.decision)) return fail("invalid-change", `\`${e.decision}\` is not a decision id such as D-0001`);
    if (!roles.includes(e.role)) return fail("unknown-role", `\`${e.role}\` is not a role on the ladder`);
  }
  for (const m of roster.members) {
    if (seen.has(m.login.toLowerCase())) return fail("invalid-change", `${m.login} is listed twice; one entry per person`);
    seen.add(m.login.toLowerCase());
  }
  const text = freshRoster(roster);
  const reparsed = parseRoster(text, governance);
  if (reparsed.ok && sameRoster(reparsed.roster, roster)) return { ok: true, text, roster: reparsed.roster };
  return fail("edit-failed", "the new roster did not read back as intended (a bug to report)");
}

// ---------------------------------------------------------------------------
// Deciding the new roster

interface Planned {
  desired: Roster;
  from: string | null;
  to: string | null;
}

function fail(code: RosterEditErrorCode, message: string): { ok: false; error: RosterEditError } {
  return { ok: false, error: { code, message } };
}

function refuse(code: RosterEditErrorCode, message: string): RosterEditError {
  return { code, message };
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function plan(current: Roster, change: RosterChange, roles: readonly string[]): Planned | RosterEditError {
  if (!isUserLogin(change.login)) return refuse("invalid-change", `\`${change.login}\` is not a GitHub username`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(change.since)) return refuse("invalid-change", `\`${change.since}\` is not a date as YYYY-MM-DD`);
  if (change.decision !== undefined && !/^D-\d{4,}$/.test(change.decision)) return refuse("invalid-change", `\`${change.decision}\` is not a decision id such as D-0001`);

  const index = current.members.findIndex((m) => same(m.login, change.login));
  const held = index >= 0 ? current.members[index] : undefined;
  const rank = held ? roles.indexOf(held.role) : -1;
  const stamp = { since: change.since, ...(change.decision !== undefined ? { decision: change.decision } : {}) };

  if (change.kind === "record-decision") {
    if (!held) return refuse("not-a-member", `${change.login} holds no role on the roster`);
    if (held.role !== change.role) return refuse("role-not-held", `${held.login} holds \`${held.role}\`, not \`${change.role}\``);
    const entry: RosterEntry = { login: held.login, role: held.role, ...stamp };
    return { desired: { members: current.members.map((m, i) => (i === index ? entry : m)), emeritus: current.emeritus }, from: held.role, to: held.role };
  }

  if (change.kind === "grant") {
    const target = roles.indexOf(change.role);
    if (target < 0) return refuse("unknown-role", `\`${change.role}\` is not a role on the ladder`);
    if (held && rank >= target) {
      const implied = held.role === change.role ? "" : `, which includes ${change.role}`;
      return refuse("already-held", `${held.login} already holds \`${held.role}\`${implied}`);
    }
    const entry: RosterEntry = { login: held?.login ?? change.login, role: change.role, ...stamp };
    const members = held ? current.members.map((m, i) => (i === index ? entry : m)) : [...current.members, entry];
    return { desired: { members, emeritus: current.emeritus.filter((e) => !same(e.login, change.login)) }, from: held?.role ?? null, to: change.role };
  }

  if (!held) return refuse("not-a-member", `${change.login} holds no role on the roster`);
  if (change.kind === "step-down" && change.role !== null && change.role !== held.role) {
    return refuse("role-not-held", `${held.login} holds \`${held.role}\`, not \`${change.role}\``);
  }
  const top = roles[roles.length - 1];
  if (held.role === top && current.members.filter((m) => m.role === top).length === 1) {
    return refuse("last-top-holder", `${held.login} is the only \`${top}\`; promote someone else first, so that somebody can still approve`);
  }

  if (change.kind === "revoke") {
    if (held.role !== change.role) return refuse("role-not-held", `${held.login} holds \`${held.role}\`, not \`${change.role}\``);
    if (change.to !== null && (roles.indexOf(change.to) < 0 || roles.indexOf(change.to) >= rank)) return refuse("invalid-change", `\`${change.to}\` is not a role below \`${held.role}\``);
    if (change.to === null) return { desired: { members: current.members.filter((_, i) => i !== index), emeritus: current.emeritus }, from: held.role, to: null };
    const back: RosterEntry = { login: held.login, role: change.to, ...stamp };
    return { desired: { members: current.members.map((m, i) => (i === index ? back : m)), emeritus: current.emeritus }, from: held.role, to: change.to };
  }

  const below = change.kind === "step-down" && rank > 0 ? roles[rank - 1] : undefined;
  if (below !== undefined) {
    const entry: RosterEntry = { login: held.login, role: below, ...stamp };
    return { desired: { members: current.members.map((m, i) => (i === index ? entry : m)), emeritus: current.emeritus }, from: held.role, to: below };
  }
  const former: RosterEntry = { login: held.login, role: held.role, ...stamp };
  const at = current.emeritus.findIndex((e) => same(e.login, held.login));
  const emeritus = at >= 0 ? current.emeritus.map((e, i) => (i === at ? former : e)) : [...current.emeritus, former];
  return { desired: { members: current.members.filter((_, i) => i !== index), emeritus }, from: held.role, to: null };
}

function sameRoster(a: Roster, b: Roster): boolean {
  const flat = (r: Roster) => JSON.stringify([r.members, r.emeritus].map((list) => list.map((e) => [e.login, e.role, e.since, e.decision ?? null])));
  return flat(a) === flat(b);
}

// ---------------------------------------------------------------------------
// Editing the text in place

type ListName = "members" | "emeritus";
const LISTS: readonly ListName[] = ["members", "emeritus"];
const FIELDS = ["login", "role", "since", "decision"] as const;

interface Splice {
  start: number;
  end: number;
  text: string;
}

/** Thrown inside spliceEdit only, when the file's shape is not one it handles; spliceEdit returns null then. */
class Unspliceable extends Error {}

function scalar(value: string): string {
  return stringify(value).trimEnd();
}

function fieldsOf(e: RosterEntry): [string, string][] {
  return FIELDS.flatMap((f) => (e[f] === undefined ? [] : [[f, e[f]] as [string, string]]));
}

function lineStart(text: string, pos: number): number {
  return text.lastIndexOf("\n", pos - 1) + 1;
}

function lineEnd(text: string, pos: number): number {
  const nl = text.indexOf("\n", pos);
  return nl < 0 ? text.length : nl + 1;
}

/** Where a map's written content ends: after its last non-empty value (a bare `key:` ends at its key). */
function mapEnd(map: YAMLMap): number {
  if (map.flow) return map.range?.[1] ?? fail0();
  let end = map.range?.[0] ?? fail0();
  for (const pair of map.items) {
    const key = pair.key as Node | null;
    const value = pair.value as Node | null;
    const hasValue = value !== null && !(isScalar(value) && value.value === null) && value.range;
    end = Math.max(end, hasValue ? value.range![1] : (key?.range?.[1] ?? end));
  }
  return end;
}

function fail0(): never {
  throw new Unspliceable();
}

function keyName(pair: Pair): string | null {
  return isScalar(pair.key) ? String(pair.key.value) : null;
}

function spliceEdit(text: string, current: Roster, desired: Roster): string | null {
  if (text.trim() === "") return freshRoster(desired);
  try {
    const doc = parseDocument(text);
    if (doc.errors.length > 0) return null;
    const top = doc.contents;
    if (top !== null && (!isMap(top) || top.flow)) return null;
    const splices: Splice[] = [];
    for (const list of LISTS) splices.push(...spliceList(text, top, list, current[list], desired[list]));
    splices.sort((a, b) => b.start - a.start);
    // New lines follow the file's line endings, so a CRLF file does not end up mixed.
    const eol = text.includes("\r\n") ? "\r\n" : "\n";
    let out = text;
    for (const s of splices) out = out.slice(0, s.start) + s.text.replace(/\r?\n/g, eol) + out.slice(s.end);
    return out;
  } catch (err) {
    if (err instanceof Unspliceable) return null;
    throw err;
  }
}

/**
 * Splices for one list: entries are matched by login; an entry that is in
 * both but differs has its values replaced; one gone is cut; new ones are
 * added after the last item. Only in-place updates, removals and appends are
 * needed (roster changes never reorder), anything else is left to documentEdit.
 */
function spliceList(text: string, top: YAMLMap | null, list: ListName, before: RosterEntry[], after: RosterEntry[]): Splice[] {
  const pair = top?.items.find((p) => keyName(p) === list);
  const value = (pair?.value ?? null) as Node | null;
  const seq = isSeq(value) ? (value as YAMLSeq) : null;
  const items = seq?.items ?? [];
  if (items.length !== before.length) throw new Unspliceable();

  const splices: Splice[] = [];
  const kept = new Set<number>();
  const added: RosterEntry[] = [];
  for (const entry of after) {
    const i = before.findIndex((b) => same(b.login, entry.login));
    if (i < 0) {
      added.push(entry);
      continue;
    }
    kept.add(i);
    const node = items[i];
    if (!isMap(node)) throw new Unspliceable();
    splices.push(...updateItem(text, node, entry));
  }
  // Removals: everything from the item's `-` line to the end of its last line.
  before.forEach((_, i) => {
    if (kept.has(i)) return;
    const node = items[i];
    if (!isMap(node) || !seq || seq.flow) throw new Unspliceable();
    splices.push({ start: lineStart(text, node.range?.[0] ?? fail0()), end: lineEnd(text, mapEnd(node)), text: "" });
  });
  if (added.length === 0) return splices;

  if (seq && !seq.flow && items.length > 0) {
    const last = items[items.length - 1];
    if (!isMap(last)) throw new Unspliceable();
    const contentAt = last.range?.[0] ?? fail0();
    const start = lineStart(text, contentAt);
    const dash = text.lastIndexOf("-", contentAt - 1);
    if (dash < start) throw new Unspliceable();
    const at = lineEnd(text, mapEnd(last));
    const lead = at === text.length && !text.endsWith("\n") ? "\n" : "";
    const rendered = added.map((e) => (last.flow ? flowItem(e, dash - start) : blockItem(e, dash - start, contentAt - start))).join("");
    return [...splices, { start: at, end: at, text: lead + rendered }];
  }
  // No block items yet: `list:` bare, `list: []`, or no key at all.
  const block = `${list}:\n${added.map((e) => blockItem(e, 2, 4)).join("")}`;
  if (pair) {
    const key = pair.key as Node | null;
    if (seq && seq.items.length > 0) throw new Unspliceable();
    if (value && !(isScalar(value) && value.value === null) && !(seq && seq.flow)) throw new Unspliceable();
    const keyStart = key?.range?.[0] ?? fail0();
    if (keyStart !== lineStart(text, keyStart)) throw new Unspliceable();
    const end = lineEnd(text, seq ? (seq.range?.[1] ?? fail0()) : (key?.range?.[1] ?? fail0()));
    return [...splices, { start: keyStart, end, text: block }];
  }
  const lead = text.endsWith("\n") ? "" : "\n";
  return [...splices, { start: text.length, end: text.length, text: lead + block }];
}

/** Replaces the values that differ; adds missing keys on a line of their own (block maps) or rewrites a flow map. */
function updateItem(text: string, node: YAMLMap, entry: RosterEntry): Splice[] {
  const splices: Splice[] = [];
  const missing: [string, string][] = [];
  for (const [field, wanted] of fieldsOf(entry)) {
    const pair = node.items.find((p) => keyName(p) === field);
    const value = pair?.value;
    if (!pair || !isScalar(value) || value.value === null || !value.range) {
      missing.push([field, wanted]);
      continue;
    }
    if (String(value.value) === wanted) continue;
    splices.push({ start: value.range[0], end: value.range[1], text: scalar(wanted) });
  }
  // A field the entry no longer has (a promotion pull request's grant drops the old role's `decision`).
  const keep = new Set(fieldsOf(entry).map(([f]) => f));
  const dropped = node.items.filter((p) => {
    const k = keyName(p);
    return k !== null && (FIELDS as readonly string[]).includes(k) && !keep.has(k);
  });
  if (node.flow && (missing.length > 0 || dropped.length > 0)) {
    const start = node.range?.[0] ?? fail0();
    return [{ start, end: node.range?.[1] ?? fail0(), text: flowItem(entry, -1).trim().replace(/^- /, "") }];
  }
  for (const pair of dropped) {
    const key = pair.key as Node | null;
    const value = pair.value as Node | null;
    const keyAt = key?.range?.[0] ?? fail0();
    // Only a pair on a line of its own; the item's first line (with its `-`) is left to documentEdit.
    if (!/^ *$/.test(text.slice(lineStart(text, keyAt), keyAt))) throw new Unspliceable();
    const end = value?.range ? value.range[1] : (key?.range?.[1] ?? fail0());
    splices.push({ start: lineStart(text, keyAt), end: lineEnd(text, end), text: "" });
  }
  if (missing.length === 0) return splices;
  // A key present with an empty value (`decision:`) has no place to splice into.
  if (missing.some(([field]) => node.items.some((p) => keyName(p) === field))) throw new Unspliceable();
  const firstKey = node.items[0]?.key as Node | null | undefined;
  const keyAt = firstKey?.range?.[0] ?? fail0();
  const indent = keyAt - lineStart(text, keyAt);
  const at = lineEnd(text, mapEnd(node));
  const lead = at === text.length && !text.endsWith("\n") ? "\n" : "";
  return [...splices, { start: at, end: at, text: lead + missing.map(([k, v]) => `${" ".repeat(indent)}${k}: ${scalar(v)}\n`).join("") }];
}

function blockItem(e: RosterEntry, dashCol: number, contentCol: number): string {
  return fieldsOf(e)
    .map(([k, v], i) => (i === 0 ? `${" ".repeat(dashCol)}- ${" ".repeat(Math.max(0, contentCol - dashCol - 2))}` : " ".repeat(contentCol)) + `${k}: ${scalar(v)}\n`)
    .join("");
}

function flowItem(e: RosterEntry, dashCol: number): string {
  return `${" ".repeat(Math.max(0, dashCol))}- { ${fieldsOf(e).map(([k, v]) => `${k}: ${scalar(v)}`).join(", ")} }\n`;
}

function freshRoster(r: Roster): string {
  const list = (name: ListName) => (r[name].length === 0 ? `${name}: []\n` : `${name}:\n${r[name].map((e) => blockItem(e, 2, 4)).join("")}`);
  return `${ROSTER_HEADER}\n${list("members")}${list("emeritus")}`;
}

// ---------------------------------------------------------------------------
// Editing the Document (fallback): comments kept, layout normalised

function documentEdit(text: string, _current: Roster, desired: Roster): string | null {
  if (text.trim() === "") return freshRoster(desired);
  const doc: Document = parseDocument(text);
  if (doc.errors.length > 0) return null;
  if (doc.contents !== null && !isMap(doc.contents)) return null;
  for (const list of LISTS) {
    const old = doc.get(list, true);
    const oldItems = isSeq(old) ? (old as YAMLSeq).items : [];
    const seq = doc.createNode([]) as YAMLSeq;
    for (const entry of desired[list]) {
      const match = oldItems.find((n) => isMap(n) && typeof n.get("login") === "string" && same(String(n.get("login")), entry.login));
      if (isMap(match)) {
        for (const k of FIELDS) if (entry[k] === undefined) match.delete(k);
        for (const [k, v] of fieldsOf(entry)) match.set(k, v);
        seq.items.push(match);
      } else {
        seq.items.push(doc.createNode(Object.fromEntries(fieldsOf(entry))));
      }
    }
    if (isSeq(old)) (old as YAMLSeq).items = seq.items;
    else doc.set(list, seq);
  }
  return doc.toString();
}

// ---------------------------------------------------------------------------
// Filling in decision ids (after a hand edit is logged)

/** A `decision:` id to write into one person's entry on one list. */
export interface DecisionFill {
  login: string;
  list: ListName;
  decision: string;
}

/**
 * `text` with each fill's id written into that person's entry on that list
 * where the entry has no `decision:` yet — the id of the log entry that
 * records the hand edit, so every entry names where its change is logged.
 * Entries that already name a decision, or are not there, are left alone
 * (a person's own words are not overwritten); untouched entries stay byte for
 * byte. Null when there is nothing to fill, the text is not a valid roster,
 * or its shape defeats both ways of editing it. Pure; never throws.
 */
export function fillDecisionIds(
  text: string,
  fills: readonly DecisionFill[],
  governance: Pick<Governance, "ladder" | "roster">,
): { text: string; roster: Roster; filled: DecisionFill[] } | null {
  const parsed = parseRoster(text, governance);
  if (!parsed.ok) return null;
  const current = parsed.roster;
  const filled: DecisionFill[] = [];
  const desired: Roster = { members: current.members.map((e) => ({ ...e })), emeritus: current.emeritus.map((e) => ({ ...e })) };
  for (const fill of fills) {
    if (!/^D-\d{4,}$/.test(fill.decision)) continue;
    const entry = desired[fill.list].find((e) => same(e.login, fill.login));
    if (!entry || entry.decision !== undefined) continue;
    entry.decision = fill.decision;
    filled.push(fill);
  }
  if (filled.length === 0) return null;
  for (const edit of [spliceEdit, documentEdit]) {
    const candidate = edit(text, current, desired);
    if (candidate === null) continue;
    const reparsed = parseRoster(candidate, governance);
    if (reparsed.ok && sameRoster(reparsed.roster, desired)) return { text: candidate, roster: reparsed.roster, filled };
  }
  return null;
}
