import { readResponseUsage, type Usage } from '@ccb/protocol';
import { ChunkHold } from './_chunk-hold.js';
import { decodedCopy } from './decoded-copy.js';

/**
 * Largest JSON reply read for usage accounting, as received and once decoded: a real reply (128k output tokens at
 * most) is a few MiB at the very most. The decoded bound is what stops a decompression bomb: 8 MiB inflate in about
 * 30 ms of one core (brotli, the slowest), where 64 MiB took 200 ms and as much memory, per request.
 */
const maxUsageCopyBytes = 8 * 1024 * 1024;

/**
 * A copy of a non-streaming Messages reply as it is relayed, kept only to read its `usage` once it ended (the bytes
 * the client gets are the upstream's own). A reply too large to be a real one is not read.
 */
export class JsonUsageCopy {
  #copy: ChunkHold | undefined = new ChunkHold();

  push(chunk: Buffer): void {
    const copy = this.#copy;
    if (copy === undefined) return;
    if (copy.bytes + chunk.length > maxUsageCopyBytes) this.#copy = undefined;
    else copy.push(chunk);
  }

  /** The reply's usage, read from the end of its (decoded) body; `undefined` when it has none or was too large. */
  usage(contentEncoding: string | string[] | undefined): Usage | undefined {
    const copy = this.#copy;
    if (copy === undefined || copy.bytes === 0) return undefined;
    return readResponseUsage(decodedCopy(copy.body(), contentEncoding, maxUsageCopyBytes));
  }
}
