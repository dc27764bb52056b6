/**
 * `/metrics`: the process's Prometheus metrics in the text exposition format
 * (runtime/metrics.ts lists them). Unauthenticated like /healthz, so expose
 * it only where Prometheus scrapes (labels name installations and routes,
 * never repositories or people).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Services } from "../runtime/services.js";

export function metricsHandler(services: Pick<Services, "metrics">) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? "").split("?")[0];
    if (path !== "/metrics" || (req.method ?? "GET") !== "GET") return false;
    try {
      const { contentType, body } = await services.metrics.render();
      res.writeHead(200, { "content-type": contentType });
      res.end(body);
    } catch (err) {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(`metrics unavailable: ${err instanceof Error ? err.message : String(err)}\n`);
    }
    return true;
  };
}
