/** Where a batch goes: one `write` per batch. */
interface TextSink {
  write(text: string): unknown;
}

/**
 * Request lines gathered into one write of up to `maxChars` (a timer pushes out a partial batch). Writing each line
 * on its own cost more CPU than building it, and sonic-boom's own batching (`minLength`) measures its whole pending
 * buffer on every write, which grows quadratic with the batch; here a line costs an array push.
 */
export class LineBatch {
  readonly #sink: TextSink;
  readonly #maxChars: number;
  #lines: string[] = [];
  #chars = 0;

  constructor(sink: TextSink, maxChars: number, maxDelayInMs: number) {
    this.#sink = sink;
    this.#maxChars = maxChars;
    setInterval(() => this.drain(), maxDelayInMs).unref();
  }

  /** Adds one line, given without its newline (the batch adds it, so the line is never concatenated on its own). */
  add(line: string): void {
    this.#lines.push(line);
    this.#chars += line.length + 1;
    if (this.#chars >= this.#maxChars) this.drain();
  }

  /** Writes what is gathered now: before any other line, so lines stay in order, and before a flush. */
  drain(): void {
    if (this.#lines.length === 0) return;
    const text = `${this.#lines.join('\n')}\n`;
    this.#lines = [];
    this.#chars = 0;
    this.#sink.write(text);
  }
}
