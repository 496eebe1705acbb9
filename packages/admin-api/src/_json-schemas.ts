import { z } from 'zod';
import { type AdminApiSchemaName, adminApiSchemas, requestSchemaNames } from './admin-api-schemas.js';

/** A JSON Schema (draft 2020-12), as plain data. */
export type JsonSchema = Record<string, unknown>;

/** Where the OpenAPI document keeps a named schema. */
export function schemaRef(name: AdminApiSchemaName): { $ref: string } {
  return { $ref: `#/components/schemas/${name}` };
}

function convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  return z.toJSONSchema(schema, { target: 'draft-2020-12', io, override: tidy }) as JsonSchema;
}

/**
 * Leaves out what only repeats the obvious and would fill the documentation pages: the long regular expression
 * zod writes beside `format: date-time`, and the safe-integer bounds it gives every integer.
 */
function tidy(context: { jsonSchema: JsonSchema }): void {
  const { jsonSchema } = context;
  if (jsonSchema.format === 'date-time') delete jsonSchema.pattern;
  if (jsonSchema.type === 'integer') {
    if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
    if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
  }
}

function componentsFor(io: 'input' | 'output'): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [name, schema] of Object.entries(adminApiSchemas)) registry.add(schema, { id: name });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io,
    uri: (id) => `#/components/schemas/${id}`,
    override: tidy,
  }) as { schemas: Record<string, JsonSchema> };
  for (const schema of Object.values(schemas)) {
    // The document's own dialect (OpenAPI 3.1's, draft 2020-12) applies; an `$id` would also move `$ref`'s base.
    delete schema.$schema;
    delete schema.$id;
  }
  return schemas;
}

let components: Readonly<Record<AdminApiSchemaName, JsonSchema>> | undefined;

/**
 * Every schema of {@link adminApiSchemas} as JSON Schema, for `components/schemas`: what a client sends as its
 * input (optional fields optional), what ccb answers as its output. Built once: the schemas never change.
 */
export function componentSchemas(): Readonly<Record<AdminApiSchemaName, JsonSchema>> {
  if (components !== undefined) return components;
  const output = componentsFor('output');
  const input = componentsFor('input');
  const result: Record<string, JsonSchema> = {};
  for (const name of Object.keys(adminApiSchemas) as AdminApiSchemaName[]) {
    const schema = requestSchemaNames.has(name) ? input[name] : output[name];
    if (schema === undefined) throw new Error(`no JSON Schema was made for ${name}`);
    result[name] = schema;
  }
  components = result as Record<AdminApiSchemaName, JsonSchema>;
  return components;
}

/** A parameter's schema, as its input (defaults shown); its description is the parameter's own. */
export function parameterSchema(schema: z.ZodType): JsonSchema {
  const json = convert(schema, 'input');
  delete json.$schema;
  delete json.description;
  return json;
}
