// Sorting the fake's request log into reads and writes, for tests and
// benchmarks that assert "no writes" or count the cost of a webhook.
import { Kind, parse } from "graphql";
import type { FakeRequestRecord } from "./server.js";

/**
 * True for a GET/HEAD, or a GraphQL request whose document holds only
 * queries. Everything else — REST writes, GraphQL mutations or documents
 * that do not parse, the installation-token exchange (POST .../access_tokens)
 * — counts as a write, so a "no writes" assertion errs on the safe side.
 */
export function isReadRequest(r: FakeRequestRecord): boolean {
  if (r.route === "POST /graphql") {
    const query = (r.body as { query?: unknown } | undefined)?.query;
    if (typeof query !== "string") return false;
    try {
      return parse(query).definitions.every((d) => d.kind !== Kind.OPERATION_DEFINITION || d.operation === "query");
    } catch {
      return false;
    }
  }
  return r.method === "GET" || r.method === "HEAD";
}
