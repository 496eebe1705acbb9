import { configSecrets, resolveConfig } from '@ccb/config';
import type { Fault, MockUpstream } from '@ccb/mock-upstream';
import { defineCommand } from 'citty';

import { CliError } from '../cli-error.js';
import { parsePortFlag, parseRateFlag } from '../flag-values.js';
import { createOutput } from '../output.js';
import { runBalancer } from '../run-balancer.js';

/** Faults the flaky demo upstream throws at random, all of which ccb fails over invisibly. */
const flakyFaults: readonly Fault[] = [
  { kind: 'status', status: 529, errorType: 'overloaded_error', message: 'Overloaded' },
  { kind: 'status', status: 503, errorType: 'api_error', message: 'Service unavailable' },
  {
    kind: 'status',
    status: 429,
    errorType: 'rate_limit_error',
    message: 'Rate limited',
    headers: { 'retry-after': '30' },
  },
  { kind: 'reset' },
  { kind: 'sse-error', afterEvents: 1, errorType: 'overloaded_error', message: 'Overloaded' },
];

export const demoCommand = defineCommand({
  meta: {
    name: 'demo',
    description:
      'Start three mock upstreams (one flaky) and a balancer in front of them: try ccb without an API key',
  },
  args: {
    port: { type: 'string', alias: 'p', description: 'Port for the balancer (default 8000)' },
    'log-format': { type: 'string', description: 'auto | json | pretty' },
    'flaky-rate': {
      type: 'string',
      description: 'Share of requests the flaky upstream fails, 0..1 (default 0.5)',
    },
  },
  async run({ args }) {
    const flakyRate = args['flaky-rate'] === undefined ? 0.5 : parseRateFlag(args['flaky-rate']);
    const { startMockUpstreams } = await loadMockUpstream();
    const mocks = await startMockUpstreams([
      { name: 'alpha', apiKey: 'demo-key-alpha', streamEvents: 8, streamIntervalInMs: 40 },
      { name: 'beta', apiKey: 'demo-key-beta', streamEvents: 8, streamIntervalInMs: 40 },
      { name: 'backup', apiKey: 'demo-key-backup', streamEvents: 8, streamIntervalInMs: 40 },
    ]);
    const [alpha, beta, backup] = mocks as [MockUpstream, MockUpstream, MockUpstream];
    const config = resolveConfig({
      server: {
        port: args.port === undefined ? 8000 : parsePortFlag(args.port),
        log_format: args['log-format'] ?? 'pretty',
      },
      routing: { strategy: 'round-robin' },
      ledger: { path: ':memory:' },
      providers: [
        { name: 'alpha', base_url: alpha.url, api_key: 'demo-key-alpha' },
        { name: 'beta-flaky', base_url: beta.url, api_key: 'demo-key-beta' },
        { name: 'backup', base_url: backup.url, api_key: 'demo-key-backup', priority: 2 },
      ],
    });
    const output = createOutput({
      level: 'info',
      format: config.server.log_format,
      redactValues: configSecrets(config),
    });
    const arm = () => {
      if (Math.random() < flakyRate) {
        beta.inject(flakyFaults[Math.floor(Math.random() * flakyFaults.length)] as Fault);
      }
    };
    arm();
    const balancer = await runBalancer(config, {
      output,
      configSource: 'built-in demo (mock upstreams)',
      onRequestEnd: (record) => {
        if (record.attempts.some((attempt) => attempt.provider === 'beta-flaky')) {
          beta.clearFaults();
          arm();
        }
      },
    });
    output.info(
      [
        'demo upstreams: alpha, beta-flaky (fails at random; watch ccb fail over), backup (priority 2)',
        'try it:',
        `  ANTHROPIC_BASE_URL=${balancer.url} ANTHROPIC_API_KEY=any claude`,
        `  curl -s ${balancer.url}/v1/messages -H 'content-type: application/json' -H 'anthropic-version: 2023-06-01' \\`,
        `    -d '{"model":"claude-sonnet-4-6","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"hi"}]}'`,
      ].join('\n'),
    );
  },
});

/**
 * The mock upstream is a test fixture: the CLI lists it as an optional dependency and loads it only for `ccb demo`,
 * so serving never loads it and an install without it still serves.
 */
async function loadMockUpstream(): Promise<typeof import('@ccb/mock-upstream')> {
  try {
    return await import('@ccb/mock-upstream');
  } catch (error) {
    throw new CliError(
      `ccb demo needs the optional package @ccb/mock-upstream, which is not installed (${(error as Error).message.split('\n')[0]}): install it with \`npm install @ccb/mock-upstream\``,
    );
  }
}
