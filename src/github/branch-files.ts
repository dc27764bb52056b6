/**
 * Reads a consistent snapshot of a few files on a branch: the head commit,
 * its tree, and each file's text AT THAT COMMIT, in one GraphQL request
 * (`Commit.file(path)`), so the roster and the log a decision is planned on
 * can never come from two different commits. The commit made from the plan
 * names this head as its parent and moves the branch with `force: false`, so
 * if anyone pushed in between, the move fails and the caller re-reads.
 *
 * Cost: one GraphQL request of 1 point; plus one REST request per file whose
 * text GitHub truncated (large files, e.g. a log of thousands of decisions).
 */
import type { GraphqlClient } from "./history.js";
import type { ReadClient } from "./contents.js";
import type { RepoRef } from "../plan/actions.js";

export interface BranchSnapshot {
  branch: string;
  /** The head commit the files were read at. */
  headSha: string;
  /** That commit's tree, the base of the next commit. */
  treeSha: string;
  /** Each requested path's text, or null when the file does not exist at the head. */
  files: Map<string, string | null>;
}

export class BranchNotFoundError extends Error {
  constructor(readonly repo: RepoRef, readonly branch: string) {
    super(`branch ${branch} does not exist in ${repo.owner}/${repo.repo}`);
    this.name = "BranchNotFoundError";
  }
}

interface BlobFields {
  oid: string;
  isBinary: boolean | null;
  isTruncated: boolean;
  text: string | null;
}

interface SnapshotData {
  repository: {
    ref: {
      target: { __typename: string; oid: string; tree?: { oid: string } } & Record<string, { object: BlobFields | { __typename?: string } | null } | null | unknown>;
    } | null;
  } | null;
}

/** `paths` become GraphQL aliases f0, f1, … (paths themselves are not valid alias names). */
function snapshotQuery(count: number): string {
  const files = Array.from({ length: count }, (_, i) => `f${i}: file(path: $p${i}) { object { ... on Blob { oid isBinary isTruncated text } } }`).join("\n          ");
  const params = Array.from({ length: count }, (_, i) => `, $p${i}: String!`).join("");
  return `query stewardsBranchSnapshot($owner: String!, $name: String!, $ref: String!${params}) {
  repository(owner: $owner, name: $name) {
    ref(qualifiedName: $ref) {
      target {
        __typename
        oid
        ... on Commit {
          tree { oid }
          ${files}
        }
      }
    }
  }
}`;
}

/**
 * The snapshot of `paths` on `branch`. Rejects with BranchNotFoundError when
 * the repository or branch does not exist, and with the client's error on any
 * failure to read (never reports a file as absent because a read failed).
 */
export async function readBranchFiles(
  client: GraphqlClient & ReadClient,
  repo: RepoRef,
  branch: string,
  paths: readonly string[],
): Promise<BranchSnapshot> {
  const variables: Record<string, unknown> = { owner: repo.owner, name: repo.repo, ref: `refs/heads/${branch}` };
  paths.forEach((p, i) => (variables[`p${i}`] = p));
  const data = await client.graphql<SnapshotData>(snapshotQuery(paths.length), variables);
  const target = data.repository?.ref?.target;
  if (!target || target.__typename !== "Commit" || !target.tree) throw new BranchNotFoundError(repo, branch);
  const files = new Map<string, string | null>();
  for (const [i, path] of paths.entries()) {
    const entry = target[`f${i}`] as { object: Partial<BlobFields> | null } | null | undefined;
    const blob = entry?.object;
    if (!blob || typeof blob.oid !== "string") {
      files.set(path, null);
      continue;
    }
    if (blob.isTruncated || blob.text === null || blob.text === undefined) {
      files.set(path, await readBlob(client, repo, blob.oid));
    } else {
      files.set(path, blob.text);
    }
  }
  return { branch, headSha: target.oid, treeSha: target.tree.oid, files };
}

