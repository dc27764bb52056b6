/**
 * `stewards init <owner/repo>`: prints the files the onboarding pull request
 * would add to the repository — the fitted `.github/governance.yml`, the
 * founding `.github/roster.yml`, `GOVERNANCE-LOG.md` and the CODEOWNERS file
 * with the Stewards block — and who would be proposed once it lands, without
 * opening anything (no writes). The same planning as the app's onboarding
 * (usecases/onboard-repository.ts): history read into an in-memory ledger,
 * authority read from GitHub.
 */
import { readAuthorityHolders } from "../github/authority-reader.js";
import { isStatus } from "../github/contents.js";
import { backfillRepository } from "../github/history.js";
import { loadGovernanceWith } from "../github/governance-source.js";
import { appOctokit } from "../github/octokit-options.js";
import { measureAll } from "../ladder/measure.js";
import { planOnboarding } from "../plan/onboarding-files.js";
import { openStore } from "../store/open-store.js";

export interface InitOptions {
  owner: string;
  repo: string;
  token: string;
  baseUrl: string;
  webUrl: string;
  now: Date;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}


/** Returns the exit code: 0 printed, 1 nothing to propose (no such repository, or it has a ladder), 2 could not read GitHub. */
export async function runInit(opts: InitOptions): Promise<number> {
  const Octokit = appOctokit();
  const octokit = new Octokit({ auth: { token: opts.token }, baseUrl: opts.baseUrl });
  const repo = { owner: opts.owner, repo: opts.repo };
  const write = (s = "") => opts.out.write(`${s}\n`);
  let info: { default_branch: string; owner: { type?: string } };
  try {
    info = (await octokit.request("GET /repos/{owner}/{repo}", repo)).data as typeof info;
  } catch (err) {
    if (isStatus(err, 404)) {
      opts.err.write(`${opts.owner}/${opts.repo} was not found, or GITHUB_TOKEN cannot read it\n`);
      return 1;
    }
    throw err;
  }
  const loaded = await loadGovernanceWith(octokit, repo);
  if (loaded.kind !== "absent") {
    opts.err.write(`${opts.owner}/${opts.repo} has a ladder already (${loaded.kind === "ok" ? "valid" : loaded.kind}): there is nothing to onboard; use \`stewards preview\`\n`);
    return 1;
  }
  const store = await openStore({ databaseUrl: null, dataDir: "memory://" });
  try {
    const client = { request: (r: string, p: Record<string, unknown>) => octokit.request(r, p) as Promise<{ data: unknown; status: number }>, graphql: <T>(q: string, v: Record<string, unknown>) => octokit.graphql<T>(q, v) };
    await backfillRepository(client, store, { owner: opts.owner, repo: opts.repo, fields: { labels: false, paths: false } });
    const query = { repos: [`${opts.owner}/${opts.repo}`] };
    const [pullRequests, reviews] = await Promise.all([store.listPullRequests(query), store.listReviews(query)]);
    const authority = await readAuthorityHolders(client, repo, { defaultBranch: info.default_branch, ownerType: info.owner.type === "Organization" ? "Organization" : "User" });
    const { fitted, files } = planOnboarding({ ledger: { pullRequests, reviews }, holders: authority.holders, existingCodeowners: authority.codeowners, repo, preset: "cncf", now: opts.now, webUrl: opts.webUrl });
    write(`# ${opts.owner}/${opts.repo}: the onboarding pull request would add these files (${pullRequests.length} merged PRs and ${reviews.length} reviews read)`);
    for (const f of files.files) {
      write();
      write(`## ${f.path}`);
      write(f.text.replace(/\n$/, ""));
    }
    write();
    write("## How the numbers were chosen");
    for (const n of fitted.notes) write(`- ${n}`);
    const skipped = [...authority.skipped, ...files.skipped];
    if (skipped.length) {
      write();
      write("## Left out");
      for (const s of skipped) write(`- ${s.what}: ${s.why}`);
    }
    const proposed = measureAll({ pullRequests, reviews }, files.governance, files.roster, opts.now).filter((s) => s.eligibleFor);
    write();
    write(`## Would be proposed once it lands (${proposed.length})`);
    for (const s of proposed) write(`- ${s.login} → ${s.eligibleFor}`);
    if (proposed.length === 0) write("- nobody");
    return 0;
  } finally {
    await store.close();
  }
}
