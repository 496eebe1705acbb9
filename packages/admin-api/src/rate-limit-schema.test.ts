import { noRateLimitHeaders, readRateLimitHeaders } from '@ccb/protocol';
import { describe, expect, it } from 'vitest';
import { rateLimitSchema, toRateLimitWire, toUnifiedWire, unifiedSchema } from './rate-limit-schema.js';

describe('toRateLimitWire', () => {
  it('writes the budgets snake_case with ISO resets, and null for kinds never sent', () => {
    const reading = readRateLimitHeaders({
      'anthropic-ratelimit-requests-limit': '4000',
      'anthropic-ratelimit-requests-remaining': '3998',
      'anthropic-ratelimit-requests-reset': '2026-12-06T10:00:00Z',
      'anthropic-ratelimit-output-tokens-remaining': '0',
    });
    const wire = toRateLimitWire(reading.budget);
    expect(wire).toEqual({
      requests: { limit: 4000, remaining: 3998, reset_at: '2026-12-06T10:00:00.000Z' },
      tokens: null,
      input_tokens: null,
      output_tokens: { limit: null, remaining: 0, reset_at: null },
    });
    expect(rateLimitSchema.parse(wire)).toEqual(wire);
  });

  it('writes all nulls for a provider that never sent a budget', () => {
    expect(toRateLimitWire(noRateLimitHeaders.budget)).toEqual({
      requests: null,
      tokens: null,
      input_tokens: null,
      output_tokens: null,
    });
  });
});

describe('toUnifiedWire', () => {
  it('writes the subscription windows by name, with ISO resets', () => {
    const reading = readRateLimitHeaders({
      'anthropic-ratelimit-unified-status': 'allowed',
      'anthropic-ratelimit-unified-reset': '1796551200',
      'anthropic-ratelimit-unified-5h-utilization': '0.42',
      'anthropic-ratelimit-unified-7d-status': 'allowed_warning',
    });
    const wire = toUnifiedWire(reading.unified);
    expect(wire).toEqual({
      status: 'allowed',
      reset_at: '2026-12-06T10:00:00.000Z',
      windows: {
        '5h': { status: null, utilization: 0.42, reset_at: null },
        '7d': { status: 'allowed_warning', utilization: null, reset_at: null },
      },
    });
    expect(unifiedSchema.parse(wire)).toEqual(wire);
  });

  it('keeps null for a provider without subscription headers', () => {
    expect(toUnifiedWire(null)).toBeNull();
  });

  it('keeps a window named __proto__ as data, not as the prototype', () => {
    const wire = toUnifiedWire({
      status: null,
      resetAt: null,
      windows: JSON.parse('{"__proto__":{"status":"rejected","utilization":1.2,"resetAt":null}}'),
    });
    expect(Object.getPrototypeOf(wire?.windows)).toBe(Object.prototype);
    expect(Object.hasOwn(wire?.windows ?? {}, '__proto__')).toBe(true);
    const sent = JSON.parse(JSON.stringify(wire)).windows;
    expect(Object.getOwnPropertyDescriptor(sent, '__proto__')?.value.status).toBe('rejected');
  });
});
