import { readFileSync } from "node:fs";
import { buildSchema } from "graphql";
import type { GraphQLSchema } from "graphql";
import { packageFile } from "./package-file.js";

/** GitHub's public GraphQL schema and how long it took to build. */
export interface LoadedGraphqlSchema {
  schema: GraphQLSchema;
  buildMs: number;
}

let cached: LoadedGraphqlSchema | undefined;

/**
 * GitHub's real schema from @octokit/graphql-schema, built once per process (~200 ms).
 * `assumeValidSDL` because the published SDL defines two EnterpriseOwnerInfo fields
 * twice, which graphql-js's SDL validation rejects; the duplicates are identical.
 */
export function loadGithubGraphqlSchema(): LoadedGraphqlSchema {
  if (!cached) {
    const started = performance.now();
    const schema = buildSchema(readFileSync(packageFile("@octokit/graphql-schema", "schema.graphql"), "utf8"), { assumeValidSDL: true });
    cached = { schema, buildMs: performance.now() - started };
  }
  return cached;
}
