/**
 * The reply to a command its sender may not run: the refusal `mayRun`
 * (commands/permissions.ts) gave, in words that say who may and, where there
 * is one, what the sender can do instead.
 */
import type { Refusal } from "../commands/permissions.js";
import type { CommandName, CommandSpec } from "../commands/registry.js";
import { codeSpan, escapeMarkdownInline, userLink } from "./escape.js";

export interface RefusalWords {
  sender: string;
  approverRoles: readonly string[];
  webUrl: string;
}

/** What the command does, as the end of "Only … can …"; a command not listed here reads "use `/command`". */
const DOING: Partial<Record<CommandName, string>> = {
  reject: "reject a proposal",
  nominate: "nominate",
  withdraw: "withdraw this proposal",
};

export function renderRefusal(spec: Pick<CommandSpec, "name" | "invocation">, reason: Refusal, words: RefusalWords): string {
  const doing = DOING[spec.name] ?? `use ${codeSpan(spec.invocation)}`;
  const sender = userLink(words.sender, words.webUrl);
  switch (reason.code) {
    case "is-candidate":
      if (spec.name === "reject") return "A candidate cannot reject their own proposal; use `/withdraw` to withdraw it.";
      if (spec.name === "nominate") return "You cannot nominate yourself; ask another approver.";
      return `You cannot ${doing} about yourself; ask an approver.`;
    case "not-approver": {
      const roles = words.approverRoles.map((r) => codeSpan(r)).join(" or ");
      return `Only people holding an approving role (${roles}) can ${doing}; ${sender} does not hold one.`;
    }
    case "not-candidate":
      return reason.candidate ? `Only the candidate, ${userLink(reason.candidate, words.webUrl)}, can ${doing}.` : `Only the candidate of a proposal can ${doing}.`;
    case "holds-no-role":
      // As the roster edit refuses it (plan/roster-edit.ts), so the reply reads the same whichever check spoke first.
      return `Nothing changed: ${escapeMarkdownInline(words.sender)} holds no role on the roster.`;
    case "not-on-panel":
      return `Only members of the appeal's panel can ${doing}; ${sender} is not on it.`;
    case "not-subject":
      return reason.subject ? `Only ${userLink(reason.subject, words.webUrl)}, whom the decision is about, can ${doing}.` : `Only the person the decision is about can ${doing}.`;
  }
}
