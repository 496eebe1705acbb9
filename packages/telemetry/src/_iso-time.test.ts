import { describe, expect, it } from 'vitest';
import { isoTime } from './_iso-time.js';

describe('isoTime', () => {
  it('matches Date#toISOString across milliseconds, seconds and days, in any order', () => {
    const start = Date.UTC(2026, 10, 29, 23, 59, 58, 990);
    const times = [
      start,
      start + 5,
      start + 9,
      start + 10,
      start + 99,
      start + 100,
      start + 1010,
      start + 1,
      0,
    ];
    for (let step = 0; step < 3000; step += 7) times.push(start + step);
    for (const ms of times) expect(isoTime(ms), String(ms)).toBe(new Date(ms).toISOString());
  });

  it('falls back for dates whose ISO form is longer', () => {
    const farFuture = Date.UTC(10_000, 0, 1, 0, 0, 0, 5);
    expect(isoTime(farFuture)).toBe(new Date(farFuture).toISOString());
    expect(isoTime(Date.UTC(2026, 0, 1, 0, 0, 0, 7))).toBe('2026-01-01T00:00:00.007Z');
  });
});
