import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Config, loadConfigSection } from '@ccb/config';
import {
  asUsageLedger,
  createLedger,
  createPostgresLedger,
  formatUsageTable,
  LedgerError,
  type UsageLedger,
} from '@ccb/ledger';
import { defineCommand } from 'citty';
import { CliError } from '../cli-error.js';
import { configArgs } from '../load-cli-config.js';
import { ledgerPath } from '../open-ledger.js';
import { postgresLedgerOptions } from '../postgres-ledger.js';
import { exitWithFailure } from '../report-failure.js';
import { usageReport } from '../usage-report.js';

export const usageCommand = defineCommand({
  meta: { name: 'usage', description: 'Requests, tokens, cache hit rate and cost from the usage ledger' },
  args: {
    ...configArgs,
    since: { type: 'string', description: 'How far back: 24h, 7d, 30d (default 7d)' },
    by: { type: 'string', description: 'provider | model | day | key | session (default provider)' },
    json: { type: 'boolean', description: 'Print JSON instead of a table' },
  },
  async run({ args }) {
    try {
      // Only the ledger section: a report needs no provider secret, so their ${VAR}s may be unset here.
      const { value: ledgerConfig, path } = await loadConfigSection(
        'ledger',
        args.config !== undefined ? { path: args.config } : {},
      );
      const ledger = openForReport(ledgerConfig, path === undefined ? process.cwd() : dirname(path));
      try {
        const report = await usageReport(ledger, args.since, args.by);
        process.stdout.write(
          args.json === true
            ? `${JSON.stringify(report, null, 2)}\n`
            : `since ${report.since}\n${formatUsageTable(report.rows, { by: report.by })}`,
        );
      } finally {
        await ledger.close();
      }
    } catch (error) {
      exitWithFailure(error);
    }
  },
});

/**
 * Opens the ledger for a report: the Postgres database of `ledger.url` (every instance's rows), else the SQLite
 * file. Without a ledger, or a SQLite library, says so in the one line the CLI prints and exits 1.
 */
function openForReport(ledgerConfig: Config['ledger'], baseDir: string): UsageLedger {
  const url = ledgerConfig.url;
  if (ledgerConfig.enabled && url !== undefined) {
    // Only what this command reads: no retention here (the serving instances prune), a short connect timeout.
    return createPostgresLedger({
      ...postgresLedgerOptions({ ...ledgerConfig, url }, {}),
      retentionDays: Number.POSITIVE_INFINITY,
      connectTimeoutInMs: 10_000,
    });
  }
  const file = ledgerPath(ledgerConfig, baseDir);
  if (!ledgerConfig.enabled || (file !== ':memory:' && !existsSync(file))) {
    process.stderr.write(`ccb: no usage ledger at ${file} yet (ledger.enabled: ${ledgerConfig.enabled})\n`);
    process.exit(1);
  }
  try {
    return asUsageLedger(createLedger({ path: file, retentionDays: Number.POSITIVE_INFINITY }), file);
  } catch (error) {
    if (!LedgerError.is(error, 'CCB_LEDGER_DRIVER_UNAVAILABLE')) throw error;
    throw new CliError(`cannot read the usage ledger at ${file}: ${error.message}`);
  }
}
