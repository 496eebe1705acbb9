/**
 * The lines that open an event carrying generated tokens, with the space after the colon and without (SSE allows
 * both): the first token is the first `content_block_delta`. The events before it (`message_start`,
 * `content_block_start`, `ping`) carry none, and a proxy that fails over invisibly holds the first of them back until
 * content starts (ccb's commit gate, decision 1).
 */
const deltaEventLines = [Buffer.from('event: content_block_delta'), Buffer.from('event:content_block_delta')];
/** Bytes kept from one chunk to the next, so a line split across two chunks is still found. */
const carriedBytes = (deltaEventLines[0] as Buffer).length - 1;

/**
 * Finds the chunk of an SSE stream that completes the `event:` line of its first `content_block_delta`, fed the
 * stream's chunks in order. Chunks are cut anywhere, so the last bytes of one are searched again with the next.
 */
export class FirstTokenMark {
  #carried: Buffer | undefined;

  /** True when `chunk` completes the line; call until it says so. */
  foundIn(chunk: Buffer): boolean {
    const carried = this.#carried;
    const text = carried === undefined ? chunk : Buffer.concat([carried, chunk]);
    for (const line of deltaEventLines) {
      if (text.includes(line)) {
        this.#carried = undefined;
        return true;
      }
    }
    // A copy: the chunk's memory is the client's to reuse.
    this.#carried = Buffer.from(text.subarray(Math.max(0, text.length - carriedBytes)));
    return false;
  }
}
