/**
 * Reads what GitHub holds for the access planner (plan/access-snapshot.ts)
 * with as few requests as it can:
 *
 * | what | request | when |
 * | --- | --- | --- |
 * | the CODEOWNERS file in use, its text, the head and tree of the default branch | 1 GraphQL (the three candidate paths in one query, branch-files.ts) | always |
 * | members of each granted team | `GET /orgs/{org}/teams/{team_slug}/members`, 1 per 100 members (404: the team does not exist) | per team, organisations only |
 * | the repository's rulesets | `GET /repos/{owner}/{repo}/rulesets` (own and inherited) | when some role grants bypass |
 * | classic protection of each branch granted bypass | `GET /repos/{owner}/{repo}/branches/{branch}/protection` (404: none) | per branch |
 * | the app's own rulesets (`stewards…`) in full | `GET /repos/{owner}/{repo}/rulesets/{id}` | per ruleset the app owns |
 * | org owners, repository admins | `GET /orgs/{org}/members?role=admin`, `GET /repos/{owner}/{repo}/collaborators?permission=admin` | only when the plan would remove someone (`needs`) |
 * | a team's pending invitations | `GET /orgs/{org}/teams/{team_slug}/invitations` | only when the plan would add someone to it, and never on GitHub Enterprise Server (no such route: a PUT adds at once) |
 * | team ids | `GET /orgs/{org}/teams/{team_slug}` | only with rulesets (bypass actors name teams by id) |
 *
 * A repository with three roles, three teams and one protected branch, in
 * step: 6 requests (1 GraphQL, 3 team pages, the ruleset list, the branch's
 * protection). Team members come from REST rather than GraphQL because the
 * REST list is what the app's team writes act on and what the test fake
 * models; GraphQL would save two requests there.
 *
 * A 403 (the installation lacks a permission) makes that resource
 * `unreadable`, naming the permission, and the rest is read as usual; other
 * failures reject (a resource is never reported absent because a read failed).
 */
import type { ActorLists, ClassicProtection } from "../plan/classic-protection.js";
import type { AccessNeed } from "../plan/access-plan.js";
import { CODEOWNERS_PATHS, RULESET_NAME } from "../plan/access-plan.js";
import type {
  AccessSnapshot,
  BranchState,
  BypassActor,
  CodeownersState,
  PeopleFact,
  RulesetSpec,
  RulesetSummary,
  TeamState,
  Unreadable,
} from "../plan/access-snapshot.js";
import type { RepoRef } from "../plan/actions.js";
import { readBranchFiles } from "./branch-files.js";
import { isStatus, type ReadClient } from "./contents.js";
import type { GraphqlClient } from "./history.js";
import { GITHUB_COM, type ServerKind } from "./server-kind.js";

/** The reads the access snapshot is built from; `githubAccessReader` implements them over an octokit, tests may fake them. */
export interface AccessReader {
  /**
   * The CODEOWNERS file GitHub uses at the head of `branch` (the first of
   * `.github/CODEOWNERS`, `CODEOWNERS`, `docs/CODEOWNERS` that exists) with
   * its text, and the head commit and tree a write would build on. One
   * GraphQL request. Rejects with BranchNotFoundError when the branch does
   * not exist, and with the client's error on any failure.
   */
  readCodeowners(repo: RepoRef, branch: string): Promise<CodeownersState>;
  /**
   * Members of the org team (including members of its child teams, as
   * GitHub lists them), every page of 100, `pending` and `id` unread;
   * `missing` when the organisation has no such team (404); `unreadable` on
   * 403. One request per 100 members.
   */
  readTeam(org: string, slug: string): Promise<TeamState>;
  /** The team's numeric id, or null when it does not exist (404). One request. */
  readTeamId(org: string, slug: string): Promise<number | null>;
  /**
   * Logins invited to the team who have not accepted yet, every page. One
   * request per 100 on github.com; none on GitHub Enterprise Server, which
   * has no organisation invitations (a membership PUT adds at once, and the
   * route does not exist there): always empty.
   */
  listTeamInvitations(org: string, slug: string): Promise<string[]>;
  /** The organisation's owners, every page; `unreadable` on 403. One request per 100. */
  listOrgOwners(org: string): Promise<PeopleFact>;
  /** Users with admin permission on the repository (direct, through teams, or as org owners), every page; `unreadable` on 403. */
  listRepoAdmins(repo: RepoRef): Promise<PeopleFact>;
  /**
   * The branch's classic protection; `unprotected` when it has none (404
   * "Branch not protected", or a 403 saying the plan does not offer
   * protection); `no-branch` on 404 "Branch not found"; `unreadable` on any
   * other 403. One request.
   */
  readBranchProtection(repo: RepoRef, branch: string): Promise<BranchState>;
  /** Every ruleset that applies to the repository (its own and inherited), every page; `unreadable` on 403. */
  listRulesets(repo: RepoRef): Promise<RulesetSummary[] | Unreadable>;
  /** One ruleset's full settings. Rejects on any failure. One request. */
  readRuleset(repo: RepoRef, id: number): Promise<RulesetSpec & { id: number }>;
}

