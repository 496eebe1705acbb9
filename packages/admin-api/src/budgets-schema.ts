import { z } from 'zod';
import { count, fraction, isoTimestamp } from './wire-values.js';

/** One cap of one budget (`budgets:` in the config) with what is used and left in its current window. */
export const spendBudgetSchema = z
  .object({
    scope: z.enum(['provider', 'key']),
    name: z.string().meta({
      description:
        "The provider, or for a key budget the key's fingerprint (never the key); each key of a '*' budget is listed on its own once seen.",
    }),
    window: z.enum(['day', 'month']).meta({ description: 'The UTC calendar day or month.' }),
    metric: z.enum(['usd', 'tokens']),
    limit: z.number().min(0),
    used: z.number().min(0).meta({ description: 'Spent in the current window, in the metric.' }),
    remaining: z.number().min(0).meta({ description: 'limit - used, never below 0.' }),
    exceeded: z.boolean().meta({ description: 'true once used >= limit: the provider or key is stopped.' }),
    resets_at: isoTimestamp.meta({ description: 'When the current window ends.' }),
  })
  .meta({
    description: 'One cap of one budget and how much of it is left.',
    examples: [
      {
        scope: 'provider',
        name: 'anthropic-primary',
        window: 'day',
        metric: 'usd',
        limit: 20,
        used: 12.5,
        remaining: 7.5,
        exceeded: false,
        resets_at: '2026-12-07T00:00:00.000Z',
      },
    ],
  });

/** What prompt-cache reads saved, counted by this process from the requests it finished. */
export const cacheSavingsSchema = z
  .object({
    since: isoTimestamp.meta({
      description:
        'Start of the count: the later of UTC midnight and the start of this ccb process (kept in memory only).',
    }),
    input_tokens: count,
    cache_creation_input_tokens: count,
    cache_read_input_tokens: count,
    hit_rate: fraction.meta({
      description: 'cache read / (input + cache creation + cache read); 0 without a prompt.',
    }),
    saved_usd: z.number().min(0).meta({
      description:
        "Estimate: each request's cache-read tokens priced at its provider's input price minus its cache-read price (the prices ccb bills with). Models without a price count 0.",
    }),
  })
  .meta({
    description: 'Prompt-cache hit rate and what cache reads saved, today.',
    examples: [
      {
        since: '2026-12-06T00:00:00.000Z',
        input_tokens: 180233,
        cache_creation_input_tokens: 40211,
        cache_read_input_tokens: 1650022,
        hit_rate: 0.88,
        saved_usd: 4.46,
      },
    ],
  });

/** The router's session-affinity counters, since the start of the process. */
export const affinityStatsSchema = z
  .object({
    sessions: count.meta({
      description: 'Live bindings (one per session and model); 0 when the store cannot tell.',
    }),
    hits: count.meta({
      description: 'Plans whose first provider came from a binding (where its prompt cache is warm).',
    }),
    moves: count.meta({
      description: 'Bindings moved to another provider (the bound one was unusable or failed).',
    }),
    misses: count.meta({ description: 'Plans for a session without a binding (new, expired or evicted).' }),
  })
  .meta({
    description: 'Session-affinity counters since the start of the process.',
    examples: [{ sessions: 12, hits: 940, moves: 3, misses: 12 }],
  });

/** `GET /admin/budgets`: budgets with what is left, prompt-cache savings and session affinity. */
export const budgetsReportSchema = z
  .object({
    budgets: z.array(spendBudgetSchema).meta({ description: 'Every cap; empty without budgets.' }),
    cache: cacheSavingsSchema,
    affinity: affinityStatsSchema,
  })
  .meta({
    description: 'Budgets with what is left, prompt-cache savings today and session-affinity counters.',
    examples: [
      {
        budgets: [
          {
            scope: 'key',
            name: '3f9a1c2b7d4e',
            window: 'month',
            metric: 'tokens',
            limit: 5000000,
            used: 1200000,
            remaining: 3800000,
            exceeded: false,
            resets_at: '2027-01-01T00:00:00.000Z',
          },
        ],
        cache: {
          since: '2026-12-06T00:00:00.000Z',
          input_tokens: 180233,
          cache_creation_input_tokens: 40211,
          cache_read_input_tokens: 1650022,
          hit_rate: 0.88,
          saved_usd: 4.46,
        },
        affinity: { sessions: 12, hits: 940, moves: 3, misses: 12 },
      },
    ],
  });

export type SpendBudget = z.infer<typeof spendBudgetSchema>;
export type CacheSavings = z.infer<typeof cacheSavingsSchema>;
export type AffinityStats = z.infer<typeof affinityStatsSchema>;
export type BudgetsReport = z.infer<typeof budgetsReportSchema>;
