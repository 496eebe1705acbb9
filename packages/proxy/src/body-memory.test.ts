import { describe, expect, it } from 'vitest';
import { createBodyMemory } from './body-memory.js';

describe('createBodyMemory', () => {
  it('checks each body against its own bound, counting the bytes every memory sharing `held` holds', () => {
    const held = { bytes: 0 };
    const before = createBodyMemory(100, held);
    const after = createBodyMemory(50, held);
    expect(before.tryReserve(40)).toBe(true);
    // 40 held by a body of the older settings count against the newer, lower bound.
    expect(after.tryReserve(20)).toBe(false);
    expect(before.tryReserve(20)).toBe(true);
    expect(after.heldInBytes).toBe(60);
    before.release(60);
    expect(after.tryReserve(20)).toBe(true);
    expect(held.bytes).toBe(20);
  });
});
