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
    // A list serves several admins, or the old and the new key while one is rotated.
    admin_key: z
      .union([secretField(), z.array(secretField())])
      .optional()
      .meta({
        description:
          'Key or list of keys protecting /metrics and /admin/* (x-api-key or Authorization: Bearer), each once and none also in auth.api_keys. Unset or []: those endpoints answer only clients on loopback (127.0.0.0/8, ::1), unless --allow-open-admin is given. Default [].',
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
    const { api_keys: clientKeys, admin_key: adminKeys } = auth as {
      api_keys?: unknown;
      admin_key?: unknown;
    };
    const clientList = Array.isArray(clientKeys) ? clientKeys : [];
    reportRepeats(clientList, 'api_keys', context, 'list each client key once');
    // Before the transform a single key is a string; its issues then sit at auth.admin_key itself.
    const adminList = Array.isArray(adminKeys) ? adminKeys : typeof adminKeys === 'string' ? [adminKeys] : [];
    const adminPath = (index: number) => (Array.isArray(adminKeys) ? ['admin_key', index] : ['admin_key']);
    reportRepeats(adminList, 'admin_key', context, 'list each admin key once');
    // A key in both lists would let a client open the admin API and an admin key proxy: keep the two apart.
    const clientIndexByKey = new Map(clientList.map((key: unknown, index) => [key, index]));
    adminList.forEach((key: unknown, index) => {
      const clientIndex = clientIndexByKey.get(key);
      if (clientIndex === undefined) return;
      context.addIssue({
        code: 'custom',
        path: adminPath(index),
        message: `is also auth.api_keys[${clientIndex}]; an admin key must differ from every client key`,
      });
    });
  }, evenWithFieldErrors)
  .meta({ description: 'Keys clients use to talk to ccb.' })
  // One key or a list in, always a list out; done here, after the checks, so they see what the user wrote.
  .transform(({ admin_key: adminKey, ...auth }) => ({
    ...auth,
    admin_key: adminKey === undefined ? [] : typeof adminKey === 'string' ? [adminKey] : adminKey,
  }));

/** Reports each entry of `keys` that repeats an earlier one, at its own index, never showing the key. */
function reportRepeats(
  keys: readonly unknown[],
  field: 'api_keys' | 'admin_key',
  context: z.core.$RefinementCtx,
  fix: string,
): void {
  const firstIndexByKey = new Map<unknown, number>();
  keys.forEach((key, index) => {
    const first = firstIndexByKey.get(key);
    if (first === undefined) firstIndexByKey.set(key, index);
    else {
      context.addIssue({
        code: 'custom',
        path: [field, index],
        message: `repeats auth.${field}[${first}]; ${fix}`,
      });
    }
  });
}

/** The resolved `auth:` section. */
export type AuthConfig = z.output<typeof authSchema>;
