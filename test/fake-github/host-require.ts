import { runInThisContext } from "node:vm";

interface HostModule {
  require: (id: string) => unknown;
}

/**
 * The host process's real global object. Under jest, modules run in a vm sandbox whose
 * globals are copies; `runInThisContext` evaluates in the host realm instead. Outside
 * jest it is simply globalThis.
 */
export function hostGlobal(): Record<symbol, unknown> & { process?: { mainModule?: HostModule } } {
  return runInThisContext("globalThis") as Record<symbol, unknown> & { process?: { mainModule?: HostModule } };
}

/**
 * Loads a CommonJS package with Node's own loader when running under jest, else with
 * import(). Why: openapi-backend (CJS) requires @apidevtools/json-schema-ref-parser,
 * which is ESM only; Node 20.19+ allows that require, jest's module loader does not
 * (it supports require(esm) only on Node 24.9+). The package then lives in the host
 * realm and is shared by every test file of the jest worker process.
 */
export async function loadCommonJs<T>(id: string): Promise<T> {
  const main = hostGlobal().process?.mainModule;
  if (main && typeof main.require === "function") return main.require(id) as T;
  return (await import(id)) as T;
}