export type AccessReadClient = ReadClient & GraphqlClient;

const PER_PAGE = 100;
/** More pages than any team or list the app manages has; a guard against a server that never stops. */
const MAX_PAGES = 50;

/** Every page of a REST list, 100 a page (at most MAX_PAGES); rejects with the client's error. */
export async function allPages<T>(client: ReadClient, route: string, params: Record<string, unknown>): Promise<T[]> {
  const out: T[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const res = await client.request(route, { ...params, per_page: PER_PAGE, page });
    const items = res.data as T[];
    out.push(...items);
    if (items.length < PER_PAGE) break;
  }
  return out;
}

/** The permission a 403 on `route` points at, in app.yml's words. */
function permissionFor(route: string): string {
  if (/\/orgs\/\{org\}\/(teams|members)/.test(route)) return "members: read";
  if (/\/(protection|rulesets)/.test(route) || /^GET \/repos\/\{owner\}\/\{repo\}\/teams$/.test(route)) return "administration: read";
  if (/\/collaborators/.test(route)) return "metadata: read";
  return "contents: read";
}

/** A 403 on `route` as a fact: the permission app.yml must grant, and GitHub's message. */
export function unreadable(route: string, err: unknown): Unreadable {
  const message = String((err as { response?: { data?: { message?: unknown } } }).response?.data?.message ?? (err as Error).message ?? "forbidden");
  return { state: "unreadable", permission: permissionFor(route), message: `403 ${message}` };
}

function errorMessage(err: unknown): string {
  return String((err as { response?: { data?: { message?: unknown } } }).response?.data?.message ?? (err as Error).message ?? "");
}

type Login = { login: string };
const logins = (items: Login[]) => items.map((i) => i.login);

export interface AccessReaderOptions {
  /**
   * Which GitHub `client` talks to (server-kind.ts `ServerKindProbe.kind`);
   * asked only where GHES differs. Default: github.com.
   */
  serverKind?: () => Promise<ServerKind>;
}

export function githubAccessReader(client: AccessReadClient, opts: AccessReaderOptions = {}): AccessReader {
  const serverKind = opts.serverKind ?? (() => Promise.resolve(GITHUB_COM));
  const people = async (route: string, params: Record<string, unknown>): Promise<PeopleFact> => {
    try {
      return { state: "ok", logins: logins(await allPages<Login>(client, route, params)) };
    } catch (err) {
      if (isStatus(err, 403)) return unreadable(route, err);
      throw err;
    }
  };
  return {
    async readCodeowners(repo, branch) {
      const snap = await readBranchFiles(client, repo, branch, CODEOWNERS_PATHS);
      const path = CODEOWNERS_PATHS.find((p) => snap.files.get(p) !== null && snap.files.get(p) !== undefined) ?? null;
      return { branch, headSha: snap.headSha, treeSha: snap.treeSha, path, text: path ? snap.files.get(path)! : null };
    },
    async readTeam(org, slug) {
      const route = "GET /orgs/{org}/teams/{team_slug}/members";
      try {
        return { state: "ok", id: null, members: logins(await allPages<Login>(client, route, { org, team_slug: slug })), pending: null };
      } catch (err) {
        if (isStatus(err, 404)) return { state: "missing" };
        if (isStatus(err, 403)) return unreadable(route, err);
        throw err;
      }
    },
    async readTeamId(org, slug) {
      try {
        const res = await client.request("GET /orgs/{org}/teams/{team_slug}", { org, team_slug: slug });
        return (res.data as { id: number }).id;
      } catch (err) {
        if (isStatus(err, 404)) return null;
        throw err;
      }
    },
    async listTeamInvitations(org, slug) {
      if ((await serverKind()).kind === "ghes") return [];
      const items = await allPages<{ login: string | null }>(client, "GET /orgs/{org}/teams/{team_slug}/invitations", { org, team_slug: slug });
      // Invitations by email have no login; they cannot be a roster holder's.
      return items.flatMap((i) => (i.login ? [i.login] : []));
    },
    listOrgOwners: (org) => people("GET /orgs/{org}/members", { org, role: "admin" }),
    listRepoAdmins: (repo) => people("GET /repos/{owner}/{repo}/collaborators", { owner: repo.owner, repo: repo.repo, permission: "admin" }),
    async readBranchProtection(repo, branch) {
      const route = "GET /repos/{owner}/{repo}/branches/{branch}/protection";
      try {
        const res = await client.request(route, { owner: repo.owner, repo: repo.repo, branch });
        return { state: "protected", protection: normalizeProtection(res.data as RestProtection) };
      } catch (err) {
        if (isStatus(err, 404)) return /branch not found/i.test(errorMessage(err)) ? { state: "no-branch" } : { state: "unprotected" };
        // A private repository on a plan without protection: there is none to bypass.
        if (isStatus(err, 403) && /upgrade to github pro|make this repository public/i.test(errorMessage(err))) return { state: "unprotected" };
        if (isStatus(err, 403)) return unreadable(route, err);
        throw err;
      }
    },
    async listRulesets(repo) {
      const route = "GET /repos/{owner}/{repo}/rulesets";
      try {
        const items = await allPages<RestRulesetSummary>(client, route, { owner: repo.owner, repo: repo.repo, includes_parents: true });
        return items.map((r) => ({ id: r.id, name: r.name, target: r.target ?? "branch", sourceType: r.source_type ?? "Repository", enforcement: r.enforcement }));
      } catch (err) {
        if (isStatus(err, 403)) return unreadable(route, err);
        throw err;
      }
    },
    async readRuleset(repo, id) {
      const res = await client.request("GET /repos/{owner}/{repo}/rulesets/{ruleset_id}", { owner: repo.owner, repo: repo.repo, ruleset_id: id });
      return normalizeRuleset(res.data as RestRuleset);
    },
  };
}

