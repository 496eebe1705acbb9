import { z } from 'zod';
import { count, fraction, isoTimestamp } from './wire-values.js';

/**
 * The dimensions `GET /admin/usage?by=` groups by (`@ccb/ledger`'s `usageDimensions`); `day` is the UTC calendar
 * day.
 */
export const usageDimensionSchema = z.enum(['provider', 'model', 'day', 'key', 'session']).meta({
  description:
    'provider, model (the model sent upstream, else the one requested), day (UTC), key (client key fingerprint) or session.',
});

/**
 * One group of a usage report, as `@ccb/ledger` writes it. Its fields are camelCase, unlike the rest of the admin
 * API: this is the report `GET /admin/usage` has always sent, kept as it is for the clients that read it.
 */
export const usageRowSchema = z
  .object({
    key: z.string().nullable().meta({
      description:
        "The group (provider, model, YYYY-MM-DD, key fingerprint or session id); null for rows without one; 'total' in total.",
    }),
    requests: count,
    inputTokens: count,
    outputTokens: count,
    cacheCreationInputTokens: count,
    cacheReadInputTokens: count,
    cacheHitRate: fraction.meta({
      description: 'cache read / (input + cache creation + cache read); 0 without a prompt.',
    }),
    costUsd: z.number().min(0).meta({ description: 'Cost in USD (0 for a model without a price).' }),
  })
  .meta({
    description: 'One group of a usage report (camelCase, as the report has always been sent).',
    examples: [
      {
        key: 'anthropic-primary',
        requests: 412,
        inputTokens: 180233,
        outputTokens: 95012,
        cacheCreationInputTokens: 40211,
        cacheReadInputTokens: 1650022,
        cacheHitRate: 0.88,
        costUsd: 9.87,
      },
    ],
  });

/** `GET /admin/usage?since=7d&by=provider`: the `ccb usage` report as JSON. */
export const usageReportSchema = z
  .object({
    since: isoTimestamp.meta({ description: 'Start of the range (now minus since).' }),
    by: usageDimensionSchema,
    rows: z.array(usageRowSchema),
    total: usageRowSchema.meta({
      description: "The sum of rows, with key 'total' and the hit rate recomputed.",
    }),
  })
  .meta({
    description: 'The usage ledger summed over a range, grouped by one dimension.',
    examples: [
      {
        since: '2026-11-29T10:00:00.000Z',
        by: 'provider',
        rows: [
          {
            key: 'anthropic-primary',
            requests: 412,
            inputTokens: 180233,
            outputTokens: 95012,
            cacheCreationInputTokens: 40211,
            cacheReadInputTokens: 1650022,
            cacheHitRate: 0.88,
            costUsd: 9.87,
          },
        ],
        total: {
          key: 'total',
          requests: 412,
          inputTokens: 180233,
          outputTokens: 95012,
          cacheCreationInputTokens: 40211,
          cacheReadInputTokens: 1650022,
          cacheHitRate: 0.88,
          costUsd: 9.87,
        },
      },
    ],
  });

/** `POST /admin/reset?provider=NAME`: the provider whose circuit, cool-down and budget bench were cleared. */
export const resetResultSchema = z
  .object({
    provider: z.string(),
    reset: z.literal(true),
  })
  .meta({
    description: 'The provider whose health was reset.',
    examples: [{ provider: 'anthropic-primary', reset: true }],
  });

/** A usage dimension. */
export type UsageDimension = z.infer<typeof usageDimensionSchema>;
/** One group of a usage report. */
export type UsageRow = z.infer<typeof usageRowSchema>;
/** The `GET /admin/usage` body. */
export type UsageReport = z.infer<typeof usageReportSchema>;
/** The `POST /admin/reset` body. */
export type ResetResult = z.infer<typeof resetResultSchema>;
