import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BodyIdleSweep, SweptBody } from './body-idle-sweep.js';
import type { BodyMemory } from './body-memory.js';
import { ProxyError } from './proxy-error.js';

/** How request bodies are read; built once per handler. */
export interface BodyReading {
  /** Largest body, in bytes (`server.body_limit`). */
  readonly limitInBytes: number;
  /** Longest silence between two pieces of a body, in ms (`server.body_timeout`); 0: none. */
  readonly idleTimeoutInMs: number;
  /** Watches every body for that silence; `undefined` when `idleTimeoutInMs` is 0. */
  readonly idleSweep: BodyIdleSweep | undefined;
  /** The bytes all bodies held at once may take (`server.max_body_memory`). */
  readonly memory: BodyMemory;
}

const empty = Buffer.alloc(0);

/**
 * Reads the whole request body once (it must be replayable for failover). Its bytes are counted against
 * `reading.memory` from the moment they are known (a declared `content-length` at once, a chunked body as it
 * arrives) until `response` closes, when the body is no longer needed. Rejects, without reading further, a body
 * over the limit (a declared one before any byte), one that would take more memory than is left, and one that
 * falls silent for longer than the idle timeout; the caller answers, closing the connection.
 */
export function readRequestBody(
  request: IncomingMessage,
  response: ServerResponse,
  reading: BodyReading,
): Promise<Buffer> {
  const { limitInBytes, idleSweep, memory } = reading;
  const declaredHeader = request.headers['content-length'];
  const declared = declaredHeader === undefined ? 0 : Number(declaredHeader);
  if (declared > limitInBytes) return Promise.reject(tooLarge(limitInBytes));
  if (!memory.tryReserve(declared)) return Promise.reject(overloaded(memory));
  return new Promise((resolve, reject) => {
    // A declared body in several pieces is copied into one buffer as it arrives: each piece is garbage at once, and no
    // second copy of the whole body is made at the end (a 1 MiB body no longer peaks at twice its size). A body that
    // comes in one piece, as short ones do, is kept as it came, uncopied.
    let whole: Buffer | undefined;
    const chunks: Buffer[] = [];
    let received = 0;
    let reserved = declared;
    const release = () => {
      memory.release(reserved);
      reserved = 0;
    };
    // `on`, not `once` (a wrapper per request): a response closes once.
    response.on('close', release);
    const fail = (error: ProxyError) => {
      cleanup();
      // Read no further: the answer closes the connection, and paused bytes are never pulled off the wire.
      request.pause();
      response.off('close', release);
      release();
      reject(error);
    };
    // Each piece pushes the deadline back: a slow but steady upload of a large body is never cut.
    const swept: SweptBody = {
      seenAtTick: idleSweep?.tick ?? 0,
      expire: () => fail(stalled(reading.idleTimeoutInMs)),
      previous: undefined,
      next: undefined,
    };
    idleSweep?.watch(swept);
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitInBytes) return fail(tooLarge(limitInBytes));
      if (received > reserved) {
        if (!memory.tryReserve(received - reserved)) return fail(overloaded(memory));
        reserved = received;
      }
      // The first piece, short of the declared length: the body comes in pieces.
      if (received === chunk.length && chunk.length < declared) whole = Buffer.allocUnsafe(declared);
      if (whole === undefined) chunks.push(chunk);
      else if (received <= whole.length) chunk.copy(whole, received - chunk.length);
      else {
        // More than declared (Node's parser forbids it; kept safe regardless): back to collecting pieces.
        chunks.push(whole.subarray(0, received - chunk.length), chunk);
        whole = undefined;
      }
      if (idleSweep !== undefined) swept.seenAtTick = idleSweep.tick;
    };
    const onEnd = () => {
      cleanup();
      // Only the bytes received: an unfilled tail of the preallocated buffer is never handed on.
      if (whole !== undefined)
        return resolve(received === whole.length ? whole : whole.subarray(0, received));
      resolve(
        chunks.length === 1
          ? (chunks[0] as Buffer)
          : chunks.length === 0
            ? empty
            : Buffer.concat(chunks, received),
      );
    };
    const onAborted = () => {
      fail(
        new ProxyError('CCB_PROXY_BODY_ABORTED', 'the client closed the connection while sending the body'),
      );
    };
    const onError = (error: Error) => {
      fail(new ProxyError('CCB_PROXY_BODY_ABORTED', 'the request body could not be read', { cause: error }));
    };
    const cleanup = () => {
      idleSweep?.unwatch(swept);
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('close', onAborted);
      request.off('error', onError);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('close', onAborted);
    request.on('error', onError);
  });
}

function tooLarge(limitInBytes: number): ProxyError {
  return new ProxyError(
    'CCB_PROXY_BODY_TOO_LARGE',
    `request body exceeds the limit of ${limitInBytes} bytes (server.body_limit)`,
  );
}

function stalled(idleTimeoutInMs: number): ProxyError {
  return new ProxyError(
    'CCB_PROXY_BODY_TIMEOUT',
    `the request body stalled: nothing arrived for ${idleTimeoutInMs} ms (server.body_timeout)`,
  );
}

function overloaded(memory: BodyMemory): ProxyError {
  return new ProxyError(
    'CCB_PROXY_OVERLOADED',
    `ccb is holding as many request bodies as it may (${memory.limitInBytes} bytes, server.max_body_memory); retry shortly`,
  );
}
