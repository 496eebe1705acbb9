import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { delta, errorEvent, messageStop, preamble } from './_sse-stream-fixture.js';
import { createSampleRecorder } from './latency-stats.js';
import { openMeasurementWindow } from './measurement-window.js';
import type { LoadResult } from './run-autocannon.js';
import { runTtfbProbe, type TtfbProbeOptions } from './run-ttfb-probe.js';

let server: Server | undefined;
afterEach(async () => {
  const running = server;
  server = undefined;
  if (running === undefined) return;
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});

/**
 * Answers every request with a 200 event stream, on a port the OS chose: the preamble in one write, then `after` in
 * another, as an upstream sends them.
 */
async function serveStream(after: string): Promise<string> {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(preamble);
      response.end(after);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Sends one request once the window counts, and gives what the probe counted and timed. */
async function probeOnce(
  url: string,
  timeTo: TtfbProbeOptions['timeTo'],
): Promise<{ result: LoadResult; samples: number }> {
  // Every answer counts: the window treats any request as having left inside it.
  let opened: () => void = () => {};
  const counting = new Promise<void>((resolve) => {
    opened = resolve;
  });
  const window = openMeasurementWindow({
    rampInMs: 0,
    settleInMs: 1e9,
    durationInMs: 60_000,
    onOpen: opened,
  });
  await counting;
  const timesToFirst = createSampleRecorder();
  const request = { method: 'POST', path: '/v1/messages', headers: {}, body: Buffer.from('{}') } as const;
  const result = await runTtfbProbe({
    url,
    requests: { kind: 'fixed', request },
    connections: 1,
    maxRequests: 1,
    window,
    timesToFirst,
    timeTo,
  });
  window.close();
  return { result, samples: timesToFirst.count };
}

// The timing itself is ProbeHandler's (probe-handler.test.ts, on a clock of the test's own); these run it on the wire.
describe('runTtfbProbe', () => {
  it('times a real stream to its first token through undici', async () => {
    const url = await serveStream(delta + messageStop);
    expect(await probeOnce(url, 'first-token')).toEqual({ result: { completed: 1, failed: 0 }, samples: 1 });
  });

  it('counts a real stream that ends without a token as failed when timing tokens, but not when timing bytes', async () => {
    const url = await serveStream(errorEvent);
    expect(await probeOnce(url, 'first-token')).toEqual({ result: { completed: 0, failed: 1 }, samples: 0 });
    expect(await probeOnce(url, 'first-byte')).toEqual({ result: { completed: 1, failed: 0 }, samples: 1 });
  });
});
