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

type HealthServices = { store: ValueStore; settings: Pick<Services["settings"], "webUrl"> };

/** An answer to send: status, headers and body (an ETag header on 200). */
interface Answer {
  status: number;
  headers: Record<string, string | number>;
  body: string;
}

const plain = (status: number, body: string, extra: Record<string, string> = {}): Answer => ({
  status,
  headers: { "content-type": "text/plain; charset=utf-8", ...extra },
  body,
});

export function healthPageHandler(services: HealthServices, log?: Pick<Logger, "error">) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const m = ROUTE.exec((req.url ?? "").split("?")[0] ?? "");
    if (!m) return false;
    const method = req.method ?? "GET";
    const [, owner = "", name = "", json] = m;
    const answer = method === "GET" || method === "HEAD" ? await healthAnswer(services, log, { owner, repo: name }, json !== undefined) : plain(405, "Method not allowed\n", { allow: "GET, HEAD" });
    if (answer.status === 200 && matches(req.headers["if-none-match"], String(answer.headers.etag))) {
      res.writeHead(304, answer.headers);
      res.end();
      return true;
    }
    const head = answer.status === 200 && method === "HEAD";
    res.writeHead(answer.status, answer.status === 200 ? { ...answer.headers, "content-length": Buffer.byteLength(answer.body) } : answer.headers);
    res.end(head ? undefined : answer.body);
    return true;
  };
}

/** The page or the JSON of `repo` from the store: 200 with an ETag, the same 404 for every repository not served, 503 when the store fails. */
async function healthAnswer(services: HealthServices, log: Pick<Logger, "error"> | undefined, repo: { owner: string; repo: string }, json: boolean): Promise<Answer> {
  let body: string;
  try {
    const view = await loadHealthView(services.store, repo);
    if (!view) return plain(404, NOT_FOUND, { "cache-control": "no-store", "x-content-type-options": "nosniff" });
    const { snapshot, governance } = view;
    body = json
      ? // Compact: with history, a large project's near_next_rung lists make the pretty form several times larger.
        `${JSON.stringify(snapshot.figures.json)}\n`
      : renderHealthPage({ repository: snapshot.repo, webUrl: services.settings.webUrl, governance, figures: snapshot.figures, log: snapshot.log });
  } catch (err) {
    log?.error({ err, repo: `${repo.owner}/${repo.repo}` }, "health page could not be answered");
    return plain(503, "The app's store is unavailable; try again shortly.\n", { "cache-control": "no-store", "retry-after": "30" });
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
  return { status: 200, headers, body };
}

/** If-None-Match as RFC 9110 has it: `*`, or a list of (possibly weak) tags. */
function matches(header: string | string[] | undefined, etag: string): boolean {
  if (!header) return false;
  const value = Array.isArray(header) ? header.join(",") : header;
  if (value.trim() === "*") return true;
  return value.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}
