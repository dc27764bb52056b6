/** The repository itself: its full name, default branch and whether it is archived (one request). */
import type { RepoRef } from "../plan/actions.js";
import type { ReadClient } from "./contents.js";

export interface RepositoryFacts {
  full_name: string;
  default_branch: string;
  archived?: boolean;
}

/** `GET /repos/{owner}/{repo}`; rejects on failure (a 404 too). */
export async function getRepository(client: ReadClient, repo: RepoRef): Promise<RepositoryFacts> {
  const res = await client.request("GET /repos/{owner}/{repo}", { owner: repo.owner, repo: repo.repo });
  const data = res.data as RepositoryFacts;
  return { full_name: data.full_name, default_branch: data.default_branch, ...(data.archived !== undefined ? { archived: data.archived } : {}) };
}
