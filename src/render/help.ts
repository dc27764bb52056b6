/**
 * Markdown about the commands, all rendered from the registry (STYLE habit 6):
 * the `/stewards help` reply, the README's command table, and the short
 * replies to malformed and unknown commands. Only available commands are
 * listed; declared-but-unavailable ones are mentioned only when someone uses
 * or nearly types one.
 */
import type { MalformedCommand, OkCommand, UnknownCommand } from "../commands/parse.js";
import type { CommandSpec, Registry } from "../commands/registry.js";
import { availableCommands } from "../commands/registry.js";
import { codeSpan, escapeMarkdownInline, escapeTableCell } from "./escape.js";

const HELP_POINTER = `Write ${codeSpan("/stewards help")} to see the commands.`;

/**
 * The table of available commands, for the README and the help reply:
 * one row per command (usage | who may use it | what it does), in registry order.
 */
export function renderCommandTable(registry: Registry): string {
  const rows = availableCommands(registry).map(
    (c) => `| ${codeSpan(c.usage, { table: true })} | ${escapeTableCell(c.whoText)} | ${escapeTableCell(c.summary)} |`,
  );
  return ["| command | who | what it does |", "| --- | --- | --- |", ...rows].join("\n");
}

/** The `/stewards help` reply: the command table, then examples, then where commands may be written. */
export function renderHelp(registry: Registry): string {
  const examples = availableCommands(registry).flatMap((c) =>
    c.examples.map((e) => `- ${codeSpan(e.text)}: ${escapeMarkdownInline(e.explanation)}`),
  );
  return [
    "### Stewards commands",
    "",
    renderCommandTable(registry),
    "",
    "Examples:",
    "",
    ...examples,
    "",
    "Write a command at the start of a line in a comment on an issue or pull request; commands inside code or quotes are ignored.",
  ].join("\n");
}

/** The reply to a declared command whose arguments do not fit: what was wrong, the usage, an example. */
export function renderMalformedReply(parsed: MalformedCommand, registry: Registry): string {
  const spec = registry.find((c) => c.name === parsed.name);
  const lines = [`I could not read ${codeSpan(parsed.text)}: ${escapeMarkdownInline(parsed.problem)}.`];
  if (spec && !spec.available) lines.push("", notAvailableYet(spec));
  lines.push("", spec ? describe(spec) : `Usage: ${codeSpan(parsed.usage)}`, "", HELP_POINTER);
  return lines.join("\n");
}

/** The reply to a command addressed to the app that it does not know: a suggestion when there is one. */
export function renderUnknownReply(parsed: UnknownCommand, registry: Registry): string {
  const spec = parsed.suggestion ? registry.find((c) => c.name === parsed.suggestion) : undefined;
  const lines = [`I don't know the command ${codeSpan(parsed.text)}.${spec ? ` Did you mean ${codeSpan(spec.invocation)}?` : ""}`];
  if (spec) {
    if (!spec.available) lines.push("", notAvailableYet(spec));
    lines.push("", describe(spec));
  }
  if (spec?.name !== "help") lines.push("", HELP_POINTER);
  return lines.join("\n");
}

/** The reply to a well-formed use of a command that is declared but not handled yet. */
export function renderUnavailableReply(parsed: OkCommand, registry: Registry): string {
  const spec = registry.find((c) => c.name === parsed.name);
  return [spec ? notAvailableYet(spec) : "That command is not available yet in this version of Stewards.", "", HELP_POINTER].join("\n");
}

/** Usage, what it does, who may use it, and one example. */
function describe(spec: CommandSpec): string {
  const example = spec.examples[spec.examples.length - 1];
  return [
    `Usage: ${codeSpan(spec.usage)}. ${escapeMarkdownInline(spec.summary)} Who may use it: ${escapeMarkdownInline(spec.whoText)}.`,
    ...(example && example.text !== spec.usage ? [`For example: ${codeSpan(example.text)}`] : []),
  ].join("\n");
}

function notAvailableYet(spec: CommandSpec): string {
  return `${codeSpan(spec.invocation)} is not available yet in this version of Stewards.`;
}
