import { z } from 'zod';
import { positiveDurationField, secretField } from './_fields.js';

/** `ledger:` — the embedded usage and cost ledger (SQLite). */
export const ledgerSchema = z
  .strictObject({
    enabled: z.boolean().default(true).meta({
      description:
        'Record every request (tokens, cost, provider; never bodies) for ccb usage and budgets. Default true.',
    }),
    path: z.string().min(1).default('ccb-ledger.sqlite').meta({
      description: 'SQLite file, relative to the config file (unused with url). Default ccb-ledger.sqlite.',
    }),
    url: secretField()
      .regex(/^postgres(ql)?:\/\//, { error: 'must be a postgres:// or postgresql:// URL' })
      .optional()
      .meta({
        description:
          'A PostgreSQL database (postgres://user:password@host:5432/db) holding one ledger for every ccb instance, instead of the SQLite file. Use ${VAR}: it may carry a password.',
      }),
    batch_interval: positiveDurationField(
      'rows are written in batches at this interval, off the request path',
    )
      .prefault('1s')
      .meta({
        description:
          'Writes are batched off the request path at this interval, more than 0; a crash loses at most one. Default 1s.',
      }),
    retention: positiveDurationField('set ledger.enabled: false to keep no ledger').prefault('30d').meta({
      description: 'How long rows are kept, more than 0. Default 30 days.',
    }),
  })
  .meta({ description: 'Usage and cost ledger.' });

/** `pricing:` — where prices come from. */
export const pricingSchema = z
  .strictObject({
    file: z.string().min(1).optional().meta({
      description:
        'A YAML or JSON price table replacing the built-in one: a list of { family (e.g. claude-sonnet-4-6, which also matches its dated ids) or pattern (a glob), price: { input, cacheWrite5m, cacheWrite1h, cacheRead, output } } in USD per million tokens; relative to the config file.',
    }),
  })
  .meta({ description: 'Model prices.' });

const usd = (description: string) => z.number().min(0).optional().meta({ description });
const tokens = (description: string) => z.number().int().min(0).optional().meta({ description });

/** One `budgets[]` entry: a spend or token cap per UTC day and month, for a provider or a client key. */
export const budgetSchema = z
  .strictObject({
    provider: z.string().min(1).optional().meta({ description: 'Provider name the budget applies to.' }),
    key: z.string().min(1).optional().meta({
      description:
        'Client key the budget applies to: the key itself (e.g. ${CCB_API_KEY}, never logged), its 12-character fingerprint as ccb logs it (keyed by auth.fingerprint_secret or ccb-fingerprint.key; one that names no auth.api_keys entry is refused), or * for each key.',
    }),
    daily_usd: usd('Spend cap per UTC day, in USD.'),
    monthly_usd: usd('Spend cap per UTC month, in USD.'),
    daily_tokens: tokens('Token cap per UTC day.'),
    monthly_tokens: tokens('Token cap per UTC month.'),
  })
  .superRefine((budget, context) => {
    const { provider, key } = budget as { provider?: unknown; key?: unknown };
    if ((provider === undefined) === (key === undefined)) {
      context.addIssue({ code: 'custom', path: [], message: 'give exactly one of provider or key' });
    }
  })
  .meta({ description: 'A budget.' });

export type LedgerConfig = z.output<typeof ledgerSchema>;
export type PricingConfig = z.output<typeof pricingSchema>;
export type BudgetConfig = z.output<typeof budgetSchema>;
