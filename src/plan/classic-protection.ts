/**
 * Classic branch protection as the app sees it, and the check that a change
 * it plans weakens nothing.
 *
 * The app changes exactly two lists of a classic protection: the users of
 * the push restrictions (`restrictions.users`) and the users of the pull
 * request review bypass allowances
 * (`required_pull_request_reviews.bypass_pull_request_allowances.users`).
 * Everything else is the project's and must come out exactly as it went in.
 * `verifyProtectionChange` is the pure check of that promise; the planner
 * runs it on every change it plans and refuses the change when it fails, so a
 * bug in the planner cannot lower a review count or drop a status check.
 */

/** Who a list names: user logins, team slugs and app slugs. */
export interface ActorLists {
  users: string[];
  teams: string[];
  apps: string[];
}

export interface RequiredReviews {
  requiredApprovingReviewCount: number;
  dismissStaleReviews: boolean;
  requireCodeOwnerReviews: boolean;
  requireLastPushApproval: boolean;
  /** Who may dismiss reviews; null when anyone with write access may (not restricted). */
  dismissalRestrictions: ActorLists | null;
  /** Who may merge without the required reviews (empty lists when nobody may). */
  bypassPullRequestAllowances: ActorLists;
}

export interface ClassicProtection {
  requiredStatusChecks: { strict: boolean; contexts: string[]; checks: Array<{ context: string; appId: number | null }> } | null;
  enforceAdmins: boolean;
  requiredPullRequestReviews: RequiredReviews | null;
  /** Who may push; null when pushes are not restricted (everyone with write access may push). */
  restrictions: ActorLists | null;
  /**
   * Every other on/off setting by its REST name (`required_linear_history`,
   * `allow_force_pushes`, `allow_deletions`, `block_creations`,
   * `required_conversation_resolution`, `lock_branch`, `allow_fork_syncing`,
   * `required_signatures`): the app never changes them.
   */
  flags: Record<string, boolean>;
}

const lower = (s: string) => s.toLowerCase();

/** Logins compare case-insensitively on GitHub. */
export function sameLogin(a: string, b: string): boolean {
  return lower(a) === lower(b);
}

export function hasLogin(list: readonly string[], login: string): boolean {
  return list.some((l) => sameLogin(l, login));
}

/** `list` with `add` appended (those not in it yet) and `remove` left out, order kept. */
export function editLogins(list: readonly string[], add: readonly string[], remove: readonly string[]): string[] {
  const kept = list.filter((l) => !hasLogin(remove, l));
  for (const a of add) if (!hasLogin(kept, a)) kept.push(a);
  return kept;
}

/**
 * What `after` does to `before` that the app must never do, in words; empty
 * when the change is allowed. Allowed: adding users to the push restrictions
 * and the PR-review bypass users, and removing from those two lists exactly
 * the logins in `allowedRemovals`. Everything else — a lower review count,
 * `enforce_admins` turned off, a status check gone, a team or app dropped from
 * any list, restrictions or required reviews turned on or off, any other
 * setting changed — is a violation.
 */
