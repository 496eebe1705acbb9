import type { TrafficEvent, TrafficSlice } from '@ccb/admin-api';
import { describe, expect, it } from 'vitest';
import { TrafficHistory, timeRange } from './traffic-history.js';

const slice = (requests: number, extra: Partial<TrafficSlice> = {}): TrafficSlice => ({
  requests,
  errors: 0,
  failovers: 0,
  ttfb_ms_p50: 100,
  ttfb_ms_max: 200,
  overhead_ms_p50: 0.5,
  input_tokens: 10 * requests,
  output_tokens: 5 * requests,
  cache_read_tokens: 0,
  cache_creation_tokens: 0,
  cost_usd: 0.01 * requests,
  ...extra,
});

function event(second: number, providers: Record<string, number>, reasons = {}): TrafficEvent {
  const total = Object.values(providers).reduce((sum, value) => sum + value, 0);
  return {
    type: 'traffic',
    at: new Date(second * 1000).toISOString(),
    interval_ms: 1000,
    providers: Object.fromEntries(Object.entries(providers).map(([name, count]) => [name, slice(count)])),
    total: slice(total, { failovers: 1 }),
    failover_reasons: reasons,
    cache_hit_rate: null,
  };
}

describe('TrafficHistory', () => {
  it('stacks requests per second by provider, in name order', () => {
    const history = new TrafficHistory();
    history.add(event(1, { beta: 2, alpha: 1 }));
    history.add(event(2, { alpha: 3 }));
    expect(history.providers).toEqual(['alpha', 'beta']);
    expect(history.stackedRequests()).toEqual([
      [1, 2],
      [1, 3],
      [3, 3],
    ]);
  });

  it('keeps only the last capacity seconds', () => {
    const history = new TrafficHistory(3);
    for (let second = 1; second <= 5; second += 1) history.add(event(second, { alpha: second }));
    expect(history.points.map((point) => point.atInSeconds)).toEqual([3, 4, 5]);
    expect(history.totals()).toEqual({
      requests: 12,
      failovers: 3,
      errors: 0,
      costUsd: expect.closeTo(0.12),
    });
  });

  it('sums failover reasons, most first', () => {
    const history = new TrafficHistory();
    history.add(event(1, { alpha: 1 }, { '529': 1, connect: 2 }));
    history.add(event(2, { alpha: 1 }, { '529': 3 }));
    expect(history.failoverReasons).toEqual([
      ['529', 4],
      ['connect', 2],
    ]);
  });

  it('turns counts into rates over the interval', () => {
    const history = new TrafficHistory();
    history.add({ ...event(1, { alpha: 10 }), interval_ms: 2000 });
    expect(history.points[0]?.requestsPerSecondByProvider).toEqual({ alpha: 5 });
    expect(history.points[0]?.tokensPerSecond).toBe(75);
  });
});

describe('timeRange', () => {
  it('shows at least a minute and at most the last 15 minutes', () => {
    expect(timeRange(100, 110)).toEqual([50, 110]);
    expect(timeRange(100, 400)).toEqual([100, 400]);
    expect(timeRange(0, 2000)).toEqual([1100, 2000]);
  });
});
