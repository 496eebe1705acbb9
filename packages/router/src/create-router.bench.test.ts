import { describe, expect, it } from 'vitest';
import { createRouter, type RouterOptions } from './create-router.js';
import { RouterError } from './router-error.js';
import type { RouterEvent } from './router-event.js';

const start = Date.UTC(2026, 10, 29, 12, 0, 0);

function setup(options: Partial<RouterOptions> = {}) {
  let nowInMs = start;
  const events: RouterEvent[] = [];
  const router = createRouter({
    targets: [{ name: 'a' }, { name: 'b' }],
    strategy: 'priority',
    now: () => nowInMs,
    onEvent: (event) => events.push(event),
    ...options,
  });
  return {
    router,
    events,
    advance(milliseconds: number) {
      nowInMs += milliseconds;
    },
  };
}

function errorCode(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return RouterError.is(error) ? error.code : 'not a RouterError';
  }
  return undefined;
}

describe('budget benching', () => {
  it('leaves a benched provider out of plans until the deadline, with one event each way', () => {
    const { router, events, advance } = setup();
    router.bench('a', start + 60_000, 'budget');
    router.bench('a', start + 60_000, 'budget');
    expect(router.plan({})).toEqual(['b']);
    expect(router.isUsable('a')).toBe(false);
    advance(59_999);
    expect(router.plan({})).toEqual(['b']);
    advance(1);
    expect(router.plan({})).toEqual(['a', 'b']);
    expect(router.isUsable('a')).toBe(true);
    expect(events).toEqual([
      { type: 'benched', provider: 'a', reason: 'budget', until: start + 60_000, at: start },
      { type: 'unbenched', provider: 'a', reason: 'expired', benchReason: 'budget', at: start + 60_000 },
    ]);
  });

  it('shows a bench in the snapshot with its reason and deadline', () => {
    const { router } = setup();
    router.report('a', { result: 'failure', status: 429, headers: { 'retry-after': '30' } });
    router.bench('a', start + 3_600_000);
    router.bench('b', start + 10_000, 'monthly-cap');
    expect(router.snapshot()).toMatchObject([
      { name: 'a', usable: false, reason: 'budget', coolingDownUntil: start + 3_600_000 },
      { name: 'b', usable: false, reason: 'monthly-cap', coolingDownUntil: start + 10_000, state: 'closed' },
    ]);
  });

  it('lifts a bench at once on unbench', () => {
    const { router, events } = setup();
    router.bench('a', Number.POSITIVE_INFINITY);
    router.unbench('a');
    router.unbench('a');
    expect(router.plan({})).toEqual(['a', 'b']);
    expect(events.map((event) => event.type)).toEqual(['benched', 'unbenched']);
    expect(events[1]).toMatchObject({ reason: 'unbench', benchReason: 'budget' });
  });

  it('announces a new reason but not a mere extension', () => {
    const { router, events } = setup();
    router.bench('a', start + 1_000);
    router.bench('a', start + 5_000);
    router.bench('a', start + 5_000, 'operator');
    expect(
      events.map((event) => (event.type === 'benched' ? `${event.reason}@${event.until - start}` : '')),
    ).toEqual(['budget@1000', 'operator@5000']);
  });

  it('unbenches when the deadline given is already past', () => {
    const { router, events } = setup();
    router.bench('a', start + 1_000);
    router.bench('a', start);
    expect(router.isUsable('a')).toBe(true);
    expect(events.map((event) => event.type)).toEqual(['benched', 'unbenched']);
  });

  it('offers the provider whose bench ends soonest when every provider is benched', () => {
    const { router } = setup();
    router.bench('a', start + 60_000);
    router.bench('b', start + 30_000);
    expect(router.plan({})).toEqual(['b']);
    router.bench('b', Number.POSITIVE_INFINITY);
    expect(router.plan({})).toEqual(['a']);
    router.bench('a', Number.POSITIVE_INFINITY);
    expect(router.plan({})).toEqual(['a']);
  });

  it('weighs a bench against cool-downs in the all-unusable fallback', () => {
    const { router } = setup();
    router.report('a', { result: 'failure', status: 429, headers: { 'retry-after': '10' } });
    router.report('b', { result: 'failure', status: 429, headers: { 'retry-after': '20' } });
    expect(router.plan({})).toEqual(['a']);
    router.bench('a', start + 30_000);
    expect(router.plan({})).toEqual(['b']);
  });

  it('keeps the bench through a health reset', () => {
    const { router } = setup();
    router.bench('a', start + 60_000);
    router.reset('a');
    expect(router.plan({})).toEqual(['b']);
  });

  it('moves sessions off a benched provider', () => {
    const { router } = setup();
    const request = { sessionKey: 's1' };
    router.route(request);
    router.report('a', { result: 'success' }, request);
    expect(router.route(request).affinity).toBe(true);
    router.bench('a', start + 60_000);
    expect(router.route(request)).toEqual({ providers: ['b'], affinity: false });
  });

  it('benches with health turned off', () => {
    const { router, advance } = setup({ health: false });
    router.bench('a', start + 1_000);
    expect(router.plan({})).toEqual(['b']);
    expect(router.snapshot()[0]).toMatchObject({ usable: false, reason: 'budget' });
    advance(1_000);
    expect(router.plan({})).toEqual(['a', 'b']);
  });

  it('rejects unknown names and deadlines that are not numbers', () => {
    const { router } = setup();
    expect(errorCode(() => router.bench('nope', start))).toBe('CCB_ROUTER_UNKNOWN_TARGET');
    expect(errorCode(() => router.unbench('nope'))).toBe('CCB_ROUTER_UNKNOWN_TARGET');
    expect(errorCode(() => router.bench('a', Number.NaN))).toBe('CCB_ROUTER_INVALID_OPTIONS');
  });
});
