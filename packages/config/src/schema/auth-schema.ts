import { z } from 'zod';
import { evenWithFieldErrors, secretField } from './_fields.js';

/** Shortest `auth.fingerprint_secret`: 32 characters, e.g. `openssl rand -hex 16` (16 random bytes) or longer. */
export const minFingerprintSecretLength = 32;

/** `auth:` — the keys clients present to ccb (not the keys ccb presents upstream). */
export const authSchema = z
  .strictObject({
    api_keys: z.array(secretField()).prefault([]).meta({
      description:
        'Keys clients must present (x-api-key or Authorization: Bearer), each once. Empty or absent: no client auth. Keys under 16 characters get a warning at startup and are refused when listening beyond loopback. Default [].',
    }),
    admin_key: secretField().optional().meta({
      description:
        'Optional key protecting /metrics and /admin/*. Unset: those endpoints are open, and ccb refuses to listen beyond loopback with auth.api_keys set unless --allow-open-admin is given.',
    }),
    fingerprint_secret: secretField()
      .min(minFingerprintSecretLength, {
        error: `must be at least ${minFingerprintSecretLength} characters: use random bytes, e.g. \`openssl rand -hex 32\``,
      })
      .optional()
      .meta({
        description:
          'Secret keying the fingerprints that name client keys in logs, metrics, the ledger and budgets (HMAC-SHA-256), so a short key cannot be guessed from its fingerprint; at least 32 characters, use ${VAR}. Unset: generated once into ccb-fingerprint.key beside the ledger file, or per process (fingerprints then change at every start) when the ledger is off or in memory.',
      }),
  })
  .superRefine((auth, context) => {
    const keys = (auth as { api_keys?: unknown }).api_keys;
    if (!Array.isArray(keys)) return;
    const firstIndexByKey = new Map<unknown, number>();
    keys.forEach((key: unknown, index) => {
      const first = firstIndexByKey.get(key);
      if (first === undefined) firstIndexByKey.set(key, index);
      else {
        // Never the key itself: only where its first copy is.
        context.addIssue({
          code: 'custom',
          path: ['api_keys', index],
          message: `repeats auth.api_keys[${first}]; list each client key once`,
        });
      }
    });
  }, evenWithFieldErrors)
  .meta({ description: 'Keys clients use to talk to ccb.' });

/** The resolved `auth:` section. */
export type AuthConfig = z.output<typeof authSchema>;
