import type { AttemptOutcome } from '@ccb/protocol';
import { describe, expect, it } from 'vitest';
import type { AffinityStore } from './affinity-store.js';
import { createRouter } from './create-router.js';
import type { RoutePlan, RouteRequest } from './route-request.js';
import type { RouteTarget } from './route-target.js';
import type { RouterOptions } from './router.js';

const start = Date.UTC(2026, 10, 29, 12, 0, 0);
const success: AttemptOutcome = { result: 'success', status: 200 };
const abc: readonly RouteTarget[] = [{ name: 'a' }, { name: 'b' }, { name: 'c' }];

/** The first provider of a plan and whether affinity chose it. */
function firstOf(plan: RoutePlan): { first: string | undefined; affinity: boolean } {
  return { first: plan.providers[0], affinity: plan.affinity };
}

/** A round-robin router over a, b, c whose session `s` is bound to b (not the strategy's next choice). */
function setupBound(options: Partial<RouterOptions> = {}) {
  let nowInMs = start;
  const router = createRouter({
    targets: abc,
    strategy: 'round-robin',
    random: () => 0,
    now: () => nowInMs,
    ...options,
  });
  const session: RouteRequest = { model: 'claude-opus-5-5', sessionKey: 's' };
  router.report('b', success, session);
  return {
    router,
    session,
    advance(milliseconds: number) {
      nowInMs += milliseconds;
    },
  };
}

describe('reconfigure: session affinity', () => {
  it('keeps a session on its provider when weights, priorities and other providers change', () => {
    const { router, session } = setupBound();
    expect(router.route(session)).toEqual({ providers: ['b', 'a', 'c'], affinity: true });
    router.reconfigure({
      targets: [
        { name: 'new' },
        { name: 'c', weight: 4 },
        { name: 'b', weight: 0.5 },
        { name: 'a', priority: 3 },
      ],
      strategy: 'weighted',
    });
    expect(firstOf(router.route(session))).toEqual({ first: 'b', affinity: true });
    expect(firstOf(router.route(session))).toEqual({ first: 'b', affinity: true });
    expect(router.affinityStats()).toMatchObject({ sessions: 1, hits: 3, moves: 0 });
  });

  it('moves a session off a disabled provider and keeps it where it was served', () => {
    const { router, session } = setupBound();
    router.reconfigure({ targets: [{ name: 'a' }, { name: 'b', enabled: false }, { name: 'c' }] });
    const plan = router.route(session);
    expect(plan.affinity).toBe(false);
    expect(plan.providers).not.toContain('b');
    const served = plan.providers[0] as string;
    router.report(served, success, session);
    expect(router.affinityStats().moves).toBe(1);
    router.reconfigure({ targets: abc });
    expect(firstOf(router.route(session))).toEqual({ first: served, affinity: true });
  });

  it('does not follow a binding to a removed provider, nor after it is added back', () => {
    const { router, session } = setupBound();
    router.reconfigure({ targets: [{ name: 'a' }, { name: 'c' }] });
    expect(router.route(session).affinity).toBe(false);
    router.reconfigure({ targets: abc });
    expect(router.route(session).affinity).toBe(false);
    expect(router.affinityStats().sessions).toBe(0);
  });

  it('keeps bindings when the affinity limits change', () => {
    const { router, session } = setupBound();
    router.reconfigure({ targets: abc, affinity: { ttlInMs: 7_200_000, maxSessions: 50 } });
    expect(firstOf(router.route(session))).toEqual({ first: 'b', affinity: true });
  });

  it('ends bindings at the new ttl when it shrinks', () => {
    const { router, session, advance } = setupBound();
    router.reconfigure({ targets: abc, affinity: { ttlInMs: 1_000 } });
    advance(999);
    expect(router.route(session).affinity).toBe(true);
    advance(1_000);
    expect(router.route(session).affinity).toBe(false);
  });

  it('keeps the most recently used bindings when maxSessions shrinks', () => {
    const { router, session } = setupBound();
    const other: RouteRequest = { model: 'claude-opus-5-5', sessionKey: 'other' };
    router.report('c', success, other);
    router.reconfigure({ targets: abc, affinity: { maxSessions: 1 } });
    expect(router.affinityStats().sessions).toBe(1);
    expect(firstOf(router.route(other))).toEqual({ first: 'c', affinity: true });
    expect(router.route(session).affinity).toBe(false);
  });

  it('ignores bindings while affinity is off and follows them again when it is back on', () => {
    const { router, session } = setupBound();
    router.reconfigure({ targets: abc, strategy: 'round-robin', affinity: false });
    expect(router.route(session)).toEqual({ providers: ['a', 'b', 'c'], affinity: false });
    expect(router.affinityStats()).toEqual({ sessions: 0, hits: 0, moves: 0, misses: 0 });
    // Successes while off bind nothing.
    router.report('a', success, session);
    router.reconfigure({ targets: abc, strategy: 'round-robin' });
    expect(firstOf(router.route(session))).toEqual({ first: 'b', affinity: true });
  });

  it('turns affinity on for a router created without it', () => {
    const { router, session } = setupBound({ affinity: false });
    router.reconfigure({ targets: abc, strategy: 'round-robin', affinity: { ttlInMs: 60_000 } });
    expect(router.route(session).affinity).toBe(false);
    router.report('c', success, session);
    expect(firstOf(router.route(session))).toEqual({ first: 'c', affinity: true });
  });

  it('keeps using a caller-supplied affinity store, limits and removed providers notwithstanding', () => {
    const bindings = new Map<string, string>();
    const store: AffinityStore = {
      get: (key) => bindings.get(key),
      set: (key, provider) => void bindings.set(key, provider),
      delete: (key) => void bindings.delete(key),
    };
    const { router, session } = setupBound({ affinityStore: store });
    expect([...bindings.values()]).toEqual(['b']);
    router.reconfigure({
      targets: [{ name: 'a' }, { name: 'c' }],
      affinity: { ttlInMs: 1_000, maxSessions: 1 },
    });
    // Not followed, but the caller's store is the caller's: the router cannot list it.
    expect(router.route(session).affinity).toBe(false);
    router.report('c', success, session);
    expect([...bindings.values()]).toEqual(['c']);
    expect(firstOf(router.route(session))).toEqual({ first: 'c', affinity: true });
  });
});
