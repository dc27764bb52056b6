/**
 * The periodic sweep: for each installation and each of its repositories,
 * catch the ledger up with what changed since the last sync (GitHub does not
 * redeliver failed webhooks, so missed deliveries are read back here), move
 * open proposals on, refresh governance health, and bring access in step
 * with the roster (reporting drift). Each repository's history is read on
 * its own: one that fails is logged with its name and error, counted in the
 * result (`failed`), and the others go on; its proposals wait (no new ones
 * from a history not read) for the next sweep. A failing part of one
 * repository never stops the others. Who runs it, and how often: see
 * handlers/sweep.ts.
 */
import type { Logger } from "../github/logger.js";
import type { RepoRef } from "../plan/actions.js";
import type { ValueStore } from "./current-governance.js";
import type { OwnerType } from "./sweep-access.js";

export const LAST_SWEEP_KEY = "sweep:last";

export interface SweepResult {
  installations: number;
  repositories: number;
  /** Repositories whose history could not be read this sweep (each logged with its error). */
  failed: number;
}

/** A repository as `GET /installation/repositories` lists it. */
export interface SweptRepository {
  full_name: string;
  default_branch: string;
  archived?: boolean;
  private?: boolean;
  ownerType?: OwnerType;
}

/** What the sweep does in one installation; each part rejects on its own failure. */
export interface InstallationSweep {
  /** Every repository the installation can see (paginated). */
  repositories(): Promise<SweptRepository[]>;
  /** Brings each repository's ledger up to date, one at a time, each isolated from the others' failures. */
  syncHistories(fullNames: readonly string[]): Promise<{ failed: readonly unknown[] }>;
  /** A repository without a ladder gets its onboarding pull request (once); one with a ladder costs a cache read. */
  onboarding(repository: SweptRepository, log: Logger): Promise<unknown>;
  proposals(repo: RepoRef, branch: string, log: Logger): Promise<unknown>;
  health(repository: SweptRepository, log: Logger): Promise<unknown>;
  access(repo: RepoRef, branch: string, ownerType: OwnerType | undefined, log: Logger): Promise<unknown>;
}

export interface SweepDeps {
  /** Every installation of the app (paginated). */
  installations(): Promise<Array<{ id: number }>>;
  /** The sweep's parts for one installation, authenticated as it. Rejects when it cannot be. */
  installation(id: number, log: Logger): Promise<InstallationSweep>;
  store: Pick<ValueStore, "setValue">;
  clock: () => Date;
  log: Logger & { child(bindings: Record<string, unknown>): Logger };
}

export async function runSweep(deps: SweepDeps): Promise<SweepResult> {
  const installations = await deps.installations();
  let repositories = 0;
  let failed = 0;
  for (const installation of installations) {
    const log = deps.log.child({ installation: installation.id, sweep: true });
    try {
      const sweep = await deps.installation(installation.id, log);
      const repos = await sweep.repositories();
      repositories += repos.length;
      failed += (await sweep.syncHistories(repos.map((r) => r.full_name))).failed.length;
      for (const r of repos) if (!r.archived) await sweepRepository(sweep, r, log.child({ repo: r.full_name }));
    } catch (err) {
      log.error({ err }, "sweep of this installation failed; the next sweep retries");
    }
  }
  await deps.store.setValue(LAST_SWEEP_KEY, { at: deps.clock().toISOString(), installations: installations.length, repositories, failed });
  if (failed > 0) deps.log.warn({ failed }, `the history of ${failed} repositories could not be read this sweep; the next sweep retries them`);
  return { installations: installations.length, repositories, failed };
}

/** Proposals, then health, then access: a repository's writes in a sweep end with access. Each part's failure is logged and the next part runs. */
async function sweepRepository(sweep: InstallationSweep, r: SweptRepository, log: Logger): Promise<void> {
  const [owner, name] = r.full_name.split("/") as [string, string];
  const repo = { owner, repo: name };
  const parts: Array<[string, () => Promise<unknown>]> = [
    ["onboarding", () => sweep.onboarding(r, log)],
    ["proposal sweep", () => sweep.proposals(repo, r.default_branch, log)],
    ["health refresh", () => sweep.health(r, log)],
    ["access sweep", () => sweep.access(repo, r.default_branch, r.ownerType, log)],
  ];
  for (const [what, run] of parts) {
    await run().catch((err: unknown) => log.error({ err }, `${what} of this repository failed; the next sweep retries`));
  }
}
