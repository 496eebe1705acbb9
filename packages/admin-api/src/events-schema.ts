import { z } from 'zod';
import { count, isoTimestamp, nullableTimestamp } from './wire-values.js';

/**
 * The events of `GET /admin/events` (server-sent events). Each SSE message's `event:` field is the object's `type`
 * and its `data:` the object as JSON. No event holds a secret: keys appear only as fingerprints.
 */

/** The first message of every stream: what the server is and how often traffic aggregates come. */
export const helloEventSchema = z
  .object({
    type: z.literal('hello'),
    at: isoTimestamp,
    version: z.string().meta({ description: 'The ccb version.' }),
    interval_ms: count.meta({ description: 'How often a traffic event comes, in ms.' }),
  })
  .meta({ description: 'Sent first on every stream.' });

/** A health change of one provider, as the router announced it. */
export const routerEventSchema = z
  .object({
    type: z.literal('router'),
    kind: z
      .enum([
        'state-change',
        'rate-limited',
        'rate-limit-ended',
        'deprioritized',
        'reprioritized',
        'benched',
        'unbenched',
      ])
      .meta({ description: 'What changed: the circuit, a cool-down, a de-prioritization or a bench.' }),
    provider: z.string(),
    at: isoTimestamp,
    from: z.enum(['closed', 'open', 'half-open']).nullable().meta({ description: 'state-change only.' }),
    to: z.enum(['closed', 'open', 'half-open']).nullable().meta({ description: 'state-change only.' }),
    reason: z.string().nullable().meta({
      description:
        'Why: the open reason or what closed it, the rate-limit class, the de-prioritization or bench reason.',
    }),
    status: z.number().int().nullable().meta({ description: 'The upstream status that caused it, if any.' }),
    until: nullableTimestamp.meta({ description: 'When an open circuit, cool-down or bench ends.' }),
    message: z.string().meta({ description: 'The change in words, as ccb logs it.' }),
  })
  .meta({
    description: 'A provider changed health: circuit, cool-down, priority or bench. Once per change.',
  });

/** One attempt of a request that failed over. */
export const failoverAttemptSchema = z.object({
  provider: z.string(),
  result: z.string().meta({ description: 'success, failure, or client_error.' }),
  status: z.number().int().nullable(),
  reason: z.string().nullable().meta({ description: 'A short reason for a failure (never upstream text).' }),
});

/** A request served after failing over, or one that every provider failed. */
export const failoverEventSchema = z
  .object({
    type: z.literal('failover'),
    at: isoTimestamp,
    request_id: z.string(),
    outcome: z.enum(['failed_over', 'error']),
    provider: z.string().nullable().meta({ description: 'The provider that served it; null when none did.' }),
    status: z.number().int(),
    attempts: z.array(failoverAttemptSchema),
  })
  .meta({
    description: 'A request that failed over (or failed on every provider tried), with its request id.',
  });

/** A configuration reload: applied, unchanged or rejected. */
export const reloadEventSchema = z
  .object({
    type: z.literal('reload'),
    at: isoTimestamp,
    trigger: z.string().meta({ description: 'What asked for it: request, SIGHUP, file changed, …' }),
    result: z.enum(['applied', 'unchanged', 'rejected']),
    changes: z.array(z.string()),
    errors: z.array(z.string()),
  })
  .meta({ description: 'The configuration was reloaded (or a reload was rejected).' });

/** What one provider served in one interval. */
export const trafficSliceSchema = z
  .object({
    requests: count,
    errors: count.meta({ description: 'Requests whose client got an error.' }),
    failovers: count.meta({ description: 'Requests it served after another provider failed.' }),
    ttfb_ms_p50: z
      .number()
      .nullable()
      .meta({ description: 'Median time to first byte, ms; null with no request.' }),
    ttfb_ms_max: z.number().nullable(),
    overhead_ms_p50: z.number().nullable().meta({ description: 'Median time spent in ccb itself, ms.' }),
    input_tokens: count,
    output_tokens: count,
    cache_read_tokens: count,
    cache_creation_tokens: count,
    cost_usd: z.number().min(0),
  })
  .meta({
    description: 'What one provider (or all) served in one interval.',
    examples: [
      {
        requests: 12,
        errors: 0,
        failovers: 1,
        ttfb_ms_p50: 412,
        ttfb_ms_max: 903,
        overhead_ms_p50: 0.6,
        input_tokens: 48210,
        output_tokens: 3120,
        cache_read_tokens: 40960,
        cache_creation_tokens: 1024,
        cost_usd: 0.0712,
      },
    ],
  });

/** One second (by default) of traffic, summed per provider. */
export const trafficEventSchema = z
  .object({
    type: z.literal('traffic'),
    at: isoTimestamp.meta({ description: 'The end of the interval.' }),
    interval_ms: count,
    providers: z.record(z.string(), trafficSliceSchema).meta({
      description:
        'Per provider that served or was tried in the interval; "(none)" for requests none served.',
    }),
    total: trafficSliceSchema,
    failover_reasons: z.record(z.string(), count).meta({
      description: 'Failed attempts in the interval by reason (status code or failure kind).',
    }),
    cache_hit_rate: z.number().min(0).max(1).nullable().meta({
      description: 'Cache-read input tokens / all input tokens in the interval; null with no input.',
    }),
  })
  .meta({ description: 'An aggregate of the requests that ended in the interval, sent every interval_ms.' });

/** Every event of the stream. */
export const adminEventSchema = z
  .discriminatedUnion('type', [
    helloEventSchema,
    routerEventSchema,
    failoverEventSchema,
    reloadEventSchema,
    trafficEventSchema,
  ])
  .meta({
    description:
      'One message of GET /admin/events: its SSE event name is its type, its data this object as JSON.',
    examples: [
      {
        type: 'router',
        kind: 'rate-limited',
        provider: 'alpha',
        at: '2026-12-06T10:00:00.000Z',
        from: null,
        to: null,
        reason: 'rate_limit',
        status: 429,
        until: '2026-12-06T10:00:30.000Z',
        message: 'provider alpha: rate limit (status 429), cooling down until 2026-12-06T10:00:30.000Z',
      },
    ],
  });

export type HelloEvent = z.infer<typeof helloEventSchema>;
export type RouterEventWire = z.infer<typeof routerEventSchema>;
export type FailoverEvent = z.infer<typeof failoverEventSchema>;
export type ReloadEvent = z.infer<typeof reloadEventSchema>;
export type TrafficSlice = z.infer<typeof trafficSliceSchema>;
export type TrafficEvent = z.infer<typeof trafficEventSchema>;
export type AdminEvent = z.infer<typeof adminEventSchema>;
