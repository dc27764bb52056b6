/**
 * A decision as a section of `GOVERNANCE-LOG.md`. The layout is what
 * parse-log.ts reads back, so the two change together:
 *
 *     ## D-0007 — promotion: alice
 *     <!-- stewards:{"kind":"decision",…} -->      (only when the entry has a key)
 *
 *     - **Date:** 2026-12-01
 *     - **Kind:** promotion
 *     - **Subject:** [alice](https://github.com/alice)
 *     - **Role:** member → reviewer
 *     - **Approved by:** [bob](…), [carol](…)
 *     - **Objected by:** —
 *     - **Reason:** …
 *     - **Decided by:** …
 *     - **Discussion:** [acme/widgets#12](…)
 *
 *     | criterion | threshold | measured | met | links |
 *     …
 *
 * Every piece of text goes through escape.ts: logins become profile links
 * (never `@` mentions), user text is escaped inline (one line, no HTML, no
 * heading, `@` neutralised), so nothing a person typed can end the entry,
 * start a fake one, or notify anyone.
 */
import { botAppSlug, isUserLogin } from "../commands/github-login.js";
import { escapeMarkdownInline, escapeTableCell, userLink } from "../render/escape.js";
import { renderMarker } from "../render/markers.js";
import type { AppealFacts, DecisionEntry, EvidenceRow, Link, RoleChange } from "./decision-entry.js";
import { isDecisionDate, isDecisionId, isDecisionKind } from "./decision-entry.js";

export interface RenderEntryOptions {
  /** GitHub's web root for profile links (GHE's where used); default https://github.com. */
  webUrl?: string;
}

/** Shown for an empty list or a missing role; parse-log.ts reads it back as empty / null. */
export const NOTHING = "—";

export const FIELD_LABELS = {
  date: "Date",
  kind: "Kind",
  subject: "Subject",
  role: "Role",
  approvers: "Approved by",
  objectors: "Objected by",
  reason: "Reason",
  decidedBy: "Decided by",
  link: "Discussion",
  appealOf: "Appeal of",
  panel: "Panel",
  votes: "Votes",
  outcome: "Outcome",
} as const;

export const EVIDENCE_HEADER = "| criterion | threshold | measured | met | links |";

/**
 * The entry's markdown section: heading, optional hidden key marker, a blank
 * line, the field list and (when there is evidence) the table; no trailing
 * newline. Deterministic: the same entry always renders the same text.
 * Throws RangeError on a malformed id, date or kind (programming errors: the
 * app builds these values itself); user text never makes it throw.
 */
export function renderEntry(entry: DecisionEntry, opts: RenderEntryOptions = {}): string {
  if (!isDecisionId(entry.id)) throw new RangeError(`decision id ${JSON.stringify(entry.id)} is not like D-0001`);
  if (!isDecisionDate(entry.date)) throw new RangeError(`decision date ${JSON.stringify(entry.date)} is not a YYYY-MM-DD day`);
  if (!isDecisionKind(entry.kind)) throw new RangeError(`decision kind ${JSON.stringify(entry.kind)} is not one of the log's kinds`);
  const webUrl = opts.webUrl ?? "https://github.com";
  const person = (login: string) => personLink(login, webUrl);
  const field = (label: string, value: string) => `- **${label}:** ${value}`;

  const out = [`## ${entry.id} — ${entry.kind}: ${escapeMarkdownInline(entry.subject) || NOTHING}`];
  const hidden = {
    ...(entry.key !== undefined ? { key: entry.key } : {}),
    // The appeal's facts ride in the marker as JSON: read back exactly, whatever the escaped text shows.
    ...(entry.appeal ? { appeal: JSON.stringify(entry.appeal) } : {}),
    ...(entry.deciders?.length ? { deciders: entry.deciders.join(",") } : {}),
    ...(entry.proposed !== undefined ? { proposed: entry.proposed } : {}),
  };
  if (Object.keys(hidden).length > 0) out.push(renderMarker("decision", { id: entry.id, ...hidden }));
  out.push("");
  out.push(field(FIELD_LABELS.date, entry.date));
  out.push(field(FIELD_LABELS.kind, entry.kind));
  out.push(field(FIELD_LABELS.subject, person(entry.subject) || NOTHING));
  if (entry.role) out.push(field(FIELD_LABELS.role, roleWords(entry.role)));
  out.push(field(FIELD_LABELS.approvers, listOrNothing(entry.approvers.map(person))));
  out.push(field(FIELD_LABELS.objectors, listOrNothing(entry.objectors.map(person))));
  if (entry.reason !== null) out.push(field(FIELD_LABELS.reason, escapeMarkdownInline(entry.reason) || NOTHING));
  out.push(field(FIELD_LABELS.decidedBy, escapeMarkdownInline(entry.decidedBy) || NOTHING));
  if (entry.link) out.push(field(FIELD_LABELS.link, renderLink(entry.link)));
  if (entry.appeal) out.push(...appealFields(entry.appeal, person, field));
  if (entry.evidence.length > 0) {
    out.push("", EVIDENCE_HEADER, "| --- | --: | --: | :-: | --- |", ...entry.evidence.map(evidenceRow));
  }
  return out.join("\n");
}

function appealFields(a: AppealFacts, person: (login: string) => string, field: (label: string, value: string) => string): string[] {
  const out = [field(FIELD_LABELS.appealOf, escapeMarkdownInline(a.decision)), field(FIELD_LABELS.panel, listOrNothing(a.panel.map(person)))];
  if (a.votes) {
    const words = a.votes.map((v) => `${person(v.login)}: ${v.vote}${v.reason ? ` (${escapeMarkdownInline(v.reason)})` : ""}`);
    out.push(field(FIELD_LABELS.votes, words.length ? words.join("; ") : NOTHING));
  }
  if (a.outcome) out.push(field(FIELD_LABELS.outcome, a.outcome));
  return out;
}

function roleWords(role: RoleChange): string {
  return `${role.from === null ? NOTHING : escapeMarkdownInline(role.from)} → ${role.to === null ? NOTHING : escapeMarkdownInline(role.to)}`;
}

function listOrNothing(items: readonly string[]): string {
  return items.length === 0 ? NOTHING : items.join(", ");
}

/** A login as a profile link; other subjects (a file, a rung) as escaped text. */
function personLink(login: string, webUrl: string): string {
  return isUserLogin(login) || botAppSlug(login) ? userLink(login, webUrl) : escapeMarkdownInline(login);
}

function evidenceRow(row: EvidenceRow): string {
  const links = row.links.length === 0 ? NOTHING : row.links.map(renderLink).join(", ");
  const cells = [escapeTableCell(row.criterion), escapeTableCell(row.threshold), escapeTableCell(row.measured), row.met ? "✅" : "❌", links];
  return `| ${cells.map((c) => c || NOTHING).join(" | ")} |`;
}

/**
 * `[label](url)` for an http(s) address (with the characters that would end
 * the link or break the line percent-encoded); the escaped label alone for
 * anything else, so a `javascript:` or relative address is never linked.
 */
export function renderLink(link: Link): string {
  const label = escapeMarkdownInline(link.label) || NOTHING;
  const url = safeUrl(link.url);
  return url ? `[${label}](${url})` : label;
}

function safeUrl(url: string): string | null {
  const trimmed = url.trim();
  if (!/^https?:\/\/[^\s/]/i.test(trimmed)) return null;
  return trimmed.replace(/[\s()<>|\\`"']/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}
