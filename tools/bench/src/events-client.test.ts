import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BenchError } from './bench-error.js';
import { openEventsClient } from './events-client.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** A server whose `/admin/events` answers `status`; a 200 stream sends two messages and ends. */
async function serve(status: number): Promise<{ url: string }> {
  server = createServer((request, response) => {
    expect(request.url).toBe('/admin/events');
    if (status !== 200) {
      response.writeHead(status).end('{"type":"error"}');
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write('event: hello\ndata: {}\n\n');
    response.end('event: traffic\ndata: {}\n\n');
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('openEventsClient', () => {
  it('reads every message of the stream', async () => {
    const { url } = await serve(200);
    const client = await openEventsClient(url);
    await client.ended;
    await expect(client.close()).resolves.toEqual({ bytes: 48, messages: 2 });
  });

  it('refuses a target that does not answer with a stream', async () => {
    const { url } = await serve(401);
    const error = await openEventsClient(url).catch((caught: unknown) => caught);
    expect(BenchError.is(error) && error.code).toBe('CCB_BENCH_TARGET_START_FAILED');
  });
});
