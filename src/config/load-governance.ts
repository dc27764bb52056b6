/**
 * Loading `.github/governance.yml` for a repository, with `_extends`, at a
 * ref. Four outcomes kept apart (STYLE: policy-bot #533 reported a GitHub
 * 5xx as "invalid policy"):
 *
 * - absent:     neither the repository nor the organisation has the file;
 *               the app does nothing there.
 * - load-error: GitHub could not be read (5xx, network, rate limit, auth).
 *               Says nothing about the file: retry and log, never report it
 *               as invalid. `retryable` is false for errors a retry will not
 *               cure (403 without a rate limit, 400/422).
 * - invalid:    the files were read and are wrong; `errors` say where.
 * - ok:         a validated ladder.
 *
 * Requests: one per file in the `_extends` chain (as Probot's loader), plus
 * one for the organisation's `.github` file when the chain does not already
 * include it — its `floors` bind every repository of the organisation,
 * whether or not the repository's file extends it (else deleting the
 * `_extends` line would escape them). Nothing is cached here; callers cache
 * (see usecases/current-governance.ts).
 */
import { parseGovernanceFiles, DEFAULT_GOVERNANCE_PATH } from "./parse-governance.js";
import type { GovernanceFileText } from "./parse-governance.js";
import type { ConfigProblem } from "./problems.js";
import { sortProblems } from "./problems.js";
import { fileName, NotAFileError, resolveChain } from "./resolve-extends.js";
import type { ConfigSource } from "./resolve-extends.js";
import type { Governance } from "./schema.js";

export type { ConfigSource } from "./resolve-extends.js";
export { NotAFileError } from "./resolve-extends.js";

export type LoadResult =
  | { kind: "absent" }
  | { kind: "load-error"; error: Error; retryable: boolean }
  | { kind: "invalid"; errors: ConfigProblem[]; warnings: ConfigProblem[]; files: string[] }
  | { kind: "ok"; governance: Governance; warnings: ConfigProblem[]; files: string[] };

export interface LoadTarget {
  owner: string;
  repo: string;
  /** Commit SHA or branch for the repository's own file; the default branch when omitted. Bases are always read from their default branch (as Probot does). */
  ref?: string;
  /** Default `.github/governance.yml`. */
  path?: string;
}

/** Never throws: every failure is one of the outcomes above. */
export async function loadGovernance(source: ConfigSource, target: LoadTarget): Promise<LoadResult> {
  const path = target.path ?? DEFAULT_GOVERNANCE_PATH;
  try {
    const chain = await resolveChain(source, { owner: target.owner, repo: target.repo, path, ...(target.ref ? { ref: target.ref } : {}) });
    if (chain.files.length === 0) return { kind: "absent" };

    const texts: GovernanceFileText[] = chain.files.map((f) => ({ name: f.name, text: f.text, isBase: f.isBase }));
    const orgIncluded = chain.files.some((f) => f.repo.toLowerCase() === ".github" && f.owner.toLowerCase() === target.owner.toLowerCase() && f.path === path);
    if (!orgIncluded && target.repo !== ".github") {
      const orgText = await source.getRawFile(target.owner, ".github", path);
      if (orgText !== null) {
        texts.push({ name: fileName(target, { owner: target.owner, repo: ".github", path }), text: orgText, isBase: true, floorsOnly: true });
      }
    }
    const files = texts.map((t) => t.name);

    const parsed = parseGovernanceFiles(texts);
    if (chain.problems.length > 0 || !parsed.ok) {
      const errors = sortProblems([...chain.problems, ...(parsed.ok ? [] : parsed.errors)]);
      return { kind: "invalid", errors, warnings: parsed.warnings, files };
    }
    return { kind: "ok", governance: parsed.governance, warnings: parsed.warnings, files };
  } catch (err) {
    if (err instanceof NotAFileError) {
      return {
        kind: "invalid",
        errors: [{ path: "", line: null, column: null, message: `${err.location} is a directory or a submodule; it must be a YAML file`, severity: "error" }],
        warnings: [],
        files: [],
      };
    }
    return { kind: "load-error", error: toError(err), retryable: isRetryable(err) };
  }
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

interface HttpLikeError {
  status?: unknown;
  response?: { headers?: Record<string, unknown>; data?: unknown };
  message?: unknown;
}

/**
 * Whether trying again later can succeed: network failures (no status),
 * 5xx, 429, 401 (an expired installation token is renewed), and 403 when
 * it is a rate limit (primary: `x-ratelimit-remaining: 0`; secondary: the
 * message says so, or `retry-after` is set). Other 4xx are not.
 */
export function isRetryable(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return true;
  const e = err as HttpLikeError;
  if (typeof e.status !== "number") return true;
  if (e.status >= 500 || e.status === 429 || e.status === 401) return true;
  if (e.status === 403) {
    const headers = e.response?.headers ?? {};
    if (String(headers["x-ratelimit-remaining"]) === "0" || headers["retry-after"] !== undefined) return true;
    return /rate limit/i.test(String(e.message ?? ""));
  }
  return false;
}
