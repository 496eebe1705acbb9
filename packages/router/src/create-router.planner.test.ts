import { describe, expect, it } from 'vitest';
import { createRouter } from './create-router.js';
import { RouterError } from './router-error.js';

const success = { result: 'success', status: 200 } as const;

describe('planner(): a planner bound to the settings it was taken with', () => {
  it('keeps planning with its settings after a reconfigure, while a new one plans with the new', () => {
    const router = createRouter({
      targets: [{ name: 'a' }, { name: 'b', priority: 2 }],
      strategy: 'priority',
    });
    const before = router.planner();
    expect(router.planner()).toBe(before);
    router.reconfigure({ targets: [{ name: 'b' }, { name: 'c', priority: 2 }], strategy: 'priority' });
    expect(before.plan({ model: 'claude-sonnet-4-6' })).toEqual(['a', 'b']);
    const after = router.planner();
    expect(after).not.toBe(before);
    expect(after.plan({ model: 'claude-sonnet-4-6' })).toEqual(['b', 'c']);
    expect(router.plan({ model: 'claude-sonnet-4-6' })).toEqual(['b', 'c']);
  });

  it('ignores reports for a provider the router has forgotten, so it comes back fresh', () => {
    const router = createRouter({ targets: [{ name: 'a' }, { name: 'b' }], health: { failureThreshold: 1 } });
    const before = router.planner();
    router.reconfigure({ targets: [{ name: 'b' }], health: { failureThreshold: 1 } });
    before.report('a', { result: 'failure', failure: 'connect' });
    before.report('b', { result: 'failure', failure: 'connect' });
    router.reconfigure({ targets: [{ name: 'a' }, { name: 'b' }], health: { failureThreshold: 1 } });
    const health = Object.fromEntries(router.snapshot().map((entry) => [entry.name, entry.state]));
    expect(health).toEqual({ a: 'closed', b: 'open' });
  });

  it('binds sessions through the planner a request took', () => {
    const router = createRouter({ targets: [{ name: 'a' }, { name: 'b' }], strategy: 'round-robin' });
    const planner = router.planner();
    const request = { model: 'claude-sonnet-4-6', sessionKey: 's1' };
    const first = planner.plan(request)[0] as string;
    planner.report(first, success, request);
    for (let turn = 0; turn < 4; turn += 1) expect(router.plan(request)[0]).toBe(first);
  });
});

describe('prepare(): reconfigure in two halves', () => {
  it('changes nothing until commit, and throws like reconfigure for bad settings', () => {
    const router = createRouter({ targets: [{ name: 'a' }] });
    const prepared = router.prepare({ targets: [{ name: 'b' }] });
    expect(router.plan({ model: 'm' })).toEqual(['a']);
    expect(prepared.planner.plan({ model: 'm' })).toEqual(['b']);
    prepared.commit();
    expect(router.plan({ model: 'm' })).toEqual(['b']);
    expect(router.planner()).toBe(prepared.planner);
    expect(() => router.prepare({ targets: [{ name: 'x' }, { name: 'x' }] })).toThrow(RouterError);
    expect(router.plan({ model: 'm' })).toEqual(['b']);
  });
});
