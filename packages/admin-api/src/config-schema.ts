import { z } from 'zod';

/** What a redacted secret reads as in `GET /admin/config` (the same as `ccb config show`). */
export const redactedSecret = '***';

/**
 * `GET /admin/config`: the effective configuration, every secret replaced by `"***"`. Described, not specified: it
 * is `@ccb/config`'s resolved `Config` (durations in ms, sizes in bytes, defaults filled in), whose own JSON Schema
 * is `ccb config schema`'s; repeating it here would be a second definition to keep in step.
 */
export const redactedConfigSchema = z.looseObject({}).meta({
  description:
    'The effective configuration as loaded (defaults filled in, durations in ms, sizes in bytes), with every secret (auth.api_keys, auth.admin_key, auth.fingerprint_secret, providers[].api_key, secret-looking provider headers, budget keys) replaced by "***". Its shape is the configuration file\'s: see ccb config schema.',
  examples: [
    {
      server: { host: '127.0.0.1', port: 8080 },
      auth: { api_keys: ['***'], admin_key: '***' },
      providers: [
        {
          name: 'anthropic-primary',
          base_url: 'https://api.anthropic.com',
          auth_type: 'api_key',
          api_key: '***',
          weight: 1,
          priority: 1,
          enabled: true,
        },
      ],
    },
  ],
});

/** The `GET /admin/config` body. */
export type RedactedConfig = z.infer<typeof redactedConfigSchema>;
