/**
 * Who may run a command, decided from its declared audience (`who` in
 * registry.ts) and the facts of the moment: who asked, who the proposal is
 * about, the roster and the approving roles. Pure — the caller gathers the
 * facts — so the rule is written once for every command and tested as a
 * table (test/commands/permissions.test.ts); the words of a refusal are
 * render/command-refusals.ts's.
 */
import type { Roster } from "../config/schema.js";
import { sameLogin } from "./github-login.js";
import type { Audience } from "./registry.js";

export interface CommandFacts {
  /** Who gave the command. */
  sender: string;
  /** The person the proposal is about (for `/nominate`, the person nominated); null when there is none. */
  candidate: string | null;
  /** The roster in force. */
  roster: Pick<Roster, "members">;
  /** The roles whose holders approve: `approverRoles` of ladder/tally.ts (the configured roles and those above them). */
  approverRoles: readonly string[];
  /** The appeal's panel; absent when the command is not on an appeal (then nobody is on it). */
  panel?: readonly string[];
  /** The person the appealed decision is about; null for a decision about nobody in particular (a ladder change: anyone may appeal); absent when not known (nobody may). */
  subject?: string | null;
}

/** Why a command was refused, for the reply (render/command-refusals.ts). */
export type Refusal =
  /** An approvers' command about oneself: nobody approves, rejects or nominates for themselves. */
  | { code: "is-candidate" }
  /** The sender holds no approving role. */
  | { code: "not-approver" }
  /** Only the candidate may; `candidate` is null when there is no proposal to be the candidate of. */
  | { code: "not-candidate"; candidate: string | null }
  /** The sender holds no role on the roster. */
  | { code: "holds-no-role" }
  | { code: "not-on-panel" }
  /** Only the person the decision is about may; null when that is not known. */
  | { code: "not-subject"; subject: string | null };

export type Permission = { ok: true } | { ok: false; reason: Refusal };

const ALLOWED: Permission = { ok: true };
const refuse = (reason: Refusal): Permission => ({ ok: false, reason });

/**
 * Whether `facts.sender` may run a command declared for `who`. For
 * `approvers` the candidate is refused first, whatever roles they hold, so
 * that they are told what they may do instead (e.g. withdraw).
 */
export function mayRun(who: Audience, facts: CommandFacts): Permission {
  const isSender = (login: string) => sameLogin(login, facts.sender);
  const held = facts.roster.members.filter((m) => isSender(m.login));
  switch (who) {
    case "anyone":
      return ALLOWED;
    case "approvers":
      if (facts.candidate !== null && isSender(facts.candidate)) return refuse({ code: "is-candidate" });
      return held.some((m) => facts.approverRoles.includes(m.role)) ? ALLOWED : refuse({ code: "not-approver" });
    case "candidate":
      return facts.candidate !== null && isSender(facts.candidate) ? ALLOWED : refuse({ code: "not-candidate", candidate: facts.candidate });
    case "role-holders":
      return held.length > 0 ? ALLOWED : refuse({ code: "holds-no-role" });
    case "panel":
      return (facts.panel ?? []).some(isSender) ? ALLOWED : refuse({ code: "not-on-panel" });
    case "decision-subject":
      if (facts.subject === null) return ALLOWED;
      return facts.subject !== undefined && isSender(facts.subject) ? ALLOWED : refuse({ code: "not-subject", subject: facts.subject ?? null });
  }
}
