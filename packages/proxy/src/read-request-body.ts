import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BodyIdleSweep, SweptBody } from './body-idle-sweep.js';
import type { BodyMemory } from './body-memory.js';
import { ProxyError } from './proxy-error.js';
import { RequestBody } from './request-body.js';

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

/**
 * Pieces shorter than this are copied into a shared buffer rather than kept one by one: a client that sends a large
 * body a few bytes at a time would otherwise make ccb hold a `Buffer` object per piece.
 */
const smallPieceInBytes = 16 * 1024;
/** The buffer small pieces are gathered in (or less, when the declared body has less left). */
const gatherInBytes = 64 * 1024;
/** The smallest such buffer for a body without a declared length. */
const minGatherInBytes = 4 * 1024;

/**
 * Reads the whole request body once (it must be replayable for failover), as the pieces Node read: large pieces
 * are kept as they came, small ones gathered, nothing joined. Its bytes are counted against `reading.memory` from
 * the moment they are known (a declared `content-length` at once, a chunked body as it arrives) until `response`
 * closes, when the body is no longer needed. Rejects, without reading further, a body over the limit (a declared
 * one before any byte), one that would take more memory than is left, and one that falls silent for longer than the
 * idle timeout; the caller answers, closing the connection.
 */
export function readRequestBody(
  request: IncomingMessage,
  response: ServerResponse,
  reading: BodyReading,
): Promise<RequestBody> {
  const { limitInBytes, idleSweep, memory } = reading;
  const declaredHeader = request.headers['content-length'];
  const declared = declaredHeader === undefined ? 0 : Number(declaredHeader);
  if (declared > limitInBytes) return Promise.reject(tooLarge(limitInBytes));
  if (!memory.tryReserve(declared)) return Promise.reject(overloaded(memory));
  return new Promise((resolve, reject) => {
    const pieces: Buffer[] = [];
    /** Where small pieces are being gathered, and how full it is. */
    let gathering: Buffer | undefined;
    let gathered = 0;
    let received = 0;
    const reservation = new Reservation(memory, declared);
    // `on`, not `once` (a wrapper per request): a response closes once.
    response.on('close', reservation.release);
    const fail = (error: ProxyError) => {
      cleanup();
      // Read no further: the answer closes the connection, and paused bytes are never pulled off the wire.
      request.pause();
      response.off('close', reservation.release);
      reservation.release();
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
    const endGathering = () => {
      if (gathering === undefined) return;
      // Mostly empty (a large piece came next): copied to its size, so that the unused rest is not held, uncounted,
      // until the request ends. A client alternating tiny and large pieces gets nothing out of this.
      let piece = gathering.subarray(0, gathered);
      if (gathered * 2 < gathering.length) {
        piece = Buffer.allocUnsafeSlow(gathered);
        gathering.copy(piece, 0, 0, gathered);
      }
      pieces.push(piece);
      gathering = undefined;
      gathered = 0;
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitInBytes) return fail(tooLarge(limitInBytes));
      if (received > reservation.bytes) {
        if (!memory.tryReserve(received - reservation.bytes)) return fail(overloaded(memory));
        reservation.bytes = received;
      }
      if (idleSweep !== undefined) swept.seenAtTick = idleSweep.tick;
      // The first piece (the whole of every short body), or a large piece: kept as it came.
      if (received === chunk.length || chunk.length >= smallPieceInBytes) {
        endGathering();
        pieces.push(chunk);
        return;
      }
      let from = 0;
      while (from < chunk.length) {
        if (gathering === undefined) {
          // Bytes of a declared body still to come from here (none or less when undeclared or over-long).
          const toCome = declared - (received - chunk.length) - from;
          // Undeclared, the buffer grows with the body (at most what came before it): a slow trickle of a chunked
          // body holds little more than it sent.
          const size = Math.min(
            gatherInBytes,
            toCome > 0 ? toCome : Math.max(minGatherInBytes, received - chunk.length),
          );
          // A declared body's memory is counted in full from the start; an undeclared one's buffer is counted now.
          if (declared === 0) {
            if (!memory.tryReserve(size)) return fail(overloaded(memory));
            reservation.bytes += size;
          }
          gathering = Buffer.allocUnsafe(size);
        }
        const copied = chunk.copy(gathering, gathered, from);
        gathered += copied;
        from += copied;
        if (gathered === gathering.length) endGathering();
      }
    };
    const onEnd = () => {
      cleanup();
      endGathering();
      resolve(new RequestBody(pieces, received));
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

/**
 * The bytes one body holds of the shared memory, given back when its response closes. Its own object rather than a
 * closure over the reading's variables: the response keeps the listener for as long as it lasts (a whole stream),
 * and a closure would keep every other callback of the reading, and their scope, alive with it.
 */
class Reservation {
  bytes: number;
  readonly #memory: BodyMemory;
  constructor(memory: BodyMemory, bytes: number) {
    this.#memory = memory;
    this.bytes = bytes;
  }
  /** Gives the bytes back; a second call gives nothing. */
  readonly release = (): void => {
    this.#memory.release(this.bytes);
    this.bytes = 0;
  };
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
