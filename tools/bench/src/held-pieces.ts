/**
 * A held body for one send. undici keeps the body it is given until the response ends, and an array, or an array's
 * iterator, would keep the pieces for a whole stream; the iterator this gives lives only while undici writes, so a
 * stream does not hold its body, as in ccb (its `PiecesOnce`).
 */
export class HeldPieces implements Iterable<Buffer> {
  #pieces: Buffer[] | undefined;

  constructor(pieces: Buffer[]) {
    this.#pieces = pieces;
  }

  [Symbol.iterator](): Iterator<Buffer> {
    const pieces = this.#pieces ?? [];
    this.#pieces = undefined;
    return pieces.values();
  }
}
