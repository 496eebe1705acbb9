/** Chunks of a response kept back, in order, until the attempt decides what to do with them. */
export class ChunkHold {
  bytes = 0;
  #chunks: Buffer[] = [];

  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.bytes += chunk.length;
  }

  /** Everything held, as one buffer (the chunk itself when there is one). */
  body(): Buffer {
    return this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks, this.bytes);
  }

  /** Everything held, and forgets it. */
  take(): Buffer {
    const body = this.body();
    this.#chunks = [];
    this.bytes = 0;
    return body;
  }
}
