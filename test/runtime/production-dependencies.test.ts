/**
 * The production image installs `dependencies` only (`npm ci --omit=dev`), so
 * every package the server or the CLI imports must be listed there — a dev
 * dependency imported from src/ works in tests and crashes the image.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.(ts|js)$/.test(path) ? [path] : [];
  });
}

/** "@scope/name/sub" -> "@scope/name", "name/sub" -> "name". */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

it("lists every package imported by src/ and bin/ (type-only imports aside) in dependencies", () => {
  const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { dependencies: Record<string, string> };
  const imported = new Set<string>();
  for (const file of [...sources("src"), ...sources("bin")]) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/^\s*import\s+(type\s+)?(?:[^"';]*?\s+from\s+)?["']([^"']+)["']/gm)) {
      const specifier = m[2]!;
      if (m[1] || specifier.startsWith(".") || specifier.startsWith("node:") || builtinModules.includes(specifier)) continue;
      imported.add(packageOf(specifier));
    }
  }
  expect(imported.size).toBeGreaterThan(5);
  expect([...imported].filter((p) => !(p in pkg.dependencies)).sort()).toEqual([]);
});
