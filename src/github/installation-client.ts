/**
 * The two calls every adapter in this room is written against — REST
 * `request` and `graphql` — taken from one installation octokit, so that the
 * wiring (runtime/) hands adapters a client instead of calling GitHub itself.
 */
import type { ProbotOctokit } from "probot";
import type { ReadClient } from "./contents.js";
import type { GraphqlClient } from "./history.js";

export type InstallationOctokit = InstanceType<typeof ProbotOctokit>;

export type InstallationClient = ReadClient & GraphqlClient;

export function installationClient(octokit: Pick<InstallationOctokit, "request" | "graphql">): InstallationClient {
  return {
    request: (route, params) => octokit.request(route, params) as Promise<{ data: unknown; status: number }>,
    graphql: <T>(query: string, variables: Record<string, unknown>) => octokit.graphql<T>(query, variables),
  };
}
