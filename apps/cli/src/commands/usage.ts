import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { createLedger, formatUsageTable } from '@ccb/ledger';
import { defineCommand } from 'citty';
import { ledgerPath } from '../cost-accounting.js';
import { configArgs, exitOnUserError, loadCliConfig } from '../load-cli-config.js';
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
      const { config, path } = await loadCliConfig(args.config);
      const file = ledgerPath(config, path === undefined ? process.cwd() : dirname(path));
      if (!config.ledger.enabled || (file !== ':memory:' && !existsSync(file))) {
        process.stderr.write(
          `ccb: no usage ledger at ${file} yet (ledger.enabled: ${config.ledger.enabled})\n`,
        );
        process.exit(1);
      }
      const ledger = createLedger({ path: file, retentionDays: Number.POSITIVE_INFINITY });
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
      exitOnUserError(error);
    }
  },
});
