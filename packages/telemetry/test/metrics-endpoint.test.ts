import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics, type Metrics } from '../src/index.js';
import { parseExposition, sampleValue } from './_prometheus-text.js';
import { requestRecord } from './_records.js';

let server: Server | undefined;

afterEach(async () => {
  if (server !== undefined) {
    server.close();
    await once(server, 'close');
    server = undefined;
  }
});

/** Serves `render()` the way the CLI's `/metrics` route does. */
async function serveMetrics(metrics: Metrics): Promise<string> {
  server = createServer((_request, response) => {
    metrics.render().then(
      (text) => {
        response.writeHead(200, { 'content-type': metrics.contentType });
        response.end(text);
      },
      (error: unknown) => {
        response.writeHead(500).end(String(error));
      },
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
}

describe('metrics over HTTP', () => {
  it('serves request, health and process metrics to a scraper', async () => {
    let state = 'closed';
    const metrics = createMetrics({ healthSnapshot: () => [{ name: 'alpha', state }] });
    const url = await serveMetrics(metrics);
    metrics.observe(requestRecord());

    const first = await fetch(url);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe(metrics.contentType);
    const samples = parseExposition(await first.text());
    expect(
      sampleValue(samples, 'ccb_requests_total', {
        provider: 'alpha',
        model: 'claude-sonnet-4-6',
        status: '200',
        outcome: 'ok',
      }),
    ).toBe(1);
    expect(sampleValue(samples, 'ccb_provider_circuit_state', { provider: 'alpha', state: 'closed' })).toBe(
      1,
    );
    expect(sampleValue(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);

    state = 'open';
    const second = parseExposition(await (await fetch(url)).text());
    expect(sampleValue(second, 'ccb_provider_circuit_state', { provider: 'alpha', state: 'open' })).toBe(1);
  });
});
