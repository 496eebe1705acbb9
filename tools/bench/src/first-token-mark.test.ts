import { describe, expect, it } from 'vitest';
import { delta, preamble } from './_sse-stream-fixture.js';
import { FirstTokenMark } from './first-token-mark.js';

/** Feeds `text` cut at `cuts`, and gives the index of the piece in which the mark said it found the first token. */
function pieceWithFirstToken(text: string, cuts: readonly number[]): number | undefined {
  const mark = new FirstTokenMark();
  const edges = [0, ...cuts, text.length];
  for (let index = 0; index + 1 < edges.length; index++) {
    if (mark.foundIn(Buffer.from(text.slice(edges[index], edges[index + 1])))) return index;
  }
  return undefined;
}

describe('FirstTokenMark', () => {
  it('does not take the preamble (message_start, content_block_start, ping) for a token', () => {
    expect(pieceWithFirstToken(preamble, [])).toBeUndefined();
    expect(pieceWithFirstToken(preamble + delta, [preamble.length])).toBe(1);
  });

  it('finds the first delta in the chunk that carries the whole preamble with it', () => {
    expect(pieceWithFirstToken(preamble + delta, [])).toBe(0);
  });

  it('finds a delta line cut across chunks at every byte, in the chunk that completes it', () => {
    const text = preamble + delta;
    const lineEnd = preamble.length + 'event: content_block_delta'.length;
    for (let cut = preamble.length + 1; cut < lineEnd; cut++) {
      expect(pieceWithFirstToken(text, [cut]), `cut at ${cut}`).toBe(1);
    }
  });

  it('finds a line cut into one-byte chunks', () => {
    const text = preamble + delta;
    const cuts = Array.from({ length: text.length - 1 }, (_, index) => index + 1);
    expect(pieceWithFirstToken(text, cuts)).toBe(preamble.length + 'event: content_block_delta'.length - 1);
  });

  it('finds the line without the space after the colon, which SSE allows', () => {
    const bare = delta.replace('event: content_block_delta', 'event:content_block_delta');
    expect(pieceWithFirstToken(preamble + bare, [preamble.length + 12])).toBe(1);
  });

  it('keeps its own copy of the bytes it carries: a client may reuse a chunk once it is delivered', () => {
    const mark = new FirstTokenMark();
    const first = Buffer.from(`${preamble}event: content_bl`);
    expect(mark.foundIn(first)).toBe(false);
    first.fill(0);
    expect(mark.foundIn(Buffer.from('ock_delta\ndata: {}\n\n'))).toBe(true);
  });
});
