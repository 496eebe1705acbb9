import { z } from 'zod';
import { providerHealthSchema } from './provider-health-schema.js';
import { rateLimitSchema, unifiedSchema } from './rate-limit-schema.js';
import { count, fraction } from './wire-values.js';

/**
 * The settings an operator can change at run time. Same constraints as the config file's (`providers[].weight`,
 * `priority`, `enabled`), so that a change written back with `persist=true` always makes a valid file.
 */
const weight = z
  .number()
  .int()
  .min(1)
  .meta({ description: 'Share of traffic under the weighted strategy (>= 1).' });
const priority = z.number().int().min(0).meta({
  description: 'Priority tier (>= 0): the lowest tier with a usable provider takes the traffic.',
});
const enabled = z.boolean().meta({ description: 'false: configured but given no new requests.' });

/** `weight`, `priority` and `enabled`, all present: as configured, or in effect. */
export const providerSettingsSchema = z.object({ weight, priority, enabled }).meta({
  description: 'The routing settings of a provider.',
  examples: [{ weight: 1, priority: 1, enabled: true }],
});

/** The runtime overrides in force: only the settings an operator changed since the configuration was loaded. */
export const providerOverridesSchema = z
  .object({ weight: weight.optional(), priority: priority.optional(), enabled: enabled.optional() })
  .meta({
    description:
      'Runtime overrides set through the admin API and not (yet) in the configuration file; {} when none. They outlive reloads, except that a reload changing the same field in the file clears that override.',
    examples: [{ weight: 3 }, {}],
  });

/** Whether a provider takes new requests. */
export const providerStateSchema = z.enum(['serving', 'disabled', 'draining', 'drained']).meta({
  description:
    'serving: takes new requests; disabled: enabled is false; draining: drained by an operator, takes no new requests while its in-flight ones finish; drained: draining with nothing left in flight.',
});

/** The provider's traffic over a recent window. */
export const recentTrafficSchema = z
  .object({
    requests: count.meta({ description: 'Attempts sent to the provider in the window.' }),
    errors: count.meta({ description: 'Attempts that failed (counted against its health).' }),
    error_rate: fraction.meta({ description: 'errors / requests; 0 without requests.' }),
    latency_ms_p50: z
      .number()
      .min(0)
      .nullable()
      .meta({ description: 'Median attempt duration, ms; null without data.' }),
    latency_ms_p95: z
      .number()
      .min(0)
      .nullable()
      .meta({ description: '95th percentile, ms; null without data.' }),
    window_seconds: z.number().int().min(1).meta({ description: 'The length of the window, in seconds.' }),
  })
  .meta({
    description: "The provider's recent attempts.",
    examples: [
      {
        requests: 120,
        errors: 3,
        error_rate: 0.025,
        latency_ms_p50: 850,
        latency_ms_p95: 4200,
        window_seconds: 300,
      },
    ],
  });

/** Everything `GET /admin/providers` says about one provider. Holds no secret. */
export const adminProviderSchema = z
  .object({
    name: z.string().meta({ description: 'The provider name from the configuration.' }),
    base_url: z.string().meta({ description: 'The upstream base URL, without /v1.' }),
    auth_type: z.string().meta({
      description:
        'api_key, bearer, passthrough or oauth; gcp for a kind vertex provider (Google access tokens).',
    }),
    key_fingerprint: z.string().nullable().meta({
      description:
        "A keyed fingerprint naming the provider's credential (the one ccb logs); never the credential. null without one (passthrough).",
    }),
    models: z
      .array(z.string())
      .meta({ description: 'Model globs the provider serves; [] serves every model.' }),
    configured: providerSettingsSchema.meta({
      description: 'The settings in the loaded configuration file.',
    }),
    overrides: providerOverridesSchema,
    effective: providerSettingsSchema.meta({
      description: 'configured with the overrides applied: what routing uses.',
    }),
    state: providerStateSchema,
    health: providerHealthSchema,
    rate_limit: rateLimitSchema,
    unified: unifiedSchema.nullable(),
    in_flight: count.meta({ description: 'Attempts running against the provider now.' }),
    recent: recentTrafficSchema,
    spend_today_usd: z.number().min(0).nullable().meta({
      description: 'Cost of its requests since 00:00 UTC, in USD; null when the usage ledger is off.',
    }),
  })
  .meta({
    description:
      'A provider as the admin API shows it: configuration (secrets as a fingerprint), health and traffic.',
    examples: [
      {
        name: 'anthropic-primary',
        base_url: 'https://api.anthropic.com',
        auth_type: 'api_key',
        key_fingerprint: '3f9a1c07b2e4',
        models: [],
        configured: { weight: 1, priority: 1, enabled: true },
        overrides: { weight: 3 },
        effective: { weight: 3, priority: 1, enabled: true },
        state: 'serving',
        health: {
          circuit: 'closed',
          usable: true,
          serving: true,
          reason: null,
          cooling_down_until: null,
          rate_limit_class: null,
          consecutive_failures: 0,
          failure_rate: 0.02,
          last_error: {
            kind: 'status',
            status: 529,
            type: 'overloaded_error',
            at: '2026-12-06T09:58:12.000Z',
          },
          last_success_at: '2026-12-06T09:59:40.000Z',
        },
        rate_limit: {
          requests: { limit: 4000, remaining: 3998, reset_at: '2026-12-06T10:00:00.000Z' },
          tokens: null,
          input_tokens: { limit: 400000, remaining: 371200, reset_at: '2026-12-06T10:00:00.000Z' },
          output_tokens: { limit: 80000, remaining: 79100, reset_at: '2026-12-06T10:00:00.000Z' },
        },
        unified: null,
        in_flight: 2,
        recent: {
          requests: 120,
          errors: 3,
          error_rate: 0.025,
          latency_ms_p50: 850,
          latency_ms_p95: 4200,
          window_seconds: 300,
        },
        spend_today_usd: 12.34,
      },
    ],
  });

/** `GET /admin/providers`: every configured provider, in configuration order. */
export const providerListSchema = z.object({ providers: z.array(adminProviderSchema) }).meta({
  description: 'Every configured provider, in configuration order.',
});

/** A provider's routing settings. */
export type ProviderSettings = z.infer<typeof providerSettingsSchema>;
/** Runtime overrides. */
export type ProviderOverrides = z.infer<typeof providerOverridesSchema>;
/** Whether a provider takes new requests. */
export type ProviderState = z.infer<typeof providerStateSchema>;
/** Recent traffic. */
export type RecentTraffic = z.infer<typeof recentTrafficSchema>;
/** One provider in the admin API. */
export type AdminProvider = z.infer<typeof adminProviderSchema>;
/** The `GET /admin/providers` body. */
export type ProviderList = z.infer<typeof providerListSchema>;
