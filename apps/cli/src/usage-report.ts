import { parseDuration } from '@ccb/config';
import {
  totalUsageRow,
  type UsageDimension,
  type UsageLedger,
  type UsageRow,
  usageDimensions,
} from '@ccb/ledger';
import { usageError } from './cli-error.js';

/** What `ccb usage` and `GET /admin/usage` report. */
export interface UsageReport {
  readonly since: string;
  readonly by: UsageDimension;
  readonly rows: readonly UsageRow[];
  readonly total: UsageRow;
}

/** Reads the parameters of a usage report (`--since 7d --by model`, or the same query string). */
export function usageQuery(
  since: string | undefined,
  by: string | undefined,
  now = Date.now(),
): { sinceInMs: number; by: UsageDimension } {
  const window = parseDuration(since ?? '7d');
  if (window === undefined) {
    throw usageError(`since must be a duration such as 24h, 7d or 30d; got "${since}"`);
  }
  const dimension = (by ?? 'provider') as UsageDimension;
  if (!usageDimensions.includes(dimension)) {
    throw usageError(`by must be one of ${usageDimensions.join(', ')}; got "${by}"`);
  }
  return { sinceInMs: now - window, by: dimension };
}

/** Queries the ledger (SQLite or Postgres) for a report. */
export async function usageReport(
  ledger: Pick<UsageLedger, 'query'>,
  since: string | undefined,
  by: string | undefined,
): Promise<UsageReport> {
  const query = usageQuery(since, by);
  const rows = await ledger.query(query);
  return { since: new Date(query.sinceInMs).toISOString(), by: query.by, rows, total: totalUsageRow(rows) };
}
