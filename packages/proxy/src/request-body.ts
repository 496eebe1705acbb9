import { readInScanArea, simdAfterBytes } from '@ccb/protocol';
import { ProxyError } from './proxy-error.js';

/** What a released body holds: one shared empty list rather than a fresh one per request. */
const noPieces: readonly Buffer[] = Object.freeze([]);

/**
 * A request body as it arrived: the pieces Node read, kept as they are. The plain path sends them on without ever
 * joining them (a fresh buffer of a large body's size costs page faults and garbage-collector work, and for a
 * stream it lives as long as the stream); the paths that rewrite or parse a body join them once, on demand.
 */
export class RequestBody {
  /** Bytes in all pieces (kept after {@link release}). */
  readonly length: number;
  #pieces: readonly Buffer[];
  #joined: Buffer | undefined;
  #released = false;

  constructor(pieces: readonly Buffer[], length: number) {
    this.#pieces = pieces;
    this.length = length;
    this.#joined = pieces.length === 1 ? pieces[0] : pieces.length === 0 ? empty : undefined;
  }

  /** The body's bytes in order; one piece for most bodies (all short ones). */
  get pieces(): readonly Buffer[] {
    this.#checkHeld();
    return this.#pieces;
  }

  /** The body in one buffer: its one piece, or the pieces joined (once; the joined buffer replaces them). */
  bytes(): Buffer {
    this.#checkHeld();
    if (this.#joined === undefined) {
      this.#joined = Buffer.concat(this.#pieces, this.length);
      // Held once, not twice: the pieces go, the joined copy stands for them.
      this.#pieces = [this.#joined];
    }
    return this.#joined;
  }

  /** The body's first `length` bytes at most, without joining it (what a captured record keeps). */
  prefix(length: number): Buffer {
    this.#checkHeld();
    if (this.#joined !== undefined) return this.#joined.subarray(0, length);
    const pieces: Buffer[] = [];
    let taken = 0;
    for (const piece of this.#pieces) {
      if (taken >= length) break;
      pieces.push(piece.subarray(0, length - taken));
      taken += Math.min(piece.length, length - taken);
    }
    return Buffer.concat(pieces, taken);
  }

  /**
   * Lets go of the bytes once no attempt can need them again (the answer committed): a stream lasts seconds, and a
   * body held that long is promoted to the old generation, where only a full collection frees it. What undici still
   * writes stays alive through undici alone.
   */
  release(): void {
    this.#released = true;
    this.#pieces = noPieces;
    this.#joined = undefined;
  }

  #checkHeld(): void {
    // A rule that reads the body after the commit would otherwise send or record nothing, silently.
    if (this.#released) {
      throw new ProxyError('CCB_PROXY_BODY_RELEASED', 'the request body was read after it was released');
    }
  }

  /**
   * Runs `read` over the body in one buffer without keeping that buffer: one copy in the scan's memory, where its SIMD
   * walk reads the body in place, or, for a body in pieces without WebAssembly, in a buffer this module reuses. A body
   * in one piece goes there too: copied whole at once, it costs less than the SIMD walk's copies of each large value
   * (50 KB: 8.1 against 10.1 µs per scan), unless it is no longer than `simdAfterBytes`, when every value is short
   * enough for the JavaScript walk and it is read where it is. The next read reuses the buffer, so `read` must
   * return what it needs (strings, flags, spans) and keep no view of it.
   */
  read<T>(read: (bytes: Buffer) => T): T {
    this.#checkHeld();
    const joined = this.#joined;
    if ((joined !== undefined && joined.length <= simdAfterBytes) || this.length > maxScratchInBytes) {
      return read(this.bytes());
    }
    const pieces = this.#pieces;
    const inScanArea = readInScanArea(pieces, this.length, read);
    if (inScanArea !== undefined) return inScanArea.result;
    if (joined !== undefined) return read(joined);
    const target = fallbackScratch(this.length);
    let offset = 0;
    for (const piece of pieces) offset += piece.copy(target, offset);
    return read(target);
  }

  /**
   * What undici sends: the pieces for one send (an iterable: undici writes them in turn, and holds them no longer
   * than that, so that {@link release} can free them while a stream goes on), or, for an answer that does not last
   * (`lastsLong` false), the one buffer when there is one: undici writes a buffer in one call, but keeps it until the
   * response ends.
   */
  wire(lastsLong: boolean): Buffer | Iterable<Buffer> {
    this.#checkHeld();
    return this.#joined === undefined ? new PiecesOnce(this.#pieces) : wireOf(this.#joined, lastsLong);
  }
}

/**
 * What undici sends of one buffer: for a response that may last (a stream), a one-shot iterable, held by undici only
 * while it writes, where a buffer would be held until the response ends; otherwise the buffer, written in one call.
 */
export function wireOf(body: Buffer, lastsLong: boolean): Buffer | Iterable<Buffer> {
  return lastsLong ? new PiecesOnce([body]) : body;
}

/**
 * A body's pieces for one send. It gives them once and keeps no reference after: undici holds the iterable until the
 * response ends, but drops the iterator it took once the pieces are written (a spent array iterator may still
 * refer to its array), so nothing keeps the pieces alive through a stream.
 */
class PiecesOnce implements Iterable<Buffer> {
  #pieces: readonly Buffer[] | undefined;

  constructor(pieces: readonly Buffer[]) {
    this.#pieces = pieces;
  }

  [Symbol.iterator](): Iterator<Buffer> {
    const pieces = this.#pieces ?? [];
    this.#pieces = undefined;
    return pieces.values();
  }
}

const empty = Buffer.alloc(0);

/**
 * The largest body read in a shared buffer; larger ones are joined. The shared buffer is as large as the largest
 * body read in it (the scan area keeps its size once grown), and exists only once a body longer than
 * `simdAfterBytes` arrived (the short requests of most traffic never need it).
 */
const maxScratchInBytes = 4 * 1024 * 1024;

/** Where bodies are read when the scan has no memory of its own (Node without WebAssembly). */
let scratch = empty;

function fallbackScratch(length: number): Buffer {
  // Grown in steps of 64 KiB: a conversation that grows by a few KB per turn does not reallocate every turn.
  if (scratch.length < length) scratch = Buffer.allocUnsafeSlow(Math.ceil(length / 65_536) * 65_536);
  return scratch.subarray(0, length);
}
