import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Absolute path of a file shipped inside an installed package, found by walking up
 * from this file to the nearest node_modules that has it. Works from the sources
 * (ts-jest) and from dist/ alike, and sidesteps `exports` maps that hide data files
 * (as @octokit/graphql-schema's does for schema.graphql). Throws when absent.
 */
export function packageFile(pkg: string, relative: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "node_modules", pkg, relative);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find ${pkg}/${relative} in any node_modules above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
