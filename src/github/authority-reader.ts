/**
 * Who holds authority in a repository today, before Stewards runs there: the
 * people onboarding seeds the roster with (SPEC "Onboarding"). Three kinds of
 * holder, and only these — never the whole collaborator list, which can run
 * to thousands:
 *
 * | what | request | when |
 * | --- | --- | --- |
 * | the CODEOWNERS file in use and its text | 1 GraphQL (the three candidate paths in one query, branch-files.ts) | always |
 * | teams with access to the repository, with their permission | `GET /repos/{owner}/{repo}/teams`, 1 per 100 teams | organisations only |
 * | members of each team CODEOWNERS names, and of each team that may maintain or administer the repository | `GET /orgs/{org}/teams/{team_slug}/members`, 1 per 100 members (404: no such team) | per team, each once |
 * | repository admins (direct, through teams, org owners) | `GET /repos/{owner}/{repo}/collaborators?permission=admin`, 1 per 100 | always |
 * | each CODEOWNERS `@user` not met as a team member or admin | `GET /users/{username}` (404: no such user) | per such user |
 *
 * A repository whose CODEOWNERS names two people and a team, with one
 * maintain team, costs 6 or 7 requests: 1 GraphQL, the team list, 2 member
 * pages, the admins, and a user look-up for whoever is met nowhere else.
 * The first three kinds of read go out together, then the team members,
 * then the user look-ups (which the members and admins often make needless).
 *
 * What cannot be a holder is reported in `skipped`, in words the onboarding
 * pull request shows: an e-mail owner, a user or team that does not exist,
 * a team of another organisation, a bot, a list the app may not read (403,
 * naming the permission). Other failures reject: a holder is never left out
 * because a read failed.
 */
import { codeownersOwners, otherOwnerWhy } from "../plan/codeowners-owners.js";
import type { Unreadable } from "../plan/access-snapshot.js";
import type { RepoRef } from "../plan/actions.js";
import { allPages, githubAccessReader, unreadable, type AccessReadClient } from "./access-reader.js";
import { BranchNotFoundError } from "./branch-files.js";
import { isStatus, type ReadClient } from "./contents.js";

/** One person who holds authority, and every place it comes from, e.g. `CODEOWNERS (.github/CODEOWNERS)`, `team acme/maintainers (maintain)`, `repository admin`. */
export interface AuthorityHolder {
  login: string;
  sources: string[];
}

/** Something that names authority but cannot be a roster holder, and why, in words. */
export interface AuthoritySkip {
  what: string;
  why: string;
}

export interface AuthorityHolders {
  /** Each person once (case-insensitive, GitHub's spelling), sources in the order found, sorted by login. */
  holders: AuthorityHolder[];
  /** In the order found, each `what` once. */
  skipped: AuthoritySkip[];
  /** The CODEOWNERS file GitHub uses on the default branch (both null when there is none), for the preview and the block that would follow. */
  codeowners: { path: string | null; text: string | null };
}

export interface AuthorityReadOptions {
  /** From the webhook payload's `repository.owner.type` (or the installation's account): a personal account has no teams, and no request is spent on them. */
  ownerType: "Organization" | "User";
  /** The branch CODEOWNERS is read at: the repository's default branch (payload `repository.default_branch`). */
  defaultBranch: string;
}

/** A user as the REST lists and `GET /users/{username}` give one (the fields read). */
interface RestPerson {
  login: string;
  type?: string;
}

/** A team as `GET /repos/{owner}/{repo}/teams` lists it: its permission on this repository. */
interface RestRepoTeam {
  slug: string;
  permission?: string;
  permissions?: { maintain?: boolean; admin?: boolean };
}

const TEAM_MEMBERS = "GET /orgs/{org}/teams/{team_slug}/members";
const REPO_TEAMS = "GET /repos/{owner}/{repo}/teams";
const REPO_ADMINS = "GET /repos/{owner}/{repo}/collaborators";

/** Every page, or the 403 as a fact; any other failure rejects. */
async function listOrUnreadable<T>(client: ReadClient, route: string, params: Record<string, unknown>): Promise<T[] | Unreadable> {
  try {
    return await allPages<T>(client, route, params);
  } catch (err) {
    if (isStatus(err, 403)) return unreadable(route, err);
    throw err;
  }
}

/** A team's members (child teams' included, as GitHub lists them); null when the organisation has no such team (404). */
async function teamMembers(client: ReadClient, org: string, slug: string): Promise<RestPerson[] | Unreadable | null> {
  try {
    return await listOrUnreadable<RestPerson>(client, TEAM_MEMBERS, { org, team_slug: slug });
  } catch (err) {
    if (isStatus(err, 404)) return null;
    throw err;
  }
}

/** The user, or null when GitHub has no account by that login (404). */
async function lookUpUser(client: ReadClient, username: string): Promise<RestPerson | null> {
  try {
    return (await client.request("GET /users/{username}", { username })).data as RestPerson;
  } catch (err) {
    if (isStatus(err, 404)) return null;
    throw err;
  }
}

/** maintain or admin when the team may maintain or administer the repository, else null (push and below grant no authority). */
function authorityLevel(team: RestRepoTeam): "admin" | "maintain" | null {
  if (team.permissions?.admin === true || team.permission === "admin") return "admin";
  if (team.permissions?.maintain === true || team.permission === "maintain") return "maintain";
  return null;
}

const isBot = (p: RestPerson) => p.type === "Bot" || /\[bot\]$/i.test(p.login);
const cantRead = (u: Unreadable) => `${u.message}: the app needs ${u.permission}`;

