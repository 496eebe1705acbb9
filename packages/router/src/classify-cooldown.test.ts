import { type AttemptOutcome, readRateLimitHeaders } from '@ccb/protocol';
import { describe, expect, it } from 'vitest';
import { classifyCooldown } from './classify-cooldown.js';
import { resolveHealthOptions } from './health-options.js';

const now = Date.UTC(2026, 10, 29, 12, 0, 0);
const nowInSeconds = now / 1000;
const options = resolveHealthOptions();

function classify(outcome: AttemptOutcome) {
  return classifyCooldown(outcome, readRateLimitHeaders(outcome.headers ?? {}), now, options);
}

describe('classifyCooldown', () => {
  it('leaves failures that are not about limits to the circuit breaker', () => {
    expect(
      classify({ result: 'failure', failure: 'status', status: 500, errorType: 'api_error' }),
    ).toBeUndefined();
    expect(classify({ result: 'failure', failure: 'connect' })).toBeUndefined();
    expect(classify({ result: 'failure', status: 503, headers: { 'retry-after': '5' } })).toBeUndefined();
  });

  it('recognises a rate limit from the error type when the status is unknown', () => {
    expect(classify({ result: 'failure', failure: 'stream', errorType: 'rate_limit_error' })).toEqual({
      rateLimitClass: 'rate_limit',
      until: now + 10_000,
    });
  });

  it('prefers the aggregate unified reset when the subscription is rejected', () => {
    expect(
      classify({
        result: 'failure',
        status: 429,
        headers: {
          'anthropic-ratelimit-unified-status': 'rejected',
          'anthropic-ratelimit-unified-reset': String(nowInSeconds + 100),
          'anthropic-ratelimit-unified-5h-status': 'rejected',
          'anthropic-ratelimit-unified-5h-reset': String(nowInSeconds + 50),
        },
      }),
    ).toEqual({ rateLimitClass: 'unified_window', until: now + 100_000 });
  });

  it('waits for an exhausted window that resets after the aggregate reset', () => {
    expect(
      classify({
        result: 'failure',
        status: 429,
        headers: {
          'anthropic-ratelimit-unified-status': 'rejected',
          'anthropic-ratelimit-unified-reset': String(nowInSeconds + 100),
          'anthropic-ratelimit-unified-representative-claim': 'five_hour',
          'anthropic-ratelimit-unified-5h-status': 'rejected',
          'anthropic-ratelimit-unified-5h-reset': String(nowInSeconds + 100),
          'anthropic-ratelimit-unified-7d-status': 'rejected',
          'anthropic-ratelimit-unified-7d-reset': String(nowInSeconds + 86_400),
        },
      }),
    ).toEqual({ rateLimitClass: 'unified_window', until: now + 86_400_000 });
  });

  it('waits for the latest of several rejected windows and ignores the overage window', () => {
    expect(
      classify({
        result: 'failure',
        status: 429,
        headers: {
          'anthropic-ratelimit-unified-5h-status': 'rejected',
          'anthropic-ratelimit-unified-5h-reset': String(nowInSeconds + 50),
          'anthropic-ratelimit-unified-7d-utilization': '1.2',
          'anthropic-ratelimit-unified-7d-reset': String(nowInSeconds + 5_000),
          'anthropic-ratelimit-unified-overage-status': 'rejected',
          'anthropic-ratelimit-unified-overage-reset': String(nowInSeconds + 900_000),
        },
      }),
    ).toEqual({ rateLimitClass: 'unified_window', until: now + 5_000_000 });
  });

  it('falls back to retry-after, then the default, for a unified 429 without a future reset', () => {
    const stale = {
      'anthropic-ratelimit-unified-5h-status': 'rejected',
      'anthropic-ratelimit-unified-5h-reset': '1',
    };
    expect(
      classify({ result: 'failure', status: 429, headers: { ...stale, 'retry-after': '7999' } }),
    ).toEqual({
      rateLimitClass: 'unified_window',
      until: now + 7_999_000,
    });
    expect(classify({ result: 'failure', status: 429, headers: stale })).toEqual({
      rateLimitClass: 'unified_window',
      until: now + 10_000,
    });
  });

  it('ignores a retry-after in the past', () => {
    expect(
      classify({
        result: 'failure',
        status: 429,
        headers: { 'retry-after': 'Thu, 01 Jan 2026 00:00:00 GMT' },
      }),
    ).toEqual({
      rateLimitClass: 'rate_limit',
      until: now + 10_000,
    });
  });
});
