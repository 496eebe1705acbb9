import { z } from 'zod';
import { configSchema } from './schema/config-schema.js';

/**
 * JSON Schema (draft-07, the draft editors support most widely) of the format users write: snake_case keys,
 * durations and sizes as number or string, defaults and descriptions included, unknown keys rejected.
 * For yaml-language-server, save it and start ccb.yaml with `# yaml-language-server: $schema=<file>`.
 * Cross-field rules (unique names, api_key per auth_type) are checked only by ccb itself.
 * Returns a fresh object on every call.
 */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, { io: 'input', target: 'draft-07' }) as Record<string, unknown>;
}
