/**
 * The promotion pull request (`promotion.approve_with: pull_request | either`):
 * where its branch lives and which proposal a branch belongs to. Pure.
 *
 * The branch is named for the person and role, `stewards/promote/<login>/<role>`
 * (logins and role names are both valid ref path components as GitHub and the
 * ladder's schema spell them), so that:
 * - a merged or closed pull request is matched to its proposal from the
 *   webhook payload alone (`head.ref`), with no API request, and pull
 *   requests from any other branch cost nothing;
 * - the name is known before the proposal issue exists, so a dry run can say
 *   which branch it would create.
 * One open proposal per person and role means one branch per open proposal.
 */
import type { Governance } from "../config/schema.js";

const PREFIX = "stewards/promote/";
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const ROLE = /^[a-z][a-z0-9_-]*$/;

/** Whether proposals under this ladder get a pull request (`approve_with` is `pull_request` or `either`). */
export function approvesByPullRequest(governance: Pick<Governance, "promotion">): boolean {
  return governance.promotion.approve_with !== "reaction";
}

/** Whether 👍 on the issue approve (`approve_with` is `reaction` or `either`). */
export function approvesByReaction(governance: Pick<Governance, "promotion">): boolean {
  return governance.promotion.approve_with !== "pull_request";
}

/** `stewards/promote/ana/member` (login lower-cased, as GitHub compares logins). */
export function promotionBranch(login: string, role: string): string {
  return `${PREFIX}${login.toLowerCase()}/${role}`;
}

/** The person and role of a promotion branch (`head.ref` of a pull request), or null for any other branch. */
export function parsePromotionBranch(ref: string): { login: string; role: string } | null {
  const name = ref.replace(/^refs\/heads\//, "");
  if (!name.startsWith(PREFIX)) return null;
  const [login, role, ...rest] = name.slice(PREFIX.length).split("/");
  if (rest.length > 0 || !login || !role || !LOGIN.test(login) || !ROLE.test(role)) return null;
  return { login: login.toLowerCase(), role };
}
