import { describe, expect, it } from 'vitest';
import { sparklinePoints } from './sparkline.js';

describe('sparklinePoints', () => {
  it('scales values to the box, the largest at the top', () => {
    expect(sparklinePoints([0, 5, 10], 100, 20)).toBe('0,20 50,10 100,0');
  });

  it('draws missing values as zero and a flat line when all are zero', () => {
    expect(sparklinePoints([null, 4], 10, 8)).toBe('0,8 10,0');
    expect(sparklinePoints([0, 0], 10, 8)).toBe('0,8 10,8');
  });

  it('scales to the floor when every value is below it', () => {
    expect(sparklinePoints([0.5, 0.5], 10, 10, 1)).toBe('0,5 10,5');
  });
});
