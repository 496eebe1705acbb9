import { defineCommand } from 'citty';
import { request } from 'undici';
import { formatStatusTable, type ReadinessBody } from '../format-status-table.js';

export const statusCommand = defineCommand({
  meta: {
    name: 'status',
    description: 'Show the health of each provider of a running ccb (from its /readyz)',
  },
  args: {
    url: { type: 'string', description: 'Base URL of the running ccb (default http://127.0.0.1:8000)' },
    json: { type: 'boolean', description: 'Print the raw JSON' },
  },
  async run({ args }) {
    const base = (args.url ?? 'http://127.0.0.1:8000').replace(/\/+$/, '');
    let body: ReadinessBody;
    try {
      const response = await request(`${base}/readyz`, { signal: AbortSignal.timeout(5_000) });
      body = (await response.body.json()) as ReadinessBody;
    } catch (error) {
      process.stderr.write(`ccb: cannot reach ${base}/readyz: ${(error as Error).message}\n`);
      process.exit(1);
    }
    process.stdout.write(args.json === true ? `${JSON.stringify(body, null, 2)}\n` : formatStatusTable(body));
    if (body.status !== 'ready') process.exitCode = 1;
  },
});
