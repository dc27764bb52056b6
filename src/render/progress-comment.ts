/**
 * The one short comment on a merged pull request whose author reached a new
 * standing (ladder/progress.ts decides whether). The author is linked, not
 * mentioned: it is their own pull request, so GitHub notifies them anyway.
 */
import type { Progress } from "../ladder/progress.js";
import { escapeMarkdownInline, userLink } from "./escape.js";
import { renderMarker } from "./markers.js";
import { shortfallWords } from "./standing-words.js";

export const PROGRESS_MARKER = "progress";

/**
 * The comment for `progress`, marker last (key: login lower-cased, role and
 * `step`: eligible or one-away), e.g. "🎉 With this pull request, [ana](…) meets every requirement
 * for **member**. …". `proposalUrl` links the promotion issue when it exists.
 */
export function renderProgressComment(progress: Progress, opts: { webUrl: string; proposalUrl?: string }): string {
  const person = userLink(progress.login, opts.webUrl);
  const role = `**${escapeMarkdownInline(progress.role)}**`;
  const text =
    progress.kind === "eligible"
      ? `🎉 With this pull request, ${person} meets every requirement for ${role}. ${
          opts.proposalUrl ? `The approvers decide in the [promotion proposal](${opts.proposalUrl}).` : "A promotion proposal goes to the approvers, who decide."
        }`
      : `📈 With this pull request, ${person} is one requirement away from ${role}: ${shortfallWords(progress.missing)}. Comment \`/ladder\` for the details.`;
  return [text, "", renderMarker(PROGRESS_MARKER, { login: progress.login.toLowerCase(), role: progress.role, step: progress.kind })].join("\n");
}
