/**
 * `GET /stewards/<owner>/<repo>` (the health page, HTML) and
 * `GET /stewards/<owner>/<repo>/health.json` (SPEC "Governance health").
 * Answered from the store only — the snapshot the sweep keeps (figures
 * included) and the cached ladder — never by calling GitHub, nor measuring
 * anyone, while a person waits.
 * A private repository, one the app does not serve, or one it has not swept
 * yet all answer the same 404. Both answers carry an ETag (a hash of the
 * bytes; a matching If-None-Match gets 304) and a Content-Security-Policy
 * that allows nothing from any origin but inline styles, so the page can
 * load no script, font or image at all.
 */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../github/logger.js";
import { renderHealthPage } from "../render/health-page.js";
import type { Services } from "../runtime/services.js";
import type { ValueStore } from "../usecases/current-governance.js";
import { loadHealthView } from "../usecases/health-snapshot.js";

const ROUTE = /^\/stewards\/([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})(\/health\.json)?\/?$/;

export const HEALTH_CACHE_CONTROL = "public, max-age=300";
const CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const NOT_FOUND = "Not found: this repository is not public or is not served by this app.\n";

export function healthPageHandler(services: { store: ValueStore; settings: Pick<Services["settings"], "webUrl"> }, log?: Pick<Logger, "error">) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? "").split("?")[0] ?? "";
    const m = ROUTE.exec(path);
    if (!m) return false;
    const method = req.method ?? "GET";
    if (method !== "GET" && method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" });
      res.end("Method not allowed\n");
      return true;
    }
    const [, owner = "", name = "", json] = m;
    let body: string;
    try {
      const view = await loadHealthView(services.store, { owner, repo: name });
      if (!view) {
        res.writeHead(404, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff" });
        res.end(NOT_FOUND);
        return true;
      }
      const { snapshot, governance } = view;
      body = json
        ? // Compact: with history, a large project's near_next_rung lists make the pretty form several times larger.
          `${JSON.stringify(snapshot.figures.json)}\n`
        : renderHealthPage({ repository: snapshot.repo, webUrl: services.settings.webUrl, governance, figures: snapshot.figures, log: snapshot.log });
    } catch (err) {
      log?.error({ err, repo: `${owner}/${name}` }, "health page could not be answered");
      res.writeHead(503, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", "retry-after": "30" });
      res.end("The app's store is unavailable; try again shortly.\n");
      return true;
    }
    const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`;
    const headers = {
      "content-type": json ? "application/json; charset=utf-8" : "text/html; charset=utf-8",
      "cache-control": HEALTH_CACHE_CONTROL,
      etag,
      "content-security-policy": CSP,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      ...(json ? { "access-control-allow-origin": "*" } : {}),
    };
    if (matches(req.headers["if-none-match"], etag)) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    res.writeHead(200, { ...headers, "content-length": Buffer.byteLength(body) });
    res.end(method === "HEAD" ? undefined : body);
    return true;
  };
}

/** If-None-Match as RFC 9110 has it: `*`, or a list of (possibly weak) tags. */
function matches(header: string | string[] | undefined, etag: string): boolean {
  if (!header) return false;
  const value = Array.isArray(header) ? header.join(",") : header;
  if (value.trim() === "*") return true;
  return value.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}
