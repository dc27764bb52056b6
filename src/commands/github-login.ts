/**
 * GitHub's login rules, in one place so the parser (which reads logins people
 * type) and the renderer (which links logins without mentioning them) agree.
 */

/**
 * A user login: 1–39 characters, ASCII letters, digits and single hyphens,
 * neither starting nor ending with a hyphen. (A few accounts created before
 * GitHub tightened its rules break them; they cannot be named in commands,
 * which is the safe side: we never guess who was meant.)
 */
const USER_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

/** A GitHub App's bot account, e.g. `dependabot[bot]`. */
const BOT_LOGIN = /^([A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38})\[bot\]$/;

/** True when `login` is a valid user login (no `@`, no `[bot]` suffix). */
export function isUserLogin(login: string): boolean {
  return USER_LOGIN.test(login);
}

/** The app's slug when `login` is a bot account such as `renovate[bot]`, else null. */
export function botAppSlug(login: string): string | null {
  return BOT_LOGIN.exec(login)?.[1] ?? null;
}

/** Logins compare case-insensitively on GitHub: `Octocat` and `octocat` are one person. */
export function sameLogin(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
