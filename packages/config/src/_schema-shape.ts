import type { z } from 'zod';
import { outputUnits } from './schema/_fields.js';

/** The parts of a zod definition the config walkers read. */
interface SchemaDefinition {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly shape?: Record<string, z.ZodType>;
  readonly valueType?: z.ZodType;
  readonly element?: z.ZodType;
}

/** The unit of a field's output (`milliseconds` for durations, `bytes` for sizes), if it has one. */
export function unitOf(schema: z.ZodType | undefined): 'milliseconds' | 'bytes' | undefined {
  let current = schema;
  for (let depth = 0; current !== undefined && depth < 16; depth++) {
    const unit = outputUnits.get(current.def);
    if (unit !== undefined) return unit;
    const definition = current.def as unknown as SchemaDefinition;
    current = definition.type === 'pipe' ? definition.in : definition.innerType;
  }
  return undefined;
}

/** The definition under defaults, optionals and pipes (a transform's input side): an object, record, array… */
function definitionOf(schema: z.ZodType | undefined): SchemaDefinition | undefined {
  let current = schema;
  // Bounded: wrappers nest a few levels at most.
  for (let depth = 0; current !== undefined && depth < 16; depth++) {
    const definition = current.def as unknown as SchemaDefinition;
    if (definition.type === 'pipe') current = definition.in;
    else if (definition.innerType !== undefined) current = definition.innerType;
    else return definition;
  }
  return undefined;
}

/**
 * The keys to walk in `before` and `after`, in the schema's order where the schema is an object (so a diff lists a
 * provider's fields as the schema does), sorted where it is a record (header names, model globs).
 */
export function keysInOrder(
  schema: z.ZodType | undefined,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): string[] {
  const present = new Set([...Object.keys(before), ...Object.keys(after)]);
  const shape = definitionOf(schema)?.shape;
  if (shape === undefined) return [...present].sort();
  const known = Object.keys(shape).filter((key) => present.has(key));
  return [...known, ...[...present].filter((key) => !(key in shape)).sort()];
}

/** The schema of the member `key` of an object or record schema, if known. */
export function memberSchema(schema: z.ZodType | undefined, key: string): z.ZodType | undefined {
  const definition = definitionOf(schema);
  return definition?.shape?.[key] ?? definition?.valueType;
}
