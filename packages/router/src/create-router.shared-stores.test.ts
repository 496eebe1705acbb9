import { describe, expect, it } from 'vitest';
import { type AdjustableAffinityStore, createAdjustableAffinityStore } from './affinity-store.js';
import { createRouter } from './create-router.js';
import { createHealthRecord, createMemoryHealthStore } from './health-store.js';

/** A caller's store (as a shared replica is) that records what the router asks of it. */
function recordingStore() {
  const inner = createAdjustableAffinityStore();
  const calls: string[] = [];
  const store: AdjustableAffinityStore = {
    get: (key) => inner.get(key),
    set: (key, provider) => inner.set(key, provider),
    delete: (key) => inner.delete(key),
    size: () => inner.size?.() ?? 0,
    setLimits(ttlInMs, maxSessions) {
      calls.push(`setLimits ${ttlInMs} ${maxSessions}`);
      inner.setLimits(ttlInMs, maxSessions);
    },
    forgetProvider(provider) {
      calls.push(`forgetProvider ${provider}`);
      inner.forgetProvider(provider);
    },
  };
  return { store, calls };
}

describe('a caller-supplied adjustable affinity store', () => {
  it('takes the affinity limits at creation and on every reconfigure', () => {
    const { store, calls } = recordingStore();
    const router = createRouter({
      targets: [{ name: 'a' }, { name: 'b' }],
      affinity: { ttlInMs: 60_000, maxSessions: 5 },
      affinityStore: store,
    });
    router.reconfigure({
      targets: [{ name: 'a' }, { name: 'b' }],
      affinity: { ttlInMs: 30_000, maxSessions: 3 },
    });
    expect(calls).toEqual(['setLimits 60000 5', 'setLimits 30000 3']);
  });

  it('forgets the bindings of a provider that leaves the configuration', () => {
    const { store, calls } = recordingStore();
    const router = createRouter({ targets: [{ name: 'a' }, { name: 'b' }], affinityStore: store });
    store.set('session', 'b');
    router.reconfigure({ targets: [{ name: 'a' }] });
    expect(calls).toContain('forgetProvider b');
    expect(store.get('session')).toBeUndefined();
  });

  it('leaves a plain store alone', () => {
    const bindings = new Map<string, string>();
    const router = createRouter({
      targets: [{ name: 'a' }, { name: 'b' }],
      affinityStore: {
        get: (key) => bindings.get(key),
        set: (key, provider) => void bindings.set(key, provider),
        delete: (key) => void bindings.delete(key),
      },
    });
    bindings.set('session', 'b');
    router.reconfigure({ targets: [{ name: 'a' }] });
    expect(bindings.get('session')).toBe('b');
  });
});

describe("a health record changed underneath the router (a peer instance's verdict)", () => {
  it('is honoured by the next plan: a cool-down set in the store benches, a close restores', () => {
    let nowInMs = Date.UTC(2026, 11, 6, 12);
    const healthStore = createMemoryHealthStore();
    const router = createRouter({
      targets: [
        { name: 'a', priority: 1 },
        { name: 'b', priority: 2 },
      ],
      strategy: 'priority',
      healthStore,
      now: () => nowInMs,
    });
    expect(router.plan({ model: 'claude-sonnet-4-5' })[0]).toBe('a');

    const cooled = createHealthRecord();
    cooled.rateLimitedUntil = nowInMs + 60_000;
    cooled.rateLimitClass = 'rate_limit';
    healthStore.set('a', cooled);
    expect(router.plan({ model: 'claude-sonnet-4-5' })).toEqual(['b']);
    expect(router.isUsable('a')).toBe(false);

    // A peer's open circuit, written into the record the router already holds.
    cooled.rateLimitedUntil = null;
    cooled.rateLimitClass = null;
    cooled.circuit = 'open';
    cooled.openUntil = nowInMs + 30_000;
    cooled.openReason = 'consecutive-failures';
    expect(router.plan({ model: 'claude-sonnet-4-5' })).toEqual(['b']);

    // The peer's close after recovery.
    healthStore.set('a', createHealthRecord());
    nowInMs += 1;
    expect(router.plan({ model: 'claude-sonnet-4-5' })[0]).toBe('a');
  });
});
