import { describe, expect, it } from 'vitest';
import { samplesNamed, sampleValue } from '../test/_prometheus-text.js';
import { requestRecord } from '../test/_records.js';
import { scrape } from '../test/_scrape.js';
import { createMetrics } from './create-metrics.js';

describe('createMetrics configuration reloads', () => {
  it('publishes every reload result from zero, then counts each reload by result', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false });
    let text = await scrape(metrics);
    for (const result of ['applied', 'unchanged', 'rejected']) {
      expect(sampleValue(text, 'ccb_config_reloads_total', { result })).toBe(0);
    }
    metrics.configReloaded('applied');
    metrics.configReloaded('rejected');
    metrics.configReloaded('applied');
    text = await scrape(metrics);
    expect(sampleValue(text, 'ccb_config_reloads_total', { result: 'applied' })).toBe(2);
    expect(sampleValue(text, 'ccb_config_reloads_total', { result: 'rejected' })).toBe(1);
    expect(sampleValue(text, 'ccb_config_reloads_total', { result: 'unchanged' })).toBe(0);
  });

  it('names only the configuration in force, with the time it was loaded', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false });
    metrics.configLoaded('aaaa1111', 1_700_000_000_000);
    metrics.configLoaded('bbbb2222', 1_700_000_060_500);
    const text = await scrape(metrics);
    expect(samplesNamed(text, 'ccb_config_info')).toHaveLength(1);
    expect(sampleValue(text, 'ccb_config_info', { hash: 'bbbb2222' })).toBe(1);
    expect(sampleValue(text, 'ccb_config_loaded_timestamp_seconds', {})).toBe(1_700_000_060.5);
  });

  it('keeps a model added by a reload as its own label, where it was "other" before', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false, knownModels: ['glm-4.6'] });
    metrics.observe(requestRecord({ model: 'kimi-k2' }));
    metrics.addKnownModels(['kimi-k2', 'glm-4.6']);
    metrics.observe(requestRecord({ model: 'kimi-k2' }));
    metrics.observe(requestRecord({ model: 'glm-4.6' }));
    const text = await scrape(metrics);
    const models = samplesNamed(text, 'ccb_requests_total').map((sample) => sample.labels.model);
    expect(models.sort()).toEqual(['glm-4.6', 'kimi-k2', 'other']);
  });
});

describe('createMetrics deduplication', () => {
  it('counts requests answered by another call, by kind, from zero, with the tokens and USD they saved', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false });
    let text = await scrape(metrics);
    expect(sampleValue(text, 'ccb_dedup_requests_total', { kind: 'joined' })).toBe(0);
    metrics.deduplicated('joined', 1200, 0.05);
    metrics.deduplicated('joined', 800, 0.01);
    metrics.deduplicated('cached', 300, 0);
    text = await scrape(metrics);
    expect(sampleValue(text, 'ccb_dedup_requests_total', { kind: 'joined' })).toBe(2);
    expect(sampleValue(text, 'ccb_dedup_requests_total', { kind: 'cached' })).toBe(1);
    expect(sampleValue(text, 'ccb_dedup_saved_tokens_total', {})).toBe(2300);
    expect(sampleValue(text, 'ccb_dedup_saved_usd_total', {})).toBeCloseTo(0.06, 10);
  });
});

describe('createMetrics and records answered by another call', () => {
  it('counts the request but not its tokens or cost, which the call that answered it counted', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false });
    const usage = {
      inputTokens: 100,
      outputTokens: 10,
      cacheCreationInputTokens: 0,
      cacheReadInputTokens: 0,
    };
    metrics.observe(requestRecord({ usage }), 0.5);
    metrics.observe(requestRecord({ usage, dedup: 'joined', attempts: [] }), 0);
    const text = await scrape(metrics);
    const requests = samplesNamed(text, 'ccb_requests_total').reduce((sum, sample) => sum + sample.value, 0);
    expect(requests).toBe(2);
    const input = samplesNamed(text, 'ccb_tokens_total')
      .filter((sample) => sample.labels.kind === 'input')
      .reduce((sum, sample) => sum + sample.value, 0);
    expect(input).toBe(100);
  });
});
