import { describe, expect, it } from 'vitest';
import { createRouter } from '../create-router.js';
import type { RoutingCandidate, RoutingStrategy } from '../routing-strategy.js';

/** How one strategy is built and what share of first choices it promises. */
export interface StrategyConformanceCase {
  /** Strategy name, used in the suite title. */
  readonly name: string;
  /** Builds a fresh strategy that draws all its randomness from `random`. */
  readonly create: (random: () => number) => RoutingStrategy;
  /** Expected share of first choices per candidate, given their weights in configuration order. */
  readonly expectedShares: (weights: readonly number[]) => readonly number[];
}

/** A small seeded PRNG (mulberry32) so that "random" runs are reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function candidates(weights: readonly number[]): RoutingCandidate[] {
  return weights.map((weight, index) => ({ name: `p${index}`, weight }));
}

function countFirstChoices(strategy: RoutingStrategy, list: readonly RoutingCandidate[], picks: number) {
  const counts = new Map<string, number>(list.map((candidate) => [candidate.name, 0]));
  for (let pick = 0; pick < picks; pick++) {
    const first = strategy.order(list)[0] as RoutingCandidate;
    counts.set(first.name, (counts.get(first.name) ?? 0) + 1);
  }
  return list.map((candidate) => counts.get(candidate.name) ?? 0);
}

/** The behaviour every routing strategy must show; run once per strategy. */
export function describeStrategyConformance(testCase: StrategyConformanceCase): void {
  describe(`${testCase.name} strategy conformance`, () => {
    it('returns an empty order for an empty candidate list', () => {
      const strategy = testCase.create(seededRandom(1));
      expect(strategy.order([])).toEqual([]);
      expect(strategy.order([])).toEqual([]);
    });

    it('returns a single candidate as the whole order', () => {
      const only = { name: 'only', weight: 1 };
      expect(testCase.create(seededRandom(1)).order([only])).toEqual([only]);
    });

    it('returns every candidate exactly once without mutating the input', () => {
      const strategy = testCase.create(seededRandom(2));
      const list = Object.freeze(candidates([3, 1, 2, 1]));
      for (let pick = 0; pick < 20; pick++) {
        const order = strategy.order(list);
        expect(order).not.toBe(list);
        expect([...order].sort((left, right) => left.name.localeCompare(right.name))).toEqual(list);
      }
    });

    it('shares first choices fairly over many picks', () => {
      for (const weights of [
        [1, 1],
        [3, 1],
        [5, 1, 1],
        [2, 2, 1],
      ]) {
        const strategy = testCase.create(seededRandom(3));
        const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
        const picks = totalWeight * weights.length * 40;
        const counts = countFirstChoices(strategy, candidates(weights), picks);
        const expected = testCase.expectedShares(weights).map((share) => share * picks);
        for (const [index, count] of counts.entries()) {
          expect(Math.abs(count - (expected[index] as number))).toBeLessThanOrEqual(1);
        }
      }
    });

    it('produces the same orders from the same injected randomness', () => {
      const list = candidates([2, 1, 1, 3]);
      const first = testCase.create(seededRandom(42));
      const second = testCase.create(seededRandom(42));
      for (let pick = 0; pick < 50; pick++) {
        expect(second.order(list).map((candidate) => candidate.name)).toEqual(
          first.order(list).map((candidate) => candidate.name),
        );
      }
    });

    it('breaks ties in configuration order when randomness is fixed at zero', () => {
      const list = candidates([1, 1, 1]);
      expect(
        testCase
          .create(() => 0)
          .order(list)
          .map((candidate) => candidate.name),
      ).toEqual(['p0', 'p1', 'p2']);
    });

    it('peeks exactly the order of the next call without advancing', () => {
      const strategy = testCase.create(seededRandom(9));
      if (strategy.peek === undefined) return;
      const list = candidates([3, 1, 2, 1]);
      for (let pick = 0; pick < 30; pick++) {
        const peeked = strategy.peek(list).map((candidate) => candidate.name);
        expect(strategy.peek(list).map((candidate) => candidate.name)).toEqual(peeked);
        expect(strategy.order(list).map((candidate) => candidate.name)).toEqual(peeked);
      }
    });

    it('stays fair when a candidate leaves and rejoins', () => {
      const strategy = testCase.create(seededRandom(5));
      const all = candidates([1, 1, 1]);
      const withoutLast = all.slice(0, 2);
      countFirstChoices(strategy, withoutLast, 7);
      const counts = countFirstChoices(strategy, all, 300);
      const expected = testCase.expectedShares([1, 1, 1]).map((share) => share * 300);
      for (const [index, count] of counts.entries()) {
        expect(Math.abs(count - (expected[index] as number))).toBeLessThanOrEqual(8);
      }
    });

    describe('inside a router', () => {
      const targets = [
        { name: 'alpha', models: ['claude-*'] },
        { name: 'beta', enabled: false },
        { name: 'gamma', models: ['glm-?'] },
        { name: 'delta' },
      ];

      it('plans nothing when no target is configured', () => {
        const router = createRouter({ targets: [], strategy: testCase.create(seededRandom(6)) });
        expect(router.plan({ model: 'claude-opus-5-5' })).toEqual([]);
        expect(router.plan({})).toEqual([]);
      });

      it('never plans a disabled target or one that does not serve the model', () => {
        const router = createRouter({ targets, strategy: testCase.create(seededRandom(7)) });
        for (let pick = 0; pick < 20; pick++) {
          expect([...router.plan({ model: 'claude-sonnet-5' })].sort()).toEqual(['alpha', 'delta']);
          expect([...router.plan({ model: 'glm-5' })].sort()).toEqual(['delta', 'gamma']);
          expect([...router.plan({})].sort()).toEqual(['alpha', 'delta', 'gamma']);
        }
      });

      it('plans nothing when no target serves the model', () => {
        const router = createRouter({
          targets: [{ name: 'alpha', models: ['claude-*'] }],
          strategy: testCase.create(seededRandom(8)),
        });
        expect(router.plan({ model: 'gpt-5' })).toEqual([]);
      });
    });
  });
}
