import { describe, expect, it } from 'vitest';
import { requestRecord } from './_test-request-record.js';
import { createTrafficAggregate, median } from './traffic-aggregate.js';

describe('createTrafficAggregate', () => {
  it('sums requests, tokens and cost per provider and in total, then starts over', () => {
    const aggregate = createTrafficAggregate();
    aggregate.add(requestRecord({ timeToFirstByteInMs: 10 }), 0.01);
    aggregate.add(requestRecord({ timeToFirstByteInMs: 30 }), 0.02);
    aggregate.add(
      requestRecord({
        provider: 'beta',
        outcome: 'failed_over',
        attempts: [
          { provider: 'alpha', result: 'failure', status: 529, durationInMs: 5 },
          { provider: 'alpha', result: 'failure', failure: 'connect', durationInMs: 1 },
          { provider: 'beta', result: 'success', status: 200, durationInMs: 9 },
        ],
      }),
      0.03,
    );
    const event = aggregate.flush(Date.UTC(2026, 11, 6), 1000);
    expect(event.at).toBe('2026-12-06T00:00:00.000Z');
    expect(event.providers.alpha).toMatchObject({
      requests: 2,
      failovers: 0,
      ttfb_ms_p50: 10,
      ttfb_ms_max: 30,
    });
    expect(event.providers.beta).toMatchObject({ requests: 1, failovers: 1 });
    expect(event.total).toMatchObject({ requests: 3, input_tokens: 300, cache_read_tokens: 900 });
    expect(event.total.cost_usd).toBeCloseTo(0.06);
    expect(event.failover_reasons).toEqual({ '529': 1, connect: 1 });
    expect(event.cache_hit_rate).toBeCloseTo(0.75);
    const next = aggregate.flush(Date.UTC(2026, 11, 6, 0, 0, 1), 1000);
    expect(next.providers).toEqual({});
    expect(next.total.requests).toBe(0);
    expect(next.cache_hit_rate).toBeNull();
  });

  it('counts a request no provider served under (none), as an error', () => {
    const aggregate = createTrafficAggregate();
    aggregate.add(requestRecord({ provider: undefined, outcome: 'error', status: 503, usage: undefined }), 0);
    const event = aggregate.flush(0, 1000);
    expect(event.providers['(none)']).toMatchObject({ requests: 1, errors: 1 });
  });
});

describe('median', () => {
  it('takes the lower middle, rounded to 0.1', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2);
    expect(median([0.123])).toBe(0.1);
  });
});
