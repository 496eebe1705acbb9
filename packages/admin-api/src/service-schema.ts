import { z } from 'zod';
import { count, fraction } from './wire-values.js';

/** `GET /healthz`: the process is up. Says nothing about providers. */
export const healthStatusSchema = z
  .object({
    status: z.literal('ok'),
    version: z.string().meta({ description: 'The ccb version.' }),
    uptime_s: count.meta({ description: 'Seconds since the process started.' }),
  })
  .meta({
    description: 'The process is up.',
    examples: [{ status: 'ok', version: '0.1.0', uptime_s: 3600 }],
  });

/**
 * One provider in `GET /readyz`. Open: the readiness report also carries the router's raw budget and subscription
 * readings (ms epochs); `GET /admin/providers` is the documented, complete view.
 */
const readinessProviderSchema = z
  .looseObject({
    name: z.string(),
    enabled: z.boolean(),
    usable: z.boolean(),
    serving: z.boolean(),
    state: z.enum(['closed', 'open', 'half-open']),
    consecutive_failures: count,
    failure_rate: fraction,
    in_flight: count,
  })
  .meta({ description: 'One provider as readiness sees it.' });

/** The shared state store in `GET /readyz` (`state.store: redis`). */
const stateStoreSchema = z
  .object({
    store: z.literal('redis'),
    address: z
      .string()
      .meta({ description: 'host:port of the Redis server (never the URL, which may hold a password).' }),
    up: z.boolean(),
    since: z.string().meta({ description: 'When `up` last changed (ISO 8601).' }),
    last_error: z.string().nullable(),
  })
  .meta({
    description:
      'The Redis that several instances share their live state through. Down, each instance serves on its local state: it never makes ccb unready.',
  });

/** `GET /readyz`: 200 and `ready` when at least one enabled provider is usable or serving; 503 and `unavailable`. */
export const readinessSchema = z
  .object({
    status: z.enum(['ready', 'unavailable']),
    providers: z.array(readinessProviderSchema),
    state_store: stateStoreSchema.optional(),
  })
  .meta({
    description: 'Whether any provider can take a request, and each provider’s state.',
    examples: [
      {
        status: 'ready',
        providers: [
          {
            name: 'anthropic-primary',
            enabled: true,
            usable: true,
            serving: true,
            state: 'closed',
            consecutive_failures: 0,
            failure_rate: 0,
            in_flight: 1,
          },
        ],
      },
    ],
  });

/** The `GET /healthz` body. */
export type HealthStatus = z.infer<typeof healthStatusSchema>;
/** The `GET /readyz` body. */
export type Readiness = z.infer<typeof readinessSchema>;
