/**
 * HTTP endpoints beside the webhook: `/healthz` answers 200 when the store is
 * reachable (with the last sweep time), 503 otherwise.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Services } from "../runtime/services.js";
import { LAST_SWEEP_KEY } from "./sweep.js";

export function healthHandler(services: Services) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? "").split("?")[0];
    if (path !== "/healthz") return false;
    try {
      const last = await services.store.getValue<{ at: string }>(LAST_SWEEP_KEY);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: "ok", store: "ok", lastSweepAt: last?.at ?? null }));
    } catch (err) {
      res.writeHead(503, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: "unavailable", store: String(err instanceof Error ? err.message : err) }));
    }
    return true;
  };
}
