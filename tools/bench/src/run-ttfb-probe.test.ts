import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { SampleRecorder } from './latency-stats.js';
import { openMeasurementWindow } from './measurement-window.js';
import { runTtfbProbe, type TtfbProbeOptions } from './run-ttfb-probe.js';

const preamble =
  'event: message_start\ndata: {"type":"message_start","message":{"content":[]}}\n\n' +
  'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
  'event: ping\ndata: {"type": "ping"}\n\n';
const rest =
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}\n\n' +
  'event: message_stop\ndata: {"type":"message_stop"}\n\n';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** Serves every request with `answer`, on a port the OS chose. */
async function serve(answer: (response: ServerResponse) => void): Promise<string> {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => answer(response));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A recorder that notes, with each sample, whether the server had written the stream's first token by then. */
class OrderRecorder implements SampleRecorder {
  readonly afterToken: boolean[] = [];
  readonly dropped = 0;
  tokenWritten = false;
  onAdd: (() => void) | undefined;
  add(): void {
    this.afterToken.push(this.tokenWritten);
    this.onAdd?.();
  }
  get count(): number {
    return this.afterToken.length;
  }
  values(): Float64Array {
    return new Float64Array(0);
  }
}

/** Sends one request and waits for its answer. */
async function probeOnce(
  url: string,
  ttfb: SampleRecorder,
  timeTo: TtfbProbeOptions['timeTo'],
): Promise<void> {
  // Every answer counts: the window opens at once and treats any request as having left inside it.
  const window = openMeasurementWindow({ rampInMs: 0, settleInMs: 1e9, durationInMs: 60_000 });
  while (!window.counting) await new Promise((resolve) => setImmediate(resolve));
  const request = { method: 'POST', path: '/v1/messages', headers: {}, body: Buffer.from('{}') } as const;
  const result = await runTtfbProbe({
    url,
    requests: { kind: 'fixed', request },
    connections: 1,
    maxRequests: 1,
    window,
    ttfb,
    timeTo,
  });
  window.close();
  expect(result).toEqual({ completed: 1, failed: 0 });
}

describe('runTtfbProbe', () => {
  it("times an event stream to its first byte by default: the preamble's arrival, before any token", async () => {
    const ttfb = new OrderRecorder();
    const url = await serve((response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(preamble);
      // The token follows only once the probe has timed the stream, so the order is certain.
      ttfb.onAdd = () => {
        ttfb.tokenWritten = true;
        response.end(rest);
      };
    });
    await probeOnce(url, ttfb, undefined);
    expect(ttfb.afterToken).toEqual([false]);
  });

  it('times an event stream to its first token when asked: the preamble held back by a proxy does not count', async () => {
    const ttfb = new OrderRecorder();
    const url = await serve((response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(preamble);
      // Time for the probe to read the preamble first, so that timing it would show; not a bound on anything.
      setTimeout(() => {
        ttfb.tokenWritten = true;
        response.end(rest);
      }, 20);
    });
    await probeOnce(url, ttfb, 'first-token');
    expect(ttfb.afterToken).toEqual([true]);
  });

  it('times an answer that is not an event stream to its first byte, even when asked for the first token', async () => {
    const ttfb = new OrderRecorder();
    const url = await serve((response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"type":"message","content":[]}');
    });
    await probeOnce(url, ttfb, 'first-token');
    expect(ttfb.afterToken).toEqual([false]);
  });
});
