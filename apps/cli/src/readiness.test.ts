import { createRouter } from '@ccb/router';
import { describe, expect, it } from 'vitest';
import { readinessReport } from './readiness.js';

const start = Date.UTC(2026, 11, 6, 8, 0, 0);

describe('readinessReport', () => {
  it('lists each subscription window with its utilization and reset, and a ban without a date', () => {
    const router = createRouter({
      targets: [
        { name: 'max', subscription: 'oauth' },
        { name: 'key' },
        { name: 'old', subscription: 'oauth' },
      ],
      now: () => start,
    });
    router.report('max', {
      result: 'failure',
      failure: 'status',
      status: 429,
      headers: {
        'anthropic-ratelimit-unified-5h-status': 'rejected',
        'anthropic-ratelimit-unified-5h-utilization': '1.01',
        'anthropic-ratelimit-unified-5h-reset': String(start / 1000 + 3600),
        'anthropic-ratelimit-unified-7d-utilization': '0.4',
        'anthropic-ratelimit-unified-7d-reset': String(start / 1000 + 86_400),
      },
    });
    router.report('old', {
      result: 'failure',
      failure: 'status',
      status: 403,
      errorType: 'permission_error',
      headers: { 'x-should-retry': 'false' },
    });
    const { ready, body } = readinessReport(router.snapshot(), new Map());
    expect(ready).toBe(true);
    const [max, key, old] = body.providers as Record<string, unknown>[];
    expect(max).toMatchObject({
      usable: false,
      reason: 'unified_window',
      cooling_down_until: new Date(start + 3_600_000).toISOString(),
      unified: {
        windows: {
          '5h': { status: 'rejected', utilization: 1.01, resetAt: start + 3_600_000 },
          '7d': { status: null, utilization: 0.4, resetAt: start + 86_400_000 },
        },
      },
    });
    expect(key).toMatchObject({ usable: true, unified: null });
    expect(old).toMatchObject({ usable: false, reason: 'banned', cooling_down_until: null });
  });
});

describe('readinessReport with a shared state store', () => {
  it('shows the store, and a store that is down never makes ccb unready', () => {
    const router = createRouter({ targets: [{ name: 'a' }], now: () => start });
    const stateStore = {
      store: 'redis' as const,
      address: '127.0.0.1:6379',
      up: false,
      since: new Date(start).toISOString(),
      last_error: 'connect ECONNREFUSED 127.0.0.1:6379',
    };
    const { ready, body } = readinessReport(router.snapshot(), new Map(), new Map(), stateStore);
    expect(ready).toBe(true);
    expect(body.state_store).toEqual(stateStore);
    expect(readinessReport(router.snapshot(), new Map()).body).not.toHaveProperty('state_store');
  });
});
