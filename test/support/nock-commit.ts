/**
 * nock answers for the app's one-request commit, GraphQL `createCommitOnBranch`
 * (src/github/execute-actions.ts), for handler and use-case tests that record
 * GitHub's answers instead of running the fake.
 */
import nock from "nock";

export interface ExpectedCommit {
  /** The head the commit must be made on (the compare-and-swap). */
  expectedHeadOid?: string;
  /** Files the commit must write, path → text, exactly. */
  files?: Record<string, string>;
  /** The commit message's first line. */
  headline?: string;
}

interface CommitInput {
  expectedHeadOid: string;
  message: { headline: string };
  fileChanges: { additions?: Array<{ path: string; contents: string }> };
}

/** Answers one matching `createCommitOnBranch` with commit `oid`, or with GitHub's STALE_DATA error when the branch moved. */
export function nockCommitOnBranch(api: string, expected: ExpectedCommit, answer: { oid: string; url?: string } | "stale", onBody?: (input: CommitInput) => void): nock.Scope {
  return nock(api)
    .post("/graphql", (body: { query?: string; variables?: { input?: CommitInput } }) => {
      const input = body.variables?.input;
      if (!body.query?.includes("createCommitOnBranch") || !input) return false;
      if (expected.expectedHeadOid !== undefined && input.expectedHeadOid !== expected.expectedHeadOid) return false;
      if (expected.headline !== undefined && input.message.headline !== expected.headline) return false;
      if (expected.files) {
        const written = Object.fromEntries((input.fileChanges.additions ?? []).map((a) => [a.path, Buffer.from(a.contents, "base64").toString("utf8")]));
        if (JSON.stringify(written) !== JSON.stringify(expected.files)) return false;
      }
      onBody?.(input);
      return true;
    })
    .reply(
      200,
      answer === "stale"
        ? { data: { createCommitOnBranch: null }, errors: [{ type: "STALE_DATA", path: ["createCommitOnBranch"], message: 'Expected branch to point to "x" but it did not. Pull and try again.' }] }
        : { data: { createCommitOnBranch: { commit: { oid: answer.oid, url: answer.url ?? `https://github.com/acme/widgets/commit/${answer.oid}` } } } },
    );
}
