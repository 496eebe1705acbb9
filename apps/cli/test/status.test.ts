import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { stripAnsi } from '../src/colour.js';
import type { ReadinessBody } from '../src/format-status-table.js';
import { cleanEnv, cliPath, runCli } from './run-cli.js';

const healthy = {
  name: 'healthy',
  enabled: true,
  usable: true,
  state: 'closed',
  cooling_down_until: null,
  reason: null,
  deprioritized: false,
  consecutive_failures: 0,
  in_flight: 2,
  last_error: null,
};
const open = {
  ...healthy,
  name: 'open-one',
  usable: false,
  state: 'open',
  cooling_down_until: '2030-01-01T00:00:30.000Z',
  reason: 'consecutive_failures',
  consecutive_failures: 5,
  in_flight: 0,
  last_error: { kind: 'status', status: 503, at: '2030-01-01T00:00:00.000Z' },
};
const cooling = {
  ...healthy,
  name: 'rate-limited',
  usable: false,
  cooling_down_until: '2030-01-01T00:01:00.000Z',
  reason: 'rate_limit',
  in_flight: 0,
};

let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  servers = [];
});

/** A stand-in for a running ccb that answers `/readyz` with `body`, so every provider state is on demand. */
async function readyz(body: ReadinessBody): Promise<string> {
  const server = createServer((_request, response) => {
    response.writeHead(body.status === 'ready' ? 200 : 503, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  servers.push(server);
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe('ccb status', () => {
  it('colours an open circuit red and a cooling provider yellow when colour is forced', async () => {
    const url = await readyz({ status: 'ready', providers: [healthy, open, cooling] });
    const { code, stdout, stderr } = await runCli(['status', '--url', url], { env: { FORCE_COLOR: '1' } });
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toContain('\u001b[31mopen\u001b[39m');
    expect(stdout).toContain('\u001b[33m2030-01-01T00:00:30.000Z\u001b[39m');
    expect(stdout).toContain('\u001b[33m2030-01-01T00:01:00.000Z\u001b[39m');
    const plain = await runCli(['status', '--url', url]);
    expect(stripAnsi(stdout)).toBe(plain.stdout);
  });

  // util-linux `script` runs the command on a pseudo-terminal: the one way to see what a user's terminal gets.
  it.skipIf(process.platform !== 'linux' || !existsSync('/usr/bin/script'))(
    'colours on a real terminal without being asked',
    async () => {
      const url = await readyz({ status: 'ready', providers: [healthy, open] });
      const command = [process.execPath, cliPath, 'status', '--url', url]
        .map((word) => `'${word}'`)
        .join(' ');
      const stdout = await new Promise<string>((resolveOutput, reject) => {
        execFile(
          '/usr/bin/script',
          ['-qec', command, '/dev/null'],
          { env: cleanEnv({ NO_COLOR: '' }) },
          (error, output) => (error === null ? resolveOutput(output) : reject(error)),
        );
      });
      expect(stdout).toContain('\u001b[31mopen\u001b[39m');
    },
  );

  it('prints no colour into a pipe, with NO_COLOR, or with FORCE_COLOR=0', async () => {
    const url = await readyz({ status: 'ready', providers: [healthy, open, cooling] });
    for (const env of [{ NO_COLOR: '' }, { NO_COLOR: '1' }, { FORCE_COLOR: '0' }] as Record<
      string,
      string
    >[]) {
      const { code, stdout } = await runCli(['status', '--url', url], { env });
      expect(code).toBe(0);
      expect(stdout, JSON.stringify(env)).not.toContain('\u001b[');
      expect(stdout).toMatch(/open-one\s+open\s+no\s+0\s+5\s+2030-01-01T00:00:30\.000Z/);
    }
  });

  it('prints the table and then one line on stderr, exit 1, when no provider is usable', async () => {
    const url = await readyz({ status: 'unavailable', providers: [open] });
    const { code, stdout, stderr } = await runCli(['status', '--url', url]);
    expect(code).toBe(1);
    expect(stdout).toContain('ccb: unavailable');
    expect(stderr).toBe(`ccb: ${url} is unavailable: no enabled provider is usable right now\n`);
  });
});
