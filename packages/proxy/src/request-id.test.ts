import { describe, expect, it } from 'vitest';
import { nextRequestId } from './request-id.js';

describe('nextRequestId', () => {
  it('gives distinct ids that share this process’s random prefix', () => {
    const ids = Array.from({ length: 1000 }, () => nextRequestId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^ccb_[0-9a-f]{12}_[0-9a-f]+$/);
    expect(new Set(ids.map((id) => id.slice(0, 17))).size).toBe(1);
  });
});
