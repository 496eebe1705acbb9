import { defineCommand } from 'citty';
import { request } from 'undici';
import { CliError } from '../cli-error.js';
import { shouldColour } from '../colour.js';
import { formatStatusTable, type ReadinessBody } from '../format-status-table.js';

/** How long `ccb status` waits for `/readyz`: a ccb answers at once, so a silent one is stuck or not ccb. */
const readinessTimeoutInMs = 5_000;

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
    const body = await fetchReadiness(`${base}/readyz`);
    const colour = shouldColour({ isTTY: process.stdout.isTTY, env: process.env });
    process.stdout.write(
      args.json === true ? `${JSON.stringify(body, null, 2)}\n` : formatStatusTable(body, { colour }),
    );
    if (body.status !== 'ready') {
      throw new CliError(`${base} is ${body.status}: no enabled provider is usable right now`);
    }
  },
});

/** GETs `/readyz` and checks it is ccb's readiness body; every way this fails is one actionable message. */
async function fetchReadiness(url: string): Promise<ReadinessBody> {
  let statusCode: number;
  let text: string;
  try {
    const response = await request(url, { signal: AbortSignal.timeout(readinessTimeoutInMs) });
    statusCode = response.statusCode;
    text = await response.body.text();
  } catch (error) {
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${readinessTimeoutInMs / 1000} s`
        : (error as Error).message;
    throw new CliError(
      `cannot reach ${url}: ${reason}; is ccb running there? Start it with \`ccb serve\`, or pass its address with --url`,
      { cause: error },
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (typeof body !== 'object' || body === null || !Array.isArray((body as ReadinessBody).providers)) {
    throw new CliError(
      `${url} answered HTTP ${statusCode} without a ccb readiness report; check that --url is the address of a ccb`,
    );
  }
  return body as ReadinessBody;
}
