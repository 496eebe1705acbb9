/** Where a batch goes: one call per batch, with bytes the batch reuses once the call returns. */
export interface ByteSink {
  write(bytes: Uint8Array): void;
}

/** Room kept in the batch buffer beyond its flush size, so a line of ordinary length never needs a copy of its own. */
const headroomInBytes = 48 * 1024;

/**
 * Request lines gathered into one write of up to `flushBytes` (a timer pushes out a partial batch). Each line is
 * encoded as UTF-8 straight into one reused buffer: no joined string, no byte-length pass over a pending string
 * (sonic-boom measures its whole pending buffer on every write, which grows quadratic with the batch), no second
 * encoding when the batch is written. Writing each line on its own cost more CPU than building it.
 */
export class LineBatch {
  readonly #sink: ByteSink;
  readonly #flushBytes: number;
  readonly #buffer: Buffer;
  #used = 0;

  constructor(sink: ByteSink, flushBytes: number, maxDelayInMs: number) {
    this.#sink = sink;
    this.#flushBytes = flushBytes;
    this.#buffer = Buffer.allocUnsafe(flushBytes + headroomInBytes);
    setInterval(() => this.drain(), maxDelayInMs).unref();
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

const drainedAtExit = new Set<LineBatch>();

/**
 * Writes out `batch` when the process exits, however it exits (an uncaught error included): the sink is
 * synchronous, so the last lines still reach it. One `exit` listener serves every batch.
 */
export function drainBeforeExit(batch: LineBatch): void {
  if (drainedAtExit.size === 0) {
    process.once('exit', () => {
      for (const pending of drainedAtExit) pending.drain();
    });
  }
  drainedAtExit.add(batch);
}
