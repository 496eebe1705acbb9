import { describe, expect, it } from 'vitest';
import { cost } from './cost.js';
import type { RoutingCandidate } from './routing-strategy.js';

function names(order: readonly RoutingCandidate[]): string[] {
  return order.map((candidate) => candidate.name);
}

describe('cost', () => {
  it('orders candidates by ascending price, unknown prices last', () => {
    const strategy = cost({ random: () => 0 });
    const list: RoutingCandidate[] = [
      { name: 'unknown', weight: 1 },
      { name: 'pricey', weight: 5, price: 15 },
      { name: 'cheap', weight: 1, price: 0.8 },
      { name: 'middle', weight: 1, price: 3 },
      { name: 'nan', weight: 1, price: Number.NaN },
    ];
    const tails = new Set<string>();
    for (let pick = 0; pick < 4; pick++) {
      const order = names(strategy.order(list));
      expect(order.slice(0, 3)).toEqual(['cheap', 'middle', 'pricey']);
      tails.add(order.slice(3).join(','));
    }
    // The two unknown prices are equal, so they take turns like any equally priced pair.
    expect(tails).toEqual(new Set(['unknown,nan', 'nan,unknown']));
  });

  it('shares turns between equally priced candidates by weight', () => {
    const strategy = cost({ random: () => 0 });
    const list: RoutingCandidate[] = [
      { name: 'expensive', weight: 10, price: 5 },
      { name: 'key-a', weight: 3, price: 1 },
      { name: 'key-b', weight: 1, price: 1 },
    ];
    const firsts = Array.from({ length: 8 }, () => names(strategy.order(list)));
    expect(firsts.map((order) => order[0]).join(' ')).toBe('key-a key-a key-b key-a key-a key-a key-b key-a');
    for (const order of firsts) expect(order[2]).toBe('expensive');
  });

  it('behaves like weighted when no price is known', () => {
    const strategy = cost({ random: () => 0 });
    const list: RoutingCandidate[] = [
      { name: 'A', weight: 3 },
      { name: 'B', weight: 1 },
    ];
    const firsts = Array.from({ length: 8 }, () => strategy.order(list)[0]?.name).join('');
    expect(firsts).toBe('AABAAABA');
  });

  it('does not mutate candidates that arrive out of price order', () => {
    const strategy = cost();
    const list = Object.freeze([
      { name: 'b', weight: 1, price: 2 },
      { name: 'a', weight: 1, price: 1 },
    ]);
    expect(names(strategy.order(list))).toEqual(['a', 'b']);
    expect(names(list)).toEqual(['b', 'a']);
  });

  it('peeks at the next order of a mixed-price list without taking a turn', () => {
    const strategy = cost({ random: () => 0 });
    const list: RoutingCandidate[] = [
      { name: 'x', weight: 1, price: 1 },
      { name: 'y', weight: 1, price: 1 },
      { name: 'z', weight: 1, price: 2 },
    ];
    expect(names(strategy.peek?.(list) ?? [])).toEqual(['x', 'y', 'z']);
    expect(names(strategy.peek?.(list) ?? [])).toEqual(['x', 'y', 'z']);
    expect(names(strategy.order(list))).toEqual(['x', 'y', 'z']);
    expect(names(strategy.peek?.(list) ?? [])).toEqual(['y', 'x', 'z']);
  });
});
