import type { AttemptOutcome } from '@ccb/protocol';
import { describe, expect, it } from 'vitest';
import { setup, start, success } from './_router-health-fixture.js';
import { RouterError } from './router-error.js';

/** Epoch seconds, as the unified `-reset` headers carry them. */
const seconds = (atInMs: number) => String(Math.floor(atInMs / 1000));

/** An oauth account, the user's own login and an API key, all in one tier, in that configuration order. */
const mixedTier = [
  { name: 'key' },
  { name: 'max', subscription: 'oauth' as const },
  { name: 'own', subscription: 'client' as const },
];

/** A 200 from a subscription whose 5-hour window is `utilization` used, resetting at `resetAt`. */
function fiveHourAt(utilization: number, resetAt: number): AttemptOutcome {
  return {
    result: 'success',
    status: 200,
    headers: {
      'anthropic-ratelimit-unified-status': 'allowed',
      'anthropic-ratelimit-unified-5h-utilization': String(utilization),
      'anthropic-ratelimit-unified-5h-reset': seconds(resetAt),
      'anthropic-ratelimit-unified-7d-utilization': '0.2',
      'anthropic-ratelimit-unified-7d-reset': seconds(resetAt + 86_400_000),
    },
  };
}

const ban: AttemptOutcome = {
  result: 'failure',
  failure: 'status',
  status: 403,
  errorType: 'permission_error',
  errorMessage: 'This organization has been disabled.',
  headers: { 'x-should-retry': 'false' },
};

