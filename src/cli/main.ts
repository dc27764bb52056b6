/**
 * The `stewards` command line: `stewards preview <owner/repo>` and
 * `stewards init <owner/repo>`.
 * Reads GITHUB_TOKEN (a token that can read the repository) and honours
 * GHE_HOST / GHE_PROTOCOL like the app.
 */
import { runInit } from "./init.js";
import { runPreview } from "./preview.js";

const USAGE = `usage: stewards preview <owner/repo>
       stewards init <owner/repo>

  preview: shows where each recent contributor stands on the repository's
  ladder, who would be proposed, and the CODEOWNERS block that would result.
  init: for a repository without a ladder, prints the files the onboarding
  pull request would add (a fitted ladder, the founding roster and log, the
  CODEOWNERS block) and who would be proposed once they land.
  Both make no writes.

environment:
  GITHUB_TOKEN   a token that can read the repository (required)
  GHE_HOST       GitHub Enterprise Server host (optional), GHE_PROTOCOL http|https
`;

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [command, target] = argv;
  if ((command !== "preview" && command !== "init") || !target) {
    process.stderr.write(USAGE);
    return command === "help" || command === "--help" ? 0 : 64;
  }
  const match = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(target);
  if (!match) {
    process.stderr.write(`"${target}" is not owner/repo\n\n${USAGE}`);
    return 64;
  }
  const token = env.GITHUB_TOKEN?.trim();
  if (!token) {
    process.stderr.write(`GITHUB_TOKEN is not set\n\n${USAGE}`);
    return 64;
  }
  const baseUrl = env.GHE_HOST ? `${env.GHE_PROTOCOL || "https"}://${env.GHE_HOST}/api/v3` : "https://api.github.com";
  if (command === "init") {
    try {
      return await runInit({ owner: match[1]!, repo: match[2]!, token, baseUrl, webUrl: env.GHE_HOST ? `${env.GHE_PROTOCOL || "https"}://${env.GHE_HOST}` : "https://github.com", now: new Date(), out: process.stdout, err: process.stderr });
    } catch (err) {
      process.stderr.write(`stewards init failed: ${err instanceof Error ? err.message : String(err)}\n`);
      return 2;
    }
  }
  try {
    return await runPreview({
      owner: match[1]!,
      repo: match[2]!,
      token,
      baseUrl,
      now: new Date(),
      out: process.stdout,
      err: process.stderr,
      progress: process.stderr.isTTY === true,
    });
  } catch (err) {
    process.stderr.write(`stewards preview failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
}
