import { describe, expect, it } from 'vitest';
import { setup, start } from './_router-health-fixture.js';

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
