import { describe, expect, it } from 'vitest';
import { noRateLimitHeaders, readRateLimitHeaders, readRetryAfter } from './rate-limit-headers.js';

const now = Date.UTC(2026, 10, 29, 12, 0, 0);

describe('readRateLimitHeaders', () => {
  it('returns the shared empty reading when no rate-limit header is present', () => {
    expect(readRateLimitHeaders({ 'content-type': 'application/json', 'retry-after': '3' })).toBe(
      noRateLimitHeaders,
    );
  });

  it('reads the four API-key budgets', () => {
    const reading = readRateLimitHeaders({
      'anthropic-ratelimit-requests-limit': '50',
      'anthropic-ratelimit-requests-remaining': '49',
      'anthropic-ratelimit-requests-reset': '2026-11-29T12:00:01Z',
      'anthropic-ratelimit-tokens-limit': '90000',
      'anthropic-ratelimit-tokens-remaining': '89000',
      'anthropic-ratelimit-input-tokens-remaining': '70000',
      'anthropic-ratelimit-output-tokens-reset': '2026-11-29T12:00:09+00:00',
    });
    expect(reading.present).toBe(true);
    expect(reading.budget).toEqual({
      requests: { limit: 50, remaining: 49, resetAt: now + 1_000 },
      tokens: { limit: 90000, remaining: 89000, resetAt: null },
      inputTokens: { limit: null, remaining: 70000, resetAt: null },
      outputTokens: { limit: null, remaining: null, resetAt: now + 9_000 },
    });
    expect(reading.exhaustedResetAt).toBeNull();
    expect(reading.unified).toBeNull();
  });

  it('finds the earliest reset among exhausted budgets, including non-standard kinds', () => {
    const reading = readRateLimitHeaders({
      'anthropic-ratelimit-tokens-remaining': '0',
      'anthropic-ratelimit-tokens-reset': '2026-11-29T12:00:30Z',
      'anthropic-ratelimit-batch-requests-remaining': '0',
      'anthropic-ratelimit-batch-requests-reset': '2026-11-29T12:00:10Z',
      'anthropic-ratelimit-requests-remaining': '3',
      'anthropic-ratelimit-requests-reset': '2026-11-29T12:00:01Z',
    });
    expect(reading.exhaustedResetAt).toBe(now + 10_000);
  });

  it('reads subscription headers by prefix, per window, with epoch-second resets', () => {
    const reading = readRateLimitHeaders({
      'anthropic-ratelimit-unified-status': 'allowed_warning',
      'anthropic-ratelimit-unified-reset': '1795953600',
      'anthropic-ratelimit-unified-5h-utilization': '0.93',
      'anthropic-ratelimit-unified-5h-reset': '1795953600',
      'anthropic-ratelimit-unified-7d-status': 'allowed',
      'anthropic-ratelimit-unified-overage-disabled-reason': 'org_level_disabled',
      'anthropic-ratelimit-unified-representative-claim': 'five_hour',
    });
    expect(reading.unified).toEqual({
      status: 'allowed_warning',
      resetAt: 1_795_953_600_000,
      windows: {
        '5h': { status: null, utilization: 0.93, resetAt: 1_795_953_600_000 },
        '7d': { status: 'allowed', utilization: null, resetAt: null },
      },
    });
    expect(reading.budget.requests).toBeNull();
  });

  it('takes the first value of a repeated header and ignores malformed numbers', () => {
    const reading = readRateLimitHeaders({
      'anthropic-ratelimit-requests-limit': ['100', '200'],
      'anthropic-ratelimit-requests-remaining': 'lots',
      'anthropic-ratelimit-requests-reset': 'tomorrow',
    });
    expect(reading.budget.requests).toEqual({ limit: 100, remaining: null, resetAt: null });
  });
});

describe('readRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(readRetryAfter({ 'retry-after': '2' }, now)).toBe(now + 2_000);
    expect(readRetryAfter({ 'retry-after': '0.5' }, now)).toBe(now + 500);
  });

  it('reads an HTTP-date', () => {
    expect(readRetryAfter({ 'retry-after': 'Sun, 29 Nov 2026 12:01:00 GMT' }, now)).toBe(now + 60_000);
  });

  it('prefers retry-after-ms', () => {
    expect(readRetryAfter({ 'retry-after-ms': '250', 'retry-after': '9' }, now)).toBe(now + 250);
  });

  it('returns null when absent, negative or malformed', () => {
    expect(readRetryAfter({}, now)).toBeNull();
    expect(readRetryAfter({ 'retry-after': '-3' }, now)).toBeNull();
    expect(readRetryAfter({ 'retry-after': 'later' }, now)).toBeNull();
  });
});
