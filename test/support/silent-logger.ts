import type { Logger } from "../../src/github/logger.js";

/** A Logger that drops everything, for tests of use-cases and adapters. */
export const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, child: () => silent };
