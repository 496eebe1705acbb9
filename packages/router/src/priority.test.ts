import { describe, expect, it } from 'vitest';
import { priority } from './priority.js';

describe('priority', () => {
  it('always orders candidates as configured, whatever their weights', () => {
    const strategy = priority();
    const list = [
      { name: 'primary', weight: 1 },
      { name: 'secondary', weight: 10 },
    ];
    for (let pick = 0; pick < 3; pick++) {
      expect(strategy.order(list).map((candidate) => candidate.name)).toEqual(['primary', 'secondary']);
    }
  });
});
