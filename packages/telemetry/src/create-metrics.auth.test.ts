import { describe, expect, it } from 'vitest';
import { parseExposition, sampleValue } from '../test/_prometheus-text.js';
import { createMetrics } from './create-metrics.js';

describe('refused keys', () => {
  it('counts refusals by scope, both scopes published from 0', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false });
    const before = parseExposition(await metrics.render());
    expect(sampleValue(before, 'ccb_auth_rejected_total', { scope: 'client' })).toBe(0);
    expect(sampleValue(before, 'ccb_auth_rejected_total', { scope: 'admin' })).toBe(0);
    metrics.authRejected('client');
    metrics.authRejected('client');
    metrics.authRejected('admin');
    const after = parseExposition(await metrics.render());
    expect(sampleValue(after, 'ccb_auth_rejected_total', { scope: 'client' })).toBe(2);
    expect(sampleValue(after, 'ccb_auth_rejected_total', { scope: 'admin' })).toBe(1);
  });
});
