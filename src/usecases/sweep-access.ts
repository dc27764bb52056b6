/**
 * The sweep's access part, for one repository with a ladder and a valid
 * roster: bring teams, the CODEOWNERS block and bypass in step with the
 * roster, and keep the drift issue up to date. Repositories without a
 * ladder cost nothing (the cached ladder says so); with a broken roster,
 * access is left as it is.
 */
import type { Governance, Roster } from "../config/schema.js";
import type { RepoRef } from "../plan/actions.js";
import { governanceInForce, type GovernanceDeps } from "./governance-in-force.js";

export type OwnerType = "Organization" | "User";

export interface SweepAccessDeps {
  governance: GovernanceDeps;
  /** Brings the repository's access in step with `roster` (keep-access-in-step.ts); `report`: keep the drift issue too. */
  keepAccess(input: { repo: RepoRef; governance: Governance; roster: Roster; defaultBranch: string; report: boolean; ownerType?: OwnerType }): Promise<unknown>;
}

export async function sweepAccess(deps: SweepAccessDeps, repo: RepoRef, branch: string, ownerType?: OwnerType): Promise<void> {
  const current = await governanceInForce(deps.governance, repo, "access is left as is");
  if (current.kind !== "ok") return;
  await deps.keepAccess({ repo, governance: current.governance, roster: current.roster, defaultBranch: branch, report: true, ...(ownerType ? { ownerType } : {}) });
}
