import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { samplesNamed } from '../test/_prometheus-text.js';
import { requestRecord } from '../test/_records.js';
import { scrape } from '../test/_scrape.js';
import { createMetrics } from './create-metrics.js';
import { TelemetryError } from './telemetry-error.js';

describe('createMetrics', () => {
  it('labels unknown models other and keeps configured ones', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false, knownModels: ['deepseek-v4-pro'] });
    for (let index = 0; index < 50; index += 1)
      metrics.observe(requestRecord({ model: `free text ${index}` }));
    metrics.observe(requestRecord({ model: 'deepseek-v4-pro' }));
    const models = new Set(
      samplesNamed(await scrape(metrics), 'ccb_requests_total').map((s) => s.labels.model),
    );
    expect(models).toEqual(new Set(['other', 'deepseek-v4-pro']));
  });

  it('caps the number of Claude-family model labels', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false, maxFamilyModels: 3 });
    for (let index = 0; index < 10; index += 1)
      metrics.observe(requestRecord({ model: `claude-opus-${index}` }));
    const models = samplesNamed(await scrape(metrics), 'ccb_requests_total').map((s) => s.labels.model);
    expect(models.sort()).toEqual(['claude-opus-0', 'claude-opus-1', 'claude-opus-2', 'other']);
  });

  it('uses a registry of its own, leaving the global one and other instances alone', async () => {
    const first = createMetrics({ collectDefaultMetrics: false });
    const second = createMetrics({ collectDefaultMetrics: false });
    first.observe(requestRecord());
    expect(samplesNamed(await scrape(second), 'ccb_requests_total')).toHaveLength(0);
    expect(first.registry).not.toBe(globalRegistry);
    expect(globalRegistry.getSingleMetric('ccb_requests_total')).toBeUndefined();
  });

  it('applies the prefix to its metric names', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false, prefix: 'balancer_' });
    metrics.observe(requestRecord());
    const names = new Set((await scrape(metrics)).map((sample) => sample.name));
    expect(names.has('balancer_requests_total')).toBe(true);
    expect([...names].some((name) => name.startsWith('ccb_'))).toBe(false);
  });

  it('rejects a prefix that is not a Prometheus name', () => {
    const attempt = () => createMetrics({ collectDefaultMetrics: false, prefix: 'ccb-' });
    expect(attempt).toThrow(TelemetryError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'CCB_TELEMETRY_INVALID_OPTIONS' }));
  });

  it('registers process metrics by default and not when asked not to', async () => {
    const withDefaults = (await createMetrics().render()).split('\n');
    expect(withDefaults.some((line) => line.startsWith('nodejs_eventloop_lag_seconds '))).toBe(true);
    expect(withDefaults.some((line) => line.startsWith('process_resident_memory_bytes '))).toBe(true);
    const without = await createMetrics({ collectDefaultMetrics: false }).render();
    expect(without).not.toContain('nodejs_eventloop_lag_seconds');
  });

  it('serves the Prometheus text content type', () => {
    expect(createMetrics({ collectDefaultMetrics: false }).contentType).toMatch(
      /^text\/plain; version=0\.0\.4/,
    );
  });
});
