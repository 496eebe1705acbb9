import { describe, expect, it } from 'vitest';
import { openCountingWindow, smallRequest } from './_counting-window-fixture.js';
import { loopbackServers } from './_loopback-server-fixture.js';
import { delta, errorEvent, messageStop, preamble } from './_sse-stream-fixture.js';
import { createSampleRecorder } from './latency-stats.js';
import type { LoadResult } from './run-autocannon.js';
import { runTtfbProbe, type TtfbProbeOptions } from './run-ttfb-probe.js';

const serve = loopbackServers();
/** Connections the test servers accepted. */
let accepted = 0;

/**
 * Answers every request with a 200 event stream, on a port the OS chose: the preamble in one write, then `after` in
 * another, as an upstream sends them.
 */
async function serveStream(after: string): Promise<string> {
  const { server, url } = await serve((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(preamble);
      response.end(after);
    });
  });
  server.on('connection', () => accepted++);
  return url;
}

/**
 * Sends two requests, one after the other on one connection, once the window counts, and gives what the probe counted
 * and timed: the first, which opened the connection, is counted but never a sample; its latency is kept apart.
 */
async function probeTwice(
  url: string,
  timeTo: TtfbProbeOptions['timeTo'],
): Promise<{ result: LoadResult; samples: number; latencies: number; opening: number; connections: number }> {
  const acceptedBefore = accepted;
  const window = await openCountingWindow();
  const timesToFirst = createSampleRecorder();
  const latencies = createSampleRecorder();
  const openingLatencies = createSampleRecorder();
  const result = await runTtfbProbe({
    url,
    requests: { kind: 'fixed', request: smallRequest },
    connections: 1,
    maxRequests: 2,
    window,
    timesToFirst,
    timeTo,
    latencies,
    openingLatencies,
  });
  window.close();
  return {
    result,
    samples: timesToFirst.count,
    latencies: latencies.count,
    opening: openingLatencies.count,
    connections: accepted - acceptedBefore,
  };
}

// The timing itself is ProbeHandler's (probe-handler.test.ts, on a clock of the test's own); these run it on the wire.
describe('runTtfbProbe', () => {
  it('times a real stream to its first token through undici', async () => {
    const url = await serveStream(delta + messageStop);
    expect(await probeTwice(url, 'first-token')).toEqual({
      result: { completed: 2, failed: 0 },
      samples: 1,
      latencies: 1,
      opening: 1,
      connections: 1,
    });
  });

  it('counts a real stream that ends without a token as failed when timing tokens, but not when timing bytes', async () => {
    const url = await serveStream(errorEvent);
    expect(await probeTwice(url, 'first-token')).toEqual({
      result: { completed: 0, failed: 2 },
      samples: 0,
      latencies: 0,
      opening: 0,
      connections: 1,
    });
    expect(await probeTwice(url, 'first-byte')).toEqual({
      result: { completed: 2, failed: 0 },
      samples: 1,
      latencies: 1,
      opening: 1,
      connections: 1,
    });
  });
});
