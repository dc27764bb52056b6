/**
 * The block of CODEOWNERS lines the app owns (`# BEGIN stewards` …
 * `# END stewards`), derived from the roster and the ladder's grants. Each role
 * implies those below it, so a pattern granted to `reviewer` is owned by every
 * reviewer and maintainer. Top rungs are written first because the last
 * matching line wins. The ladder and the roster themselves are owned by
 * the approver roles, so nobody can promote themselves without their review.
 *
 * Logins that are not valid GitHub logins are left out (they could otherwise
 * inject CODEOWNERS syntax).
 */
import type { Governance, Roster } from "../config/schema.js";

export const BLOCK_BEGIN = "# BEGIN stewards";
export const BLOCK_END = "# END stewards";
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const PATTERN = /^[^\s#]+$/;

export function holdersAtOrAbove(governance: Governance, roster: Roster, role: string): string[] {
  const index = governance.ladder.findIndex((r) => r.role === role);
  if (index < 0) return [];
  const roles = new Set(governance.ladder.slice(index).map((r) => r.role));
  return roster.members
    .filter((m) => roles.has(m.role) && LOGIN.test(m.login))
    .map((m) => m.login)
    .sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
}

export function renderCodeownersBlock(governance: Governance, roster: Roster, governancePath = ".github/governance.yml"): string {
  const lines = [BLOCK_BEGIN, "# Maintained by Stewards from the roster; edit the roster, not these lines."];
  // In CODEOWNERS the last matching line wins: write the top rung's (usually broad) patterns
  // first and the lower rungs' narrower ones after, each owned by that rung and every rung above.
  for (const rung of [...governance.ladder].reverse()) {
    const owners = holdersAtOrAbove(governance, roster, rung.role);
    if (owners.length === 0) continue;
    for (const pattern of rung.grants.codeowners) {
      if (!PATTERN.test(pattern)) continue;
      lines.push(`${pattern} ${owners.map((o) => `@${o}`).join(" ")}`);
    }
  }
  const approverRoles = governance.promotion.approvers ?? [governance.ladder[governance.ladder.length - 1]!.role];
  const approvers = [...new Set(approverRoles.flatMap((r) => holdersAtOrAbove(governance, roster, r)))];
  if (approvers.length > 0) {
    const owners = approvers.map((o) => `@${o}`).join(" ");
    lines.push(`/${governancePath} ${owners}`);
    lines.push(`/${governance.roster.path.replace(/^\//, "")} ${owners}`);
  }
  lines.push(BLOCK_END);
  return lines.join("\n");
}
