import { describe, expect, it } from 'vitest';
import { sampleValue } from '../test/_prometheus-text.js';
import { scrape } from '../test/_scrape.js';
import { createMetrics } from './create-metrics.js';

describe('createMetrics usage ledger', () => {
  it('follows the ledger’s written and dropped totals and its queue at every scrape', async () => {
    let stats = { pendingRows: 3, writtenRows: 10, droppedRows: 0 };
    const metrics = createMetrics({ collectDefaultMetrics: false, ledgerStats: () => stats });
    let samples = await scrape(metrics);
    expect(sampleValue(samples, 'ccb_ledger_rows_written_total', {})).toBe(10);
    expect(sampleValue(samples, 'ccb_ledger_rows_dropped_total', {})).toBe(0);
    expect(sampleValue(samples, 'ccb_ledger_rows_pending', {})).toBe(3);
    // The database went away: the queue filled and dropped rows; then it came back.
    stats = { pendingRows: 0, writtenRows: 25, droppedRows: 6 };
    samples = await scrape(metrics);
    expect(sampleValue(samples, 'ccb_ledger_rows_written_total', {})).toBe(25);
    expect(sampleValue(samples, 'ccb_ledger_rows_dropped_total', {})).toBe(6);
    expect(sampleValue(samples, 'ccb_ledger_rows_pending', {})).toBe(0);
  });
});
