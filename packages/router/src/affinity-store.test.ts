import { describe, expect, it } from 'vitest';
import { createAdjustableAffinityStore, createMemoryAffinityStore } from './affinity-store.js';
import { RouterError } from './router-error.js';

function setup(options: { ttlInMs?: number; maxSessions?: number } = {}) {
  let nowInMs = 1_000_000;
  const store = createMemoryAffinityStore({ ...options, now: () => nowInMs });
  return {
    store,
    advance(milliseconds: number) {
      nowInMs += milliseconds;
    },
  };
}

describe('createMemoryAffinityStore', () => {
  it('returns the provider bound to a key and forgets deleted keys', () => {
    const { store } = setup();
    expect(store.get('s1')).toBeUndefined();
    store.set('s1', 'a');
    store.set('s2', 'b');
    store.set('s1', 'c');
    expect(store.get('s1')).toBe('c');
    expect(store.get('s2')).toBe('b');
    store.delete('s2');
    expect(store.get('s2')).toBeUndefined();
    expect(store.size?.()).toBe(1);
  });

  it('expires a binding ttlInMs after its last use, not after its creation', () => {
    const { store, advance } = setup({ ttlInMs: 1_000 });
    store.set('s1', 'a');
    advance(999);
    expect(store.get('s1')).toBe('a');
    advance(999);
    expect(store.get('s1')).toBe('a');
    advance(1_000);
    expect(store.get('s1')).toBeUndefined();
    expect(store.size?.()).toBe(0);
  });

  it('evicts the least recently used binding when full', () => {
    const { store, advance } = setup({ maxSessions: 3 });
    store.set('s1', 'a');
    store.set('s2', 'a');
    store.set('s3', 'a');
    // Recency is refreshed at most once per refresh slack (ttl / 64, at most a minute).
    advance(60_001);
    expect(store.get('s1')).toBe('a');
    store.set('s4', 'b');
    expect(store.get('s2')).toBeUndefined();
    expect(store.get('s1')).toBe('a');
    expect(store.get('s3')).toBe('a');
    expect(store.get('s4')).toBe('b');
    expect(store.size?.()).toBe(3);
  });

  it('keeps the place of a binding touched again within the refresh slack (no churn on every request)', () => {
    const { store, advance } = setup({ maxSessions: 2 });
    store.set('s1', 'a');
    store.set('s2', 'a');
    advance(1_000);
    expect(store.get('s1')).toBe('a');
    store.set('s3', 'b');
    expect(store.get('s1')).toBeUndefined();
    expect(store.get('s2')).toBe('a');
  });

  it('drops expired bindings before evicting live ones', () => {
    const { store, advance } = setup({ ttlInMs: 1_000, maxSessions: 3 });
    store.set('old-1', 'a');
    store.set('old-2', 'a');
    advance(500);
    store.set('live', 'b');
    advance(600);
    store.set('new', 'c');
    expect(store.size?.()).toBe(2);
    expect(store.get('live')).toBe('b');
    expect(store.get('new')).toBe('c');
  });

  it('stays bounded under many sessions', () => {
    const { store } = setup({ maxSessions: 100 });
    for (let session = 0; session < 10_000; session++) store.set(`s${session}`, 'a');
    expect(store.size?.()).toBe(100);
    expect(store.get('s9999')).toBe('a');
    expect(store.get('s9899')).toBeUndefined();
  });

  it.each([
    ['a zero ttlInMs', { ttlInMs: 0 }],
    ['a NaN ttlInMs', { ttlInMs: Number.NaN }],
    ['a zero maxSessions', { maxSessions: 0 }],
    ['a fractional maxSessions', { maxSessions: 1.5 }],
  ])('rejects %s with CCB_ROUTER_INVALID_OPTIONS', (_, options) => {
    let caught: unknown;
    try {
      createMemoryAffinityStore(options);
    } catch (error) {
      caught = error;
    }
    expect(RouterError.is(caught) && caught.code).toBe('CCB_ROUTER_INVALID_OPTIONS');
  });
});

describe('createAdjustableAffinityStore', () => {
  function setupAdjustable(options: { ttlInMs?: number; maxSessions?: number } = {}) {
    let nowInMs = 1_000_000;
    const store = createAdjustableAffinityStore({ ...options, now: () => nowInMs });
    return {
      store,
      advance(milliseconds: number) {
        nowInMs += milliseconds;
      },
    };
  }

  it('keeps bindings under a longer ttl and applies it from their next use', () => {
    const { store, advance } = setupAdjustable({ ttlInMs: 1_000 });
    store.set('s1', 'a');
    store.setLimits(10_000, 10);
    advance(999);
    expect(store.get('s1')).toBe('a');
    advance(9_999);
    expect(store.get('s1')).toBe('a');
    advance(10_000);
    expect(store.get('s1')).toBeUndefined();
  });

  it('evicts the least recently used bindings down to a smaller maxSessions, then keeps to it', () => {
    const { store, advance } = setupAdjustable({ ttlInMs: 64_000 });
    for (const key of ['s1', 's2', 's3']) store.set(key, 'a');
    // Past the refresh slack (ttl / 64), a use moves the binding to the most recent end.
    advance(2_000);
    store.get('s1');
    store.setLimits(64_000, 2);
    expect([store.get('s1'), store.get('s2'), store.get('s3')]).toEqual(['a', undefined, 'a']);
    store.set('s4', 'a');
    expect(store.size?.()).toBe(2);
  });

  it('forgets the bindings to one provider only', () => {
    const { store } = setupAdjustable();
    store.set('s1', 'gone');
    store.set('s2', 'stays');
    store.set('s3', 'gone');
    store.forgetProvider('gone');
    expect([store.get('s1'), store.get('s2'), store.get('s3')]).toEqual([undefined, 'stays', undefined]);
  });
});
