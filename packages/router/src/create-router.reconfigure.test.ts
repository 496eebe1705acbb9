import { describe, expect, it } from 'vitest';
import { fail, failure, setup, start, stateChanges, success } from './_router-health-fixture.js';
import { createRouter } from './create-router.js';
import type { ProviderHealth } from './provider-health.js';
import type { RouterOptions, RouterSettings } from './router.js';
import { RouterError } from './router-error.js';

function routerErrorCode(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return RouterError.is(error) ? error.code : 'not a RouterError';
  }
  return undefined;
}

function counts(names: readonly string[]): Record<string, number> {
  const result: Record<string, number> = {};
  for (const name of names) result[name] = (result[name] ?? 0) + 1;
  return result;
}

function firstChoices(plan: () => readonly string[], picks: number): string[] {
  return Array.from({ length: picks }, () => plan()[0] ?? '');
}

/** A snapshot entry without `enabled`, which a reload may change on purpose. */
function healthOf(health: ProviderHealth | undefined): Omit<ProviderHealth, 'enabled'> | undefined {
  if (health === undefined) return undefined;
  const { enabled: _enabled, ...rest } = health;
  return rest;
}

const lowRequests = {
  'anthropic-ratelimit-requests-limit': '100',
  'anthropic-ratelimit-requests-remaining': '4',
  'anthropic-ratelimit-requests-reset': new Date(start + 600_000).toISOString(),
};

