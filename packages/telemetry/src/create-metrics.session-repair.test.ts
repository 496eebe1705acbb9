import { describe, expect, it } from 'vitest';
import { samplesNamed, sampleValue } from '../test/_prometheus-text.js';
import { attemptRecord, requestRecord } from '../test/_records.js';
import { scrape } from '../test/_scrape.js';
import { createMetrics } from './create-metrics.js';
import { requestLogFields } from './request-log-fields.js';

const repair = {
  domain: 'anthropic',
  thinkingRemoved: 2,
  redactedThinkingRemoved: 0,
  messagesRemoved: 0,
  toolIdsRewritten: 3,
  thinkingDisabled: true,
};

describe('session repair in metrics and logs', () => {
  it('counts each repaired attempt once under each kind of change, and logs what changed', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false });
    const record = requestRecord({
      attempts: [attemptRecord({ provider: 'anthropic', sessionRepair: repair })],
    });
    metrics.observe(record);
    metrics.observe(requestRecord({ attempts: [attemptRecord({ provider: 'anthropic' })] }));
    const samples = await scrape(metrics);
    const count = (change: string) =>
      sampleValue(samples, 'ccb_session_repairs_total', { provider: 'anthropic', change });
    expect(count('thinking_removed')).toBe(1);
    expect(count('tool_ids_rewritten')).toBe(1);
    expect(count('thinking_disabled')).toBe(1);
    expect(samplesNamed(samples, 'ccb_session_repairs_total')).toHaveLength(3);
    expect(requestLogFields(record).attempts[0]?.session_repair).toEqual({
      domain: 'anthropic',
      thinking_removed: 2,
      redacted_thinking_removed: 0,
      messages_removed: 0,
      tool_ids_rewritten: 3,
      thinking_disabled: true,
    });
    expect(requestLogFields(requestRecord()).attempts[0]?.session_repair).toBeUndefined();
  });
});
