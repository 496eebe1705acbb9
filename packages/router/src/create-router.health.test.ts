import type { AttemptOutcome } from '@ccb/protocol';
import { describe, expect, it } from 'vitest';
import { createRouter, type RouterOptions } from './create-router.js';
import type { HealthOptions } from './health-options.js';
import { createMemoryHealthStore, type HealthStore, type ProviderHealthRecord } from './health-store.js';
import { RouterError } from './router-error.js';
import type { RouterEvent } from './router-event.js';

const start = Date.UTC(2026, 10, 29, 12, 0, 0);

function setup(options: Partial<RouterOptions> & { health?: HealthOptions } = {}) {
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
    now: () => nowInMs,
  };
}

const failure: AttemptOutcome = { result: 'failure', failure: 'connect' };
const success: AttemptOutcome = { result: 'success', status: 200 };

function fail(router: { report(name: string, outcome: AttemptOutcome): void }, name: string, times: number) {
  for (let attempt = 0; attempt < times; attempt++) router.report(name, failure);
}

function stateChanges(events: readonly RouterEvent[]) {
  return events.flatMap((event) =>
    event.type === 'state-change' ? [`${event.provider}:${event.from}->${event.to}:${event.reason}`] : [],
  );
}

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

describe('rate-limit cool-downs', () => {
  it('cools down for retry-after seconds on a 429 and ends the cool-down on time', () => {
    const { router, events, advance } = setup();
    router.report('a', {
      result: 'failure',
      failure: 'status',
      status: 429,
      headers: { 'retry-after': '30' },
    });
    expect(router.plan({})).toEqual(['b']);
    expect(router.snapshot()[0]).toMatchObject({
      state: 'closed',
      usable: false,
      rateLimitClass: 'rate_limit',
      coolingDownUntil: start + 30_000,
    });
    advance(29_999);
    expect(router.isUsable('a')).toBe(false);
    advance(1);
    expect(router.plan({})).toEqual(['a', 'b']);
    expect(events).toEqual([
      {
        type: 'rate-limited',
        provider: 'a',
        rateLimitClass: 'rate_limit',
        until: start + 30_000,
        status: 429,
        at: start,
      },
      {
        type: 'rate-limit-ended',
        provider: 'a',
        rateLimitClass: 'rate_limit',
        reason: 'expired',
        at: start + 30_000,
      },
    ]);
  });

  it('cools down until a retry-after HTTP date', () => {
    const { router } = setup();
    const retryAt = new Date(start + 90_000).toUTCString();
    router.report('a', {
      result: 'failure',
      failure: 'status',
      status: 429,
      headers: { 'retry-after': retryAt },
    });
    expect(router.snapshot()[0]?.coolingDownUntil).toBe(start + 90_000);
  });

  it('does not count rate limits against the circuit', () => {
    const { router } = setup();
    for (let attempt = 0; attempt < 5; attempt++) {
      router.report('a', { result: 'failure', failure: 'status', status: 429 });
    }
    expect(router.snapshot()[0]).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });

  it('emits one event per cool-down even when in-flight requests report more 429s', () => {
    const { router, events } = setup();
    for (let attempt = 0; attempt < 3; attempt++) {
      router.report('a', {
        result: 'failure',
        status: 429,
        headers: { 'retry-after': String(10 + attempt) },
      });
    }
    expect(events.map((event) => event.type)).toEqual(['rate-limited']);
    expect(router.snapshot()[0]?.coolingDownUntil).toBe(start + 12_000);
  });

  it('waits for the earliest exhausted ratelimit reset when retry-after is absent', () => {
    const { router } = setup();
    router.report('a', {
      result: 'failure',
      status: 429,
      headers: {
        'anthropic-ratelimit-tokens-limit': '100000',
        'anthropic-ratelimit-tokens-remaining': '0',
        'anthropic-ratelimit-tokens-reset': new Date(start + 45_000).toISOString(),
        'anthropic-ratelimit-requests-limit': '50',
        'anthropic-ratelimit-requests-remaining': '0',
        'anthropic-ratelimit-requests-reset': new Date(start + 20_000).toISOString(),
        'anthropic-ratelimit-input-tokens-limit': '100000',
        'anthropic-ratelimit-input-tokens-remaining': '80000',
        'anthropic-ratelimit-input-tokens-reset': new Date(start + 5_000).toISOString(),
      },
    });
    expect(router.snapshot()[0]?.coolingDownUntil).toBe(start + 20_000);
  });

  it('uses the default cool-down for a 429 without usable headers', () => {
    const { router } = setup({ health: { rateLimitDefaultCooldownInMs: 7_000 } });
    router.report('a', { result: 'failure', status: 429, headers: { 'retry-after': 'soon' } });
    expect(router.snapshot()[0]).toMatchObject({
      rateLimitClass: 'rate_limit',
      coolingDownUntil: start + 7_000,
    });
  });

  it('cools an overloaded provider down briefly, or for its retry-after', () => {
    const { router } = setup();
    router.report('a', { result: 'failure', status: 529, errorType: 'overloaded_error' });
    router.report('b', {
      result: 'failure',
      failure: 'stream',
      errorType: 'overloaded_error',
      headers: { 'retry-after': '5' },
    });
    expect(router.snapshot().map((health) => [health.rateLimitClass, health.coolingDownUntil])).toEqual([
      ['overloaded', start + 2_000],
      ['overloaded', start + 5_000],
    ]);
  });

  it('cools down until the rejected subscription window resets, from per-window headers alone', () => {
    const { router, events } = setup();
    const windowReset = Math.floor(start / 1000) + 7_200;
    router.report('a', {
      result: 'failure',
      status: 429,
      headers: {
        'anthropic-ratelimit-unified-5h-status': 'rejected',
        'anthropic-ratelimit-unified-5h-utilization': '1.01',
        'anthropic-ratelimit-unified-5h-reset': String(windowReset),
        'anthropic-ratelimit-unified-7d-status': 'allowed',
        'anthropic-ratelimit-unified-7d-utilization': '0.4',
        'anthropic-ratelimit-unified-7d-reset': String(windowReset + 400_000),
        'retry-after': '60',
      },
    });
    expect(router.snapshot()[0]).toMatchObject({
      rateLimitClass: 'unified_window',
      coolingDownUntil: windowReset * 1000,
    });
    expect(events.find((event) => event.type === 'rate-limited')).toMatchObject({
      rateLimitClass: 'unified_window',
    });
  });

  it('cools down until the unified reset when the unified status is rejected', () => {
    const { router } = setup();
    const reset = Math.floor(start / 1000) + 3_000;
    router.report('a', {
      result: 'failure',
      status: 429,
      headers: {
        'anthropic-ratelimit-unified-status': 'rejected',
        'anthropic-ratelimit-unified-reset': String(reset),
        'anthropic-ratelimit-unified-representative-claim': 'five_hour',
      },
    });
    expect(router.snapshot()[0]).toMatchObject({
      rateLimitClass: 'unified_window',
      coolingDownUntil: reset * 1000,
    });
  });

  it('treats a bare 429 with x-should-retry as request-scoped, cooling at most briefly', () => {
    const { router, advance } = setup();
    router.report('a', {
      result: 'failure',
      status: 429,
      headers: { 'x-should-retry': 'true', 'retry-after': '30', 'request-id': 'req_1' },
    });
    expect(router.snapshot()[0]).toMatchObject({
      rateLimitClass: 'request_scoped',
      coolingDownUntil: start + 1_000,
    });
    advance(1_000);
    expect(router.isUsable('a')).toBe(true);
  });

  it('does not treat a 429 with rate-limit headers as request-scoped', () => {
    const { router } = setup();
    router.report('a', {
      result: 'failure',
      status: 429,
      headers: { 'x-should-retry': 'true', 'anthropic-ratelimit-requests-remaining': '0' },
    });
    expect(router.snapshot()[0]?.rateLimitClass).toBe('rate_limit');
  });

  it('benches a provider that hit its spend limit until reset() or the long default', () => {
    const { router, events, advance } = setup();
    router.report('a', {
      result: 'failure',
      status: 429,
      errorType: 'rate_limit_error',
      errorCode: 'enforced_spend_limit_reached',
      headers: { 'retry-after': '5' },
    });
    expect(router.snapshot()[0]).toMatchObject({
      rateLimitClass: 'spend_limit',
      coolingDownUntil: start + 86_400_000,
    });
    advance(3_600_000);
    expect(router.plan({})).toEqual(['b']);
    router.reset('a');
    expect(router.plan({})).toEqual(['a', 'b']);
    expect(events.map((event) => event.type)).toEqual(['rate-limited', 'rate-limit-ended']);
    expect(events[1]).toMatchObject({ reason: 'reset', rateLimitClass: 'spend_limit' });
  });

  it('benches a provider whose credit balance is too low', () => {
    const { router } = setup();
    router.report('a', {
      result: 'failure',
      status: 400,
      errorType: 'invalid_request_error',
      errorMessage: 'Your credit balance is too low to access the Anthropic API.',
    });
    expect(router.snapshot()[0]?.rateLimitClass).toBe('spend_limit');
  });

  it('keeps a longer bench when a shorter cool-down arrives', () => {
    const { router } = setup();
    router.report('a', { result: 'failure', status: 429, errorCode: 'enforced_spend_limit_reached' });
    router.report('a', { result: 'failure', status: 429, headers: { 'retry-after': '1' } });
    expect(router.snapshot()[0]).toMatchObject({
      rateLimitClass: 'spend_limit',
      coolingDownUntil: start + 86_400_000,
    });
  });
});

