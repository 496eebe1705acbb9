import { z } from 'zod';
import { durationField, positiveDurationField } from './_fields.js';

/** How an active health probe checks a provider. */
export const probeKinds = ['models', 'count_tokens', 'tcp'] as const;
export type ProbeKind = (typeof probeKinds)[number];

const fraction = (description: string, fallback: number) =>
  z.number().min(0).max(1).default(fallback).meta({ description });
const positiveInteger = (description: string, fallback: number) =>
  z.number().int().min(1).default(fallback).meta({ description });

/** `health.probe:` — optional background checks that find failures and recoveries without user requests. */
export const probeSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .meta({ description: 'Probe every enabled provider in the background. Default false.' }),
    interval: positiveDurationField('set health.probe.enabled: false to stop probing').prefault('30s').meta({
      description:
        'Time between two probes of one provider (spread with ±10% jitter), more than 0. Default 30s.',
    }),
    timeout: positiveDurationField('a probe needs time to answer')
      .prefault('5s')
      .meta({ description: 'Bound on one probe, more than 0. Default 5s.' }),
    kind: z.enum(probeKinds).default('models').meta({
      description:
        'models (GET /v1/models with the provider credentials), count_tokens (a tiny POST /v1/messages/count_tokens) or tcp (connect only). Default models.',
    }),
  })
  .meta({ description: 'Active health probes.' });

/** `health:` — circuit breaking and rate-limit cooldowns (passive health), and active probes. */
export const healthSchema = z
  .strictObject({
    enabled: z.boolean().default(true).meta({
      description:
        'Learn from failures: skip a failing or rate-limited provider until it recovers. Default true.',
    }),
    failure_threshold: positiveInteger('Consecutive failures that open a provider circuit. Default 3.', 3),
    failure_rate_threshold: fraction(
      'Failure rate over the sliding window that opens the circuit, 0..1. Default 0.5.',
      0.5,
    ),
    window_size: positiveInteger('Requests in the sliding failure-rate window. Default 20.', 20),
    min_requests_in_window: positiveInteger(
      'Requests the window needs before its failure rate counts. Default 10.',
      10,
    ),
    cooldown: durationField().prefault('10s').meta({
      description: 'First cool-down of an open circuit. 0: none, the next request is the trial. Default 10s.',
    }),
    max_cooldown: durationField().prefault('5m').meta({
      description: 'Cap of the cool-down, which doubles with each re-opening (0: no cool-down). Default 5m.',
    }),
    backoff_multiplier: z
      .number()
      .min(1)
      .default(2)
      .meta({ description: 'Growth of the cool-down per re-opening, >= 1. Default 2.' }),
    auth_failure_cooldown: durationField().prefault('10m').meta({
      description:
        'How long a provider answering 401/403 on the Messages API (bad credentials) is skipped, unless a request to it succeeds first. 0: no cool-down, the next request tries it again. Default 10m.',
    }),
    rate_limit_cooldown: durationField()
      .prefault('10s')
      .meta({ description: 'Cool-down after a 429 that names no reset time. 0: none. Default 10s.' }),
    overloaded_cooldown: durationField().prefault('2s').meta({
      description: 'Cool-down after a 529 overloaded answer without retry-after. 0: none. Default 2s.',
    }),
    request_scoped_429_cooldown: durationField().prefault('1s').meta({
      description: 'Cool-down after a 429 scoped to one request (x-should-retry only). 0: none. Default 1s.',
    }),
    spend_limit_cooldown: durationField().prefault('24h').meta({
      description:
        'How long a provider over its spend limit is benched (until reset earlier). 0: no bench. Default 24h.',
    }),
    low_budget_threshold: fraction(
      'Share of a rate limit left under which a provider is de-prioritized within its tier until the reset. Default 0.05.',
      0.05,
    ),
    unified_utilization_threshold: fraction(
      'Subscription window utilization from which a provider is de-prioritized. Default 0.9.',
      0.9,
    ),
    half_open_trial_timeout: positiveDurationField('a trial request needs time to report its outcome')
      .prefault('60s')
      .meta({
        description:
          'How long a half-open trial slot waits for its outcome before freeing itself, more than 0. Default 60s.',
      }),
    probe: probeSchema.prefault({}),
  })
  .meta({ description: 'Provider health: circuit breaking, rate-limit cooldowns and active probes.' });

/** The resolved `health:` section; durations in milliseconds. */
export type HealthConfig = z.output<typeof healthSchema>;
export type ProbeConfig = z.output<typeof probeSchema>;
