import { z } from 'zod';

/** `auth:` — the keys clients present to ccb (not the keys ccb presents upstream). */
export const authSchema = z
  .strictObject({
    api_keys: z.array(z.string().min(1)).prefault([]).meta({
      description:
        'Keys clients must present (x-api-key or Authorization: Bearer). Empty or absent: no client auth. Default [].',
    }),
    admin_key: z.string().min(1).optional().meta({
      description: 'Optional key protecting /metrics and /admin/*. Unset: those endpoints are open.',
    }),
  })
  .meta({ description: 'Keys clients use to talk to ccb.' });

/** The resolved `auth:` section. */
export type AuthConfig = z.output<typeof authSchema>;
