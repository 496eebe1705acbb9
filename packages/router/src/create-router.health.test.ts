import { describe, expect, it } from 'vitest';
import { fail, setup, start, stateChanges, success } from './_router-health-fixture.js';
import { createMemoryHealthStore, type HealthStore, type ProviderHealthRecord } from './health-store.js';
import { RouterError } from './router-error.js';

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
