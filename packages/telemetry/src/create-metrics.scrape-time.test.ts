import { describe, expect, it } from 'vitest';
import { parseExposition, sampleValue } from '../test/_prometheus-text.js';
import { requestRecord } from '../test/_records.js';
import { createMetrics } from './create-metrics.js';

describe('cost, affinity and budget metrics', () => {
  it('sums request cost by provider and model, and reads affinity and budgets at scrape time', async () => {
    let hits = 3;
    const metrics = createMetrics({
      collectDefaultMetrics: false,
      affinityStats: () => ({ sessions: 2, hits, moves: 1, misses: 4 }),
      budgetSnapshot: () => [
        { scope: 'provider', name: 'a', window: 'day', metric: 'usd', limit: 10, used: 2.5 },
        { scope: 'key', name: 'k1', window: 'month', metric: 'tokens', limit: 100, used: 150 },
      ],
    });
    metrics.observe(requestRecord({ provider: 'a', model: 'claude-sonnet-4-6' }), 0.25);
    metrics.observe(requestRecord({ provider: 'a', model: 'claude-sonnet-4-6' }), 0.5);
    metrics.observe(requestRecord({ provider: 'a', model: 'claude-sonnet-4-6' }));
    hits = 5;
    const samples = parseExposition(await metrics.render());
    expect(sampleValue(samples, 'ccb_cost_usd_total', { provider: 'a', model: 'claude-sonnet-4-6' })).toBe(
      0.75,
    );
    expect(sampleValue(samples, 'ccb_affinity_sessions', {})).toBe(2);
    expect(sampleValue(samples, 'ccb_affinity_decisions_total', { decision: 'hit' })).toBe(5);
    expect(sampleValue(samples, 'ccb_affinity_decisions_total', { decision: 'miss' })).toBe(4);
    expect(
      sampleValue(samples, 'ccb_budget_remaining', {
        scope: 'provider',
        name: 'a',
        window: 'day',
        metric: 'usd',
      }),
    ).toBe(7.5);
    expect(
      sampleValue(samples, 'ccb_budget_remaining', {
        scope: 'key',
        name: 'k1',
        window: 'month',
        metric: 'tokens',
      }),
    ).toBe(0);
  });
});

describe('lost log lines', () => {
  it('publishes the lines and bytes stdout never got, by reason, as read at each scrape', async () => {
    let full = { lines: 0, bytes: 0 };
    const metrics = createMetrics({
      collectDefaultMetrics: false,
      logLoss: () => [
        { reason: 'full', ...full },
        { reason: 'error', lines: 2, bytes: 300 },
      ],
    });
    let samples = parseExposition(await metrics.render());
    expect(sampleValue(samples, 'ccb_log_lines_dropped_total', { reason: 'full' })).toBe(0);
    full = { lines: 40, bytes: 16_000 };
    samples = parseExposition(await metrics.render());
    expect(sampleValue(samples, 'ccb_log_lines_dropped_total', { reason: 'full' })).toBe(40);
    expect(sampleValue(samples, 'ccb_log_lines_dropped_total', { reason: 'error' })).toBe(2);
    expect(sampleValue(samples, 'ccb_log_bytes_dropped_total', { reason: 'full' })).toBe(16_000);
    expect(sampleValue(samples, 'ccb_log_bytes_dropped_total', { reason: 'error' })).toBe(300);
  });

  it('leaves the lost-line counters out without a source', async () => {
    const text = await createMetrics({ collectDefaultMetrics: false }).render();
    expect(text).not.toContain('log_lines_dropped');
  });
});