describe('reconfigure: health of remaining providers', () => {
  it('keeps circuits, failures, cool-downs, budget readings and last errors when targets change', () => {
    const { router, events } = setup({
      targets: [{ name: 'open' }, { name: 'limited' }, { name: 'low' }, { name: 'counting' }],
      health: { failureThreshold: 3 },
    });
    fail(router, 'open', 3);
    router.report('limited', { result: 'failure', status: 429, headers: { 'retry-after': '30' } });
    router.report('low', { result: 'success', status: 200, headers: lowRequests });
    router.report('low', failure);
    router.report('low', {
      result: 'success',
      status: 200,
      headers: {
        ...lowRequests,
        'anthropic-ratelimit-unified-status': 'allowed_warning',
        'anthropic-ratelimit-unified-reset': String(Math.floor(start / 1000) + 900),
      },
    });
    fail(router, 'counting', 2);
    const before = router.snapshot();

    router.reconfigure({
      targets: [
        { name: 'counting', weight: 5, priority: 2 },
        { name: 'low', models: ['claude-*'] },
        { name: 'limited', enabled: false },
        { name: 'open', weight: 2 },
        { name: 'new' },
      ],
      strategy: 'round-robin',
      health: { failureThreshold: 3 },
    });

    const after = new Map(router.snapshot().map((health) => [health.name, health]));
    for (const health of before) expect(healthOf(after.get(health.name))).toEqual(healthOf(health));
    expect(after.get('limited')?.enabled).toBe(false);
    expect(after.get('low')).toMatchObject({ deprioritized: true, lastSuccessAt: start });
    expect(after.get('low')?.unified).not.toBeNull();
    expect(router.plan({ model: 'claude-opus-5-5' })).toEqual(['new', 'low', 'counting']);
    // The failure count goes on from where it was: one more is the third.
    router.report('counting', failure);
    expect(stateChanges(events)).toEqual([
      'open:closed->open:consecutive-failures',
      'counting:closed->open:consecutive-failures',
    ]);
  });

  it('keeps the benches of remaining providers', () => {
    const { router, now } = setup({ targets: [{ name: 'a' }, { name: 'b' }] });
    router.bench('a', now() + 3_600_000, 'budget');
    router.reconfigure({ targets: [{ name: 'b' }, { name: 'a', weight: 3, priority: 1 }] });
    expect(router.plan({})).toEqual(['b']);
    expect(router.snapshot().find((health) => health.name === 'a')).toMatchObject({
      usable: false,
      reason: 'budget',
      coolingDownUntil: start + 3_600_000,
    });
  });

  it('keeps a half-open trial slot taken across a reload', () => {
    const { router, advance } = setup({ health: { failureThreshold: 1, cooldownInMs: 1_000 } });
    router.report('a', failure);
    advance(1_000);
    expect(router.plan({})).toEqual(['a', 'b']);
    router.reconfigure({ targets: [{ name: 'a', weight: 2 }, { name: 'b' }], strategy: 'priority' });
    expect(router.plan({})).toEqual(['b']);
    router.report('a', success);
    expect(router.plan({})).toEqual(['a', 'b']);
  });

  it('applies new health thresholds to the next report', () => {
    const { router } = setup({ health: { failureThreshold: 5 } });
    router.report('a', failure);
    expect(router.isUsable('a')).toBe(true);
    router.reconfigure({ targets: [{ name: 'a' }, { name: 'b' }], health: { failureThreshold: 2 } });
    router.report('a', failure);
    expect(router.isUsable('a')).toBe(false);
  });

  it('ignores health while it is off and finds the records again when it is back on', () => {
    const { router } = setup({ health: { failureThreshold: 1 } });
    router.report('a', failure);
    router.reconfigure({ targets: [{ name: 'a' }, { name: 'b' }], strategy: 'priority', health: false });
    expect(router.plan({})).toEqual(['a', 'b']);
    router.report('b', failure);
    router.reconfigure({
      targets: [{ name: 'a' }, { name: 'b' }],
      strategy: 'priority',
      health: { failureThreshold: 1 },
    });
    expect(router.plan({})).toEqual(['b']);
  });

  it('judges the failure rate over the latest attempts when the window shrinks', () => {
    const health = {
      failureThreshold: 100,
      failureRateThreshold: 0.7,
      windowSize: 10,
      minRequestsInWindow: 10,
    };
    const { router } = setup({ health });
    for (let attempt = 0; attempt < 6; attempt++) router.report('a', success);
    fail(router, 'a', 4);
    expect(router.snapshot()[0]).toMatchObject({ state: 'closed', windowCount: 10, failureRate: 0.4 });
    router.reconfigure({
      targets: [{ name: 'a' }, { name: 'b' }],
      health: { ...health, windowSize: 4, minRequestsInWindow: 4 },
    });
    // The latest four were failures: one more fills the shrunk window with failures, which opens it.
    router.report('a', failure);
    expect(router.snapshot()[0]).toMatchObject({ state: 'open', reason: 'failure-rate', windowCount: 0 });
  });

  it('counts reports for a provider of a plan handed out before the reload', () => {
    const { router } = setup({ health: { failureThreshold: 1 } });
    const plan = router.plan({});
    router.reconfigure({
      targets: [{ name: 'a', weight: 2 }, { name: 'b' }],
      health: { failureThreshold: 1 },
    });
    router.report(plan[0] as string, failure);
    expect(plan).toEqual(['a', 'b']);
    expect(router.plan({})).toEqual(['b']);
  });
});

