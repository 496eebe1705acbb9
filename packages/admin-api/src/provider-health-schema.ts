import { z } from 'zod';
import { count, fraction, isoTimestamp, nullableTimestamp } from './wire-values.js';

/** The last failure the router recorded for a provider (its `LastError`). Never holds credentials or bodies. */
export const lastErrorSchema = z
  .object({
    kind: z.string().meta({
      description:
        'The failure kind (connect, timeout, status, stream, …), the rate-limit class, or auth, as the router recorded it.',
    }),
    status: z.number().int().nullable().meta({ description: 'The HTTP status, when an answer came.' }),
    type: z
      .string()
      .nullable()
      .meta({ description: "The answer's error.type, e.g. overloaded_error, when read." }),
    message: z
      .string()
      .optional()
      .meta({ description: 'A short description, when one is kept (secrets scrubbed); absent otherwise.' }),
    at: isoTimestamp,
  })
  .meta({
    description: 'The last failure recorded for the provider.',
    examples: [{ kind: 'status', status: 529, type: 'overloaded_error', at: '2026-12-06T09:58:12.000Z' }],
  });

/** What the router knows about a provider's health now. */
export const providerHealthSchema = z
  .object({
    circuit: z.enum(['closed', 'open', 'half-open']).meta({
      description: 'The circuit breaker: half-open once an open period has elapsed, until a trial decides.',
    }),
    usable: z.boolean().meta({ description: 'The router would offer it to a new request now.' }),
    serving: z.boolean().meta({
      description:
        'It succeeded after its last error, so requests still go through whatever its circuit or cool-down says.',
    }),
    reason: z.string().nullable().meta({
      description:
        'Why it is unusable or demoted: a bench reason (e.g. budget), a rate-limit class, an open reason or a de-prioritization reason; null when none applies.',
    }),
    cooling_down_until: nullableTimestamp.meta({
      description:
        'When an open circuit, a cool-down or a bench ends, whichever is latest; null when none applies.',
    }),
    rate_limit_class: z.string().nullable().meta({
      description:
        'The cool-down in force: rate_limit, request_scoped, spend_limit, unified_window or overloaded; null when none.',
    }),
    consecutive_failures: count,
    failure_rate: fraction.meta({ description: 'Failures / attempts in the sliding window (0 when empty).' }),
    last_error: lastErrorSchema.nullable(),
    last_success_at: nullableTimestamp,
  })
  .meta({
    description: "The router's view of the provider's health.",
    examples: [
      {
        circuit: 'closed',
        usable: true,
        serving: true,
        reason: null,
        cooling_down_until: null,
        rate_limit_class: null,
        consecutive_failures: 0,
        failure_rate: 0.02,
        last_error: { kind: 'status', status: 529, type: 'overloaded_error', at: '2026-12-06T09:58:12.000Z' },
        last_success_at: '2026-12-06T09:59:40.000Z',
      },
    ],
  });

/** The last failure on the wire. */
export type LastErrorWire = z.infer<typeof lastErrorSchema>;
/** A provider's health on the wire. */
export type ProviderHealthWire = z.infer<typeof providerHealthSchema>;
