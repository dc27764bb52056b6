/**
 * Writes schema/governance.schema.json from the zod schema (src/config/schema.ts).
 *
 *   npm run schema                                    rewrite the file
 *   node dist/scripts/write-json-schema.js --check    exit 1 if it is out of date (CI)
 *
 * An optional path argument names another output file. Paths are relative to
 * the working directory (npm runs scripts from the package root).
 * test/config/json-schema.test.ts fails when the committed file is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { governanceJsonSchemaText } from "../src/config/json-schema.js";

function main(argv: string[]): number {
  const check = argv.includes("--check");
  const file = resolve(argv.find((a) => !a.startsWith("--")) ?? "schema/governance.schema.json");
  const text = governanceJsonSchemaText();
  let before: string | null = null;
  try {
    before = readFileSync(file, "utf8");
  } catch {
    before = null;
  }
  if (before === text) {
    console.log(`${file}: up to date`);
    return 0;
  }
  if (check) {
    console.error(`${file}: out of date; run npm run schema`);
    return 1;
  }
  writeFileSync(file, text);
  console.log(`${file}: written`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
