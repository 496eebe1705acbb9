import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { HeldPieces } from './held-pieces.js';

describe('HeldPieces', () => {
  it('gives its pieces once, in order: a second pass is empty, so it no longer holds them', () => {
    const pieces = [Buffer.from('{"model":'), Buffer.from('"m"}')];
    const held = new HeldPieces(pieces);
    expect(Buffer.concat([...held]).toString()).toBe('{"model":"m"}');
    expect([...held]).toEqual([]);
  });

  it('lets go of the pieces once iterated while the iterable itself is still held (as undici holds it)', async () => {
    // As jest's leak detector does it: the flag exposes `gc` in contexts made after it is set.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    // Built and drained in a function of its own, so no spent iterator stays in this async function's frame.
    const drained = () => {
      const pieces = [Buffer.alloc(1024, 1), Buffer.alloc(1024, 2)];
      const held = new HeldPieces(pieces);
      for (const _piece of held);
      return { held, ref: new WeakRef(pieces) };
    };
    const { held, ref } = drained();
    // A WeakRef's target lives until the current job ends, so each collection runs on a later turn; a few tries,
    // as a full collection may leave what the previous turn still referenced.
    for (let attempt = 0; attempt < 10 && ref.deref() !== undefined; attempt++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    expect(ref.deref()).toBeUndefined();
    expect([...held]).toEqual([]);
  });
});
