import { describe, expect, it } from 'vitest';
import { roundRobin } from './round-robin.js';
import type { RoutingCandidate } from './routing-strategy.js';

const list: RoutingCandidate[] = [
  { name: 'A', weight: 5 },
  { name: 'B', weight: 1 },
  { name: 'C', weight: 1 },
];

function names(order: readonly RoutingCandidate[]): string[] {
  return order.map((candidate) => candidate.name);
}

describe('roundRobin', () => {
  it('rotates the whole order one step per call and ignores weights', () => {
    const strategy = roundRobin({ random: () => 0 });
    expect(names(strategy.order(list))).toEqual(['A', 'B', 'C']);
    expect(names(strategy.order(list))).toEqual(['B', 'C', 'A']);
    expect(names(strategy.order(list))).toEqual(['C', 'A', 'B']);
    expect(names(strategy.order(list))).toEqual(['A', 'B', 'C']);
  });

  it('starts with the candidate of the lowest random rank', () => {
    const ranks = [0.7, 0.2, 0.5];
    const strategy = roundRobin({ random: () => ranks.shift() ?? 0 });
    expect(names(strategy.order(list))).toEqual(['B', 'C', 'A']);
    expect(names(strategy.order(list))).toEqual(['C', 'A', 'B']);
    expect(names(strategy.order(list))).toEqual(['A', 'B', 'C']);
  });

  it('gives a returning candidate the next turn because it waited longest', () => {
    const strategy = roundRobin({ random: () => 0 });
    const firstTwo = list.slice(0, 2);
    for (let pick = 0; pick < 5; pick++) strategy.order(firstTwo);
    expect(names(strategy.order(list))).toEqual(['C', 'A', 'B']);
    // Turns are kept per name: B (chosen before A's last turn) is owed the next one, then A.
    expect(names(strategy.order(list))).toEqual(['B', 'C', 'A']);
    expect(names(strategy.order(list))).toEqual(['A', 'B', 'C']);
  });
});