describe('budget awareness', () => {
  const lowRequests = (resetAt: number) => ({
    'anthropic-ratelimit-requests-limit': '100',
    'anthropic-ratelimit-requests-remaining': '4',
    'anthropic-ratelimit-requests-reset': new Date(resetAt).toISOString(),
  });

  it('orders a provider short of budget last in its tier until the budget resets', () => {
    const { router, events, advance } = setup({
      targets: [{ name: 'a' }, { name: 'b' }, { name: 'c', priority: 2 }],
    });
    router.report('a', { result: 'success', status: 200, headers: lowRequests(start + 60_000) });
    expect(router.plan({})).toEqual(['b', 'a', 'c']);
    expect(router.isUsable('a')).toBe(true);
    expect(router.snapshot()[0]).toMatchObject({
      deprioritized: true,
      deprioritizedUntil: start + 60_000,
      reason: 'low-budget',
      budget: { requests: { limit: 100, remaining: 4, resetAt: start + 60_000 } },
    });
    advance(60_000);
    expect(router.plan({})).toEqual(['a', 'b', 'c']);
    expect(events.map((event) => event.type)).toEqual(['deprioritized', 'reprioritized']);
  });

  it('restores a provider as soon as its headers show enough budget again', () => {
    const { router } = setup();
    router.report('a', { result: 'success', headers: lowRequests(start + 60_000) });
    router.report('a', {
      result: 'success',
      headers: { ...lowRequests(start + 60_000), 'anthropic-ratelimit-requests-remaining': '99' },
    });
    expect(router.plan({})).toEqual(['a', 'b']);
  });

  it('does not demote a provider exactly at the low-budget threshold', () => {
    const { router } = setup();
    router.report('a', {
      result: 'success',
      headers: { ...lowRequests(start + 60_000), 'anthropic-ratelimit-requests-remaining': '5' },
    });
    expect(router.plan({})).toEqual(['a', 'b']);
  });

  it('demotes a subscription in allowed_warning until the unified reset', () => {
    const { router, advance } = setup();
    const reset = Math.floor(start / 1000) + 600;
    router.report('a', {
      result: 'success',
      headers: {
        'anthropic-ratelimit-unified-status': 'allowed_warning',
        'anthropic-ratelimit-unified-reset': String(reset),
      },
    });
    expect(router.plan({})).toEqual(['b', 'a']);
    expect(router.snapshot()[0]).toMatchObject({
      reason: 'unified-warning',
      deprioritizedUntil: reset * 1000,
    });
    advance(600_000);
    expect(router.plan({})).toEqual(['a', 'b']);
  });

  it('demotes a subscription whose window utilization reaches the threshold, not below it', () => {
    const { router } = setup();
    const reset = String(Math.floor(start / 1000) + 900);
    const headers = (utilization: string) => ({
      'anthropic-ratelimit-unified-status': 'allowed',
      'anthropic-ratelimit-unified-5h-utilization': utilization,
      'anthropic-ratelimit-unified-5h-reset': reset,
    });
    router.report('a', { result: 'success', headers: headers('0.89') });
    expect(router.plan({})).toEqual(['a', 'b']);
    router.report('a', { result: 'success', headers: headers('0.9') });
    expect(router.plan({})).toEqual(['b', 'a']);
    expect(router.snapshot()[0]).toMatchObject({
      reason: 'unified-utilization',
      deprioritizedUntil: Number(reset) * 1000,
    });
  });

  it('shares traffic by the strategy when every target of a tier is demoted', () => {
    const { router } = setup({ strategy: 'round-robin', random: () => 0 });
    router.report('a', { result: 'success', headers: lowRequests(start + 60_000) });
    router.report('b', { result: 'success', headers: lowRequests(start + 60_000) });
    expect([router.plan({})[0], router.plan({})[0]]).toEqual(['a', 'b']);
  });
});