async function readBlob(client: ReadClient, repo: RepoRef, sha: string): Promise<string> {
  const res = await client.request("GET /repos/{owner}/{repo}/git/blobs/{file_sha}", { owner: repo.owner, repo: repo.repo, file_sha: sha });
  const data = res.data as { content: string; encoding: string };
  return data.encoding === "base64" ? Buffer.from(data.content, "base64").toString("utf8") : data.content;
}

// ---------------------------------------------------------------------------
// Several refs at once: what a change to the ladder compares (base and head).

/** One ref to read, and the paths to read at it. */
export interface RefRead {
  /** A branch (`refs/heads/main`) or a commit SHA: anything `git rev-parse` takes. */
  ref: string;
  paths: readonly string[];
}

/** A path at a ref: its text, null when absent, or `not-a-file` when it is a directory or submodule. */
export type RefFile = string | null | { notAFile: true };

export interface RefSnapshot {
  ref: string;
  /** The commit the ref resolved to; null when it does not exist (an unknown SHA, a deleted branch). */
  sha: string | null;
  /** Each requested path; empty when the ref does not exist. */
  files: Map<string, RefFile>;
}

interface ObjectEntry {
  object: ({ __typename?: string } & Partial<BlobFields>) | null;
}

function refsQuery(reads: readonly RefRead[]): string {
  const params: string[] = [];
  const parts = reads.map((read, r) => {
    params.push(`$r${r}: String!`);
    const files = read.paths.map((_, i) => {
      params.push(`$r${r}p${i}: String!`);
      return `f${i}: file(path: $r${r}p${i}) { object { __typename ... on Blob { oid isBinary isTruncated text } } }`;
    });
    return `r${r}: object(expression: $r${r}) {
      __typename
      ... on Commit {
        oid
        ${files.join("\n        ")}
      }
    }`;
  });
  return `query stewardsFilesAtRefs($owner: String!, $name: String!, ${params.join(", ")}) {
  repository(owner: $owner, name: $name) {
    ${parts.join("\n    ")}
  }
}`;
}

/**
 * The texts of each read's paths at its ref, every ref in ONE GraphQL request
 * (`Repository.object(expression:)` → `Commit.file(path)`): e.g. the ladder,
 * roster and log on a pull request's base branch and at its head commit.
 * Cost: 1 point; plus one REST request per file whose text GitHub truncated.
 * A ref that does not resolve to a commit comes back with `sha: null`. Rejects
 * when the repository does not exist, and with the client's error on any
 * failure to read (never reports a file as absent because a read failed).
 */
export async function readFilesAtRefs(client: GraphqlClient & ReadClient, repo: RepoRef, reads: readonly RefRead[]): Promise<RefSnapshot[]> {
  const variables: Record<string, unknown> = { owner: repo.owner, name: repo.repo };
  reads.forEach((read, r) => {
    variables[`r${r}`] = read.ref;
    read.paths.forEach((p, i) => (variables[`r${r}p${i}`] = p));
  });
  const data = await client.graphql<{ repository: Record<string, ({ __typename: string; oid?: string } & Record<string, unknown>) | null> | null }>(
    refsQuery(reads),
    variables,
  );
  if (!data.repository) throw new BranchNotFoundError(repo, reads[0]?.ref ?? "");
  const out: RefSnapshot[] = [];
  for (const [r, read] of reads.entries()) {
    const target = data.repository[`r${r}`];
    if (!target || target.__typename !== "Commit" || typeof target.oid !== "string") {
      out.push({ ref: read.ref, sha: null, files: new Map() });
      continue;
    }
    const files = new Map<string, RefFile>();
    for (const [i, path] of read.paths.entries()) {
      const blob = (target[`f${i}`] as ObjectEntry | null | undefined)?.object;
      if (!blob) files.set(path, null);
      else if (blob.__typename !== undefined && blob.__typename !== "Blob") files.set(path, { notAFile: true });
      else if (typeof blob.oid !== "string") files.set(path, null);
      else if (blob.isTruncated || blob.text === null || blob.text === undefined) files.set(path, await readBlob(client, repo, blob.oid));
      else files.set(path, blob.text);
    }
    out.push({ ref: read.ref, sha: target.oid, files });
  }
  return out;
}
