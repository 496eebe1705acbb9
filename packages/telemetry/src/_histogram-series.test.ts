import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { HistogramSeries } from './_histogram-series.js';

const buckets = [0.001, 0.01, 0.1, 1];

describe('HistogramSeries', () => {
  it('renders exactly what a prom-client Histogram renders for the same observations', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const series = new HistogramSeries(ours, { name: 'x_seconds', help: 'Some time.', buckets });
    const histogram = new Histogram({
      name: 'x_seconds',
      help: 'Some time.',
      labelNames: ['provider', 'stream'],
      buckets,
      registers: [theirs],
    });
    // Cells in the order of their first observation, as prom-client lists its series.
    const beta = series.cell({ provider: 'beta', stream: 'true' });
    const alpha = series.cell({ provider: 'alpha', stream: 'false' });
    const values = [0, 0.001, 0.0010001, 0.05, 0.1, 0.5, 1, 1.5, 300];
    for (const [index, value] of values.entries()) {
      const cell = index % 3 === 0 ? beta : alpha;
      series.observe(cell, value);
      histogram.observe({ ...cell.labels }, value);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('ignores values a histogram cannot take, and resets with the registry', async () => {
    const registry = new Registry();
    const series = new HistogramSeries(registry, { name: 'y_seconds', help: 'Other time.', buckets });
    const cell = series.cell({});
    for (const value of [Number.NaN, -1, Number.POSITIVE_INFINITY]) series.observe(cell, value);
    expect(cell.count).toBe(0);
    series.observe(cell, 0.5);
    expect(await registry.metrics()).toContain('y_seconds_bucket{le="1"} 1\ny_seconds_bucket{le="+Inf"} 1');
    registry.resetMetrics();
    expect(await registry.metrics()).toContain('y_seconds_count 0');
  });
});