describe('subscription targets', () => {
  it('orders usable subscriptions before the API keys of their tier, and keeps tiers first', () => {
    const { router } = setup({
      targets: [...mixedTier, { name: 'backup', priority: 2, subscription: 'oauth' }],
    });
    expect(router.plan({})).toEqual(['max', 'own', 'key', 'backup']);
  });

  it('keeps the strategy order among subscriptions and among API keys', () => {
    const { router } = setup({
      strategy: 'round-robin',
      random: () => 0,
      targets: [
        { name: 'k1' },
        { name: 's1', subscription: 'oauth' },
        { name: 'k2' },
        { name: 's2', subscription: 'client' },
      ],
    });
    const first = router.plan({});
    const second = router.plan({});
    expect(first.slice(0, 2).sort()).toEqual(['s1', 's2']);
    expect(second[0]).not.toBe(first[0]);
    expect(second.slice(0, 2).sort()).toEqual(['s1', 's2']);
    expect(first.slice(2).sort()).toEqual(['k1', 'k2']);
  });

  it('rejects a subscription kind it does not know', () => {
    try {
      setup({ targets: [{ name: 'a', subscription: 'api' as never }] });
      expect.unreachable();
    } catch (error) {
      expect(RouterError.is(error) && error.code).toBe('CCB_ROUTER_INVALID_TARGET');
    }
  });

  it('puts a subscription whose window is past the threshold after the API keys until the window resets', () => {
    const { router, events, advance } = setup({ targets: mixedTier });
    const reset = start + 3_600_000;
    router.report('max', fiveHourAt(0.93, reset));
    expect(router.plan({})).toEqual(['own', 'key', 'max']);
    expect(router.snapshot()[1]).toMatchObject({ reason: 'unified-utilization', deprioritizedUntil: reset });
    advance(3_599_999);
    expect(router.plan({})).toEqual(['own', 'key', 'max']);
    advance(1);
    expect(router.plan({})).toEqual(['max', 'own', 'key']);
    expect(events.map((event) => event.type)).toEqual(['deprioritized', 'reprioritized']);
  });

  it('puts a short subscription after demoted API keys too', () => {
    const { router } = setup({ targets: mixedTier });
    router.report('max', fiveHourAt(0.95, start + 3_600_000));
    router.report('key', {
      result: 'success',
      headers: {
        'anthropic-ratelimit-requests-limit': '100',
        'anthropic-ratelimit-requests-remaining': '1',
        'anthropic-ratelimit-requests-reset': new Date(start + 60_000).toISOString(),
      },
    });
    expect(router.plan({})).toEqual(['own', 'key', 'max']);
  });

  it('leaves a subscription under the threshold first', () => {
    const { router } = setup({ targets: mixedTier });
    router.report('max', fiveHourAt(0.89, start + 3_600_000));
    expect(router.plan({})).toEqual(['max', 'own', 'key']);
  });

  it('sends traffic to the API key while an exhausted window lasts, and back exactly at its reset', () => {
    const { router, events, advance } = setup({
      targets: [{ name: 'key' }, { name: 'max', subscription: 'oauth' }],
    });
    const reset = start + 7_999_000;
    // Drained windows answer 429 with only the per-window headers and no retry-after (protocol notes §7).
    router.report('max', {
      result: 'failure',
      failure: 'status',
      status: 429,
      errorType: 'rate_limit_error',
      headers: {
        'anthropic-ratelimit-unified-5h-status': 'rejected',
        'anthropic-ratelimit-unified-5h-utilization': '1.01',
        'anthropic-ratelimit-unified-5h-reset': seconds(reset),
      },
    });
    expect(router.plan({})).toEqual(['key']);
    expect(router.snapshot()[1]).toMatchObject({ rateLimitClass: 'unified_window', coolingDownUntil: reset });
    advance(7_998_999);
    expect(router.plan({})).toEqual(['key']);
    advance(1);
    expect(router.plan({})).toEqual(['max', 'key']);
    expect(events.map((event) => event.type)).toEqual([
      'deprioritized',
      'rate-limited',
      'rate-limit-ended',
      'reprioritized',
    ]);
  });

  it('waits for the later reset when two windows are exhausted', () => {
    const { router, advance } = setup({ targets: [{ name: 'key' }, { name: 'max', subscription: 'oauth' }] });
    const fiveHourReset = start + 3_600_000;
    const sevenDayReset = start + 5 * 86_400_000;
    router.report('max', {
      result: 'failure',
      failure: 'status',
      status: 429,
      headers: {
        'anthropic-ratelimit-unified-7d-status': 'rejected',
        'anthropic-ratelimit-unified-7d-reset': seconds(sevenDayReset),
        'anthropic-ratelimit-unified-5h-status': 'rejected',
        'anthropic-ratelimit-unified-5h-utilization': '1.0',
        'anthropic-ratelimit-unified-5h-reset': seconds(fiveHourReset),
      },
    });
    expect(router.snapshot()[1]).toMatchObject({ coolingDownUntil: sevenDayReset });
    advance(fiveHourReset - start);
    expect(router.plan({})).toEqual(['key']);
    advance(sevenDayReset - fiveHourReset);
    expect(router.plan({})).toEqual(['max', 'key']);
  });

  it('treats a 529 as overloaded, never as a window, even with unified headers', () => {
    const { router, events } = setup({
      targets: [{ name: 'key' }, { name: 'max', subscription: 'oauth' }],
      health: { overloadedCooldownInMs: 3_000 },
    });
    router.report('max', {
      result: 'failure',
      failure: 'status',
      status: 529,
      errorType: 'overloaded_error',
      headers: {
        'anthropic-ratelimit-unified-status': 'rejected',
        'anthropic-ratelimit-unified-reset': seconds(start + 3_600_000),
        'anthropic-ratelimit-unified-5h-status': 'rejected',
        'anthropic-ratelimit-unified-5h-reset': seconds(start + 3_600_000),
      },
    });
    expect(router.snapshot()[1]).toMatchObject({
      rateLimitClass: 'overloaded',
      coolingDownUntil: start + 3_000,
    });
    expect(events.find((event) => event.type === 'rate-limited')).toMatchObject({
      rateLimitClass: 'overloaded',
      until: start + 3_000,
    });
  });
});