describe('reconfigure: removed providers', () => {
  it('forgets a removed provider in snapshots, targets, plans, reports and operator calls', () => {
    const { router, events, now } = setup({ targets: [{ name: 'a' }, { name: 'b' }, { name: 'gone' }] });
    router.reconfigure({ targets: [{ name: 'a' }, { name: 'b' }], strategy: 'priority' });
    expect(router.targets().map((target) => target.name)).toEqual(['a', 'b']);
    expect(router.snapshot().map((health) => health.name)).toEqual(['a', 'b']);
    expect(router.plan({})).toEqual(['a', 'b']);
    expect(router.isUsable('gone')).toBe(false);
    events.length = 0;
    fail(router, 'gone', 5);
    router.reportProbe('gone', false);
    expect(events).toEqual([]);
    expect(routerErrorCode(() => router.bench('gone', now() + 1_000))).toBe('CCB_ROUTER_UNKNOWN_TARGET');
    expect(routerErrorCode(() => router.unbench('gone'))).toBe('CCB_ROUTER_UNKNOWN_TARGET');
    expect(routerErrorCode(() => router.reset('gone'))).toBe('CCB_ROUTER_UNKNOWN_TARGET');
  });

  it('starts a provider removed and added back fresh: no health, no bench', () => {
    const { router, now } = setup({ health: { failureThreshold: 1 } });
    router.report('b', { result: 'failure', status: 529 });
    router.report('b', failure);
    router.bench('b', now() + 3_600_000);
    const fresh = healthOf(createRouter({ targets: [{ name: 'b' }], now }).snapshot()[0]);
    expect(healthOf(router.snapshot()[1])).not.toEqual(fresh);
    router.reconfigure({ targets: [{ name: 'a' }], strategy: 'priority' });
    router.reconfigure({ targets: [{ name: 'a' }, { name: 'b' }], strategy: 'priority' });
    expect(healthOf(router.snapshot()[1])).toEqual(fresh);
    expect(router.plan({})).toEqual(['a', 'b']);
  });

  it('deletes a removed provider from a caller-supplied health store, which it keeps using', () => {
    const records = new Map<string, unknown>();
    const store = {
      get: (name: string) => records.get(name) as never,
      set: (name: string, record: unknown) => void records.set(name, record),
      delete: (name: string) => void records.delete(name),
    };
    const { router } = setup({ healthStore: store });
    fail(router, 'a', 1);
    fail(router, 'b', 1);
    router.reconfigure({ targets: [{ name: 'a', weight: 2 }] });
    expect([...records.keys()]).toEqual(['a']);
    fail(router, 'a', 1);
    expect(records.get('a')).toMatchObject({ consecutiveFailures: 2 });
  });
});

describe('reconfigure: strategy and rules', () => {
  it('shares traffic by the new weights: 3:1 becomes 1:3', () => {
    const targets = (a: number, b: number): RouterSettings['targets'] => [
      { name: 'a', weight: a },
      { name: 'b', weight: b },
    ];
    const router = createRouter({ targets: targets(3, 1), random: () => 0 });
    expect(counts(firstChoices(() => router.plan({}), 400))).toEqual({ a: 300, b: 100 });
    router.reconfigure({ targets: targets(1, 3) });
    expect(counts(firstChoices(() => router.plan({}), 400))).toEqual({ a: 100, b: 300 });
  });

  it('keeps the turns of an unchanged built-in strategy', () => {
    const targets = [{ name: 'a' }, { name: 'b' }];
    const router = createRouter({ targets, strategy: 'round-robin', random: () => 0 });
    expect(router.plan({})[0]).toBe('a');
    router.reconfigure({ targets, strategy: 'round-robin' });
    expect(router.plan({})[0]).toBe('b');
  });

  it('switches strategies: weighted, then priority, then cost, then round-robin', () => {
    const targets = [
      { name: 'a', weight: 3 },
      { name: 'b', weight: 1 },
    ];
    const router = createRouter({ targets, random: () => 0, health: false });
    expect(firstChoices(() => router.plan({}), 4).join('')).toBe('aaba');
    router.reconfigure({ targets, strategy: 'priority', health: false });
    expect(firstChoices(() => router.plan({}), 4).join('')).toBe('aaaa');
    router.reconfigure({
      targets,
      strategy: 'cost',
      priceOf: (provider) => (provider === 'b' ? 1 : 5),
      health: false,
    });
    expect(firstChoices(() => router.plan({}), 4).join('')).toBe('bbbb');
    router.reconfigure({ targets, strategy: 'round-robin', health: false });
    expect(firstChoices(() => router.plan({}), 4).join('')).toBe('abab');
  });

  it('uses a custom strategy object given to reconfigure', () => {
    const targets = [{ name: 'a' }, { name: 'b' }];
    const router = createRouter({ targets, strategy: 'priority' });
    router.reconfigure({
      targets,
      strategy: { name: 'reverse', order: (candidates) => [...candidates].reverse() },
    });
    expect(router.plan({})).toEqual(['b', 'a']);
  });

  it('applies added, changed and removed rules to the next plan', () => {
    const targets = [{ name: 'main' }, { name: 'cheap' }];
    const haiku = { model: 'claude-haiku-4-5' };
    const router = createRouter({ targets, strategy: 'priority' });
    expect(router.route(haiku)).toEqual({ providers: ['main', 'cheap'], affinity: false });
    router.reconfigure({
      targets,
      strategy: 'priority',
      rules: [{ name: 'bg', match: { family: 'haiku' }, providers: ['cheap'], model: 'glm-4' }],
    });
    expect(router.route(haiku)).toEqual({
      providers: ['cheap'],
      model: 'glm-4',
      rule: 'bg',
      affinity: false,
    });
    router.reconfigure({ targets, strategy: 'priority' });
    expect(router.route(haiku)).toEqual({ providers: ['main', 'cheap'], affinity: false });
  });

  it('takes a disabled provider out of plans and back in when enabled again', () => {
    const { router } = setup();
    router.reconfigure({ targets: [{ name: 'a', enabled: false }, { name: 'b' }], strategy: 'priority' });
    expect(router.plan({})).toEqual(['b']);
    expect(router.isUsable('a')).toBe(false);
    router.reconfigure({ targets: [{ name: 'a' }, { name: 'b' }], strategy: 'priority' });
    expect(router.plan({})).toEqual(['a', 'b']);
  });
});

