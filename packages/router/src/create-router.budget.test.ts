import { describe, expect, it } from 'vitest';
import { setup, start } from './_router-health-fixture.js';

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
