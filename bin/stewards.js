#!/usr/bin/env node
// The `stewards` command. It runs the compiled CLI; build it first with `npm run build`.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const compiled = fileURLToPath(new URL("../dist/bin/stewards.js", import.meta.url));
if (!existsSync(compiled)) {
  console.error("stewards: not built yet — run `npm run build` in the stewards directory first");
  process.exit(2);
}
await import(compiled);
