import { scanArea } from '@ccb/protocol';

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

  /** The body in one buffer: its one piece, or the pieces joined (once; the result is kept). */
  bytes(): Buffer {
    this.#checkHeld();
    if (this.#joined === undefined) this.#joined = Buffer.concat(this.#pieces, this.length);
    return this.#joined;
  }

  /**
   * Lets go of the bytes once no attempt can need them again (the answer committed): a stream lasts seconds, and a
   * body held that long is promoted to the old generation, where only a full collection frees it. What undici still
   * writes stays alive through undici alone.
   */
  release(): void {
    this.#released = true;
    this.#pieces = [];
    this.#joined = undefined;
  }

  #checkHeld(): void {
    // A rule that reads the body after the commit would otherwise send or record nothing, silently.
    if (this.#released) throw new Error('the request body was read after it was released');
  }

  /**
   * The body in one buffer to read right now, without keeping it: for a body in pieces, a copy in a buffer this
   * module reuses, valid only until the next call (anywhere in the process). Read it synchronously, copy out what
   * must outlive the read (strings, numbers, spans), and never hand it on.
   */
  scratchBytes(): Buffer {
    this.#checkHeld();
    if (this.#joined !== undefined || this.length > maxScratchInBytes) return this.bytes();
    // In the body scan's own memory where it has one, so that it reads the body in place (one copy in all).
    const target = scanArea(this.length) ?? fallbackScratch(this.length);
    let offset = 0;
    for (const piece of this.#pieces) offset += piece.copy(target, offset);
    return target;
  }

  /**
   * What undici sends: the one buffer, or the pieces for one send (an iterable: undici writes them in turn, and
   * holds them no longer than that, so that {@link release} can free them while a stream goes on).
   */
  wire(): Buffer | Iterable<Buffer> {
    this.#checkHeld();
    return this.#joined ?? new PiecesOnce(this.#pieces);
  }
}

/** A body's pieces for one send: the array iterator undici gets lets go of the array once it is done. */
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
 * body read in it, and exists only once a body in pieces arrived (short bodies come in one piece and never need it).
 */
const maxScratchInBytes = 4 * 1024 * 1024;

/** Where bodies are read when the scan has no memory of its own (Node without WebAssembly). */
let scratch = empty;

function fallbackScratch(length: number): Buffer {
  // Grown in steps of 64 KiB: a conversation that grows by a few KB per turn does not reallocate every turn.
  if (scratch.length < length) scratch = Buffer.allocUnsafeSlow(Math.ceil(length / 65_536) * 65_536);
  return scratch.subarray(0, length);
}
