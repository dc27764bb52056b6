/**
 * Markdown about the commands, all rendered from the registry (STYLE habit 6):
 * the `/stewards help` reply, the README's command table, and the short
 * replies to malformed and unknown commands. Only available commands are
 * listed; declared-but-unavailable ones are mentioned only when someone uses
 * or nearly types one.
 */
import type { MalformedCommand, UnknownCommand } from "../commands/parse.js";
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
  const example = spec?.examples[spec.examples.length - 1];
  return [
    `I could not read ${codeSpan(parsed.text)}: ${escapeMarkdownInline(parsed.problem)}.`,
    "",
    `Usage: ${codeSpan(parsed.usage)}${spec ? ` (${escapeMarkdownInline(spec.whoText)}): ${escapeMarkdownInline(spec.summary)}` : ""}`,
    ...(example ? ["", `For example: ${codeSpan(example.text)}`] : []),
    ...(spec && !spec.available ? ["", notAvailableYet(spec)] : []),
    "",
    HELP_POINTER,
  ].join("\n");
}

/** The reply to a command addressed to the app that it does not know: a suggestion when there is one. */
export function renderUnknownReply(parsed: UnknownCommand, registry: Registry): string {
  const spec = parsed.suggestion ? registry.find((c) => c.name === parsed.suggestion) : undefined;
  const lines = [`I don't know the command ${codeSpan(parsed.text)}.`];
  if (spec) {
    lines.push(
      "",
      `Did you mean ${codeSpan(spec.invocation)}? Usage: ${codeSpan(spec.usage)}: ${escapeMarkdownInline(spec.summary)}`,
    );
    if (!spec.available) lines.push("", notAvailableYet(spec));
  }
  lines.push("", HELP_POINTER);
  return lines.join("\n");
}

function notAvailableYet(spec: CommandSpec): string {
  return `${codeSpan(spec.invocation)} is not available yet in this version of Stewards.`;
}