describe('router health API', () => {
  it('reports every target in configuration order with plain data', () => {
    const { router } = setup({ targets: [{ name: 'a' }, { name: 'off', enabled: false }] });
    fail(router, 'a', 1);
    const snapshot = router.snapshot();
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
    expect(snapshot).toEqual([
      {
        name: 'a',
        enabled: true,
        state: 'closed',
        usable: true,
        coolingDownUntil: null,
        reason: null,
        rateLimitClass: null,
        lastError: { kind: 'connect', status: null, errorType: null, at: start },
        lastSuccessAt: null,
        serving: false,
        consecutiveFailures: 1,
        failureRate: 1,
        windowCount: 1,
        budget: { requests: null, tokens: null, inputTokens: null, outputTokens: null },
        unified: null,
        deprioritized: false,
        deprioritizedUntil: null,
      },
      expect.objectContaining({ name: 'off', enabled: false, usable: false }),
    ]);
  });

  it('rejects a reset of an unknown provider with CCB_ROUTER_UNKNOWN_TARGET', () => {
    const { router } = setup();
    let caught: unknown;
    try {
      router.reset('nope');
    } catch (error) {
      caught = error;
    }
    expect(RouterError.is(caught) && caught.code).toBe('CCB_ROUTER_UNKNOWN_TARGET');
    expect(router.isUsable('nope')).toBe(false);
  });

  it('closes an open circuit on reset and says so once', () => {
    const { router, events } = setup();
    fail(router, 'a', 3);
    router.reset('a');
    expect(router.isUsable('a')).toBe(true);
    expect(stateChanges(events)).toEqual(['a:closed->open:consecutive-failures', 'a:open->closed:reset']);
  });

  it('tracks nothing when health is off', () => {
    const { router, events } = setup({ health: false } as never);
    fail(router, 'a', 10);
    router.report('b', { result: 'failure', status: 429, headers: { 'retry-after': '60' } });
    expect(router.plan({})).toEqual(['a', 'b']);
    expect(router.snapshot().every((health) => health.usable && health.state === 'closed')).toBe(true);
    expect(events).toEqual([]);
  });

  it('keeps working with a store that serialises every record to JSON', () => {
    const backing = new Map<string, string>();
    const store: HealthStore = {
      get: (name) => {
        const text = backing.get(name);
        return text === undefined ? undefined : (JSON.parse(text) as ProviderHealthRecord);
      },
      set: (name, record) => {
        backing.set(name, JSON.stringify(record));
      },
      delete: (name) => {
        backing.delete(name);
      },
    };
    const { router, advance } = setup({ healthStore: store });
    fail(router, 'a', 3);
    router.report('b', { result: 'success', headers: lowRequestsFor(start + 1_000) });
    expect(router.plan({})).toEqual(['b']);
    advance(10_000);
    expect(router.plan({})).toEqual(['a', 'b']);
    expect(router.plan({})).toEqual(['b']);
    router.report('a', success);
    expect(router.plan({})).toEqual(['a', 'b']);
  });

  it('shares state between routers that share a store', () => {
    const store = createMemoryHealthStore();
    const first = setup({ healthStore: store });
    const second = setup({ healthStore: store });
    fail(first.router, 'a', 3);
    expect(second.router.plan({})).toEqual(['b']);
  });

  it('rejects out-of-range health options with CCB_ROUTER_INVALID_OPTIONS', () => {
    expect(() => setup({ health: { failureRateThreshold: 1.5 } })).toThrow(/health\.failureRateThreshold/);
  });
});

function lowRequestsFor(resetAt: number) {
  return {
    'anthropic-ratelimit-requests-limit': '100',
    'anthropic-ratelimit-requests-remaining': '1',
    'anthropic-ratelimit-requests-reset': new Date(resetAt).toISOString(),
  };
}
