import type { AttemptOutcome } from '@ccb/protocol';
import { describe, expect, it } from 'vitest';
import { fail, failure, setup, start, stateChanges, success } from './_router-health-fixture.js';

describe('circuit breaker', () => {
  it('opens after the configured number of consecutive failures and emits one event', () => {
    const { router, events, now } = setup();
    fail(router, 'a', 2);
    expect(router.plan({})).toEqual(['a', 'b']);
    fail(router, 'a', 1);
    expect(router.plan({})).toEqual(['b']);
    expect(router.isUsable('a')).toBe(false);
    expect(events).toEqual([
      {
        type: 'state-change',
        provider: 'a',
        from: 'closed',
        to: 'open',
        reason: 'consecutive-failures',
        until: now() + 10_000,
        status: null,
        at: now(),
      },
    ]);
  });

  it('restarts the consecutive count after a success', () => {
    const { router } = setup();
    fail(router, 'a', 2);
    router.report('a', success);
    fail(router, 'a', 2);
    expect(router.isUsable('a')).toBe(true);
  });

  it('does not judge the failure rate before the window holds the minimum number of attempts', () => {
    const { router } = setup({ health: { failureThreshold: 100, windowSize: 10, minRequestsInWindow: 10 } });
    for (const outcome of [failure, success, failure, success, failure, success, failure, failure, failure]) {
      router.report('a', outcome);
    }
    expect(router.isUsable('a')).toBe(true);
  });

  it('opens when the failure rate over the window reaches the threshold', () => {
    const { router, events } = setup({
      health: { failureThreshold: 100, windowSize: 10, minRequestsInWindow: 10 },
    });
    for (let pair = 0; pair < 5; pair++) {
      router.report('a', success);
      router.report('a', failure);
    }
    expect(router.isUsable('a')).toBe(false);
    expect(stateChanges(events)).toEqual(['a:closed->open:failure-rate']);
  });

  it('stays closed just below the failure-rate threshold', () => {
    const { router } = setup({ health: { failureThreshold: 100, windowSize: 10, minRequestsInWindow: 10 } });
    for (const outcome of [
      success,
      success,
      failure,
      success,
      failure,
      success,
      failure,
      success,
      success,
      failure,
    ]) {
      router.report('a', outcome);
    }
    expect(router.isUsable('a')).toBe(true);
  });

  it('judges only the most recent attempts of the sliding window', () => {
    const { router } = setup({ health: { failureThreshold: 100, windowSize: 4, minRequestsInWindow: 4 } });
    // F F S S S S: the early failures slide out; then F makes 1/4, F F makes 2/4 → opens.
    for (const outcome of [failure, success, failure, success, success, success, success, failure]) {
      router.report('a', outcome);
    }
    expect(router.isUsable('a')).toBe(true);
    router.report('a', failure);
    expect(router.isUsable('a')).toBe(false);
  });

  it('lets exactly one trial through after the cool-down, first in its tier', () => {
    const { router, events, advance } = setup();
    fail(router, 'a', 3);
    advance(9_999);
    expect(router.plan({})).toEqual(['b']);
    advance(1);
    expect(router.plan({})).toEqual(['a', 'b']);
    expect(router.plan({})).toEqual(['b']);
    expect(router.snapshot()[0]?.state).toBe('half-open');
    expect(stateChanges(events)).toEqual([
      'a:closed->open:consecutive-failures',
      'a:open->half-open:cooldown-elapsed',
    ]);
  });

  it('closes on a successful trial and resets the back-off', () => {
    const { router, events, advance, now } = setup();
    fail(router, 'a', 3);
    advance(10_000);
    router.plan({});
    router.report('a', success);
    expect(router.plan({})).toEqual(['a', 'b']);
    expect(stateChanges(events).at(-1)).toBe('a:half-open->closed:trial-success');
    fail(router, 'a', 3);
    expect(router.snapshot()[0]?.coolingDownUntil).toBe(now() + 10_000);
  });

  it('doubles the cool-down after each failed trial up to the cap', () => {
    const { router, advance, now } = setup({ health: { cooldownInMs: 10_000, maxCooldownInMs: 50_000 } });
    fail(router, 'a', 3);
    const periods: number[] = [];
    for (let trial = 0; trial < 4; trial++) {
      const until = router.snapshot()[0]?.coolingDownUntil as number;
      periods.push(until - now());
      advance(until - now());
      expect(router.plan({})[0]).toBe('a');
      router.report('a', { result: 'failure', failure: 'timeout' });
    }
    periods.push((router.snapshot()[0]?.coolingDownUntil as number) - now());
    expect(periods).toEqual([10_000, 20_000, 40_000, 50_000, 50_000]);
  });

  it('offers the trial again when the planned trial was never reported within the lease', () => {
    const { router, advance } = setup({ health: { halfOpenTrialTimeoutInMs: 5_000 } });
    fail(router, 'a', 3);
    advance(10_000);
    expect(router.plan({})).toEqual(['a', 'b']);
    advance(4_999);
    expect(router.plan({})).toEqual(['b']);
    advance(1);
    expect(router.plan({})).toEqual(['a', 'b']);
  });

  it('never counts client errors, and frees the trial slot on one', () => {
    const { router, advance } = setup();
    for (let attempt = 0; attempt < 10; attempt++)
      router.report('a', { result: 'client_error', status: 400 });
    expect(router.isUsable('a')).toBe(true);
    fail(router, 'a', 3);
    advance(10_000);
    expect(router.plan({})).toEqual(['a', 'b']);
    router.report('a', { result: 'client_error', status: 400 });
    expect(router.snapshot()[0]?.state).toBe('half-open');
    expect(router.plan({})).toEqual(['a', 'b']);
  });

  it('counts streams broken mid-way as failures', () => {
    const { router } = setup();
    for (let attempt = 0; attempt < 3; attempt++)
      router.report('a', { result: 'failure', failure: 'stream', status: 200 });
    expect(router.isUsable('a')).toBe(false);
  });

  it('ignores late failures while open: no extension, no event', () => {
    const { router, events, now } = setup();
    fail(router, 'a', 3);
    const until = router.snapshot()[0]?.coolingDownUntil;
    fail(router, 'a', 5);
    expect(router.snapshot()[0]?.coolingDownUntil).toBe(until);
    expect(until).toBe(now() + 10_000);
    expect(events).toHaveLength(1);
  });

  it('opens at once for the auth cool-down when the upstream rejects credentials, with one event', () => {
    const { router, events, advance, now } = setup();
    const rejected: AttemptOutcome = {
      result: 'failure',
      failure: 'status',
      status: 401,
      errorType: 'authentication_error',
    };
    router.report('a', rejected);
    advance(1_000);
    router.report('a', rejected);
    router.report('a', { ...rejected, status: 403 });
    expect(router.plan({})).toEqual(['b']);
    expect(events).toEqual([
      {
        type: 'state-change',
        provider: 'a',
        from: 'closed',
        to: 'open',
        reason: 'auth',
        until: start + 600_000,
        status: 401,
        at: start,
      },
    ]);
    expect(router.snapshot()[0]).toMatchObject({ reason: 'auth', coolingDownUntil: now() + 600_000 });
  });

  it('still plans the provider whose cool-down ends soonest when all are unusable', () => {
    const { router, advance } = setup({
      targets: [{ name: 'a' }, { name: 'b', priority: 2 }, { name: 'c', models: ['other-*'] }],
    });
    fail(router, 'c', 3);
    advance(1_000);
    fail(router, 'b', 3);
    advance(1_000);
    fail(router, 'a', 3);
    // c's cool-down ends first, but c does not serve the model.
    expect(router.plan({ model: 'claude-opus-5' })).toEqual(['b']);
    expect(router.plan({ model: 'other-1' })).toEqual(['c']);
    router.report('b', { result: 'failure', failure: 'status', status: 401 });
    expect(router.plan({ model: 'claude-opus-5' })).toEqual(['a']);
  });

  it('closes an open circuit on a successful probe and counts failed probes of a closed one', () => {
    const { router, events } = setup();
    router.reportProbe('a', false);
    router.reportProbe('a', false);
    expect(router.isUsable('a')).toBe(true);
    router.reportProbe('a', false);
    expect(router.isUsable('a')).toBe(false);
    router.reportProbe('a', true);
    expect(router.isUsable('a')).toBe(true);
    expect(stateChanges(events)).toEqual([
      'a:closed->open:consecutive-failures',
      'a:open->closed:probe-success',
    ]);
  });

  it('re-opens a half-open circuit with a doubled cool-down on a failed probe', () => {
    const { router, events, advance, now } = setup();
    fail(router, 'a', 3);
    advance(10_000);
    router.reportProbe('a', false);
    expect(router.snapshot()[0]?.coolingDownUntil).toBe(now() + 20_000);
    expect(stateChanges(events).at(-1)).toBe('a:half-open->open:probe-failure');
  });
});
