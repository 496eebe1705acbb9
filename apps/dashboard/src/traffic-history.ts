import type { TrafficEvent } from '@ccb/admin-api';

/** The x range shown: the history's span, at least a minute, at most the last 15 minutes. */
export function timeRange(first: number | undefined, last: number | undefined): [number, number] {
  const end = last ?? Date.now() / 1000;
  const span = Math.min(900, Math.max(60, end - (first ?? end)));
  return [end - span, end];
}

/** One second of the history, reduced to what the charts plot. */
export interface TrafficPoint {
  /** Seconds since the epoch (uPlot's x unit). */
  readonly atInSeconds: number;
  readonly requestsPerSecondByProvider: Readonly<Record<string, number>>;
  readonly requests: number;
  readonly failovers: number;
  readonly errors: number;
  readonly ttfbInMs: number | null;
  readonly overheadInMs: number | null;
  readonly tokensPerSecond: number;
  readonly cacheHitRate: number | null;
  readonly costUsd: number;
}

/** The last `capacity` traffic events (15 minutes at one a second), oldest first, and running totals. */
export class TrafficHistory {
  readonly #capacity: number;
  #points: TrafficPoint[] = [];
  readonly #providers = new Set<string>();
  readonly #failoverReasons = new Map<string, number>();

  constructor(capacity = 900) {
    this.#capacity = capacity;
  }

  add(event: TrafficEvent): void {
    const seconds = Math.max(event.interval_ms, 1) / 1000;
    const byProvider: Record<string, number> = {};
    for (const [name, slice] of Object.entries(event.providers)) {
      this.#providers.add(name);
      byProvider[name] = slice.requests / seconds;
    }
    const total = event.total;
    this.#points.push({
      atInSeconds: Date.parse(event.at) / 1000,
      requestsPerSecondByProvider: byProvider,
      requests: total.requests,
      failovers: total.failovers,
      errors: total.errors,
      ttfbInMs: total.ttfb_ms_p50,
      overheadInMs: total.overhead_ms_p50,
      tokensPerSecond: (total.input_tokens + total.output_tokens + total.cache_read_tokens) / seconds,
      cacheHitRate: event.cache_hit_rate,
      costUsd: total.cost_usd,
    });
    if (this.#points.length > this.#capacity) this.#points.splice(0, this.#points.length - this.#capacity);
    for (const [reason, count] of Object.entries(event.failover_reasons)) {
      this.#failoverReasons.set(reason, (this.#failoverReasons.get(reason) ?? 0) + count);
    }
  }

  get points(): readonly TrafficPoint[] {
    return this.#points;
  }

  /** Every provider seen, sorted, so that chart series keep their colours. */
  get providers(): string[] {
    return [...this.#providers].sort();
  }

  /** Failed attempts by reason since the page opened, most first. */
  get failoverReasons(): [string, number][] {
    return [...this.#failoverReasons].sort((left, right) => right[1] - left[1]);
  }

  /**
   * Columns for a stacked requests-per-second chart: x, then per provider (in {@link providers} order) the running
   * sum of it and every provider before it, so that each band's top line is the total so far.
   */
  stackedRequests(): number[][] {
    const names = this.providers;
    const x = this.#points.map((point) => point.atInSeconds);
    const columns = names.map(() => [] as number[]);
    for (const point of this.#points) {
      let sum = 0;
      names.forEach((name, index) => {
        sum += point.requestsPerSecondByProvider[name] ?? 0;
        (columns[index] as number[]).push(sum);
      });
    }
    return [x, ...columns];
  }

  /** Sums over the whole history. */
  totals(): { requests: number; failovers: number; errors: number; costUsd: number } {
    let requests = 0;
    let failovers = 0;
    let errors = 0;
    let costUsd = 0;
    for (const point of this.#points) {
      requests += point.requests;
      failovers += point.failovers;
      errors += point.errors;
      costUsd += point.costUsd;
    }
    return { requests, failovers, errors, costUsd };
  }
}
