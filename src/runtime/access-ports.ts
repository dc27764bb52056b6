/**
 * Builds keep-access's ports from an installation octokit and the services,
 * for its two callers: a decision that changed the roster (the proposal
 * ports' `onRosterChanged`) and the periodic sweep (which also keeps the
 * drift issue). Writes go through the one executor, which alone decides dry
 * run (STYLE habit 1).
 */
import type { Governance, Roster } from "../config/schema.js";
import { githubAccessReader } from "../github/access-reader.js";
import { findOpenMarkedIssues } from "../github/issue-reads.js";
import type { Logger } from "../github/logger.js";
import type { RepoRef } from "../plan/actions.js";
import { DRIFT_LABEL, DRIFT_MARKER, keepAccess, type KeepAccessOutcome } from "../usecases/keep-access.js";
import { githubFor, workerId, type Octokit, type Services } from "./services.js";

const fallbackHolder = workerId();
const ownerTypeKey = (owner: string) => `owner-type:${owner.toLowerCase()}`;
export type OwnerType = "Organization" | "User";

/** An account type as a payload or a repository listing gives it; undefined when it says neither (then looked up). */
export function ownerTypeFrom(type: string | undefined): OwnerType | undefined {
  return type === "Organization" || type === "User" ? type : undefined;
}

/**
 * Whether `owner` is an organisation (teams exist) or a personal account:
 * from the store once known (an account rarely changes kind), else one
 * `GET /users/{owner}`.
 */
export async function ownerTypeOf(services: Services, octokit: Octokit, owner: string): Promise<OwnerType> {
  const key = ownerTypeKey(owner);
  const known = await services.store.getValue<OwnerType>(key);
  if (known) return known;
  const res = await octokit.request("GET /users/{username}", { username: owner });
  const type: OwnerType = (res.data as { type?: string }).type === "Organization" ? "Organization" : "User";
  await services.store.setValue(key, type);
  return type;
}

async function rememberOwnerType(services: Services, owner: string, type: OwnerType): Promise<void> {
  const key = ownerTypeKey(owner);
  if ((await services.store.getValue<OwnerType>(key)) !== type) await services.store.setValue(key, type);
}

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
  const dryRun = input.governance.dry_run === true;
  const ownerType = input.ownerType ?? (await ownerTypeOf(services, octokit, input.repo.owner));
  // Remember what a payload or the sweep said, so a sync after a decision need not ask.
  if (input.ownerType) await rememberOwnerType(services, input.repo.owner, input.ownerType);
  const log2 = log.child({ access: true });
  // github.com or GHES, from the server's answers (no invitations to read on GHES).
  const probe = services.serverKind;
  return keepAccess(
    {
      reader: githubAccessReader(gh, probe ? { serverKind: () => probe.kind(gh) } : {}),
      execute: (actions, l) => gh.execute(actions, l, { dryRun }),
      log: log2,
      store: services.store,
      holder: services.holder ?? fallbackHolder,
      async findDriftIssue(repo) {
        const appLogin = services.appLogin ? await services.appLogin() : "";
        const found = await findOpenMarkedIssues(gh, repo, { label: DRIFT_LABEL, kind: DRIFT_MARKER, appLogin });
        return found[0] ?? null;
      },
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