describe('reconfigure: invalid settings', () => {
  const base: RouterOptions = {
    targets: [
      { name: 'a', weight: 3 },
      { name: 'b', weight: 1 },
      { name: 'c', priority: 2 },
    ],
    rules: [{ name: 'bg', match: { family: 'haiku' }, providers: ['b'] }],
    health: { failureThreshold: 2 },
  };
  // Each also drops `c` and changes weights: a half-applied reload would show.
  const changed = { targets: [{ name: 'a' }, { name: 'b', weight: 9 }] };
  const invalid: readonly [string, RouterSettings, string][] = [
    [
      'a duplicate name',
      { targets: [{ name: 'a' }, { name: 'a' }, { name: 'b' }] },
      'CCB_ROUTER_INVALID_TARGET',
    ],
    [
      'a rule naming an unknown provider',
      { ...changed, rules: [{ name: 'bg', match: {}, providers: ['c'] }] },
      'CCB_ROUTER_INVALID_RULE',
    ],
    ['an unknown strategy', { ...changed, strategy: 'fastest' as never }, 'CCB_ROUTER_UNKNOWN_STRATEGY'],
    [
      'bad health options',
      { ...changed, health: { failureRateThreshold: 1.5 } },
      'CCB_ROUTER_INVALID_OPTIONS',
    ],
    ['bad affinity options', { ...changed, affinity: { maxSessions: 0 } }, 'CCB_ROUTER_INVALID_OPTIONS'],
  ];

  it.each(invalid)('throws on %s and changes nothing', (_case, settings, code) => {
    const routers = [0, 1].map(() => {
      let random = 0;
      const events: string[] = [];
      const router = createRouter({
        ...base,
        now: () => start,
        random: () => (random = (random + 0.37) % 1),
        onEvent: (event) => events.push(event.type),
      });
      const session = { model: 'claude-opus-5-5', sessionKey: 's' };
      router.report('b', success, session);
      router.report('c', failure);
      router.bench('a', start + 60_000);
      return { router, events };
    });
    const [reloaded, untouched] = routers as [(typeof routers)[0], (typeof routers)[0]];
    expect(routerErrorCode(() => reloaded.router.reconfigure(settings))).toBe(code);
    expect(reloaded.router.targets()).toEqual(untouched.router.targets());
    expect(reloaded.router.snapshot()).toEqual(untouched.router.snapshot());
    const requests = [
      { model: 'claude-opus-5-5', sessionKey: 's' },
      { model: 'claude-haiku-4-5' },
      {},
      {},
      {},
    ];
    for (const request of requests)
      expect(reloaded.router.route(request)).toEqual(untouched.router.route(request));
    reloaded.router.report('c', failure);
    untouched.router.report('c', failure);
    expect(reloaded.router.snapshot()).toEqual(untouched.router.snapshot());
    expect(reloaded.router.affinityStats()).toEqual(untouched.router.affinityStats());
    expect(reloaded.events).toEqual(untouched.events);
  });
});
