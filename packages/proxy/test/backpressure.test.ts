import { once } from 'node:events';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { messageBody, type StartedProxy, startProxy, startRawUpstream, target } from './harness.js';

const frame = (event: string, data: string) => `event: ${event}\ndata: ${data}\n\n`;
const totalBytes = 256 * 1024 * 1024;
const deltaBytes = 64 * 1024;
/**
 * How long the upstream must stay held up by its full socket before the pipeline counts as stalled. With
 * backpressure it stays held up for good, so a slow machine only makes the test wait longer; without it, ccb keeps
 * reading and the upstream is never held up this long (it finishes instead, and the test fails).
 */
const stalledAfterInMs = 300;

/**
 * An upstream that streams `totalBytes` of content deltas as fast as its socket takes them, honouring its own
 * backpressure, and tells how far it got.
 */
async function startFloodingUpstream() {
  const delta = Buffer.from(frame('content_block_delta', `{"delta":{"text":"${'x'.repeat(deltaBytes)}"}}`));
  const state = { written: 0, finished: false, stalled: false };
  let onStall = () => {};
  const upstream = await startRawUpstream(async (incoming, outgoing) => {
    incoming.resume();
    outgoing.writeHead(200, { 'content-type': 'text/event-stream' });
    outgoing.write(frame('message_start', '{"message":{"usage":{"input_tokens":1}}}'));
    outgoing.write(frame('content_block_start', '{"index":0}'));
    while (state.written < totalBytes && !outgoing.destroyed) {
      state.written += delta.length;
      if (!outgoing.write(delta)) {
        const timer = setTimeout(() => {
          state.stalled = true;
          onStall();
        }, stalledAfterInMs);
        await once(outgoing, 'drain');
        clearTimeout(timer);
      }
    }
    outgoing.end(frame('message_stop', '{}'));
    state.finished = true;
    onStall();
  });
  /** Resolves once the upstream has been held up for `stalledAfterInMs`, or has written everything. */
  const stalledOrFinished = () =>
    new Promise<void>((resolve) => {
      onStall = resolve;
    });
  return { upstream, state, stalledOrFinished };
}

describe('backpressure', () => {
  let proxy: StartedProxy | undefined;
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await proxy?.close();
    await close?.();
  });

  it('holds the upstream back while a client does not read, instead of buffering the stream', {
    timeout: 60_000,
  }, async () => {
    const flood = await startFloodingUpstream();
    close = () => flood.upstream.close();
    proxy = await startProxy([target('flood', flood.upstream.url)], { timeouts: { streamIdleInMs: 60_000 } });
    let toClient: ServerResponse | undefined;
    proxy.server.server.prependListener('request', (_incoming, outgoing: ServerResponse) => {
      toClient = outgoing;
    });
    const stalled = flood.stalledOrFinished();
    const outgoing = httpRequest(`${proxy.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    outgoing.end(messageBody({ stream: true }));
    const [response] = (await once(outgoing, 'response')) as [IncomingMessage];
    expect(response.statusCode).toBe(200);
    response.pause();

    // The client reads nothing: the pipeline fills up to the kernel's socket buffers, and the upstream stops.
    await stalled;
    expect(flood.state.finished).toBe(false);
    expect(flood.state.stalled).toBe(true);
    expect(flood.state.written).toBeLessThan(totalBytes / 2);
    // What ccb itself holds for the client is one read's worth, not the stream.
    expect(toClient?.writableLength).toBeLessThan(1024 * 1024);

    // Once the client reads, the stream resumes and arrives whole.
    let received = 0;
    let tail = '';
    for await (const chunk of response) {
      received += (chunk as Buffer).length;
      tail = (tail + (chunk as Buffer).toString('latin1')).slice(-64);
    }
    expect(flood.state.finished).toBe(true);
    expect(received).toBeGreaterThan(totalBytes);
    expect(tail.endsWith(frame('message_stop', '{}'))).toBe(true);
  });
});
