import { readFileSync } from "node:fs";
import type * as OpenApiBackendModule from "openapi-backend";
import type { OpenAPIBackend, Operation } from "openapi-backend";
import { hostGlobal, loadCommonJs } from "./host-require.js";
import { packageFile } from "./package-file.js";

/** Which of @octokit/openapi's descriptions requests are checked against. */
export type OpenApiSpecName = "api.github.com" | "ghes-3.17" | "ghes-3.18" | "ghes-3.19" | "ghec";

/** A REST request as the validator sees it: the path is relative to the API root (no /api/v3). */
export interface RestRequestToValidate {
  method: string;
  /** Raw (still percent-encoded) path without query string, e.g. "/repos/o/r/contents/a/b.yml". */
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or undefined when the request had none. */
  body: unknown;
}

/** The operation a request matched, with its path parameters decoded. */
export interface MatchedOperation {
  operationId: string;
  /** e.g. "/repos/{owner}/{repo}/issues" */
  pathTemplate: string;
  method: string;
  params: Record<string, string>;
}

/** Outcome of validating one request. `match` is absent when no operation has that method and path. */
export interface RestValidation {
  match?: MatchedOperation;
  /** Human readable validation errors; empty when the request is valid. */
  errors: string[];
  /** Time spent matching and validating, in milliseconds. */
  ms: number;
}

interface Route {
  method: string;
  template: string;
  regex: RegExp;
  paramNames: string[];
  greedy: Set<string>;
  /** Length of the literal part: more literal characters = more specific. */
  specificity: number;
  operation: Operation;
}

/**
 * Parameters whose values legitimately contain slashes (file paths, refs such as
 * heads/main, compare's base...head with branch names, branch names themselves, which
 * GitHub marks x-multi-segment). openapi-backend's router
 * matches every parameter as one segment, so these are matched greedily here and
 * re-encoded before being handed to it.
 */
const GREEDY_PARAMS = new Set(["path", "ref", "basehead", "branch"]);

/**
 * Operations whose body GitHub still takes as a bare JSON array, the legacy form that
 * octokit sends (its `mapToData`), although the description now says `{ <key>: [...] }`.
 * Such an array is validated as that object.
 */
const LEGACY_ARRAY_BODIES: Record<string, string> = Object.fromEntries(
  ["add", "set", "remove"].flatMap((verb) => [
    [`repos/${verb}-user-access-restrictions`, "users"],
    [`repos/${verb}-team-access-restrictions`, "teams"],
    [`repos/${verb}-app-access-restrictions`, "apps"],
    [`repos/${verb}-status-check-contexts`, "contexts"],
  ]),
);

function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * OpenAPI 3.0 lets `nullable` stand without `type` (GitHub's description does so
 * ~145 times, next to allOf/anyOf); Ajv 8 refuses to compile that. Rewrite it into
 * the equivalent `anyOf [..., {type: null}]` so the schema means the same thing, and
 * add null to the enums of nullable properties.
 */
function rewriteTypelessNullable(node: unknown): unknown {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) node[i] = rewriteTypelessNullable(node[i]);
    return node;
  }
  if (node !== null && typeof node === "object") {
    const obj = node as Record<string, unknown>;
    for (const key of Object.keys(obj)) obj[key] = rewriteTypelessNullable(obj[key]);
    if (obj.nullable !== undefined && obj.type === undefined) {
      const { nullable, ...rest } = obj;
      return nullable === true ? { anyOf: [rest, { type: "null" }] } : rest;
    }
    // An enum restricts the value even where nullable allows null (Ajv follows JSON
    // Schema here, OpenAPI 3.0 does not), so `state_reason: null` would fail: let the
    // enum take null too.
    if (obj.nullable === true && Array.isArray(obj.enum) && !obj.enum.includes(null)) obj.enum = [...(obj.enum as unknown[]), null];
  }
  return node;
}

/** Validates REST requests against one of GitHub's OpenAPI descriptions. Build it with {@link loadOpenApiValidator}. */
export class OpenApiValidator {
  readonly spec: OpenApiSpecName;
  /** Milliseconds spent reading, rewriting and initialising the description (once per process). */
  readonly initMs: number;
  private readonly api: OpenAPIBackend;
  private readonly routesByMethod = new Map<string, Route[]>();
  private readonly templatesByPath = new Map<string, Set<string>>();

