import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { type Dispatcher, Pool } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBodyMemory } from '../src/body-memory.js';
import { readRequestBody } from '../src/read-request-body.js';
import type { RequestBody } from '../src/request-body.js';
import { post, postInPieces, type StartedProxy, startProxy, target } from './harness.js';

/** A Messages body of about `size` bytes, split into pieces of the given sizes (cycled). */
function bodyInPieces(
  size: number,
  pieceSizes: readonly number[],
  model = 'claude-sonnet-4-6',
): { body: Buffer; pieces: Buffer[] } {
  const body = Buffer.from(
    JSON.stringify({
      model,
      max_tokens: 64,
      messages: [{ role: 'user', content: `say "hi" \\ ${'x'.repeat(size)}` }],
      metadata: { user_id: JSON.stringify({ session_id: `session-of-${model}` }) },
    }),
  );
  const pieces: Buffer[] = [];
  for (let offset = 0, index = 0; offset < body.length; index++) {
    const end = Math.min(body.length, offset + (pieceSizes[index % pieceSizes.length] as number));
    pieces.push(body.subarray(offset, end));
    offset = end;
  }
  return { body, pieces };
}

/**
 * Reads `pieces` as one request body through `readRequestBody`, each piece its own `data` event (a stream in flowing
 * mode hands on one chunk per event), with or without a declared length; gives the body and the bytes held for it.
 */
async function readPieces(
  pieces: readonly Buffer[],
  declared: boolean,
): Promise<{ body: RequestBody; heldBytes: number }> {
  const length = pieces.reduce((sum, piece) => sum + piece.length, 0);
  const request = Object.assign(new PassThrough(), {
    headers: declared ? { 'content-length': String(length) } : {},
  }) as unknown as IncomingMessage & PassThrough;
  const held = { bytes: 0 };
  const reading = readRequestBody(request, new EventEmitter() as unknown as ServerResponse, {
    limitInBytes: 64 * 1024 * 1024,
    idleTimeoutInMs: 0,
    idleSweep: undefined,
    memory: createBodyMemory(64 * 1024 * 1024, held),
  });
  for (const piece of pieces) request.write(piece);
  request.end();
  const body = await reading;
  return { body, heldBytes: held.bytes };
}

describe('a request body read as its pieces', () => {
  it('keeps large pieces as they came and gathers small ones, declared or not', async () => {
    for (const declared of [true, false]) {
      for (const sizes of [[20_000, 33_000, 17_000], [5], [3, 17_000, 1, 900]]) {
        const { body, pieces } = bodyInPieces(60_000, sizes);
        const { body: read } = await readPieces(pieces, declared);
        const wire = read.wire(false);
        const label = `sizes ${sizes}, declared ${declared}`;
        expect(read.length).toBe(body.length);
        // A body trickled a few bytes at a time is held in a few buffers, not one per piece: 12 000 pieces of
        // 5 bytes come to at most a buffer per 4 KiB (undeclared, growing) or 64 KiB (declared).
        expect(read.pieces.length, label).toBeLessThanOrEqual(2 + Math.ceil(body.length / 4_096));
        if (sizes[0] === 20_000) {
          // Large pieces are the very buffers Node handed over, never copied (the short last one is gathered).
          const large = pieces.filter((piece) => piece.length >= 16_384);
          expect(large.length).toBe(2);
          expect(
            large.every((piece) => read.pieces.includes(piece)),
            label,
          ).toBe(true);
          expect([...(wire as Iterable<Buffer>)]).toEqual(read.pieces);
        }
        expect(read.bytes().equals(body), label).toBe(true);
      }
    }
  });

  it('holds no mostly empty buffer for a client alternating tiny and large pieces, and counts what it holds', async () => {
    for (const declared of [true, false]) {
      const { body, pieces } = bodyInPieces(300_000, [1, 16_384]);
      const { body: read, heldBytes } = await readPieces(pieces, declared);
      const label = `declared ${declared}`;
      // Every piece is either one the client sent, or a gathered one whose buffer is at most twice its size
      // (a pool slab of 8 KiB aside); a 64 KiB buffer holding one byte is what this guards against.
      for (const piece of read.pieces) {
        if (pieces.includes(piece)) continue;
        expect(piece.buffer.byteLength, label).toBeLessThanOrEqual(Math.max(2 * piece.length, 8_192));
      }
      expect(heldBytes, label).toBeGreaterThanOrEqual(body.length);
      expect(read.bytes().equals(body), label).toBe(true);
    }
  });

  it('reads a body in pieces in the scan area without joining it', async () => {
    const { body, pieces } = bodyInPieces(100_000, [40_000]);
    const { body: read } = await readPieces(pieces, true);
    expect(read.read((bytes) => bytes.equals(body))).toBe(true);
    // Not joined: what undici is handed is still the pieces.
    expect(Buffer.isBuffer(read.wire(false))).toBe(false);
  });
});

