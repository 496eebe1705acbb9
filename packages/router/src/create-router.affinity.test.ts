import type { AttemptOutcome } from '@ccb/protocol';
import { describe, expect, it } from 'vitest';
import type { AffinityStore } from './affinity-store.js';
import { createRouter, type Router, type RouterOptions } from './create-router.js';
import type { RouteRequest } from './route-request.js';
import type { StrategyName } from './routing-strategy.js';

const start = Date.UTC(2026, 10, 29, 12, 0, 0);
const success: AttemptOutcome = { result: 'success', status: 200 };
const failure: AttemptOutcome = { result: 'failure', failure: 'connect' };

function setup(options: Partial<RouterOptions> = {}) {
  let nowInMs = start;
  const router = createRouter({
    targets: [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
    strategy: 'round-robin',
    random: () => 0,
    now: () => nowInMs,
    ...options,
  });
  return {
    router,
    advance(milliseconds: number) {
      nowInMs += milliseconds;
    },
  };
}

/** What a proxy does when the first provider answers: route, then report the success with the request. */
function serve(router: Router, request: RouteRequest): string {
  const first = router.route(request).providers[0] as string;
  router.report(first, success, request);
  return first;
}

function count(names: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

const spreadCases: readonly [StrategyName, RouterOptions['targets'], Record<string, number>][] = [
  ['round-robin', [{ name: 'a' }, { name: 'b' }, { name: 'c' }], { a: 20, b: 20, c: 20 }],
  [
    'weighted',
    [
      { name: 'a', weight: 2 },
      { name: 'b', weight: 1 },
      { name: 'c', weight: 1 },
    ],
    { a: 30, b: 15, c: 15 },
  ],
];

describe('session affinity', () => {
  it.each(spreadCases)(
    'keeps a session on one provider across 50 plans while other sessions spread evenly (%s)',
    (strategy, targets, expected) => {
      const { router } = setup({ strategy, targets });
      const sticky = { model: 'claude-opus-5-5', sessionKey: 'sticky' };
      const home = serve(router, sticky);
      const newcomers: string[] = [];
      for (let round = 0; round < 60; round++) {
        const plan = router.route(sticky);
        if (round < 50) {
          expect(plan.providers[0]).toBe(home);
          expect(plan.affinity).toBe(true);
          router.report(home, success, sticky);
        }
        newcomers.push(serve(router, { model: 'claude-opus-5-5', sessionKey: `new-${round}` }));
      }
      // The sticky session's first plan took one turn; its 60 affinity plans took none.
      const counts = count(newcomers);
      for (const [name, share] of Object.entries(expected)) {
        expect(Math.abs((counts[name] ?? 0) - share)).toBeLessThanOrEqual(1);
      }
    },
  );

  it.each(spreadCases)(
    'does not disturb the rotation of other sessions with affinity picks (%s)',
    (strategy, targets) => {
      const withSticky = setup({ strategy, targets }).router;
      const control = setup({ strategy, targets }).router;
      const sticky = { sessionKey: 'sticky' };
      serve(withSticky, sticky);
      control.plan({});
      const observed: string[] = [];
      const expected: string[] = [];
      for (let round = 0; round < 40; round++) {
        for (let repeat = 0; repeat < round % 4; repeat++) serve(withSticky, sticky);
        observed.push(serve(withSticky, { sessionKey: `s${round}` }));
        expected.push(control.plan({})[0] as string);
      }
      expect(observed).toEqual(expected);
    },
  );

  it('binds a new session to whichever provider first serves it', () => {
    const { router } = setup();
    const request = { sessionKey: 's1' };
    expect(router.route(request).providers).toEqual(['a', 'b', 'c']);
    router.report('a', failure, request);
    router.report('b', success, request);
    for (let round = 0; round < 5; round++) {
      expect(router.route(request)).toEqual({ providers: ['b', 'c', 'a'], affinity: true });
    }
    expect(router.affinityStats()).toEqual({ sessions: 1, hits: 5, moves: 0, misses: 1 });
  });

  it('moves a session once when its provider opens and keeps it on the new provider', () => {
    const { router, advance } = setup();
    const request = { model: 'claude-sonnet-5', sessionKey: 's1' };
    expect(serve(router, request)).toBe('a');
    for (let attempt = 0; attempt < 3; attempt++) router.report('a', failure);
    expect(router.isUsable('a')).toBe(false);

    const moved = router.route(request);
    expect(moved.affinity).toBe(false);
    expect(moved.providers).not.toContain('a');
    const newHome = moved.providers[0] as string;
    router.report(newHome, success, request);
    for (let round = 0; round < 20; round++) {
      expect(serve(router, request)).toBe(newHome);
    }

    advance(10_000);
    router.reportProbe('a', true);
    expect(router.isUsable('a')).toBe(true);
    for (let round = 0; round < 5; round++) expect(serve(router, request)).toBe(newHome);
    expect(router.affinityStats()).toMatchObject({ moves: 1, misses: 1 });
  });

  it('does not stampede sessions back to a provider that recovers', () => {
    const { router } = setup();
    const sessions = Array.from({ length: 12 }, (_, index) => ({ sessionKey: `s${index}` }));
    for (const request of sessions) {
      router.route(request);
      router.report('a', success, request);
    }
    for (let attempt = 0; attempt < 3; attempt++) router.report('a', failure);
    const moved = sessions.map((request) => serve(router, request));
    expect(count(moved)).toEqual({ b: 6, c: 6 });

    router.reportProbe('a', true);
    const afterRecovery = sessions.map((request) => serve(router, request));
    expect(afterRecovery).toEqual(moved);
    // New sessions go to the recovered provider first: it waited longest for a turn.
    expect(serve(router, { sessionKey: 'fresh' })).toBe('a');
    expect(router.affinityStats()).toMatchObject({ moves: 12, sessions: 13 });
  });

  it('moves a session whose provider fails one request to the provider that served it instead', () => {
    const { router } = setup();
    const request = { sessionKey: 's1' };
    serve(router, request);
    const plan = router.route(request);
    expect(plan.providers[0]).toBe('a');
    router.report('a', { result: 'failure', failure: 'status', status: 500 }, request);
    router.report(plan.providers[1] as string, success, request);
    expect(router.route(request).providers[0]).toBe(plan.providers[1]);
  });

  it('keeps no binding for failures or client errors', () => {
    const { router } = setup();
    const request = { sessionKey: 's1' };
    router.route(request);
    router.report('a', failure, request);
    router.report('a', { result: 'client_error', status: 400 }, request);
    expect(router.route(request).affinity).toBe(false);
    expect(router.affinityStats()).toMatchObject({ sessions: 0, misses: 2 });
  });

  it('prefers a better tier that became usable again over the bound fallback provider', () => {
    const { router } = setup({ targets: [{ name: 'main' }, { name: 'backup', priority: 2 }] });
    const request = { sessionKey: 's1' };
    for (let attempt = 0; attempt < 3; attempt++) router.report('main', failure);
    expect(serve(router, request)).toBe('backup');
    expect(router.route(request)).toEqual({ providers: ['backup'], affinity: true });

    router.reportProbe('main', true);
    expect(router.route(request)).toEqual({ providers: ['main', 'backup'], affinity: false });
  });

  it('keeps a session on its provider while that provider runs low on budget', () => {
    const { router } = setup({ targets: [{ name: 'a' }, { name: 'b' }] });
    const request = { sessionKey: 's1' };
    expect(serve(router, request)).toBe('a');
    router.report('a', {
      result: 'success',
      headers: {
        'anthropic-ratelimit-requests-limit': '100',
        'anthropic-ratelimit-requests-remaining': '1',
        'anthropic-ratelimit-requests-reset': new Date(start + 60_000).toISOString(),
      },
    });
    expect(router.plan({})).toEqual(['b', 'a']);
    expect(router.route(request)).toEqual({ providers: ['a', 'b'], affinity: true });
  });

  it('leaves a half-open trial to another plan instead of hiding it behind the bound provider', () => {
    const { router, advance } = setup();
    const request = { sessionKey: 's1' };
    expect(serve(router, request)).toBe('a');
    for (let attempt = 0; attempt < 3; attempt++) router.report('b', failure);
    advance(10_000);
    expect(router.route(request).providers).toEqual(['a', 'c']);
    expect(router.plan({})[0]).toBe('b');
  });

  it('binds each model of a session separately, as prompt caches are per model', () => {
    const { router } = setup({
      targets: [
        { name: 'opus-host', models: ['claude-opus-*'] },
        { name: 'haiku-host', models: ['claude-haiku-*'] },
      ],
    });
    const main = { model: 'claude-opus-5-5', sessionKey: 's1' };
    const background = { model: 'claude-haiku-5-5', sessionKey: 's1' };
    for (let round = 0; round < 3; round++) {
      expect(serve(router, main)).toBe('opus-host');
      expect(serve(router, background)).toBe('haiku-host');
    }
    expect(router.affinityStats()).toEqual({ sessions: 2, hits: 4, moves: 0, misses: 2 });
  });

  it('expires bindings after ttlInMs of disuse', () => {
    const { router, advance } = setup({ affinity: { ttlInMs: 60_000 } });
    const request = { sessionKey: 's1' };
    expect(serve(router, request)).toBe('a');
    advance(59_999);
    expect(router.route(request).affinity).toBe(true);
    advance(60_000);
    expect(router.route(request)).toEqual({ providers: ['b', 'c', 'a'], affinity: false });
  });

  it('ignores session keys when affinity is off', () => {
    for (const affinity of [false, { enabled: false }] as const) {
      const { router } = setup({ affinity });
      const request = { sessionKey: 's1' };
      expect([serve(router, request), serve(router, request), serve(router, request)]).toEqual([
        'a',
        'b',
        'c',
      ]);
      expect(router.affinityStats()).toEqual({ sessions: 0, hits: 0, moves: 0, misses: 0 });
    }
  });

  it('keeps bindings in the given store', () => {
    const bindings = new Map<string, string>();
    const store: AffinityStore = {
      get: (key) => bindings.get(key),
      set: (key, provider) => void bindings.set(key, provider),
      delete: (key) => void bindings.delete(key),
    };
    const { router } = setup({ affinityStore: store });
    serve(router, { model: 'claude-opus-5-5', sessionKey: 's1' });
    serve(router, { sessionKey: 's2' });
    expect([...bindings.values()]).toEqual(['a', 'b']);
    expect([...bindings.keys()][1]).toBe('s2');
    bindings.set([...bindings.keys()][0] as string, 'c');
    expect(router.route({ model: 'claude-opus-5-5', sessionKey: 's1' }).providers[0]).toBe('c');
    expect(router.affinityStats().sessions).toBe(0);
  });
});
