import type { RequestRecord } from '@ccb/proxy';
import { describe, expect, it } from 'vitest';
import { createRecentAttempts } from './recent-attempts.js';

function record(attempts: { provider: string; result: 'success' | 'failure'; durationInMs: number }[]) {
  return { attempts } as unknown as RequestRecord;
}

describe('recent attempts', () => {
  it('summarises each provider’s attempts in the window: count, errors, p50 and p95 latency', () => {
    let clock = 1_000_000;
    const recent = createRecentAttempts({ windowInMs: 60_000, now: () => clock });
    for (let index = 1; index <= 20; index += 1) {
      recent.record(
        record([
          { provider: 'a', result: index % 5 === 0 ? 'failure' : 'success', durationInMs: index * 10 },
          ...(index % 5 === 0 ? [{ provider: 'b', result: 'success' as const, durationInMs: 7 }] : []),
        ]),
      );
    }
    const a = recent.summary('a', clock);
    expect(a).toMatchObject({
      requests: 20,
      errors: 4,
      errorRate: 0.2,
      latencyP50InMs: 100,
      latencyP95InMs: 190,
    });
    expect(recent.summary('b', clock)).toMatchObject({ requests: 4, errors: 0, latencyP50InMs: 7 });
    clock += 61_000;
    recent.record(record([{ provider: 'a', result: 'success', durationInMs: 3 }]));
    expect(recent.summary('a', clock)).toMatchObject({ requests: 1, errors: 0, latencyP95InMs: 3 });
    expect(recent.summary('nobody', clock)).toMatchObject({
      requests: 0,
      errorRate: 0,
      latencyP50InMs: null,
    });
  });

  it('keeps at most 256 attempts per provider, the newest', () => {
    const recent = createRecentAttempts({ now: () => 5 });
    for (let index = 0; index < 1000; index += 1) {
      recent.record(record([{ provider: 'a', result: 'success', durationInMs: index }]));
    }
    const summary = recent.summary('a', 5);
    expect(summary.requests).toBe(256);
    expect(summary.latencyP50InMs).toBeGreaterThanOrEqual(744);
  });
});