describe('a body in pieces through failover', () => {
  let first: MockUpstream;
  let second: MockUpstream;
  let proxy: StartedProxy;

  beforeEach(async () => {
    first = await createMockUpstream({ name: 'first', apiKey: 'key-first' });
    second = await createMockUpstream({ name: 'second', apiKey: 'key-second' });
    proxy = await startProxy([target('first', first.url), target('second', second.url)]);
  });
  afterEach(async () => {
    await proxy.close();
    await first.close();
    await second.close();
  });

  it('reaches both providers byte for byte, large pieces and trickled ones, declared or chunked', async () => {
    for (const declared of [true, false]) {
      for (const sizes of [
        [30_000, 70_000],
        [3, 20_000, 500],
      ]) {
        first.reset();
        second.reset();
        first.inject({ kind: 'status', status: 529, errorType: 'overloaded_error' });
        const { body, pieces } = bodyInPieces(150_000, sizes);
        const status = await postInPieces(new URL('/v1/messages', proxy.url), pieces, declared);
        expect(status).toBe(200);
        expect(first.requests[0]?.body.equals(body), `sizes ${sizes}, declared ${declared}`).toBe(true);
        expect(second.requests[0]?.body.equals(body), `sizes ${sizes}, declared ${declared}`).toBe(true);
        expect(second.requests[0]?.headers['content-length']).toBe(String(body.length));
      }
    }
  });

  it('routes each of two bodies read one after the other in the same shared buffer on its own model and session', async () => {
    // What routing keeps from a body read in the shared buffer must be copied out before the next body is read.
    const models = ['claude-opus-4-1', 'claude-haiku-4-5'];
    const records = [proxy.nextRecord(), proxy.nextRecord()];
    const bodies = models.map((model) => bodyInPieces(120_000, [25_000], model));
    const sends = bodies.map(({ pieces }) => postInPieces(new URL('/v1/messages', proxy.url), pieces, true));
    expect(await Promise.all(sends)).toEqual([200, 200]);
    const recorded = (await Promise.all(records)).map((record) => [record.model, record.sessionKey]).sort();
    expect(recorded).toEqual(models.map((model) => [model, `session-of-${model}`]).sort());
    // And each went upstream as its own bytes, never the shared buffer the other was read in.
    const sent = first.requests.map((request) => request.body.toString('latin1')).sort();
    expect(sent).toEqual(bodies.map(({ body }) => body.toString('latin1')).sort());
  });
});

describe('what undici is handed', () => {
  const mocks: MockUpstream[] = [];
  const proxies: StartedProxy[] = [];
  afterEach(async () => {
    for (const proxy of proxies.splice(0)) await proxy.close();
    for (const mock of mocks.splice(0)) await mock.close();
  });

  it("gives a stream's body as a one-shot iterable, rewritten or not, and a short answer's as a buffer", async () => {
    // undici keeps a buffer body until the response ends, which for a stream is its whole length: a Claude Code
    // body of 50 KB to 1 MB per open stream. An iterable it lets go of once written.
    const mock = await createMockUpstream({ name: 'm1', apiKey: 'key-m1' });
    mocks.push(mock);
    const bodies: unknown[] = [];
    class RecordingPool extends Pool {
      override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
        bodies.push(options.body);
        return super.dispatch(options, handler);
      }
    }
    const proxy = await startProxy(
      [target('m1', mock.url, { modelMap: { 'claude-mapped': 'vendor-model' } })],
      { createDispatcher: (entry) => new RecordingPool(entry.target.origin) },
    );
    proxies.push(proxy);
    const send = async (model: string, stream: boolean) => {
      const body = JSON.stringify({
        model,
        max_tokens: 16,
        stream,
        messages: [{ role: 'user', content: 'hi' }],
      });
      const answer = await post(proxy.url, '/v1/messages', body);
      expect(answer.status).toBe(200);
      return body;
    };
    const plain = await send('claude-sonnet-4-6', false);
    const streamed = await send('claude-sonnet-4-6', true);
    const rewritten = await send('claude-mapped', true);
    expect(Buffer.isBuffer(bodies[0])).toBe(true);
    expect((bodies[0] as Buffer).toString()).toBe(plain);
    for (const [index, sent] of [
      [1, streamed],
      [2, rewritten.replace('claude-mapped', 'vendor-model')],
    ] as const) {
      const wire = bodies[index];
      expect(Buffer.isBuffer(wire), `request ${index}`).toBe(false);
      // Written once already: nothing left to hold.
      expect([...(wire as Iterable<Buffer>)]).toEqual([]);
      expect(mock.requests[index]?.body.toString()).toBe(sent);
    }
  });
});
