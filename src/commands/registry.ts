/**
 * Every slash command Stewards understands, declared once (STYLE habit 6, as
 * Prow's plugins do): its name, arguments, who may use it, what it does and
 * examples. The parser reads argument specs from here, and `/stewards help`
 * and the README's command table are rendered from here, so they cannot drift.
 *
 * A command whose handler is not written yet is still declared, with
 * `available: false`: the parser recognises it (so a typo of it, or a use of
 * it, gets an answer instead of silence), but help and the README list only
 * available commands. Implementing a command means flipping its flag.
 */

/**
 * Who may use a command, machine-readable: `mayRun` (permissions.ts) decides
 * from it, and help shows its words (`audienceText`), so what the app
 * enforces and what it says cannot differ.
 */
export type Audience =
  /** Anyone who can comment. */
  | "anyone"
  /** People holding a role listed in `promotion.approvers` (or above it), except the candidate. */
  | "approvers"
  /** The person a proposal is about. */
  | "candidate"
  /** Members of the appeal's panel. */
  | "panel"
  /** People holding any role on the ladder. */
  | "role-holders"
  /** The person a decision is about (for a ladder change: anyone). */
  | "decision-subject";

/** Each audience in words, for help and the README. */
export const audienceText: Readonly<Record<Audience, string>> = {
  anyone: "anyone",
  approvers: "approvers",
  candidate: "the candidate",
  panel: "members of the appeal's panel",
  "role-holders": "role holders",
  "decision-subject": "the person a decision is about (for a ladder or manual roster change, anyone who has contributed)",
};

/** The arguments each command yields once parsed, by command name. */
export interface CommandArgs {
  ladder: { user: string | null };
  appeal: { decision: string | null; reason: string };
  reject: { reason: string };
  withdraw: Record<string, never>;
  uphold: Record<string, never>;
  overturn: { reason: string };
  nominate: { user: string; role: string; reason: string | null };
  "step-down": { role: string | null };
  help: Record<string, never>;
}

export type CommandName = keyof CommandArgs;

/**
 * One positional argument. Arguments are read left to right, separated by
 * whitespace; a `reason` takes the rest of the line and so comes last.
 * - `user`: a GitHub login, with or without `@`.
 * - `decision`: a decision id like `D-42` or `D-0042`; when optional it is
 *   taken only if the next word looks like one (otherwise that word starts the reason).
 * - `role`: a role name (checked against the ladder by the handler, not here).
 * - `reason`: free text up to the end of the line.
 */
export interface ArgSpec {
  /** The field of `CommandArgs[name]` this fills. */
  field: string;
  kind: "user" | "decision" | "role" | "reason";
  required: boolean;
  /** How the argument appears in the usage line, e.g. `@user` or `reason`. */
  placeholder: string;
}

export interface Example {
  /** Exactly what one would type. */
  text: string;
  /** What it does, in words. */
  explanation: string;
}

export interface CommandSpec {
  name: CommandName;
  /** What starts the command, e.g. `/ladder` or `/stewards help`. */
  invocation: string;
  args: readonly ArgSpec[];
  /** The invocation with its arguments, `<required>` and `[optional]`. */
  usage: string;
  who: Audience;
  /** `who` in words, for people (from `audienceText`). */
  whoText: string;
  /** One line: what the command does. */
  summary: string;
  examples: readonly Example[];
  /** False while the command is declared but not handled yet. */
  available: boolean;
}

export type Registry = readonly CommandSpec[];

/** The usage line from an invocation and its arguments, e.g. `/nominate @user <role> [reason]`. */
export function usageOf(invocation: string, args: readonly ArgSpec[]): string {
  const parts = args.map((a) => {
    // `@user` is already self-describing, as SPEC.md writes it: `/ladder [@user]`, `/nominate @user <role>`.
    if (a.kind === "user") return a.required ? a.placeholder : `[${a.placeholder}]`;
    return a.required ? `<${a.placeholder}>` : `[${a.placeholder}]`;
  });
  return [invocation, ...parts].join(" ");
}

type Declaration = Omit<CommandSpec, "usage" | "whoText">;

