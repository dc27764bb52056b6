/**
 * Builds keep-access's ports from an installation octokit and the services,
 * for its two callers: a decision that changed the roster (the proposal
 * ports' `onRosterChanged`) and the periodic sweep (which also keeps the
 * drift issue). Writes go through the repository's one executor, which alone
 * decides dry run (STYLE habit 1). Wiring only: the GitHub calls are the
 * adapters' (github/access-reader.ts, owner-type.ts, issue-reads.ts).
 */
import type { Governance, Roster } from "../config/schema.js";
import { githubAccessReader } from "../github/access-reader.js";
import { findOpenAppIssues } from "../github/issue-reads.js";
import { ownerTypeOf, rememberOwnerType, type OwnerType } from "../github/owner-type.js";
import type { Logger } from "../github/logger.js";
import type { RepoRef } from "../plan/actions.js";
import { DRIFT_LABEL, DRIFT_MARKER, keepAccess, type KeepAccessOutcome } from "../usecases/keep-access-in-step.js";
import { githubFor, workerId, type Octokit, type Services } from "./services.js";

const fallbackHolder = workerId();

/** Moved to github/owner-type.ts; still exported here for the callers that import them from this file. */
export { ownerTypeFrom, type OwnerType } from "../github/owner-type.js";

export interface KeepRepoAccess {
  repo: RepoRef;
  governance: Governance;
  roster: Roster;
  defaultBranch: string;
  /** From a payload or `GET /installation/repositories` when at hand; looked up otherwise. */
  ownerType?: OwnerType;
  report: boolean;
}

export async function keepRepoAccess(services: Services, octokit: Octokit, log: Logger, input: KeepRepoAccess): Promise<KeepAccessOutcome> {
  const gh = githubFor(octokit, services);
  const ownerType = input.ownerType ?? (await ownerTypeOf({ values: services.store, client: gh }, input.repo.owner));
  // Remember what a payload or the sweep said, so a sync after a decision need not ask.
  if (input.ownerType) await rememberOwnerType(services.store, input.repo.owner, input.ownerType);
  const log2 = log.child({ access: true });
  // github.com or GHES, from the server's answers (no invitations to read on GHES).
  const probe = services.serverKind;
  return keepAccess(
    {
      reader: githubAccessReader(gh, probe ? { serverKind: () => probe.kind(gh) } : {}),
      execute: gh.executorFor(input.governance),
      log: log2,
      store: services.store,
      holder: services.holder ?? fallbackHolder,
      findDriftIssue: async (repo) => (await findOpenAppIssues(gh, services.appLogin, repo, { label: DRIFT_LABEL, kind: DRIFT_MARKER }))[0] ?? null,
    },
    {
      repo: input.repo,
      ownerType,
      defaultBranch: input.defaultBranch,
      governance: input.governance,
      roster: input.roster,
      report: input.report,
    },
  );
}

/** The access sync of `services`: its `keepAccess` port when set, keepRepoAccess otherwise. */
export function keepAccessOf(services: Services): (octokit: Octokit, log: Logger, input: KeepRepoAccess) => Promise<unknown> {
  return services.keepAccess ?? ((octokit, log, input) => keepRepoAccess(services, octokit, log, input));
}
