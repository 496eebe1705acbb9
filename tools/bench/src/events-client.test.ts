import { describe, expect, it } from 'vitest';
import { loopbackServers } from './_loopback-server-fixture.js';
import { BenchError } from './bench-error.js';
import { openEventsClient } from './events-client.js';

const serveOnLoopback = loopbackServers();

/** A server whose `/admin/events` answers `status`; a 200 stream sends two messages and ends. */
async function serve(status: number): Promise<{ url: string }> {
  const { url } = await serveOnLoopback((request, response) => {
    expect(request.url).toBe('/admin/events');
    if (status !== 200) {
      response.writeHead(status).end('{"type":"error"}');
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write('event: hello\ndata: {}\n\n');
    response.end('event: traffic\ndata: {}\n\n');
  });
  return { url };
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
