import type { BudgetReadings, BudgetReading as ProtocolBudgetReading, UnifiedReading } from '@ccb/protocol';
import { z } from 'zod';
import { isoOrNull, nullableTimestamp } from './wire-values.js';

/** One `anthropic-ratelimit-<kind>-{limit,remaining,reset}` triple, as last reported by the upstream. */
export const budgetReadingSchema = z
  .object({
    limit: z.number().nullable().meta({ description: 'The budget per window, when sent.' }),
    remaining: z.number().nullable().meta({ description: 'What is left of it, when sent.' }),
    reset_at: nullableTimestamp.meta({ description: 'When it refills, when sent.' }),
  })
  .meta({
    description:
      'One API-key budget (https://docs.claude.com/en/api/rate-limits); null fields were not sent.',
    examples: [{ limit: 4000, remaining: 3998, reset_at: '2026-12-06T10:00:00.000Z' }],
  });

/** The standard API-key budgets; `null` for a kind the upstream never reported. */
export const rateLimitSchema = z
  .object({
    requests: budgetReadingSchema.nullable(),
    tokens: budgetReadingSchema.nullable(),
    input_tokens: budgetReadingSchema.nullable(),
    output_tokens: budgetReadingSchema.nullable(),
  })
  .meta({
    description:
      "The provider's API-key budgets from its last anthropic-ratelimit-* headers; a kind it never sent is null.",
    examples: [
      {
        requests: { limit: 4000, remaining: 3998, reset_at: '2026-12-06T10:00:00.000Z' },
        tokens: null,
        input_tokens: { limit: 400000, remaining: 371200, reset_at: '2026-12-06T10:00:00.000Z' },
        output_tokens: { limit: 80000, remaining: 79100, reset_at: '2026-12-06T10:00:00.000Z' },
      },
    ],
  });

/** One subscription ("unified") window, e.g. `5h` or `7d`. */
export const unifiedWindowSchema = z
  .object({
    status: z.string().nullable().meta({ description: 'allowed, allowed_warning or rejected, when sent.' }),
    utilization: z
      .number()
      .min(0)
      .nullable()
      .meta({ description: 'Fraction used, e.g. 0.93; above 1 when exhausted.' }),
    reset_at: nullableTimestamp,
  })
  .meta({
    description: 'One subscription window.',
    examples: [{ status: 'allowed', utilization: 0.42, reset_at: '2026-12-06T14:00:00.000Z' }],
  });

/** Subscription ("unified") limits as last reported, keyed by window name. */
export const unifiedSchema = z
  .object({
    status: z.string().nullable().meta({ description: 'allowed, allowed_warning or rejected, when sent.' }),
    reset_at: nullableTimestamp,
    windows: z
      .record(z.string(), unifiedWindowSchema)
      .meta({ description: 'Per window (5h, 7d, 7d_opus, overage, …), as the upstream named them.' }),
  })
  .meta({
    description:
      'Subscription limits from the last anthropic-ratelimit-unified-* headers (observed on subscription accounts; not in the public docs).',
    examples: [
      {
        status: 'allowed',
        reset_at: '2026-12-06T14:00:00.000Z',
        windows: {
          '5h': { status: 'allowed', utilization: 0.42, reset_at: '2026-12-06T14:00:00.000Z' },
          '7d': { status: 'allowed_warning', utilization: 0.81, reset_at: '2026-12-09T00:00:00.000Z' },
        },
      },
    ],
  });

/** A budget reading on the wire. */
export type BudgetReadingWire = z.infer<typeof budgetReadingSchema>;
/** The budgets on the wire. */
export type RateLimitWire = z.infer<typeof rateLimitSchema>;
/** A subscription window on the wire. */
export type UnifiedWindowWire = z.infer<typeof unifiedWindowSchema>;
/** Subscription limits on the wire. */
export type UnifiedWire = z.infer<typeof unifiedSchema>;

function budgetReadingWire(reading: ProtocolBudgetReading | null): BudgetReadingWire | null {
  if (reading === null) return null;
  return { limit: reading.limit, remaining: reading.remaining, reset_at: isoOrNull(reading.resetAt) };
}

/** `@ccb/protocol`'s budget readings (ms epochs, camelCase) as the admin API writes them. */
export function toRateLimitWire(budget: BudgetReadings): RateLimitWire {
  return {
    requests: budgetReadingWire(budget.requests),
    tokens: budgetReadingWire(budget.tokens),
    input_tokens: budgetReadingWire(budget.inputTokens),
    output_tokens: budgetReadingWire(budget.outputTokens),
  };
}

/** `@ccb/protocol`'s subscription reading (ms epochs) as the admin API writes it; `null` stays `null`. */
export function toUnifiedWire(unified: UnifiedReading | null): UnifiedWire | null {
  if (unified === null) return null;
  // fromEntries defines own properties: a window named `__proto__` (header names are the upstream's) stays data.
  const windows: Record<string, UnifiedWindowWire> = Object.fromEntries(
    Object.entries(unified.windows).map(([name, window]) => [
      name,
      { status: window.status, utilization: window.utilization, reset_at: isoOrNull(window.resetAt) },
    ]),
  );
  return { status: unified.status, reset_at: isoOrNull(unified.resetAt), windows };
}
