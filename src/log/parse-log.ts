/**
 * Reading `GOVERNANCE-LOG.md` back: the entries the app wrote (render-entry.ts)
 * and entries people wrote by hand in the spec's form
 * (`## D-0007 — <kind>: <subject>` followed by whatever they wrote).
 *
 * Tolerant by design: the log is a file people can edit, and appeals and the
 * health report must still read it. Only the heading is required; each field
 * that cannot be read is left empty (null / []), never guessed. Headings inside
 * fenced code blocks are not entries. Never throws.
 */
import { findMarker } from "../render/markers.js";
import type { AppealFacts, AppealVoteRecord, DecisionEntry, DecisionKind, EvidenceRow, Link, RoleChange } from "./decision-entry.js";
import { decisionNumber, formatDecisionId, isDecisionDate, isDecisionKind } from "./decision-entry.js";
import { NOTHING } from "./render-entry.js";

/**
 * An entry as read from the log. Like DecisionEntry, except that what a
 * hand-written entry may lack is nullable: `kind` is null when the heading
 * names a kind the app does not know (its words are in `kindText`), `date`
 * when no valid YYYY-MM-DD date is given.
 */
export interface ParsedEntry extends Omit<DecisionEntry, "kind" | "date"> {
  kind: DecisionKind | null;
  /** The kind as the heading writes it, e.g. "promotion" or "charter amendment". */
  kindText: string;
  date: string | null;
  /** 1-based line of the heading. */
  line: number;
}

const HEADING = /^##[ \t]+(D-\d{1,15})\b[ \t]*(?:[—–:-]+[ \t]*)?(.*?)[ \t#]*$/i;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** Lines of `text` (any line ending) with whether each is inside a fenced code block. */
function scanLines(text: string): { text: string; fenced: boolean }[] {
  const out: { text: string; fenced: boolean }[] = [];
  let fence: string | null = null;
  for (const line of text.split(/\r\n|\r|\n/)) {
    const m = FENCE.exec(line);
    if (fence === null && m) {
      fence = m[1] ?? "```";
      out.push({ text: line, fenced: true });
    } else if (fence !== null) {
      out.push({ text: line, fenced: true });
      if (m && (m[1] ?? "")[0] === fence[0] && (m[1] ?? "").length >= fence.length && line.trim() === m[1]) fence = null;
    } else {
      out.push({ text: line, fenced: false });
    }
  }
  return out;
}

/** The entries of `text`, in file order (which is decision order in an append-only log). */
export function parseLog(text: string): ParsedEntry[] {
  const lines = scanLines(text.replace(/^\uFEFF/, ""));
  const starts: { index: number; heading: RegExpExecArray }[] = [];
  lines.forEach((l, index) => {
    const heading = l.fenced ? null : HEADING.exec(l.text);
    if (heading && decisionNumber(heading[1] ?? "") !== null) starts.push({ index, heading });
  });
  return starts.map((start, i) => {
    const end = starts[i + 1]?.index ?? lines.length;
    return parseSection(start.heading, lines.slice(start.index + 1, end), start.index + 1);
  });
}

/**
 * The id that follows the highest id in the log (`D-0001` for null, an empty
 * log or one without entries). Gaps and out-of-order hand-written ids are
 * left alone: the next id is always above every id written.
 */
export function nextDecisionId(text: string | null): string {
  return nextDecisionIdAfter(text === null ? [] : parseLog(text));
}

/** The id after the highest of `entries` (`D-0001` for none): nextDecisionId for a log already parsed. */
export function nextDecisionIdAfter(entries: readonly { id: string }[]): string {
  const highest = entries.reduce((max, e) => Math.max(max, decisionNumber(e.id) ?? 0), 0);
  return formatDecisionId(highest + 1);
}

// ---------------------------------------------------------------------------

const FIELD_LINE = /^\s{0,3}(?:[-*+][ \t]+)?(?:\*\*|__)?([A-Za-z][A-Za-z ]{0,30}?)[ \t]*(?::[ \t]*(?:\*\*|__)|(?:\*\*|__)[ \t]*:|:)[ \t]*(.*)$/;