export interface SnapshotRequest {
  repo: RepoRef;
  /** From the webhook payload's `repository.owner.type` (or the installation's account): no request spent on it. */
  ownerType: "Organization" | "User";
  /** The branch CODEOWNERS is read from and written to: the repository's default branch. */
  defaultBranch: string;
  /** Team slugs the ladder grants (plan/access-plan.ts `resourcesToRead`). */
  teams: readonly string[];
  /** Branches (exact names) the ladder grants bypass on. */
  branches: readonly string[];
  /** Whether any role grants bypass (only then are rulesets read). */
  bypass: boolean;
}

/** Whether a ruleset is one the app owns (`stewards`, `stewards-<role>`). */
export function isOwnedRulesetName(name: string): boolean {
  return name === RULESET_NAME || name.startsWith(`${RULESET_NAME}-`);
}

/** The snapshot of everything the planner always needs; owners, admins, invitations and team ids are left `unread` (see readNeeds). */
export async function readAccessSnapshot(reader: AccessReader, req: SnapshotRequest): Promise<AccessSnapshot> {
  const org = req.ownerType === "Organization";
  const [codeowners, teams, branches, rulesets] = await Promise.all([
    reader.readCodeowners(req.repo, req.defaultBranch),
    Promise.all(org ? req.teams.map(async (slug) => [slug, await reader.readTeam(req.repo.owner, slug)] as const) : []),
    Promise.all(req.branches.map(async (b) => [b, await reader.readBranchProtection(req.repo, b)] as const)),
    req.bypass ? readRulesets(reader, req.repo) : Promise.resolve({ state: "ok" as const, list: [], owned: {} }),
  ]);
  return {
    repo: req.repo,
    ownerType: req.ownerType,
    codeowners,
    teams: Object.fromEntries(teams),
    // A personal account's owner is the one person the floor protects there; no request.
    orgOwners: org ? { state: "unread" } : { state: "ok", logins: [req.repo.owner] },
    repoAdmins: { state: "unread" },
    branches: Object.fromEntries(branches),
    rulesets,
  };
}

async function readRulesets(reader: AccessReader, repo: RepoRef): Promise<AccessSnapshot["rulesets"]> {
  const list = await reader.listRulesets(repo);
  if (!Array.isArray(list)) return list;
  const mine = list.filter((r) => r.sourceType === "Repository" && isOwnedRulesetName(r.name));
  const owned = await Promise.all(mine.map((r) => reader.readRuleset(repo, r.id)));
  return { state: "ok", list, owned: Object.fromEntries(owned.map((r) => [r.name, r])) };
}

