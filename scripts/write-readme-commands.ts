/**
 * Rewrites the command table in README.md (between `<!-- BEGIN commands -->`
 * and `<!-- END commands -->`) from the command registry, so the README lists
 * exactly what `/stewards help` lists.
 *
 *   npm run docs                                    rewrite README.md
 *   node dist/scripts/write-readme-commands.js --check   exit 1 if README.md is out of date (CI)
 *
 * An optional path argument names another markdown file. Paths are relative
 * to the working directory (npm runs scripts from the package root).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { registry } from "../src/commands/registry.js";
import { renderCommandTable } from "../src/render/help.js";
import { replaceBlock } from "../src/render/readme-block.js";

function main(argv: string[]): number {
  const check = argv.includes("--check");
  const file = resolve(argv.find((a) => !a.startsWith("--")) ?? "README.md");
  const before = readFileSync(file, "utf8");
  let after: string;
  try {
    after = replaceBlock(before, renderCommandTable(registry));
  } catch (err) {
    console.error(`${file}: ${(err as Error).message}`);
    return 2;
  }
  if (after === before) {
    console.log(`${file}: command table is up to date`);
    return 0;
  }
  if (check) {
    console.error(`${file}: command table is out of date; run \`npm run docs\` and commit the result`);
    return 1;
  }
  writeFileSync(file, after);
  console.log(`${file}: command table rewritten`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