type FieldName = "date" | "kind" | "subject" | "role" | "approvers" | "objectors" | "reason" | "decidedBy" | "link";

/** Labels as the app writes them and as people tend to. */
const LABELS: Record<string, FieldName> = {
  date: "date",
  decided: "date",
  kind: "kind",
  subject: "subject",
  role: "role",
  roles: "role",
  "approved by": "approvers",
  approvers: "approvers",
  approvals: "approvers",
  "objected by": "objectors",
  objected: "objectors",
  objectors: "objectors",
  objections: "objectors",
  reason: "reason",
  "decided by": "decidedBy",
  discussion: "link",
  link: "link",
  issue: "link",
  "pull request": "link",
};

function parseSection(heading: RegExpExecArray, body: { text: string; fenced: boolean }[], line: number): ParsedEntry {
  const id = formatDecisionId(decisionNumber(heading[1] ?? "") ?? 1);
  const title = heading[2] ?? "";
  const colon = title.indexOf(":");
  const kindText = (colon >= 0 ? title.slice(0, colon) : title).trim().toLowerCase();
  const headingSubject = colon >= 0 ? orNothing(unescapeInline(title.slice(colon + 1).trim())) : "";

  const fields = new Map<FieldName, string>();
  const evidence: EvidenceRow[] = [];
  let inTable = false;
  for (const l of body) {
    if (l.fenced) continue;
    const t = l.text.trim();
    if (t.startsWith("|")) {
      const cells = tableCells(t);
      if (/^\|?\s*criterion\s*\|/i.test(t)) inTable = true;
      else if (inTable && !cells.every((c) => /^:?-+:?$/.test(c))) {
        const row = evidenceRow(cells);
        if (row) evidence.push(row);
      }
      continue;
    }
    inTable = false;
    const m = FIELD_LINE.exec(l.text);
    const name = m ? LABELS[(m[1] ?? "").trim().toLowerCase()] : undefined;
    if (m && name && !fields.has(name)) fields.set(name, (m[2] ?? "").trim());
  }

  const kind = isDecisionKind(kindText) ? kindText : null;
  const rawDate = fields.get("date")?.slice(0, 10) ?? "";
  const subjectField = fields.get("subject");
  const marker = findMarker(body.map((l) => l.text).join("\n"), "decision");
  const entry: ParsedEntry = {
    id,
    kind,
    kindText,
    date: isDecisionDate(rawDate) ? rawDate : null,
    subject: headingSubject || (subjectField ? (people(subjectField)[0] ?? "") : ""),
    role: parseRole(fields.get("role")),
    evidence,
    approvers: people(fields.get("approvers") ?? ""),
    objectors: people(fields.get("objectors") ?? ""),
    reason: fields.has("reason") ? orNothing(unescapeInline(fields.get("reason") ?? "")) : null,
    link: parseLinks(fields.get("link") ?? "")[0] ?? null,
    decidedBy: orNothing(unescapeInline(fields.get("decidedBy") ?? "")),
    line,
  };
  if (marker && typeof marker.key === "string") entry.key = marker.key;
  const appeal = marker && typeof marker.appeal === "string" ? parseAppealFacts(marker.appeal) : null;
  if (appeal) entry.appeal = appeal;
  // Logins have no commas: the list is the app's own, read back as written.
  if (marker && typeof marker.deciders === "string" && marker.deciders !== "") entry.deciders = marker.deciders.split(",");
  if (marker && typeof marker.proposed === "string") entry.proposed = marker.proposed;
  return entry;
}

