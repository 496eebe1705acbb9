import { describe, expect, it } from 'vitest';
import type { RoutingCandidate } from './routing-strategy.js';
import { weighted } from './weighted.js';

function firstChoices(weights: Record<string, number>, picks: number): string {
  const strategy = weighted({ random: () => 0 });
  const list: RoutingCandidate[] = Object.entries(weights).map(([name, weight]) => ({ name, weight }));
  let sequence = '';
  for (let pick = 0; pick < picks; pick++) sequence += (strategy.order(list)[0] as RoutingCandidate).name;
  return sequence;
}

describe('weighted', () => {
  it('interleaves weights 3:1 as A A B A in every cycle of four', () => {
    expect(firstChoices({ A: 3, B: 1 }, 12)).toBe('AABA'.repeat(3));
  });

  it('interleaves weights 5:1:1 as nginx does', () => {
    expect(firstChoices({ a: 5, b: 1, c: 1 }, 14)).toBe('aabacaa'.repeat(2));
  });

  it('alternates equal weights one by one', () => {
    expect(firstChoices({ A: 1, B: 1 }, 6)).toBe('ABABAB');
  });

  it('honours fractional weights', () => {
    expect(firstChoices({ A: 1.5, B: 0.5 }, 8)).toBe('AABA'.repeat(2));
  });

  it('orders the rest of the plan by who is owed the next turn', () => {
    const strategy = weighted({ random: () => 0 });
    const list = [
      { name: 'a', weight: 5 },
      { name: 'b', weight: 1 },
      { name: 'c', weight: 1 },
    ];
    // After choosing a: a=-2, b=1, c=1 → b and c tie, configuration order breaks it.
    expect(strategy.order(list).map((candidate) => candidate.name)).toEqual(['a', 'b', 'c']);
    // a=3, b=2, c=2 → a chosen (a=-4); the rest by current weight: b=2, c=2.
    expect(strategy.order(list).map((candidate) => candidate.name)).toEqual(['a', 'b', 'c']);
    // a=1, b=3, c=3 → b chosen (b=-4); the rest: c=3 before a=1.
    expect(strategy.order(list).map((candidate) => candidate.name)).toEqual(['b', 'c', 'a']);
  });

  it('lets the injected randomness decide which of equal candidates goes first', () => {
    const ranks = [0.9, 0.1];
    const strategy = weighted({ random: () => ranks.shift() ?? 0 });
    const list = [
      { name: 'A', weight: 1 },
      { name: 'B', weight: 1 },
    ];
    expect(strategy.order(list).map((candidate) => candidate.name)).toEqual(['B', 'A']);
    expect(strategy.order(list).map((candidate) => candidate.name)).toEqual(['A', 'B']);
  });
});
