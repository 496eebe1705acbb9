/** Where a batch goes: one call per batch, with bytes the batch reuses once the call returns. */
export interface BatchSink {
  write(bytes: Uint8Array): void;
}

/**
 * Lines gathered into one write of about `flushBytes`. Each line is encoded as UTF-8 straight into one reused
 * buffer: no joined string, no byte-length pass over a pending string, no second encoding when the batch is
 * written. sonic-boom's own batching (`minLength`) grows one string per line and measures it again on every write,
 * which cost 1.0 µs more per line than this (docs/performance.md, item 16). It holds no timer: its owner decides
 * when a partial batch leaves.
 */
export class LineBatch {
  readonly #sink: BatchSink;
  readonly #flushBytes: number;
  readonly #buffer: Buffer;
  #used = 0;

  /**
   * `capacityBytes` (at least `flushBytes`) bounds every write but a single line larger than it; what it leaves
   * beyond `flushBytes` is room for the line that fills a batch, so a line of ordinary length needs no copy of its own.
   */
  constructor(sink: BatchSink, flushBytes: number, capacityBytes: number) {
    this.#sink = sink;
    this.#flushBytes = flushBytes;
    this.#buffer = Buffer.allocUnsafe(capacityBytes);
  }

  /** Adds one line, given without its newline (the batch adds it, so the line is never concatenated on its own). */
  add(line: string): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8 (a surrogate pair: 4 bytes for 2 units).
    const mostBytes = line.length * 3 + 1;
    if (this.#used + mostBytes > this.#buffer.length) {
      this.drain();
      if (mostBytes > this.#buffer.length) {
        this.#sink.write(Buffer.from(`${line}\n`));
        return;
      }
    }
    const buffer = this.#buffer;
    this.#used += buffer.write(line, this.#used);
    buffer[this.#used++] = 0x0a;
    if (this.#used >= this.#flushBytes) this.drain();
  }

  /** Writes what is gathered now: before any other line, so lines stay in order, and before a flush. */
  drain(): void {
    if (this.#used === 0) return;
    const bytes = this.#buffer.subarray(0, this.#used);
    this.#used = 0;
    this.#sink.write(bytes);
  }
}

/** How many lines end in `bytes` (its newline bytes): read only when lines are lost, never per line. */
export function countLines(bytes: Uint8Array): number {
  let lines = 0;
  for (let index = bytes.indexOf(0x0a); index !== -1; index = bytes.indexOf(0x0a, index + 1)) lines += 1;
  return lines;
}
