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
    const { setFlagsFromString } = await import('node:v8');
    const { runInNewContext } = await import('node:vm');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const make = () => {
      const pieces = [Buffer.alloc(1024, 1), Buffer.alloc(1024, 2)];
      return { held: new HeldPieces(pieces), ref: new WeakRef(pieces) };
    };
    const { held, ref } = make();
    for (const _piece of held);
    // A WeakRef's target stays alive until the current job ends: collect on a later turn.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(ref.deref()).toBeUndefined();
    expect([...held]).toEqual([]);
  });
});