/** Collects holders and skips, each once, in the order they are met. */
class Tally {
  private readonly holders = new Map<string, AuthorityHolder>();
  private readonly skips = new Map<string, AuthoritySkip>();

  add(person: RestPerson, source: string): void {
    if (isBot(person)) return this.skip(`@${person.login}`, `a bot account, not a person (${source})`);
    const key = person.login.toLowerCase();
    const holder = this.holders.get(key) ?? { login: person.login, sources: [] };
    if (!holder.sources.includes(source)) holder.sources.push(source);
    this.holders.set(key, holder);
  }

  skip(what: string, why: string): void {
    if (!this.skips.has(what.toLowerCase())) this.skips.set(what.toLowerCase(), { what, why });
  }

  result(codeowners: AuthorityHolders["codeowners"]): AuthorityHolders {
    const holders = [...this.holders.values()].sort((a, b) => a.login.toLowerCase().localeCompare(b.login.toLowerCase()));
    return { holders, skipped: [...this.skips.values()], codeowners };
  }
}

/**
 * The people who hold authority in `repo` today — CODEOWNERS owners (teams
 * expanded to their members), members of teams with maintain or admin
 * permission on it, its admins — each once with where it comes from, and
 * what was skipped and why. A repository whose default branch does not
 * exist yet (empty) has no CODEOWNERS; that is said in `skipped`. Lines of
 * the app's own CODEOWNERS block are not counted (plan/codeowners-owners.ts).
 * Requests: see the table above. Rejects on any failure other than the 403s
 * and 404s described there.
 */
export async function readAuthorityHolders(client: AccessReadClient, repo: RepoRef, opts: AuthorityReadOptions): Promise<AuthorityHolders> {
  const tally = new Tally();
  const inOrg = opts.ownerType === "Organization";
  const where = { owner: repo.owner, repo: repo.repo };
  const [codeowners, repoTeams, admins] = await Promise.all([
    githubAccessReader(client)
      .readCodeowners(repo, opts.defaultBranch)
      .catch((err: unknown) => {
        if (!(err instanceof BranchNotFoundError)) throw err;
        tally.skip("CODEOWNERS", `the default branch ${opts.defaultBranch} does not exist yet (an empty repository): there is no file to read`);
        return { path: null, text: null };
      }),
    inOrg ? listOrUnreadable<RestRepoTeam>(client, REPO_TEAMS, where) : Promise.resolve([]),
    listOrUnreadable<RestPerson>(client, REPO_ADMINS, { ...where, permission: "admin" }),
  ]);
  const owners = codeowners.text === null ? { users: [], teams: [], others: [] } : codeownersOwners(codeowners.text);
  const inCodeowners = `CODEOWNERS (${codeowners.path ?? ""})`;

  // The teams to expand, each once, with the sources their members take on.
  const teams = new Map<string, { slug: string; sources: string[] }>();
  const expand = (slug: string, source: string) => {
    const team = teams.get(slug.toLowerCase()) ?? { slug, sources: [] };
    team.sources.push(source);
    teams.set(slug.toLowerCase(), team);
  };
  for (const t of owners.teams) {
    if (inOrg && t.org.toLowerCase() === repo.owner.toLowerCase()) expand(t.slug, `team ${repo.owner}/${t.slug} in ${inCodeowners}`);
    else tally.skip(`@${t.org}/${t.slug}`, inOrg ? `a team of another organisation: CODEOWNERS here takes only teams of ${repo.owner}` : `a team, but ${repo.owner} is a personal account, which has none`);
  }
  if (Array.isArray(repoTeams)) {
    for (const t of repoTeams) {
      const level = authorityLevel(t);
      if (level) expand(t.slug, `team ${repo.owner}/${t.slug} (${level})`);
    }
  } else tally.skip(`teams with access to ${repo.owner}/${repo.repo}`, cantRead(repoTeams));
  const members = await Promise.all([...teams.values()].map(async (t) => ({ ...t, members: await teamMembers(client, repo.owner, t.slug) })));

  // CODEOWNERS users met as a team member or an admin exist; only the others are looked up.
  const met = new Map<string, RestPerson>();
  for (const p of [...members.flatMap((t) => (Array.isArray(t.members) ? t.members : [])), ...(Array.isArray(admins) ? admins : [])]) met.set(p.login.toLowerCase(), p);
  const users = await Promise.all(owners.users.map(async (login) => ({ login, user: met.get(login.toLowerCase()) ?? (await lookUpUser(client, login)) })));

  for (const { login, user } of users) {
    if (user === null) tally.skip(`@${login}`, `no GitHub user by that name (named in ${inCodeowners})`);
    else if (user.type === "Organization") tally.skip(`@${login}`, `an organisation, not a person (named in ${inCodeowners}); name one of its teams instead`);
    else tally.add(user, inCodeowners);
  }
  for (const other of owners.others) tally.skip(other, `${otherOwnerWhy(other)} (named in ${inCodeowners})`);
  for (const t of members) {
    if (t.members === null) tally.skip(`@${repo.owner}/${t.slug}`, `no such team in ${repo.owner} (${t.sources.join("; ")})`);
    else if (!Array.isArray(t.members)) tally.skip(`@${repo.owner}/${t.slug}`, cantRead(t.members));
    else for (const person of t.members) for (const source of t.sources) tally.add(person, source);
  }
  if (Array.isArray(admins)) for (const person of admins) tally.add(person, "repository admin");
  else tally.skip(`admins of ${repo.owner}/${repo.repo}`, cantRead(admins));
  return tally.result({ path: codeowners.path, text: codeowners.text });
}