export function verifyProtectionChange(before: ClassicProtection, after: ClassicProtection, allowedRemovals: readonly string[] = []): string[] {
  const out: string[] = [];
  const checks = (b: ClassicProtection["requiredStatusChecks"], a: ClassicProtection["requiredStatusChecks"]) => {
    if (!b) {
      if (a) out.push("required status checks would be turned on");
      return;
    }
    if (!a) return out.push("required status checks would be turned off");
    if (b.strict && !a.strict) out.push("'require branches to be up to date' would be turned off");
    for (const c of b.contexts) if (!a.contexts.includes(c)) out.push(`required status check "${c}" would be removed`);
    for (const c of b.checks) {
      if (!a.checks.some((x) => x.context === c.context && x.appId === c.appId)) out.push(`required check "${c.context}" would be removed`);
    }
  };
  checks(before.requiredStatusChecks, after.requiredStatusChecks);
  if (before.enforceAdmins && !after.enforceAdmins) out.push("enforce_admins would be turned off");
  if (!before.enforceAdmins && after.enforceAdmins) out.push("enforce_admins would be turned on");

  const br = before.requiredPullRequestReviews;
  const ar = after.requiredPullRequestReviews;
  if (br && !ar) out.push("required pull request reviews would be turned off");
  if (!br && ar) out.push("required pull request reviews would be turned on");
  if (br && ar) {
    if (ar.requiredApprovingReviewCount < br.requiredApprovingReviewCount) {
      out.push(`required approving reviews would fall from ${br.requiredApprovingReviewCount} to ${ar.requiredApprovingReviewCount}`);
    }
    for (const key of ["dismissStaleReviews", "requireCodeOwnerReviews", "requireLastPushApproval"] as const) {
      if (br[key] && !ar[key]) out.push(`${key} would be turned off`);
    }
    listLoss(out, "dismissal restrictions", br.dismissalRestrictions, ar.dismissalRestrictions, []);
    listLoss(out, "pull request bypass allowances", br.bypassPullRequestAllowances, ar.bypassPullRequestAllowances, allowedRemovals);
  }
  if (before.restrictions && !after.restrictions) out.push("push restrictions would be turned off (everyone with write access could push)");
  if (!before.restrictions && after.restrictions) out.push("push restrictions would be turned on (it would lock out everyone not listed)");
  if (before.restrictions && after.restrictions) listLoss(out, "push restrictions", before.restrictions, after.restrictions, allowedRemovals);
  for (const key of new Set([...Object.keys(before.flags), ...Object.keys(after.flags)])) {
    if (before.flags[key] !== after.flags[key]) out.push(`${key} would change from ${String(before.flags[key] ?? "unset")} to ${String(after.flags[key] ?? "unset")}`);
  }
  // Belt and braces: with the two user lists put back, nothing may differ at all.
  if (out.length === 0 && canonical(withAppListsOf(after, before)) !== canonical(before)) out.push("a setting other than the two user lists would change");
  return out;
}

function listLoss(out: string[], what: string, before: ActorLists | null, after: ActorLists | null, allowedRemovals: readonly string[]) {
  if (!before) {
    if (after) out.push(`${what} would be turned on`);
    return;
  }
  if (!after) return out.push(`${what} would be turned off`);
  for (const t of before.teams) if (!after.teams.includes(t)) out.push(`team ${t} would be dropped from the ${what}`);
  for (const a of before.apps) if (!after.apps.includes(a)) out.push(`app ${a} would be dropped from the ${what}`);
  for (const u of before.users) {
    if (!hasLogin(after.users, u) && !hasLogin(allowedRemovals, u)) out.push(`@${u} would be dropped from the ${what}`);
  }
}

/** `after` with the two lists the app may change copied from `before`. */
function withAppListsOf(after: ClassicProtection, before: ClassicProtection): ClassicProtection {
  const reviews = after.requiredPullRequestReviews && before.requiredPullRequestReviews
    ? { ...after.requiredPullRequestReviews, bypassPullRequestAllowances: { ...after.requiredPullRequestReviews.bypassPullRequestAllowances, users: before.requiredPullRequestReviews.bypassPullRequestAllowances.users } }
    : after.requiredPullRequestReviews;
  const restrictions = after.restrictions && before.restrictions ? { ...after.restrictions, users: before.restrictions.users } : after.restrictions;
  return { ...after, requiredPullRequestReviews: reviews, restrictions };
}

/** JSON with object keys sorted, so two equal configurations compare equal as text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * `protection` with the two user lists edited: `restrictionUsers` only when
 * pushes are already restricted, `bypassUsers` only when reviews are already
 * required. Neither is ever turned on here.
 */
export function withUserLists(
  protection: ClassicProtection,
  edit: { restrictionUsers?: { add: readonly string[]; remove: readonly string[] }; bypassUsers?: { add: readonly string[]; remove: readonly string[] } },
): ClassicProtection {
  const restrictions = protection.restrictions && edit.restrictionUsers
    ? { ...protection.restrictions, users: editLogins(protection.restrictions.users, edit.restrictionUsers.add, edit.restrictionUsers.remove) }
    : protection.restrictions;
  const reviews = protection.requiredPullRequestReviews;
  const requiredPullRequestReviews = reviews && edit.bypassUsers
    ? {
        ...reviews,
        bypassPullRequestAllowances: {
          ...reviews.bypassPullRequestAllowances,
          users: editLogins(reviews.bypassPullRequestAllowances.users, edit.bypassUsers.add, edit.bypassUsers.remove),
        },
      }
    : reviews;
  return { ...protection, restrictions, requiredPullRequestReviews };
}
