import { readFileSync } from "node:fs";
import { governanceJsonSchema, governanceJsonSchemaText } from "../../src/config/json-schema.js";

describe("schema/governance.schema.json", () => {
  it("is up to date with the zod schema (run `npm run schema` to regenerate)", () => {
    const onDisk = readFileSync(new URL("../../schema/governance.schema.json", import.meta.url), "utf8");
    expect(onDisk).toBe(governanceJsonSchemaText());
  });

  it("describes the file as written: `_extends` allowed, nothing required at the top, unknown keys rejected", () => {
    const s = governanceJsonSchema() as { properties: Record<string, unknown>; required?: unknown; additionalProperties: unknown };
    expect(Object.keys(s.properties)).toEqual(expect.arrayContaining(["_extends", "version", "preset", "ladder", "floors"]));
    expect(s.required).toBeUndefined();
    expect(s.additionalProperties).toBe(false);
  });
});