/** The appeal facts of an entry's marker; null when they are not what the app writes (a hand edit, a forgery). */
function parseAppealFacts(json: string): AppealFacts | null {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof v !== "object" || v === null) return null;
  const o = v as Record<string, unknown>;
  const strings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === "string");
  if (typeof o.decision !== "string" || typeof o.appellant !== "string" || !strings(o.panel)) return null;
  if (o.rotation !== null && typeof o.rotation !== "string") return null;
  if (o.issue !== null && typeof o.issue !== "number") return null;
  const facts: AppealFacts = { decision: o.decision, appellant: o.appellant, panel: o.panel, rotation: o.rotation as string | null, issue: o.issue as number | null };
  if (Array.isArray(o.votes)) {
    const votes = o.votes.filter(
      (x): x is AppealVoteRecord =>
        typeof x === "object" && x !== null && typeof x.login === "string" && (x.vote === "uphold" || x.vote === "overturn") && (x.reason === null || typeof x.reason === "string"),
    );
    if (votes.length !== o.votes.length) return null;
    facts.votes = votes.map((x) => ({ login: x.login, vote: x.vote, reason: x.reason }));
  }
  if (o.outcome === "upheld" || o.outcome === "overturned") facts.outcome = o.outcome;
  return facts;
}

function orNothing(text: string): string {
  return text === NOTHING ? "" : text;
}

/** "member → reviewer", "— → member", "maintainer -> emeritus" (hand-written arrows too). */
function parseRole(value: string | undefined): RoleChange | null {
  if (value === undefined) return null;
  const parts = value.split(/\s*(?:→|->|⟶)\s*/);
  if (parts.length !== 2) return null;
  const role = (s: string) => {
    const r = unescapeInline(s.trim());
    return r === "" || r === NOTHING || r.toLowerCase() === "none" ? null : r;
  };
  return { from: role(parts[0] ?? ""), to: role(parts[1] ?? "") };
}

const LINK = /\[((?:\\.|[^\]\\])*)\]\(([^)\s]*)\)/g;

function parseLinks(value: string): Link[] {
  return [...value.matchAll(LINK)].map((m) => ({ label: unescapeInline(m[1] ?? ""), url: m[2] ?? "" }));
}

/**
 * Logins in a list: link labels when the list is made of links (as the app
 * writes it), else comma-separated words, `@` and zero-width characters dropped.
 */
function people(value: string): string[] {
  const v = value.trim();
  if (v === "" || v === NOTHING || /^none\.?$/i.test(v)) return [];
  const links = parseLinks(v);
  const words = links.length > 0 ? links.map((l) => l.label) : unescapeInline(v).split(/\s*,\s*|\s+and\s+/);
  return words.map((w) => w.replace(/[\u200B-\u200D\u2060]/g, "").replace(/^@/, "").trim()).filter((w) => w !== "");
}

/** Cells of a table row, split on pipes that are not backslash-escaped. */
function tableCells(row: string): string[] {
  const inner = row.replace(/^\|/, "").replace(/(?<!\\)\|\s*$/, "");
  const cells: string[] = [];
  let current = "";
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === "\\" && i + 1 < inner.length) {
      current += c + inner[i + 1];
      i++;
    } else if (c === "|") {
      cells.push(current.trim());
      current = "";
    } else {
      current += c;
    }
  }
  cells.push(current.trim());
  return cells;
}

function evidenceRow(cells: string[]): EvidenceRow | null {
  if (cells.length < 4) return null;
  const [criterion = "", threshold = "", measured = "", met = "", links = ""] = cells;
  return {
    criterion: orNothing(unescapeInline(criterion)),
    threshold: orNothing(unescapeInline(threshold)),
    measured: orNothing(unescapeInline(measured)),
    met: /^(✅|✓|yes|met|true|x)$/i.test(met.trim()),
    links: parseLinks(links),
  };
}

/**
 * The text escapeMarkdownInline escaped, as it reads: backslash escapes and
 * the `&amp;` `&lt;` `&gt;` entities undone in one pass (so `\&amp;` and
 * `&amp;lt;` come back as written). Neutralised mentions stay neutralised.
 */
export function unescapeInline(text: string): string {
  return text.replace(/\\([!-/:-@[-`{-~])|&(amp|lt|gt);/g, (_m, escaped: string | undefined, entity: string | undefined) => {
    if (escaped !== undefined) return escaped;
    return entity === "amp" ? "&" : entity === "lt" ? "<" : ">";
  });
}
