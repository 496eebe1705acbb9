import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadConfigSection } from '@ccb/config';
import { createLedger, formatUsageTable, type Ledger, LedgerError } from '@ccb/ledger';
import { defineCommand } from 'citty';
import { CliError } from '../cli-error.js';
import { ledgerPath } from '../cost-accounting.js';
import { configArgs } from '../load-cli-config.js';
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
      const file = ledgerPath(ledgerConfig, path === undefined ? process.cwd() : dirname(path));
      if (!ledgerConfig.enabled || (file !== ':memory:' && !existsSync(file))) {
        process.stderr.write(
          `ccb: no usage ledger at ${file} yet (ledger.enabled: ${ledgerConfig.enabled})\n`,
        );
        process.exit(1);
      }
      const ledger = openForReport(file);
      try {
        const report = usageReport(ledger, args.since, args.by);
        process.stdout.write(
          args.json === true
            ? `${JSON.stringify(report, null, 2)}\n`
            : `since ${report.since}\n${formatUsageTable(report.rows, { by: report.by })}`,
        );
      } finally {
        ledger.close();
      }
    } catch (error) {
      exitWithFailure(error);
    }
  },
});

/** Opens the ledger file for a report; without a SQLite library, says so in the one line the CLI prints. */
function openForReport(file: string): Ledger {
  try {
    return createLedger({ path: file, retentionDays: Number.POSITIVE_INFINITY });
  } catch (error) {
    if (!LedgerError.is(error, 'CCB_LEDGER_DRIVER_UNAVAILABLE')) throw error;
    throw new CliError(`cannot read the usage ledger at ${file}: ${error.message}`);
  }
}
