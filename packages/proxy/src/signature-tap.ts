import { ChunkHold } from './_chunk-hold.js';
import { decodedCopy } from './decoded-copy.js';

const newline = 0x0a;
const dataField = Buffer.from('data:');
const signatureDelta = Buffer.from('"signature_delta"');
const redactedThinking = Buffer.from('"redacted_thinking"');
const thinkingStart = Buffer.from('"thinking"');
/** A data line longer than this is not one ccb reads (a signature is a few KiB; redacted data can be more). */
const maxLineBytes = 4 * 1024 * 1024;
/** Largest JSON reply read for signatures, as received and once decoded (see `json-usage-copy.ts`). */
const maxCopyBytes = 8 * 1024 * 1024;

/**
 * Collects the thinking signatures of one successful Messages answer as it is relayed, for the session record:
 * each `signature_delta` of a stream (concatenated per block, in case one arrives in pieces), the `data` of each
 * `redacted_thinking` block (its proof of origin), and in a JSON answer every `content[].signature` and
 * `redacted_thinking` `data`. It only reads: the bytes the client gets are the upstream's own. It exists only while
 * the configured providers span more than one signature domain, so a single-domain ccb never pays for it; it sits
 * beside `SseObserver` rather than in it so that the observer's skipping of content stays as it is.
 */
export class SignatureTap {
  readonly #stream: boolean;
  /** The signature of each content block so far, by `index`. */
  readonly #byBlock = new Map<number, string>();
  #partial: Buffer | undefined;
  #skipping = false;
  #copy: ChunkHold | undefined;

  constructor(stream: boolean) {
    this.#stream = stream;
    this.#copy = stream ? undefined : new ChunkHold();
  }

  push(chunk: Buffer): void {
    if (!this.#stream) {
      const copy = this.#copy;
      if (copy === undefined) return;
      if (copy.bytes + chunk.length > maxCopyBytes) this.#copy = undefined;
      else copy.push(chunk);
      return;
    }
    let start = 0;
    if (this.#skipping || this.#partial !== undefined) {
      const end = chunk.indexOf(newline);
      if (end === -1) {
        this.#carry(chunk, 0);
        return;
      }
      if (this.#partial !== undefined) this.#line(Buffer.concat([this.#partial, chunk.subarray(0, end)]));
      this.#partial = undefined;
      this.#skipping = false;
      start = end + 1;
    }
    while (start < chunk.length) {
      const end = chunk.indexOf(newline, start);
      if (end === -1) {
        this.#carry(chunk, start);
        return;
      }
      if (startsWith(chunk, start, dataField)) this.#line(chunk.subarray(start, end));
      start = end + 1;
    }
  }

  /** The signatures found, once the answer ended. `contentEncoding`: the answer's, to decode a JSON copy. */
  signatures(contentEncoding: string | string[] | undefined): string[] {
    if (this.#stream) return [...this.#byBlock.values()].filter((signature) => signature !== '');
    const copy = this.#copy;
    if (copy === undefined || copy.bytes === 0) return [];
    const body = decodedCopy(copy.body(), contentEncoding, maxCopyBytes);
    if (body.indexOf(thinkingStart) === -1 && body.indexOf(redactedThinking) === -1) {
      return [];
    }
    let message: { content?: unknown };
    try {
      message = JSON.parse(body.toString('utf8')) as { content?: unknown };
    } catch {
      return [];
    }
    const found: string[] = [];
    if (Array.isArray(message?.content)) {
      for (const block of message.content as { type?: unknown; signature?: unknown; data?: unknown }[]) {
        const proof =
          block?.type === 'thinking'
            ? block.signature
            : block?.type === 'redacted_thinking'
              ? block.data
              : undefined;
        if (typeof proof === 'string' && proof !== '') found.push(proof);
      }
    }
    return found;
  }

  /** Keeps an unfinished data line to read once it ends, or skips an unfinished line of any other kind. */
  #carry(buffer: Buffer, start: number): void {
    if (this.#skipping) return;
    const rest = buffer.subarray(start);
    if (this.#partial !== undefined) {
      this.#partial =
        this.#partial.length + rest.length > maxLineBytes ? undefined : Buffer.concat([this.#partial, rest]);
      this.#skipping = this.#partial === undefined;
      return;
    }
    if (isFieldStart(rest, dataField)) this.#partial = Buffer.from(rest);
    else this.#skipping = true;
  }

  /** One whole `data:` line: read only when it can carry a signature. */
  #line(line: Buffer): void {
    if (line.indexOf(signatureDelta) === -1 && line.indexOf(redactedThinking) === -1) return;
    let event: {
      type?: unknown;
      index?: unknown;
      delta?: { type?: unknown; signature?: unknown };
      content_block?: { type?: unknown; data?: unknown };
    };
    try {
      event = JSON.parse(line.toString('utf8', dataField.length)) as typeof event;
    } catch {
      return;
    }
    if (typeof event?.index !== 'number') return;
    if (event.type === 'content_block_delta' && event.delta?.type === 'signature_delta') {
      const signature = event.delta.signature;
      if (typeof signature === 'string') {
        this.#byBlock.set(event.index, (this.#byBlock.get(event.index) ?? '') + signature);
      }
    } else if (event.type === 'content_block_start' && event.content_block?.type === 'redacted_thinking') {
      const data = event.content_block.data;
      if (typeof data === 'string') this.#byBlock.set(event.index, data);
    }
  }
}

function startsWith(buffer: Buffer, start: number, prefix: Buffer): boolean {
  if (buffer.length - start < prefix.length) return false;
  for (let index = 0; index < prefix.length; index++) {
    if (buffer[start + index] !== prefix[index]) return false;
  }
  return true;
}

/** True when `buffer` begins with `field`, or is too short to tell yet. */
function isFieldStart(buffer: Buffer, field: Buffer): boolean {
  const compared = Math.min(field.length, buffer.length);
  for (let index = 0; index < compared; index++) if (buffer[index] !== field[index]) return false;
  return true;
}