function declare(d: Declaration): CommandSpec {
  return { ...d, usage: usageOf(d.invocation, d.args), whoText: audienceText[d.who] };
}

const reason = (required: boolean): ArgSpec => ({ field: "reason", kind: "reason", required, placeholder: "reason" });

/** The commands, in the order help lists them. */
export const registry: Registry = [
  declare({
    name: "ladder",
    invocation: "/ladder",
    args: [{ field: "user", kind: "user", required: false, placeholder: "@user" }],
    who: "anyone",
    summary: "Show where a person stands on every rung of the ladder: each requirement, the measured value and what is missing.",
    examples: [
      { text: "/ladder", explanation: "where you stand" },
      { text: "/ladder @octocat", explanation: "where octocat stands" },
    ],
    available: true,
  }),
  declare({
    name: "appeal",
    invocation: "/appeal",
    args: [{ field: "decision", kind: "decision", required: false, placeholder: "D-n" }, reason(true)],
    who: "decision-subject",
    summary: "Contest a decision: opens an appeal decided by a rotating panel of people who did not make it.",
    examples: [
      { text: "/appeal the review count misses my reviews on the docs repository", explanation: "appeal the decision of this issue" },
      { text: "/appeal D-0042 I was active during that period", explanation: "appeal decision D-0042 from anywhere in the repository" },
    ],
    available: true,
  }),
  declare({
    name: "reject",
    invocation: "/reject",
    args: [reason(true)],
    who: "approvers",
    summary: "Reject an open proposal; the reason goes into the decision log.",
    examples: [{ text: "/reject needs more review experience outside the parser", explanation: "reject this proposal" }],
    available: true,
  }),
  declare({
    name: "withdraw",
    invocation: "/withdraw",
    args: [],
    who: "candidate",
    summary: "Withdraw your own proposal.",
    examples: [{ text: "/withdraw", explanation: "withdraw this proposal about you" }],
    available: true,
  }),
  declare({
    name: "uphold",
    invocation: "/uphold",
    args: [],
    who: "panel",
    summary: "Vote to keep the appealed decision.",
    examples: [{ text: "/uphold", explanation: "vote to keep the decision" }],
    available: true,
  }),
  declare({
    name: "overturn",
    invocation: "/overturn",
    args: [reason(true)],
    who: "panel",
    summary: "Vote to overturn the appealed decision, with a reason.",
    examples: [{ text: "/overturn the inactivity window ignored reviews", explanation: "vote to overturn" }],
    available: true,
  }),
  declare({
    name: "nominate",
    invocation: "/nominate",
    args: [
      { field: "user", kind: "user", required: true, placeholder: "@user" },
      { field: "role", kind: "role", required: true, placeholder: "role" },
      reason(false),
    ],
    who: "approvers",
    summary: "Propose someone for a role the numbers have not picked up yet; the usual approval rules apply.",
    examples: [{ text: "/nominate @octocat reviewer leads the docs rewrite", explanation: "propose octocat as reviewer" }],
    available: true,
  }),
  declare({
    name: "step-down",
    invocation: "/step-down",
    args: [{ field: "role", kind: "role", required: false, placeholder: "role" }],
    who: "role-holders",
    summary: "Give up a role at once: to the role below, or emeritus. Needs nobody's approval.",
    examples: [
      { text: "/step-down", explanation: "step down from your current role" },
      { text: "/step-down maintainer", explanation: "step down from maintainer" },
    ],
    available: true,
  }),
  declare({
    name: "help",
    invocation: "/stewards help",
    args: [],
    who: "anyone",
    summary: "List the commands.",
    examples: [{ text: "/stewards help", explanation: "this list" }],
    available: true,
  }),
];

/** The declaration of `name`. Every `CommandName` is declared, so this never fails for the default registry. */
export function commandSpec(name: CommandName, commands: Registry = registry): CommandSpec {
  const spec = commands.find((c) => c.name === name);
  if (!spec) throw new Error(`command ${name} is not declared`);
  return spec;
}

/** The commands people can use today, in registry order. */
export function availableCommands(commands: Registry = registry): CommandSpec[] {
  return commands.filter((c) => c.available);
}
