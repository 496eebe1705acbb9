import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { Pool, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, cliPath, tempDir } from './run-cli.js';

/** A port free a moment ago: ccb announces its address on stdout, which this test must never read. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** The value of one Prometheus sample, `undefined` when absent. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

const requests = 3_000;
const concurrency = 20;
/** A long query string makes each request line ~4.6 KB, so the 4 MiB log backlog fills within ~1 000 requests. */
const path = `/v1/messages?pad=${'p'.repeat(4_000)}`;
/** Normal service takes milliseconds here; the old writer held every request for 10 s per full batch. */
const stallInMs = 5_000;

describe('ccb serve with a stdout nobody reads', () => {
  let upstream: MockUpstream;
  let dir: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    upstream = await createMockUpstream({ name: 'mock', apiKey: 'provider-key-0123456789', lean: true });
    dir = await tempDir();
  });
  afterAll(async () => {
    await upstream.close();
    await dir.dispose();
  });

  it('serves every request without a stall, counts the lost lines in /metrics, and exits on SIGTERM', {
    timeout: 120_000,
  }, async () => {
    const port = await freePort();
    const config = await dir.write(
      'ccb.yaml',
      [
        // ccb's first health probe reaches the mock only after ccb listens (probes start after listen): the event
        // this test waits for, since ccb's startup line goes to the stdout it must not read.
        'health: { probe: { enabled: true, interval: 200ms, kind: models } }',
        'providers:',
        `  - { name: mock, base_url: ${upstream.url}, api_key: provider-key-0123456789 }`,
      ].join('\n'),
    );
    const child = spawn(
      process.execPath,
      [cliPath, 'serve', '--config', config, '--port', String(port), '--log-format', 'json'],
      { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // stdout is never read: its pipe fills after the first few hundred lines and stays full.
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const exited = once(child, 'exit');
    const killer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    try {
      const started = await Promise.race([
        upstream.waitForRequests(1, 30_000).then(() => true),
        exited.then(() => false),
      ]);
      expect(started, `ccb exited before listening; stderr: ${stderr}`).toBe(true);
      const base = `http://127.0.0.1:${port}`;
      const pool = new Pool(base, { connections: concurrency });
      const body = JSON.stringify({
        model: 'claude-sonnet-4-6',
        max_tokens: 16,
        messages: [{ role: 'user', content: 'hi' }],
      });
      const statuses = new Map<number, number>();
      let slowestInMs = 0;
      let next = 0;
      const worker = async () => {
        while (next < requests) {
          next += 1;
          const startedAt = performance.now();
          const response = await pool.request({
            method: 'POST',
            path,
            headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
            body,
          });
          await response.body.dump();
          slowestInMs = Math.max(slowestInMs, performance.now() - startedAt);
          statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      await pool.close();

      expect(Object.fromEntries(statuses)).toEqual({ 200: requests });
      expect(slowestInMs).toBeLessThan(stallInMs);
      const scrape = await request(`${base}/metrics`);
      const metrics = await scrape.body.text();
      expect(sample(metrics, 'ccb_log_lines_dropped_total', 'reason="full"')).toBeGreaterThan(0);
      expect(sample(metrics, 'ccb_log_bytes_dropped_total', 'reason="full"')).toBeGreaterThan(0);
      expect(stderr.match(/stdout is not taking log lines as fast as they come/g)).toHaveLength(1);

      // Shutdown waits for the full stdout only briefly (about a second), then gives its lines up and says so.
      child.kill('SIGTERM');
      const [code, signal] = await exited;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(stderr).toContain('stdout was still full when logging stopped');
    } finally {
      clearTimeout(killer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
