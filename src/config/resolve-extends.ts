/**
 * Which files make up a repository's governance.yml, with the SAME rules as
 * Probot's config loader (@probot/octokit-plugin-config 4.x,
 * `getConfigFiles`), so `_extends` means what Probot users expect:
 *
 * 1. The repository's file at `ref` (default branch when omitted).
 * 2. When it does not exist (404) and the repository is not `.github`
 *    itself: the organisation default, the same path in `<owner>/.github`.
 * 3. From the last file read, follow `_extends`, each on its default branch:
 *    `repo` (same owner), `owner/repo`, `repo:path.yml`, `owner/repo:path.yml`;
 *    owner and path default to the REQUESTED repository's owner and path.
 *    The chain stops at a file that does not exist or has no `_extends`.
 *    A file already read is a loop and an error.
 *
 * We resolve the chain ourselves rather than through `octokit.config.get`
 * because we need each file's TEXT (for line numbers), which the plugin
 * parses and throws away; the requests are the same, one per file, so this
 * costs no extra call. test/config/resolve-extends.test.ts checks that the
 * plugin and this module read the same files.
 *
 * Differences, on purpose: the chain is capped at MAX_CHAIN files (an
 * endless chain across many repositories would otherwise spend the API
 * budget), and a file whose YAML does not parse ends the chain with its
 * syntax errors reported (the plugin throws a message without a line).
 */
import type { ConfigProblem } from "./problems.js";
import { readYamlFile } from "./yaml-file.js";
import type { YamlFile } from "./yaml-file.js";

export const MAX_CHAIN = 10;

// Copied from the plugin (util/extends-to-get-content-params.js) so the accepted forms are identical.
const EXTENDS_REGEX = /^(?:([a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38})\/)?([-_.\w\d]+)(?::([-_./\w\d]+\.ya?ml))?$/i;

export interface ConfigSource {
  /**
   * The text of `path` in `owner/repo` at `ref` (the default branch when
   * omitted), or null when the repository, ref or file does not exist
   * (HTTP 404). Throws NotAFileError when the path is a directory or a
   * submodule. Rejects with the ORIGINAL error on anything else (5xx, 403,
   * rate limits, network) so the caller can tell "could not load" from
   * "absent". Exactly one request; no caching.
   */
  getRawFile(owner: string, repo: string, path: string, ref?: string): Promise<string | null>;
}

export class NotAFileError extends Error {
  constructor(readonly location: string) {
    super(`${location} is a directory or a submodule, not a file`);
    this.name = "NotAFileError";
  }
}

export interface ChainFile {
  owner: string;
  repo: string;
  path: string;
  /** `path` for the repository's own file, `owner/repo:path` for any other. */
  name: string;
  text: string;
  yaml: YamlFile;
  /** False only for the repository's own file (unless the repository is `.github`, the organisation defaults). */
  isBase: boolean;
}

export interface Chain {
  /** Files that exist, highest priority first. Empty: there is no configuration at all. */
  files: ChainFile[];
  /** Problems with `_extends` itself (bad value, loop, too long), with lines. */
  problems: ConfigProblem[];
}

export interface ChainTarget {
  owner: string;
  repo: string;
  path: string;
  ref?: string;
}

export function fileName(target: { owner: string; repo: string }, file: { owner: string; repo: string; path: string }): string {
  const own = same(target.owner, file.owner) && same(target.repo, file.repo);
  return own ? file.path : `${file.owner}/${file.repo}:${file.path}`;
}

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export async function resolveChain(source: ConfigSource, target: ChainTarget): Promise<Chain> {
  const files: ChainFile[] = [];
  const problems: ConfigProblem[] = [];
  const read = async (owner: string, repo: string, path: string, ref?: string): Promise<ChainFile | null> => {
    const text = await source.getRawFile(owner, repo, path, ref);
    if (text === null) return null;
    const name = fileName(target, { owner, repo, path });
    const isOwn = same(owner, target.owner) && same(repo, target.repo) && path === target.path;
    // The organisation's own `.github` file is where floors are set; they bind it too.
    return { owner, repo, path, name, text, yaml: readYamlFile(text, name), isBase: !isOwn || repo === ".github" };
  };

  let current = await read(target.owner, target.repo, target.path, target.ref);
  if (!current && target.repo !== ".github") current = await read(target.owner, ".github", target.path);
  while (current) {
    files.push(current);
    if (current.yaml.data === undefined) break; // YAML errors: reported by the parser
    const value = (current.yaml.data as Record<string, unknown>)._extends;
    if (value === undefined || value === null) break;
    const at = current.yaml.locate(["_extends"]);
    const problem = (message: string): ConfigProblem => ({
      path: "_extends",
      line: at?.line ?? null,
      column: at?.column ?? null,
      message,
      severity: "error",
      file: current!.name,
    });
    const m = typeof value === "string" ? EXTENDS_REGEX.exec(value) : null;
    if (!m) {
      problems.push(problem("`_extends` must name a repository: `repo`, `owner/repo`, or with a file, `repo:path/to/file.yml`"));
      break;
    }
    const next = { owner: m[1] || target.owner, repo: m[2]!, path: m[3] || target.path };
    if (files.some((f) => same(f.owner, next.owner) && same(f.repo, next.repo) && f.path === next.path)) {
      problems.push(problem(`\`_extends: ${String(value)}\` leads back to a file already read (\`${fileName(target, next)}\`); remove the loop`));
      break;
    }
    if (files.length >= MAX_CHAIN) {
      problems.push(problem(`\`_extends\` chains more than ${MAX_CHAIN} files; shorten the chain`));
      break;
    }
    current = await read(next.owner, next.repo, next.path);
  }
  return { files, problems };
}