/** `snapshot` with the facts a plan asked for (AccessPlan `needs`) read in. */
export async function readNeeds(reader: AccessReader, snapshot: AccessSnapshot, needs: readonly AccessNeed[]): Promise<AccessSnapshot> {
  const next: AccessSnapshot = { ...snapshot, teams: { ...snapshot.teams } };
  const org = snapshot.repo.owner;
  await Promise.all(
    needs.map(async (need) => {
      switch (need.kind) {
        case "org-owners":
          next.orgOwners = await reader.listOrgOwners(org);
          return;
        case "repo-admins":
          next.repoAdmins = await reader.listRepoAdmins(snapshot.repo);
          return;
        case "team-invitations": {
          const pending = await reader.listTeamInvitations(org, need.team);
          const t = next.teams[need.team];
          if (t?.state === "ok") next.teams[need.team] = { ...t, pending };
          return;
        }
        case "team-ids":
          await Promise.all(
            need.teams.map(async (slug) => {
              const id = await reader.readTeamId(org, slug);
              const t = next.teams[slug];
              if (t?.state === "ok") next.teams[slug] = id === null ? { state: "missing" } : { ...t, id };
            }),
          );
          return;
      }
    }),
  );
  return next;
}

// --- REST shapes (the fields read) ---

interface RestActors {
  users?: Array<{ login: string }>;
  teams?: Array<{ slug: string }>;
  apps?: Array<{ slug: string }>;
}

interface RestProtection {
  required_status_checks?: { strict?: boolean; contexts?: string[]; checks?: Array<{ context: string; app_id?: number | null }> } | null;
  enforce_admins?: { enabled: boolean } | null;
  required_pull_request_reviews?: {
    required_approving_review_count?: number;
    dismiss_stale_reviews?: boolean;
    require_code_owner_reviews?: boolean;
    require_last_push_approval?: boolean;
    dismissal_restrictions?: RestActors | null;
    bypass_pull_request_allowances?: RestActors | null;
  } | null;
  restrictions?: RestActors | null;
  [flag: string]: unknown;
}

const FLAGS = [
  "required_linear_history",
  "allow_force_pushes",
  "allow_deletions",
  "block_creations",
  "required_conversation_resolution",
  "lock_branch",
  "allow_fork_syncing",
  "required_signatures",
] as const;

function actors(a: RestActors | null | undefined): ActorLists {
  return { users: (a?.users ?? []).map((u) => u.login), teams: (a?.teams ?? []).map((t) => t.slug), apps: (a?.apps ?? []).map((x) => x.slug) };
}

export function normalizeProtection(p: RestProtection): ClassicProtection {
  const flags: Record<string, boolean> = {};
  for (const f of FLAGS) {
    const v = p[f] as { enabled?: boolean } | undefined;
    if (v && typeof v.enabled === "boolean") flags[f] = v.enabled;
  }
  const checks = p.required_status_checks;
  const reviews = p.required_pull_request_reviews;
  return {
    requiredStatusChecks: checks
      ? { strict: checks.strict === true, contexts: checks.contexts ?? [], checks: (checks.checks ?? []).map((c) => ({ context: c.context, appId: c.app_id ?? null })) }
      : null,
    enforceAdmins: p.enforce_admins?.enabled === true,
    requiredPullRequestReviews: reviews
      ? {
          requiredApprovingReviewCount: reviews.required_approving_review_count ?? 0,
          dismissStaleReviews: reviews.dismiss_stale_reviews === true,
          requireCodeOwnerReviews: reviews.require_code_owner_reviews === true,
          requireLastPushApproval: reviews.require_last_push_approval === true,
          dismissalRestrictions: reviews.dismissal_restrictions ? actors(reviews.dismissal_restrictions) : null,
          bypassPullRequestAllowances: actors(reviews.bypass_pull_request_allowances),
        }
      : null,
    restrictions: p.restrictions ? actors(p.restrictions) : null,
    flags,
  };
}

interface RestRulesetSummary {
  id: number;
  name: string;
  target?: string;
  source_type?: string;
  enforcement: string;
}

interface RestRuleset extends RestRulesetSummary {
  bypass_actors?: Array<{ actor_id?: number | null; actor_type: BypassActor["actorType"]; bypass_mode?: BypassActor["bypassMode"] }>;
  conditions?: { ref_name?: { include?: string[]; exclude?: string[] } } | null;
  rules?: unknown[];
}

export function normalizeRuleset(r: RestRuleset): RulesetSpec & { id: number } {
  const refName = r.conditions?.ref_name;
  return {
    id: r.id,
    name: r.name,
    target: (r.target ?? "branch") as RulesetSpec["target"],
    enforcement: r.enforcement as RulesetSpec["enforcement"],
    bypassActors: (r.bypass_actors ?? []).map((b) => ({ actorId: b.actor_id ?? null, actorType: b.actor_type, bypassMode: b.bypass_mode ?? "always" })),
    conditions: refName ? { refName: { include: refName.include ?? [], exclude: refName.exclude ?? [] } } : null,
    rules: r.rules ?? [],
  };
}
