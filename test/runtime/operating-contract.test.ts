/**
 * The operating contract (SPEC section 3) is documented twice — the README's
 * table and `.env.example` — and read by settings.ts and Probot. Both
 * documents must name the same variables.
 */
import { readFileSync } from "node:fs";

function tableVariables(readme: string): string[] {
  const table = readme.split("\n### Operating contract (environment)")[1]!.split("\n\n").find((block) => block.startsWith("| variable |"))!;
  return table
    .split("\n")
    .slice(2)
    .flatMap((row) => [...row.split("|")[1]!.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]!));
}

it("names the same variables in the README's operating contract table and in .env.example", () => {
  const documented = tableVariables(readFileSync("README.md", "utf8"));
  const example = [...readFileSync(".env.example", "utf8").matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]!);
  expect(documented).toContain("GHE_PROTOCOL");
  expect([...documented].sort()).toEqual([...example].sort());
});