  constructor(spec: OpenApiSpecName, api: OpenAPIBackend, initMs: number) {
    this.spec = spec;
    this.api = api;
    this.initMs = initMs;
    for (const operation of api.getOperations()) {
      const method = operation.method.toUpperCase();
      const paramNames: string[] = [];
      const greedy = new Set<string>();
      const parts = operation.path.split(/(\{[^}]+\})/);
      let pattern = "";
      let specificity = 0;
      for (const part of parts) {
        const param = /^\{([^}]+)\}$/.exec(part);
        if (param?.[1]) {
          paramNames.push(param[1]);
          if (GREEDY_PARAMS.has(param[1])) greedy.add(param[1]);
          pattern += GREEDY_PARAMS.has(param[1]) ? "(.+)" : "([^/]+)";
        } else {
          pattern += escapeRegExp(part);
          specificity += part.length;
        }
      }
      const route: Route = { method, template: operation.path, regex: new RegExp(`^${pattern}$`), paramNames, greedy, specificity, operation };
      const list = this.routesByMethod.get(method) ?? [];
      list.push(route);
      this.routesByMethod.set(method, list);
      const methods = this.templatesByPath.get(operation.path) ?? new Set<string>();
      methods.add(method);
      this.templatesByPath.set(operation.path, methods);
    }
    for (const list of this.routesByMethod.values()) list.sort((a, b) => b.specificity - a.specificity);
  }

  /** Finds the operation for a method and raw path, or undefined. Does not validate. */
  match(method: string, rawPath: string): MatchedOperation | undefined {
    const route = this.findRoute(method, rawPath);
    if (!route) return undefined;
    return { operationId: String(route.route.operation.operationId), pathTemplate: route.route.template, method: route.route.method, params: route.params };
  }

  /** Matches and validates path parameters, query and body. Never throws for a bad request: errors are returned. */
  validate(req: RestRequestToValidate): RestValidation {
    const started = performance.now();
    const found = this.findRoute(req.method, req.path);
    if (!found) {
      return { errors: [`no operation ${req.method.toUpperCase()} ${req.path} in GitHub's OpenAPI description (${this.spec})`], ms: performance.now() - started };
    }
    const { route, params } = found;
    // Hand openapi-backend a path whose greedy values are one segment, so its own
    // parameter extraction agrees with ours.
    const onePerSegment = route.paramNames.reduce(
      (path, name) => path.replace(`{${name}}`, encodeURIComponent(params[name] ?? "")),
      route.template,
    );
    const legacyKey = LEGACY_ARRAY_BODIES[String(route.operation.operationId)];
    const body = legacyKey && Array.isArray(req.body) ? { [legacyKey]: req.body } : req.body;
    const result = this.api.validateRequest(
      { method: req.method.toLowerCase(), path: onePerSegment, query: req.query, headers: headersForValidation(req.headers, body), body: body as never },
      route.operation,
    );
    const errors = formatAjvErrors(result.errors);
    return {
      match: { operationId: String(route.operation.operationId), pathTemplate: route.template, method: route.method, params },
      errors,
      ms: performance.now() - started,
    };
  }

  /**
   * Checks a response body against the operation's schema for that status code (a
   * 204 must have no body). Empty when it conforms, or when the description has no
   * JSON schema for the status. Validators are compiled on first use per operation.
   */
  validateResponse(operationId: string, status: number, body: unknown): string[] {
    const result = this.api.validateResponse(body === undefined ? null : body, operationId, status);
    return formatAjvErrors(result.errors);
  }

  private findRoute(method: string, rawPath: string): { route: Route; params: Record<string, string> } | undefined {
    const path = rawPath.length > 1 ? rawPath.replace(/\/+$/, "") : rawPath;
    for (const route of this.routesByMethod.get(method.toUpperCase()) ?? []) {
      const m = route.regex.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.paramNames.forEach((name, i) => {
        params[name] = safeDecode(m[i + 1] ?? "");
      });
      return { route, params };
    }
    return undefined;
  }
}

function formatAjvErrors(errors: { instancePath?: string; message?: string; keyword: string; params?: Record<string, unknown> }[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ""}`);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function headersForValidation(headers: Record<string, string | string[] | undefined>, body: unknown): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = v;
  // Bodies are always handed over parsed; say so, whatever the client sent.
  if (body !== undefined) out["content-type"] = "application/json";
  return out;
}

interface InitialisedBackend {
  api: OpenAPIBackend;
  initMs: number;
}

const pending = new Map<OpenApiSpecName, Promise<InitialisedBackend>>();

/** Where initialised backends are kept: the host realm, so jest test files of one worker process share them. */
function sharedBackends(): Map<OpenApiSpecName, InitialisedBackend> {
  const key = Symbol.for("stewards.fake-github.openapi-backends");
  const host = hostGlobal();
  if (!host[key]) host[key] = new Map<OpenApiSpecName, InitialisedBackend>();
  return host[key] as Map<OpenApiSpecName, InitialisedBackend>;
}

async function initialiseBackend(spec: OpenApiSpecName): Promise<InitialisedBackend> {
  const started = performance.now();
  const { OpenAPIBackend: Backend } = await loadCommonJs<typeof OpenApiBackendModule>("openapi-backend");
  const definition = rewriteTypelessNullable(JSON.parse(readFileSync(packageFile("@octokit/openapi", `generated/${spec}.json`), "utf8")));
  const api = new Backend({
    definition: definition as never,
    quick: true,
    validate: true,
    strict: false,
    // GitHub's description uses formats (date-time, uri...) Ajv does not know without
    // ajv-formats; they are accepted as plain strings rather than logged per schema.
    ajvOpts: { strict: false, validateFormats: false, logger: false },
  });
  await api.init();
  return { api, initMs: performance.now() - started };
}

/**
 * The validator for one description. openapi-backend is initialised once per process
 * and shared: reading the 13 MB description and initialising takes a few hundred ms,
 * and each operation's Ajv validators are compiled lazily on first use (quick mode).
 */
export async function loadOpenApiValidator(spec: OpenApiSpecName = "api.github.com"): Promise<OpenApiValidator> {
  const shared = sharedBackends();
  let backend = shared.get(spec);
  if (!backend) {
    let inFlight = pending.get(spec);
    if (!inFlight) {
      inFlight = initialiseBackend(spec);
      pending.set(spec, inFlight);
    }
    backend = await inFlight;
    shared.set(spec, backend);
  }
  return new OpenApiValidator(spec, backend.api, backend.initMs);
}
