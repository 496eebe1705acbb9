import type { RequestRecord } from '@ccb/proxy';

/** What a provider's last attempts looked like, for the admin API. */
export interface RecentSummary {
  readonly requests: number;
  readonly errors: number;
  /** errors ÷ requests; 0 without attempts. */
  readonly errorRate: number;
  readonly latencyP50InMs: number | null;
  readonly latencyP95InMs: number | null;
  readonly windowSeconds: number;
}

/** The last attempts of every provider, kept in fixed rings: recording allocates nothing once a ring exists. */
export interface RecentAttempts {
  /** Counts the attempts of a finished request. */
  record(record: RequestRecord): void;
  summary(provider: string, nowInMs: number): RecentSummary;
  /** Forgets the providers not in `providers` (removed by a reload). */
  keepOnly(providers: ReadonlySet<string>): void;
}

const ringSize = 256;

class Ring {
  readonly at = new Float64Array(ringSize);
  readonly latencyInMs = new Float64Array(ringSize);
  readonly failed = new Uint8Array(ringSize);
  count = 0;
  next = 0;
}

/**
 * Keeps up to 256 attempts per provider from the last `windowInMs` (default 5 minutes): enough for a p95, bounded in
 * memory whatever the traffic.
 */
export function createRecentAttempts(
  options: { windowInMs?: number; now?: () => number } = {},
): RecentAttempts {
  const windowInMs = options.windowInMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  const rings = new Map<string, Ring>();
  return {
    record(record) {
      const endedAt = now();
      for (const attempt of record.attempts) {
        let ring = rings.get(attempt.provider);
        if (ring === undefined) {
          ring = new Ring();
          rings.set(attempt.provider, ring);
        }
        ring.at[ring.next] = endedAt;
        ring.latencyInMs[ring.next] = attempt.durationInMs;
        ring.failed[ring.next] = attempt.result === 'failure' ? 1 : 0;
        ring.next = (ring.next + 1) % ringSize;
        if (ring.count < ringSize) ring.count += 1;
      }
    },
    keepOnly(providers) {
      for (const provider of rings.keys()) if (!providers.has(provider)) rings.delete(provider);
    },
    summary(provider, nowInMs) {
      const ring = rings.get(provider);
      const latencies: number[] = [];
      let errors = 0;
      if (ring !== undefined) {
        for (let index = 0; index < ring.count; index += 1) {
          if (nowInMs - (ring.at[index] as number) > windowInMs) continue;
          latencies.push(ring.latencyInMs[index] as number);
          errors += ring.failed[index] as number;
        }
      }
      latencies.sort((left, right) => left - right);
      const requests = latencies.length;
      return {
        requests,
        errors,
        errorRate: requests === 0 ? 0 : errors / requests,
        latencyP50InMs: percentile(latencies, 0.5),
        latencyP95InMs: percentile(latencies, 0.95),
        windowSeconds: windowInMs / 1000,
      };
    },
  };
}

/** The nearest-rank percentile of sorted values; `null` when there are none. */
function percentile(sorted: readonly number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[rank - 1] as number;
}
