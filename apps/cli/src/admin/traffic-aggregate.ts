import type { TrafficEvent, TrafficSlice } from '@ccb/admin-api';
import type { RequestRecord } from '@ccb/proxy';

/** Sums of one provider (or all) over one interval, with the samples its medians are taken from. */
interface Sums {
  requests: number;
  errors: number;
  failovers: number;
  ttfbInMs: number[];
  overheadInMs: number[];
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheCreationTokens: number;
  costUsd: number;
}

/** Requests no provider served are counted under this name. */
export const noProvider = '(none)';

/** Medians are taken from at most this many samples per provider and interval (the rest only count). */
const maxSamples = 512;

function emptySums(): Sums {
  return {
    requests: 0,
    errors: 0,
    failovers: 0,
    ttfbInMs: [],
    overheadInMs: [],
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheCreationTokens: 0,
    costUsd: 0,
  };
}

/** Collects the requests that end in one interval into a {@link TrafficEvent}. */
export interface TrafficAggregate {
  add(record: RequestRecord, costUsd: number): void;
  /** The interval's event, ending at `nowInMs`; starts the next interval empty. */
  flush(nowInMs: number, intervalInMs: number): TrafficEvent;
}

export function createTrafficAggregate(): TrafficAggregate {
  let byProvider = new Map<string, Sums>();
  let total = emptySums();
  let failoverReasons: Record<string, number> = {};

  function addTo(sums: Sums, record: RequestRecord, costUsd: number): void {
    sums.requests += 1;
    if (record.outcome === 'error') sums.errors += 1;
    if (record.outcome === 'failed_over') sums.failovers += 1;
    if (record.timeToFirstByteInMs !== undefined && sums.ttfbInMs.length < maxSamples) {
      sums.ttfbInMs.push(record.timeToFirstByteInMs);
    }
    if (sums.overheadInMs.length < maxSamples) sums.overheadInMs.push(record.overheadInMs);
    const usage = record.usage;
    if (usage !== undefined) {
      sums.inputTokens += usage.inputTokens;
      sums.outputTokens += usage.outputTokens;
      sums.cacheReadTokens += usage.cacheReadInputTokens;
      sums.cacheCreationTokens += usage.cacheCreationInputTokens;
    }
    sums.costUsd += costUsd;
  }

  return {
    add(record, costUsd) {
      const name = record.provider ?? noProvider;
      let sums = byProvider.get(name);
      if (sums === undefined) {
        sums = emptySums();
        byProvider.set(name, sums);
      }
      addTo(sums, record, costUsd);
      addTo(total, record, costUsd);
      for (const attempt of record.attempts) {
        if (attempt.result !== 'failure') continue;
        const reason = attempt.status !== undefined ? String(attempt.status) : (attempt.failure ?? 'failure');
        failoverReasons[reason] = (failoverReasons[reason] ?? 0) + 1;
      }
    },
    flush(nowInMs, intervalInMs) {
      const providers: Record<string, TrafficSlice> = {};
      for (const [name, sums] of byProvider) providers[name] = toSlice(sums);
      const totalSlice = toSlice(total);
      const input = total.inputTokens + total.cacheReadTokens + total.cacheCreationTokens;
      const event: TrafficEvent = {
        type: 'traffic',
        at: new Date(nowInMs).toISOString(),
        interval_ms: intervalInMs,
        providers,
        total: totalSlice,
        failover_reasons: failoverReasons,
        cache_hit_rate: input === 0 ? null : total.cacheReadTokens / input,
      };
      byProvider = new Map();
      total = emptySums();
      failoverReasons = {};
      return event;
    },
  };
}

function toSlice(sums: Sums): TrafficSlice {
  return {
    requests: sums.requests,
    errors: sums.errors,
    failovers: sums.failovers,
    ttfb_ms_p50: median(sums.ttfbInMs),
    ttfb_ms_max: sums.ttfbInMs.length === 0 ? null : Math.max(...sums.ttfbInMs),
    overhead_ms_p50: median(sums.overheadInMs),
    input_tokens: sums.inputTokens,
    output_tokens: sums.outputTokens,
    cache_read_tokens: sums.cacheReadTokens,
    cache_creation_tokens: sums.cacheCreationTokens,
    cost_usd: sums.costUsd,
  };
}

/** The median of `values` (the lower middle of an even count), rounded to 0.1 ms; `null` for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((left, right) => left - right);
  return Math.round((sorted[(sorted.length - 1) >> 1] as number) * 10) / 10;
}
