/**
 * `stewards preview <owner/repo>`: runs the ladder on a repository without
 * installing the app. Reads the ladder and roster, reads the merged-PR
 * history into an in-memory ledger (progress bar on stderr), and prints where
 * each recent contributor stands, who would be proposed, and the CODEOWNERS
 * block that would result. It makes no writes.
 */
import cliProgress from "cli-progress";
import { parseRoster } from "../config/parse-roster.js";
import type { Roster } from "../config/schema.js";
import { parseDuration } from "../config/duration.js";
import { isStatus, readRawFile } from "../github/contents.js";
import { backfillRepository } from "../github/history.js";
import { loadGovernanceWith } from "../github/governance-source.js";
import { appOctokit } from "../github/octokit-options.js";
import { measureAll } from "../ladder/measure.js";
import { renderCodeownersBlock } from "../plan/codeowners-block.js";
import { renderStandingText } from "../render/standing.js";
import { openStore } from "../store/open-store.js";

export interface PreviewOptions {
  owner: string;
  repo: string;
  token: string;
  /** REST base URL: https://api.github.com or `${GHE_PROTOCOL}://${GHE_HOST}/api/v3`. */
  baseUrl: string;
  now: Date;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  /** Show a progress bar while reading history (on when stderr is a terminal). */
  progress: boolean;
}

/** Returns the process exit code: 0 ok, 1 nothing to preview (no such repository, no ladder, invalid ladder), 2 could not read GitHub. */
export async function runPreview(opts: PreviewOptions): Promise<number> {
  // The app's own rate-limit policy (src/github/octokit-options.ts), so a preview of a big repository backs off like the app.
  const Octokit = appOctokit();
  const octokit = new Octokit({ auth: { token: opts.token }, baseUrl: opts.baseUrl });
  const repo = { owner: opts.owner, repo: opts.repo };
  const write = (s = "") => opts.out.write(`${s}\n`);

  // The contents API answers 404 alike for a missing file and a missing (or
  // unreadable) repository; ask for the repository first so a typo in the
  // name is not reported as "no ladder".
  try {
    await octokit.request("GET /repos/{owner}/{repo}", repo);
  } catch (err) {
    if (isStatus(err, 404)) {
      opts.err.write(`${opts.owner}/${opts.repo} was not found, or GITHUB_TOKEN cannot read it\n`);
      return 1;
    }
    if (isStatus(err, 401)) {
      opts.err.write("GitHub refused GITHUB_TOKEN (401): check that it is valid and not expired\n");
      return 2;
    }
    throw err;
  }

  const loaded = await loadGovernanceWith(octokit, repo);
  if (loaded.kind === "absent") {
    opts.err.write(`${opts.owner}/${opts.repo} has no .github/governance.yml\n`);
    return 1;
  }
  if (loaded.kind === "load-error") {
    opts.err.write(`could not read the ladder from GitHub: ${loaded.error.message}\n`);
    return 2;
  }
  if (loaded.kind === "invalid") {
    opts.err.write(".github/governance.yml is invalid:\n");
    for (const p of loaded.errors) opts.err.write(`  ${p.file ?? ".github/governance.yml"}:${p.line ?? "?"} ${p.path}: ${p.message}\n`);
    return 1;
  }
  const governance = loaded.governance;
  let roster: Roster = { members: [], emeritus: [] };
  const rosterText = await readRawFile(
    { request: (r, p) => octokit.request(r, p) as Promise<{ data: unknown; status: number }> },
    repo,
    governance.roster.path,
  );
  if (rosterText !== null) {
    const parsed = parseRoster(rosterText, governance);
    if (!parsed.ok) {
      opts.err.write(`${governance.roster.path} is invalid:\n`);
      for (const p of parsed.errors) opts.err.write(`  line ${p.line ?? "?"} ${p.path}: ${p.message}\n`);
      return 1;
    }
    roster = parsed.roster;
  }

  const store = await openStore({ databaseUrl: null, dataDir: "memory://" });
  try {
    const bar = opts.progress
      ? new cliProgress.SingleBar({ format: "history {bar} {value}/{total} PRs  {points} points", stream: opts.err }, cliProgress.Presets.shades_classic)
      : null;
    let started = false;
    const result = await backfillRepository(
      { graphql: <T>(q: string, v: Record<string, unknown>) => octokit.graphql<T>(q, v) },
      store,
      {
        owner: opts.owner,
        repo: opts.repo,
        fields: { labels: governance.counting.exclude_labels.length > 0, paths: governance.counting.paths.length > 0 },
        onProgress: (p) => {
          if (!bar) return;
          if (!started) {
            bar.start(Math.max(p.total ?? p.prs, p.prs), p.prs, { points: p.cost });
            started = true;
          } else bar.update(p.prs, { points: p.cost });
        },
      },
    );
    bar?.stop();

    const query = governance.scope === "org" ? { owner: opts.owner } : { repos: [`${opts.owner}/${opts.repo}`] };
    const [pullRequests, reviews] = await Promise.all([store.listPullRequests(query), store.listReviews(query)]);
    const longestWindow = Math.max(...governance.ladder.map((r) => parseDuration(r.requires.window ?? "365d")));
    const since = opts.now.getTime() - longestWindow;
    const recent = new Set<string>();
    for (const pr of pullRequests) if (Date.parse(pr.mergedAt) >= since) recent.add(pr.author);
    for (const r of reviews) if (Date.parse(r.submittedAt) >= since) recent.add(r.reviewer);
    for (const m of roster.members) recent.add(m.login);

    const standings = measureAll({ pullRequests, reviews }, governance, roster, opts.now, { logins: [...recent] });
    write(`# ${opts.owner}/${opts.repo}: ${pullRequests.length} merged PRs and ${reviews.length} reviews read (${result.cost} GraphQL points)`);
    write();
    write(`## Where people stand (${standings.length} people active in the last ${Math.round(longestWindow / 86_400_000)} days or on the roster)`);
    for (const s of standings) write(renderStandingText(s));
    write();
    const proposed = standings.filter((s) => s.eligibleFor);
    write(`## Would be proposed (${proposed.length})`);
    for (const s of proposed) write(`- ${s.login} → ${s.eligibleFor}`);
    if (proposed.length === 0) write("- nobody");
    write();
    write("## CODEOWNERS block that would result");
    write(renderCodeownersBlock(governance, roster));
    return 0;
  } finally {
    await store.close();
  }
}
