/**
 * A deliberately small JSON Schema (draft-07) checker covering the keywords `configJsonSchema()` emits, so
 * the schema can be tested without a validator dependency. Returns one message per violation; `[]` is valid.
 * Unknown keywords are ignored except that an unsupported one makes the check fail loudly.
 */
const annotations = new Set(['$schema', 'title', 'description', 'default', 'examples', 'format']);
const supported = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'items',
  'enum',
  'anyOf',
  'minimum',
  'maximum',
  'minLength',
  'minItems',
  'pattern',
]);

type Schema = Record<string, unknown>;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function matchesType(value: unknown, type: unknown): boolean {
  const types = Array.isArray(type) ? type : [type];
  const actual = typeOf(value);
  return types.some((expected) => expected === actual || (expected === 'number' && actual === 'integer'));
}

export function jsonSchemaErrors(schema: Schema, value: unknown, path = '$'): string[] {
  for (const keyword of Object.keys(schema)) {
    if (!annotations.has(keyword) && !supported.has(keyword))
      throw new Error(`unsupported keyword ${keyword}`);
  }
  const errors: string[] = [];
  if ('type' in schema && !matchesType(value, schema.type))
    return [`${path}: not of type ${String(schema.type)}`];
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) errors.push(`${path}: not in enum`);
  if (
    Array.isArray(schema.anyOf) &&
    !schema.anyOf.some((branch) => jsonSchemaErrors(branch, value, path).length === 0)
  ) {
    errors.push(`${path}: matches no anyOf branch`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) errors.push(`${path}: below minimum`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) errors.push(`${path}: above maximum`);
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength)
      errors.push(`${path}: too short`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) {
      errors.push(`${path}: does not match ${schema.pattern}`);
    }
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems)
      errors.push(`${path}: too few items`);
    if (typeof schema.items === 'object' && schema.items !== null) {
      value.forEach((item, index) => {
        errors.push(...jsonSchemaErrors(schema.items as Schema, item, `${path}[${index}]`));
      });
    }
  }
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const name of (schema.required ?? []) as string[]) {
      if (!(name in object)) errors.push(`${path}.${name}: required`);
    }
    for (const [name, item] of Object.entries(object)) {
      if (typeof schema.propertyNames === 'object' && schema.propertyNames !== null) {
        errors.push(...jsonSchemaErrors(schema.propertyNames as Schema, name, `${path}.${name} (name)`));
      }
      const propertySchema = properties[name];
      if (propertySchema !== undefined)
        errors.push(...jsonSchemaErrors(propertySchema, item, `${path}.${name}`));
      else if (schema.additionalProperties === false) errors.push(`${path}.${name}: additional property`);
      else if (typeof schema.additionalProperties === 'object' && schema.additionalProperties !== null) {
        errors.push(...jsonSchemaErrors(schema.additionalProperties as Schema, item, `${path}.${name}`));
      }
    }
  }
  return errors;
}
