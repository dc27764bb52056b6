/**
 * The JSON Schema of governance.yml for editors (schema/governance.schema.json),
 * generated from the zod schema so the two cannot disagree.
 *
 * It describes the file AS WRITTEN, which is looser than the validated
 * result in two ways: `_extends` (Probot's loader key) is allowed, and no
 * top-level key is required, because `version` and `ladder` may come from a
 * preset or from the file it extends. Everything else — unknown keys,
 * types, duration shapes — is checked as the app checks it.
 */
import { z } from "zod";
import { governanceSchema } from "./schema.js";


export function governanceJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(governanceSchema, { io: "input", target: "draft-2020-12" }) as Record<string, unknown>;
  const { $schema, required: _required, properties, ...rest } = generated;
  return {
    $schema,
    title: "Stewards governance.yml",
    description: "The contributor ladder of a repository, read by the Stewards GitHub App from .github/governance.yml.",
    ...rest,
    properties: {
      _extends: {
        type: "string",
        description: "Inherit from another repository's file: `.github`, `repo`, `owner/repo` or `repo:path/to/file.yml`. This file's keys win.",
      },
      ...(properties as Record<string, unknown>),
    },
  };
}

/** The file's exact content: 2-space JSON and a final newline. */
export function governanceJsonSchemaText(): string {
  return `${JSON.stringify(governanceJsonSchema(), null, 2)}\n`;
}
