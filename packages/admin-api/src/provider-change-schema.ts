import { z } from 'zod';
import { adminProviderSchema } from './provider-schema.js';

/**
 * The body of `PATCH /admin/providers/{name}`: the settings to override, at least one. Strict, so that a typo
 * (`wieght`) is refused instead of silently doing nothing. Same bounds as the configuration file, so that
 * `persist=true` always writes a valid one.
 */
export const providerPatchSchema = z
  .strictObject({
    weight: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: 'Share of traffic under the weighted strategy.' }),
    priority: z
      .number()
      .int()
      .min(0)
      .optional()
      .meta({ description: 'Priority tier; lower tiers are tried first.' }),
    enabled: z.boolean().optional().meta({ description: 'false: no new requests (like disable).' }),
  })
  .refine((patch) => Object.keys(patch).length > 0, {
    error: 'name at least one of weight, priority, enabled',
  })
  // The refinement has no JSON Schema equivalent: say the same thing as minProperties.
  .meta({
    description: 'Settings to override at run time; at least one.',
    minProperties: 1,
    examples: [{ weight: 3 }, { priority: 2, enabled: true }],
  });

/**
 * The `persist` query parameter of the provider changes: `true` also writes the change to the configuration file
 * (keeping its comments and layout); `false`, the default, changes only the running process.
 */
export const persistQuerySchema = z
  .enum(['true', 'false'])
  .default('false')
  .transform((value) => value === 'true')
  .meta({
    description:
      'true: also write the change to the configuration file, keeping its comments, order and formatting; false (default): the running process only.',
  });

/** The answer to a change that may be persisted: the provider after it, and whether the file was written. */
export const providerChangeSchema = adminProviderSchema
  .extend({
    persisted: z.boolean().meta({ description: 'The change was written to the configuration file.' }),
  })
  .meta({
    description: 'The provider after the change, and whether it was written to the configuration file.',
  });

/** A `PATCH /admin/providers/{name}` body. */
export type ProviderPatch = z.infer<typeof providerPatchSchema>;
/** The answer to `PATCH /admin/providers/{name}`, `…/disable` and `…/enable`. */
export type ProviderChange = z.infer<typeof providerChangeSchema>;
