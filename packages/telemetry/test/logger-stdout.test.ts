import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { requestRecord } from './_records.js';

// The child imports the built package: `pnpm test` builds it first (turbo's test task depends on build).
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

  it('says once on stderr that stdout refused request lines, and keeps running', async () => {
    const record = JSON.stringify(requestRecord());
    const script = `import * as telemetry from ${JSON.stringify(entry)};
const logger = telemetry.createLogger({ level: 'info', format: 'json' });
process.stdin.resume();
await new Promise((resolve) => process.stdin.once('end', resolve));
for (const round of [1, 2]) {
  logger.request(${record});
  await logger.flush();
}
process.stderr.write('still running\\n');
`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    // The reader of the child's stdout goes away before the child writes a line: every write fails with EPIPE.
    child.stdout.destroy();
    child.stdin.end();
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(stderr.match(/CCB_TELEMETRY_WRITE_FAILED/g)).toHaveLength(1);
    expect(stderr).toContain('(EPIPE)');
    expect(stderr).toContain('still running');
  });
});

describe('logger on a stdout nobody reads', () => {
  it('keeps logging without waiting, counts what stdout never took, and exits within its flush timeout', async () => {
    const record = JSON.stringify(requestRecord());
    const script = `import * as telemetry from ${JSON.stringify(entry)};
const logger = telemetry.createLogger({ level: 'info', format: 'json', maxBacklogInBytes: 256 * 1024, flushTimeoutInMs: 300 });
const record = ${record};
const startedAt = performance.now();
for (let index = 0; index < 20000; index += 1) logger.request({ ...record, requestId: 'ccb_' + index });
const loggedInMs = performance.now() - startedAt;
const [full] = logger.lostLines();
process.stderr.write('logged in ' + Math.round(loggedInMs) + ' ms, lost ' + full.lines + '\\n');
process.exit(0);
`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // stdout is never read: the pipe fills and stays full.
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const [code, signal] = await once(child, 'exit');
    clearTimeout(killer);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    const [, loggedInMs, lost] = /logged in (\d+) ms, lost (\d+)/.exec(stderr) ?? [];
    // The old writer slept 10 s on every full batch; 20 000 lines take well under a second without waiting.
    expect(Number(loggedInMs)).toBeLessThan(5_000);
    expect(Number(lost)).toBeGreaterThan(0);
    expect(stderr).toContain('stdout is not taking log lines as fast as they come');
    expect(stderr).toContain('stdout was still full when logging stopped');
  });
});
