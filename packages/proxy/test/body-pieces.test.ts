import { once } from 'node:events';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBodyMemory } from '../src/body-memory.js';
import { readRequestBody } from '../src/read-request-body.js';
import type { RequestBody } from '../src/request-body.js';
import { type StartedProxy, startProxy, target } from './harness.js';

/**
 * Writes `pieces` as one request body, each once the server has read the one before (so each arrives as its own
 * piece), with or without a declared length. Resolves with the answer's status.
 */
function sendInPieces(
  url: URL,
  pieces: readonly Buffer[],
  declared: boolean,
  piecesSeen: () => Promise<void>,
): Promise<number> {
  const length = pieces.reduce((sum, piece) => sum + piece.length, 0);
  return new Promise<number>((resolve, reject) => {
    const outgoing = httpRequest(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'anthropic-version': '2023-06-01',
        ...(declared ? { 'content-length': String(length) } : {}),
      },
    });
    outgoing.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    outgoing.on('error', reject);
    const writeNext = (index: number) => {
      const piece = pieces[index];
      if (piece === undefined) return void outgoing.end();
      outgoing.write(piece, () => void piecesSeen().then(() => writeNext(index + 1), reject));
    };
    writeNext(0);
  });
}

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

describe('a request body read as its pieces', () => {
  let server: Server;
  let url: URL;
  let bodies: RequestBody[] = [];
  let dataEvents = 0;
  let waiters: { count: number; resolve: () => void }[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.on('data', () => {
        dataEvents++;
        waiters = waiters.filter((waiter) => (waiter.count <= dataEvents ? void waiter.resolve() : true));
      });
      readRequestBody(request, response, {
        limitInBytes: 64 * 1024 * 1024,
        idleTimeoutInMs: 0,
        idleSweep: undefined,
        memory: createBodyMemory(64 * 1024 * 1024),
      }).then(
        (body) => {
          bodies.push(body);
          response.end('ok');
        },
        () => response.destroy(),
      );
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/messages`);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    bodies = [];
    dataEvents = 0;
    waiters = [];
  });

  /** Resolves once the server has seen one more piece than it had when asked. */
  const nextPieceSeen = () => {
    const count = dataEvents + 1;
    return new Promise<void>((resolve) => {
      if (dataEvents >= count) resolve();
      else waiters.push({ count, resolve });
    });
  };

  it('keeps large pieces as they came and gathers small ones, declared or not', async () => {
    for (const declared of [true, false]) {
      for (const sizes of [[20_000, 33_000, 17_000], [5], [3, 17_000, 1, 900]]) {
        bodies = [];
        const { body, pieces } = bodyInPieces(60_000, sizes);
        expect(await sendInPieces(url, pieces, declared, nextPieceSeen)).toBe(200);
        const read = bodies[0] as RequestBody;
        const wire = read.wire();
        expect(read.length).toBe(body.length);
        expect(read.bytes().equals(body), `sizes ${sizes}, declared ${declared}`).toBe(true);
        // A body trickled a few bytes at a time is held in a few buffers, not one per piece: 12 000 pieces of
        // 5 bytes come to at most a buffer per 4 KiB (undeclared, growing) or 64 KiB (declared).
        expect(read.pieces.length, `sizes ${sizes}, declared ${declared}`).toBeLessThanOrEqual(
          sizes.every((size) => size >= 16_384) ? pieces.length : 2 + Math.ceil(body.length / 4_096),
        );
        if (sizes[0] === 20_000) {
          // Large pieces are the very bytes Node read, never copied: the pieces are the ones sent.
          expect(read.pieces.map((piece) => piece.length)).toEqual(pieces.map((piece) => piece.length));
          expect([...(wire as Iterable<Buffer>)]).toEqual(read.pieces);
        }
      }
    }
  });

  it('reads a body in pieces into the shared scratch buffer without joining it', async () => {
    const { body, pieces } = bodyInPieces(100_000, [40_000]);
    await sendInPieces(url, pieces, true, nextPieceSeen);
    const read = bodies[0] as RequestBody;
    const scratch = read.scratchBytes();
    expect(scratch.equals(body)).toBe(true);
    // Not joined: what undici is handed is still the pieces.
    expect(Buffer.isBuffer(read.wire())).toBe(false);
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
        // The proxy reads each piece before the next is written: the upload is the pace, not a timer.
        const status = await sendInPieces(
          new URL('/v1/messages', proxy.url),
          pieces,
          declared,
          () => new Promise((resolve) => setImmediate(resolve)),
        );
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
    const sends = models.map((model) => {
      const { pieces } = bodyInPieces(120_000, [25_000], model);
      return sendInPieces(
        new URL('/v1/messages', proxy.url),
        pieces,
        true,
        () => new Promise((resolve) => setImmediate(resolve)),
      );
    });
    expect(await Promise.all(sends)).toEqual([200, 200]);
    const recorded = (await Promise.all(records)).map((record) => [record.model, record.sessionKey]).sort();
    expect(recorded).toEqual(models.map((model) => [model, `session-of-${model}`]).sort());
  });
});
