import type { Config } from '@ccb/config';
import {
  createPostgresLedger,
  type LedgerError,
  type PostgresLedger,
  type PostgresLedgerOptions,
  type SpendSnapshot,
} from '@ccb/ledger';

/** The Postgres ledger of `ledger.url`, opened before the balancer is composed. */
export interface OpenedPostgresLedger {
  readonly ledger: PostgresLedger;
  /**
   * The current day's and month's spend of every provider and key, read at start for budgets to restore; absent
   * without budgets, or when the database could not answer (budgets then count from zero).
   */
  readonly spend: SpendSnapshot | undefined;
}

/** `ledger:` as the Postgres ledger takes it (the URL, batching, retention). */
export function postgresLedgerOptions(
  ledger: Config['ledger'] & { readonly url: string },
  options: { readonly now?: () => number; readonly onError?: (error: LedgerError) => void },
): PostgresLedgerOptions {
  return {
    url: ledger.url,
    batchIntervalInMs: ledger.batch_interval,
    retentionDays: ledger.retention / 86_400_000,
    ...(options.now !== undefined ? { now: options.now } : {}),
    ...(options.onError !== undefined ? { onError: options.onError } : {}),
  };
}

/**
 * Opens the ledger at `ledger.url` for a balancer: creates or checks its schema, and reads back the spend budgets
 * restore (they read synchronously; Postgres answers asynchronously, so it is read once here). A database that is
 * down or refuses is a warning, not a failed start: requests never wait for the ledger, which keeps their rows in
 * memory and retries.
 */
export async function openPostgresLedger(
  config: Config,
  options: {
    readonly now?: () => number;
    readonly onError?: (error: LedgerError) => void;
    readonly onWarning?: (message: string) => void;
  },
): Promise<OpenedPostgresLedger | undefined> {
  const url = config.ledger.url;
  if (!config.ledger.enabled || url === undefined) return undefined;
  const ledger = createPostgresLedger(postgresLedgerOptions({ ...config.ledger, url }, options));
  try {
    await ledger.ready();
  } catch (error) {
    options.onWarning?.(
      `ledger: ${(error as Error).message} Serving goes on; rows wait in memory and are written once it answers.`,
    );
    return { ledger, spend: undefined };
  }
  if (config.budgets.length === 0) return { ledger, spend: undefined };
  const now = (options.now ?? Date.now)();
  try {
    const spend = await ledger.spendSnapshot({ windowStartsInMs: budgetWindowStarts(now), untilInMs: now });
    return { ledger, spend };
  } catch (error) {
    options.onWarning?.(`ledger: ${(error as Error).message} Budgets count from zero until the next start.`);
    return { ledger, spend: undefined };
  }
}

/** Starts of the UTC day and month around `timeInMs`: the windows budgets count in. */
export function budgetWindowStarts(timeInMs: number): [dayStartInMs: number, monthStartInMs: number] {
  const time = new Date(timeInMs);
  return [
    Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate()),
    Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), 1),
  ];
}
