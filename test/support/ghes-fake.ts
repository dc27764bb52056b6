/**
 * The fake GitHub as the end-to-end tests and the bench use it. They start the app
 * the way an operator does against GitHub Enterprise Server — GHE_HOST and
 * GHE_PROTOCOL pointing at the fake (app-process.ts `installedAppEnv`) — so the fake
 * answers as a GHES of this release: its routes only, its headers, its semantics
 * (test/fake-github/README.md, "GitHub Enterprise Server mode"). Suites about routes
 * only github.com has run the fake in github.com mode at the adapter level
 * (test/github/access-reader-server-kind.test.ts).
 */
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions, type GhesVersion } from "../fake-github/server.js";

/** The GHES release the app is run against end to end. */
export const E2E_GHES: GhesVersion = "3.19";

/** A fake answering as GHES {@link E2E_GHES}; the options are startFakeGitHub's but for the mode. */
export function startGhesFake(opts: Omit<FakeGitHubOptions, "ghes" | "spec"> = {}): Promise<FakeGitHub> {
  return startFakeGitHub({ ...opts, ghes: E2E_GHES });
}
