import { describe, expect, it } from 'vitest';
import { createWriteBackOff } from './_write-back-off.js';

describe('createWriteBackOff', () => {
  it('doubles on each failure up to the maximum and starts again from the base after a success', () => {
    const backOff = createWriteBackOff(10, 50);
    const delays = [backOff.delayInMs()];
    for (let failure = 0; failure < 4; failure++) {
      backOff.failed();
      delays.push(backOff.delayInMs());
    }
    expect(delays).toEqual([10, 20, 40, 50, 50]);
    backOff.succeeded();
    expect(backOff.delayInMs()).toBe(10);
  });

  it('backs off from a zero flush delay too, capped at 5 s by default', () => {
    const backOff = createWriteBackOff(0);
    backOff.failed();
    expect(backOff.delayInMs()).toBe(1);
    for (let failure = 0; failure < 20; failure++) backOff.failed();
    expect(backOff.delayInMs()).toBe(5_000);
  });
});
