import { describe, expect, it } from 'vitest';
import { samplesNamed } from '../test/_prometheus-text.js';
import { scrape } from '../test/_scrape.js';
import { createMetrics } from './create-metrics.js';

describe('state store metrics', () => {
  it('publish whether the shared store is up and how many writes failed, read at scrape time', async () => {
    let status = { store: 'redis', up: true, failedWrites: 0 };
    const metrics = createMetrics({ collectDefaultMetrics: false, stateStore: () => status });
    let text = await scrape(metrics);
    expect(samplesNamed(text, 'ccb_state_store_up')).toEqual([
      expect.objectContaining({ labels: { store: 'redis' }, value: 1 }),
    ]);
    status = { store: 'redis', up: false, failedWrites: 7 };
    text = await scrape(metrics);
    expect(samplesNamed(text, 'ccb_state_store_up')[0]?.value).toBe(0);
    expect(samplesNamed(text, 'ccb_state_store_write_failures_total')[0]?.value).toBe(7);
  });

  it('are absent without a shared store', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false });
    expect(samplesNamed(await scrape(metrics), 'ccb_state_store_up')).toHaveLength(0);
  });
});
