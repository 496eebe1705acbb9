import { describe, expect, it } from 'vitest';
import { parseExposition, samplesNamed, sampleValue } from '../test/_prometheus-text.js';
import { scrape } from '../test/_scrape.js';
import { createMetrics } from './create-metrics.js';

describe('createMetrics provider health', () => {
  it('reads the health snapshot once per scrape and reports state, cool-down and budgets', async () => {
    let calls = 0;
    const nowInMs = 1_000_000;
    const metrics = createMetrics({
      collectDefaultMetrics: false,
      now: () => nowInMs,
      healthSnapshot: () => {
        calls += 1;
        return [
          {
            name: 'alpha',
            state: 'closed',
            coolingDownUntil: null,
            remaining: { requests: 40, tokens: 90_000 },
          },
          {
            name: 'beta',
            state: 'half-open',
            coolingDownUntil: nowInMs + 5000,
            budget: { requests: { remaining: 3 }, tokens: null },
          },
          { name: 'gamma', state: 'open', coolingDownUntil: nowInMs - 1 },
        ];
      },
    });
    const samples = await scrape(metrics);
    expect(calls).toBe(1);

    const state = (provider: string, value: string) =>
      sampleValue(samples, 'ccb_provider_circuit_state', { provider, state: value });
    expect([state('alpha', 'closed'), state('alpha', 'open'), state('alpha', 'half_open')]).toEqual([
      1, 0, 0,
    ]);
    expect([state('beta', 'closed'), state('beta', 'open'), state('beta', 'half_open')]).toEqual([0, 0, 1]);
    expect([state('gamma', 'closed'), state('gamma', 'open'), state('gamma', 'half_open')]).toEqual([
      0, 1, 0,
    ]);
    expect(sampleValue(samples, 'ccb_provider_cooling_down', { provider: 'alpha' })).toBe(0);
    expect(sampleValue(samples, 'ccb_provider_cooling_down', { provider: 'beta' })).toBe(1);
    expect(sampleValue(samples, 'ccb_provider_cooling_down', { provider: 'gamma' })).toBe(0);
    expect(sampleValue(samples, 'ccb_provider_remaining_requests', { provider: 'alpha' })).toBe(40);
    expect(sampleValue(samples, 'ccb_provider_remaining_tokens', { provider: 'alpha' })).toBe(90_000);
    expect(sampleValue(samples, 'ccb_provider_remaining_requests', { provider: 'beta' })).toBe(3);
    expect(sampleValue(samples, 'ccb_provider_remaining_tokens', { provider: 'beta' })).toBeUndefined();
    expect(sampleValue(samples, 'ccb_provider_remaining_requests', { provider: 'gamma' })).toBeUndefined();
  });

  it('reflects the snapshot of each scrape, dropping providers that left it', async () => {
    let snapshot = [
      { name: 'alpha', state: 'open' },
      { name: 'beta', state: 'closed' },
    ];
    const metrics = createMetrics({ collectDefaultMetrics: false, healthSnapshot: () => snapshot });
    await metrics.render();
    snapshot = [{ name: 'alpha', state: 'closed' }];
    const samples = await scrape(metrics);
    expect(sampleValue(samples, 'ccb_provider_circuit_state', { provider: 'alpha', state: 'closed' })).toBe(
      1,
    );
    expect(sampleValue(samples, 'ccb_provider_circuit_state', { provider: 'alpha', state: 'open' })).toBe(0);
    expect(samplesNamed(samples, 'ccb_provider_cooling_down').map((s) => s.labels.provider)).toEqual([
      'alpha',
    ]);
  });

  it('reports each subscription window last reported: utilization and reset time', async () => {
    const metrics = createMetrics({
      collectDefaultMetrics: false,
      healthSnapshot: () => [
        {
          name: 'max',
          state: 'closed',
          unified: {
            windows: {
              '5h': { utilization: 1.01, resetAt: 1_765_000_000_000 },
              '7d': { utilization: 0.42, resetAt: null },
              overage: { utilization: null, resetAt: 1_765_500_000_000 },
            },
          },
        },
        { name: 'key', state: 'closed', unified: null },
      ],
    });
    const samples = await scrape(metrics);
    const utilization = (window: string) =>
      sampleValue(samples, 'ccb_provider_unified_utilization', { provider: 'max', window });
    const reset = (window: string) =>
      sampleValue(samples, 'ccb_provider_unified_reset_timestamp_seconds', { provider: 'max', window });
    expect([utilization('5h'), utilization('7d'), utilization('overage')]).toEqual([1.01, 0.42, undefined]);
    expect([reset('5h'), reset('7d'), reset('overage')]).toEqual([1_765_000_000, undefined, 1_765_500_000]);
    expect(
      samplesNamed(samples, 'ccb_provider_unified_utilization').map((sample) => sample.labels.provider),
    ).toEqual(['max', 'max']);
  });

  it('leaves the health gauges out without a snapshot source', async () => {
    const text = await createMetrics({ collectDefaultMetrics: false }).render();
    expect(text).not.toContain('provider_circuit_state');
  });
});

describe('rate-limit classes', () => {
  it('counts cool-downs by provider and class', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false });
    metrics.rateLimited('a', 'rate_limit');
    metrics.rateLimited('a', 'rate_limit');
    metrics.rateLimited('b', 'spend_limit');
    const samples = parseExposition(await metrics.render());
    expect(sampleValue(samples, 'ccb_rate_limits_total', { provider: 'a', class: 'rate_limit' })).toBe(2);
    expect(sampleValue(samples, 'ccb_rate_limits_total', { provider: 'b', class: 'spend_limit' })).toBe(1);
  });
});