describe('requests that are not from Claude Code', () => {
  it('leaves oauth targets out of the plan of a request not from Claude Code while another candidate is usable', () => {
    const { router } = setup({
      targets: [...mixedTier, { name: 'backup', priority: 2 }],
    });
    expect(router.plan({ fromClaudeCode: false })).toEqual(['own', 'key', 'backup']);
    expect(router.plan({ fromClaudeCode: true })).toEqual(['max', 'own', 'key', 'backup']);
    expect(router.plan({})).toEqual(['max', 'own', 'key', 'backup']);
  });

  it('uses the oauth target when it is the only candidate', () => {
    const { router } = setup({
      targets: [
        { name: 'max', subscription: 'oauth' },
        { name: 'key', models: ['claude-haiku-*'] },
      ],
    });
    expect(router.plan({ model: 'claude-opus-4-5', fromClaudeCode: false })).toEqual(['max']);
  });

  it('uses the oauth target first when every other candidate is unusable', () => {
    const { router } = setup({ targets: [{ name: 'key' }, { name: 'max', subscription: 'oauth' }] });
    router.report('key', { result: 'failure', status: 429, headers: { 'retry-after': '30' } });
    expect(router.plan({ fromClaudeCode: false })).toEqual(['max']);
  });

  it('does not follow a session bound to an oauth target', () => {
    const { router } = setup({ targets: [{ name: 'key' }, { name: 'max', subscription: 'oauth' }] });
    const request = { sessionKey: 's1' };
    router.report('max', success, request);
    expect(router.route({ ...request, fromClaudeCode: true })).toMatchObject({
      providers: ['max', 'key'],
      affinity: true,
    });
    expect(router.route({ ...request, fromClaudeCode: false })).toMatchObject({
      providers: ['key'],
      affinity: false,
    });
  });

  it('says whether any target is an oauth subscription', () => {
    expect(setup({ targets: mixedTier }).router.planner().hasOAuthTargets).toBe(true);
    const { router } = setup({ targets: [{ name: 'own', subscription: 'client' }, { name: 'key' }] });
    expect(router.planner().hasOAuthTargets).toBe(false);
    expect(router.plan({ fromClaudeCode: false })).toEqual(['own', 'key']);
    router.reconfigure({ targets: [{ name: 'own' }, { name: 'max', subscription: 'oauth' }] });
    expect(router.planner().hasOAuthTargets).toBe(true);
  });
});

describe('banned subscription accounts', () => {
  it('leaves a banned oauth account out until an operator resets it, with one event', () => {
    const { router, events, advance } = setup({
      targets: [{ name: 'max', subscription: 'oauth' }, { name: 'key' }],
    });
    router.report('max', ban);
    router.report('max', ban);
    expect(router.plan({})).toEqual(['key']);
    expect(router.isUsable('max')).toBe(false);
    expect(router.snapshot()[0]).toMatchObject({ usable: false, reason: 'banned', coolingDownUntil: null });
    advance(365 * 86_400_000);
    expect(router.plan({})).toEqual(['key']);
    expect(events).toEqual([
      {
        type: 'benched',
        provider: 'max',
        reason: 'banned',
        until: Number.POSITIVE_INFINITY,
        message: 'This organization has been disabled.',
        at: start,
      },
    ]);
    router.reset('max');
    expect(router.plan({})).toEqual(['max', 'key']);
    expect(events.map((event) => event.type)).toEqual(['benched', 'unbenched']);
  });

  it('keeps a ban when a budget bench comes and goes', () => {
    const { router, advance } = setup({ targets: [{ name: 'max', subscription: 'oauth' }, { name: 'key' }] });
    router.report('max', ban);
    router.bench('max', start + 1_000, 'budget');
    advance(1_000);
    expect(router.plan({})).toEqual(['key']);
    router.unbench('max');
    expect(router.plan({})).toEqual(['max', 'key']);
  });

  it('keeps the ordinary credential bench for an API key answering the same 403', () => {
    const { router, events } = setup({ targets: [{ name: 'max', subscription: 'oauth' }, { name: 'key' }] });
    router.report('key', ban);
    expect(router.snapshot()[1]).toMatchObject({ reason: 'auth', state: 'open' });
    expect(events.map((event) => event.type)).toEqual(['state-change']);
  });

  it('does not ban on a 403 that may be retried, or one outside the Messages API', () => {
    const { router } = setup({ targets: [{ name: 'max', subscription: 'oauth' }, { name: 'key' }] });
    router.report('max', { ...ban, headers: {} });
    expect(router.snapshot()[0]).toMatchObject({ reason: 'auth' });
    router.reset('max');
    router.report('max', ban, { api: 'models' });
    expect(router.snapshot()[0]).toMatchObject({ usable: true, reason: null });
  });
});
