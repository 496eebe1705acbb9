import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { requestRecord } from './_records.js';

const entry = new URL('../dist/index.js', import.meta.url).href;

/** Runs `body` in a fresh Node process with the built package imported as `telemetry`; stdout is a pipe. */
function runWithStdoutPipe(body: string) {
  const script = `import * as telemetry from ${JSON.stringify(entry)};\n${body}`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('logger on stdout (the default destination)', () => {
  it('writes gathered request lines when the process dies of an uncaught error, before the batch timer', () => {
    const records = [1, 2, 3].map((index) => requestRecord({ requestId: `ccb_exit_${index}` }));
    const result = runWithStdoutPipe(`
const logger = telemetry.createLogger({ level: 'info', format: 'json', redactValues: ['sk-live-secret'] });
for (const record of ${JSON.stringify(records)}) logger.request({ ...record, path: record.path + '&key=sk-live-secret' });
throw new Error('boom');
`);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('boom');
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.request_id)).toEqual(['ccb_exit_1', 'ccb_exit_2', 'ccb_exit_3']);
    expect(lines.every((line) => line.msg === 'request' && line.level === 'info')).toBe(true);
    expect(result.stdout).not.toContain('sk-live-secret');
    expect(lines[0].path).toBe('/v1/messages?beta=true&key=[redacted]');
  });

  it('keeps request lines and other lines in the order they were logged', () => {
    const result = runWithStdoutPipe(`
const logger = telemetry.createLogger({ level: 'info', format: 'json' });
logger.request(${JSON.stringify(requestRecord({ requestId: 'ccb_first' }))});
logger.warn('in between');
logger.request(${JSON.stringify(requestRecord({ requestId: 'ccb_last' }))});
await logger.flush();
`);
    expect(result.status).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.request_id ?? line.msg)).toEqual(['ccb_first', 'in between', 'ccb_last']);
  });
});
