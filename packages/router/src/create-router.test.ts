import { describe, expect, it } from 'vitest';
import { createRouter } from './create-router.js';
import { RouterError } from './router-error.js';
import type { RoutingCandidate, RoutingStrategy } from './routing-strategy.js';

function firstChoices(plan: () => readonly string[], picks: number): string[] {
  return Array.from({ length: picks }, () => plan()[0] ?? '');
}

function routerErrorCode(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return RouterError.is(error) ? error.code : 'not a RouterError';
  }
  return undefined;
}

describe('createRouter', () => {
  it('uses smooth weighted round-robin by default', () => {
    const router = createRouter({
      targets: [
        { name: 'A', weight: 3 },
        { name: 'B', weight: 1 },
      ],
      random: () => 0,
    });
    expect(firstChoices(() => router.plan({}), 8).join('')).toBe('AABAAABA');
  });

  it('plans the first choice, then the rest of its tier, then the fallback tiers', () => {
    const router = createRouter({
      strategy: 'round-robin',
      random: () => 0,
      targets: [
        { name: 'backup-1', priority: 2 },
        { name: 'main-1' },
        { name: 'last', priority: 9 },
        { name: 'main-2' },
        { name: 'backup-2', priority: 2 },
      ],
    });
    expect(router.plan({})).toEqual(['main-1', 'main-2', 'backup-1', 'backup-2', 'last']);
    expect(router.plan({})).toEqual(['main-2', 'main-1', 'backup-2', 'backup-1', 'last']);
  });

  it('shares traffic only inside the best tier', () => {
    const router = createRouter({
      strategy: 'round-robin',
      targets: [{ name: 'a' }, { name: 'b' }, { name: 'fallback', priority: 2 }],
    });
    const firsts = firstChoices(() => router.plan({}), 10);
    expect(new Set(firsts)).toEqual(new Set(['a', 'b']));
  });

  it('falls back to tier 2 when every tier-1 target is disabled', () => {
    const router = createRouter({
      targets: [
        { name: 'main', enabled: false },
        { name: 'backup-a', priority: 2, weight: 2 },
        { name: 'backup-b', priority: 2 },
      ],
      random: () => 0,
    });
    expect(firstChoices(() => router.plan({}), 6)).toEqual([
      'backup-a',
      'backup-b',
      'backup-a',
      'backup-a',
      'backup-b',
      'backup-a',
    ]);
  });

  it('falls back to tier 2 when no tier-1 target serves the model', () => {
    const router = createRouter({
      targets: [
        { name: 'anthropic', models: ['claude-*'] },
        { name: 'deepseek', priority: 2 },
      ],
    });
    expect(router.plan({ model: 'deepseek-v4-pro' })).toEqual(['deepseek']);
    expect(router.plan({ model: 'claude-opus-5' })).toEqual(['anthropic', 'deepseek']);
  });

  it('orders every tier with the priority strategy in configuration order', () => {
    const router = createRouter({
      strategy: 'priority',
      targets: [{ name: 'b', priority: 2 }, { name: 'a1' }, { name: 'a2' }],
    });
    expect(router.plan({})).toEqual(['a1', 'a2', 'b']);
    expect(router.plan({})).toEqual(['a1', 'a2', 'b']);
  });

  it('matches models by glob and keeps plans right for many distinct model names', () => {
    const router = createRouter({
      strategy: 'priority',
      targets: [
        { name: 'opus', models: ['claude-opus-*'] },
        { name: 'glm', models: ['glm-?'] },
        { name: 'any' },
      ],
    });
    for (let version = 0; version < 600; version++) {
      expect(router.plan({ model: `claude-opus-${version}` })).toEqual(['opus', 'any']);
    }
    expect(router.plan({ model: 'glm-5' })).toEqual(['glm', 'any']);
    expect(router.plan({ model: 'glm-50' })).toEqual(['any']);
    expect(router.plan({ model: 'CLAUDE-OPUS-5' })).toEqual(['any']);
    expect(router.plan({ model: undefined })).toEqual(['opus', 'glm', 'any']);
  });

  it('accepts a custom strategy object and gives it candidates in configuration order', () => {
    const seen: string[][] = [];
    const reverse: RoutingStrategy = {
      name: 'reverse',
      order<Candidate extends RoutingCandidate>(candidates: readonly Candidate[]): Candidate[] {
        seen.push(candidates.map((candidate) => candidate.name));
        return [...candidates].reverse();
      },
    };
    const router = createRouter({
      strategy: reverse,
      targets: [{ name: 'x' }, { name: 'y' }, { name: 'z' }],
    });
    expect(router.plan({})).toEqual(['z', 'y', 'x']);
    expect(seen).toEqual([['x', 'y', 'z']]);
  });

  it('returns frozen copies of the configured targets', () => {
    const models = ['claude-*'];
    const router = createRouter({
      targets: [
        { name: 'a', models },
        { name: 'b', enabled: false },
      ],
    });
    models.push('gpt-*');
    expect(router.targets()).toEqual([
      { name: 'a', models: ['claude-*'] },
      { name: 'b', enabled: false },
    ]);
    expect(Object.isFrozen(router.targets()[0])).toBe(true);
    expect(router.plan({ model: 'gpt-5' })).toEqual([]);
  });

  it('ignores reports for names it does not know', () => {
    const router = createRouter({ targets: [{ name: 'a' }] });
    expect(() => router.report('gone', { result: 'failure', failure: 'connect' })).not.toThrow();
  });

  it.each([
    ['an empty name', [{ name: '' }]],
    ['a duplicate name', [{ name: 'a' }, { name: 'a' }]],
    ['a zero weight', [{ name: 'a', weight: 0 }]],
    ['an infinite weight', [{ name: 'a', weight: Number.POSITIVE_INFINITY }]],
    ['a NaN priority', [{ name: 'a', priority: Number.NaN }]],
    ['a model list that is not a list of strings', [{ name: 'a', models: 'claude-*' }]],
  ])('rejects %s with CCB_ROUTER_INVALID_TARGET', (_, targets) => {
    expect(routerErrorCode(() => createRouter({ targets: targets as never }))).toBe(
      'CCB_ROUTER_INVALID_TARGET',
    );
  });

  it('names the offending target in the error message', () => {
    expect(() => createRouter({ targets: [{ name: 'ok' }, { name: 'bad', weight: -1 }] })).toThrow(
      /route target #2 \("bad"\).*weight/,
    );
  });

  it('rejects an unknown strategy name with CCB_ROUTER_UNKNOWN_STRATEGY', () => {
    expect(routerErrorCode(() => createRouter({ targets: [], strategy: 'fastest' as never }))).toBe(
      'CCB_ROUTER_UNKNOWN_STRATEGY',
    );
  });
});
