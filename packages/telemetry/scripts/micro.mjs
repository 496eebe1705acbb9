// Per-call cost of the hot-path entry points, against the built package: `pnpm build && node scripts/micro.mjs`.
// Not a test: numbers vary by machine; compare before and after a change on the same one.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createLogger, createMetrics } from '../dist/index.js';

const iterations = 200_000;
const providers = ['alpha', 'beta', 'gamma'];
const models = ['claude-sonnet-4-6', 'claude-opus-5-5', 'claude-haiku-5-5'];

function makeRecord(index) {
  const failedOver = index % 10 === 0;
  const provider = providers[index % providers.length];
  return {
    requestId: `ccb_${index}`,
    method: 'POST',
    path: '/v1/messages?beta=true',
    model: models[index % models.length],
    stream: index % 2 === 0,
    status: 200,
    provider,
    outcome: failedOver ? 'failed_over' : 'ok',
    attempts: failedOver
      ? [
          {
            provider: 'gamma',
            result: 'failure',
            failure: 'connect',
            reason: 'connect ECONNREFUSED',
            durationInMs: 2.5,
          },
          { provider, result: 'success', status: 200, durationInMs: 812.25 },
        ]
      : [{ provider, result: 'success', status: 200, durationInMs: 812.25 }],
    usage: {
      inputTokens: 1200,
      outputTokens: 350,
      cacheCreationInputTokens: 0,
      cacheReadInputTokens: 40_000,
    },
    clientKeyId: 'k_3f9a1c',
    upstreamRequestId: 'req_011CXYZ',
    startedAt: Date.now(),
    durationInMs: 830.5,
    overheadInMs: 0.18,
    timeToFirstByteInMs: 410.2,
    bytesIn: 48_000,
    bytesOut: 9_000,
  };
}

const records = Array.from({ length: 1000 }, (_, index) => makeRecord(index));

function measure(name, run) {
  for (let index = 0; index < 20_000; index += 1) run(records[index % records.length]);
  const started = process.hrtime.bigint();
  for (let index = 0; index < iterations; index += 1) run(records[index % records.length]);
  const elapsedInNs = Number(process.hrtime.bigint() - started);
  // On stderr: a case may log to stdout, which the runner sends to /dev/null.
  console.error(`${name}: ${(elapsedInNs / iterations / 1000).toFixed(2)} µs/call`);
}

// A bare destination: measures ccb and pino, not a stream implementation.
const discard = { write() {} };
const secrets = Array.from({ length: 12 }, (_, index) => `sk-provider-key-${index}-${'x'.repeat(32)}`);

// One case per process: shared pino/prom-client functions turn megamorphic when several configs run together.
const cases = {
  observe: () => {
    const metrics = createMetrics({ collectDefaultMetrics: false });
    return (record) => metrics.observe(record);
  },
  'request-json': () => {
    const logger = createLogger({ level: 'info', format: 'json', destination: discard });
    return (record) => logger.request(record);
  },
  'request-json-12-secrets': () => {
    const logger = createLogger({
      level: 'info',
      format: 'json',
      destination: discard,
      redactValues: secrets,
    });
    return (record) => logger.request(record);
  },
  'request-json-sonic-boom': () => {
    const destination = pino.destination({ dest: '/dev/null', sync: false });
    const logger = createLogger({ level: 'info', format: 'json', destination });
    return (record) => logger.request(record);
  },
  // The default destination: lines gathered into 48 KiB batches, written synchronously (stdout is /dev/null here).
  'request-json-stdout': () => {
    const logger = createLogger({ level: 'info', format: 'json' });
    return (record) => logger.request(record);
  },
  'request-below-level': () => {
    const logger = createLogger({ level: 'warn', format: 'json', destination: discard });
    return (record) => logger.request(record);
  },
};

const only = process.argv[2];
if (only === undefined) {
  for (const name of Object.keys(cases)) {
    execFileSync(process.execPath, [fileURLToPath(import.meta.url), name], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
} else {
  const run = cases[only]();
  measure(only, run);
}
