import type { RequestRecord } from '@ccb/protocol';
import { Gauge, type Registry } from 'prom-client';
import { HistogramSeries } from './_histogram-series.js';
import { Series } from './_series.js';
import { registerSeriesCounter } from './_series-counter.js';

/** Seconds; LLM calls run from well under a second (count_tokens) to ten minutes (long streams). */
const durationBucketsInSeconds = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600];
/** Seconds; the wait for the first byte includes the upstream's queueing and prompt processing. */
const firstByteBucketsInSeconds = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60];
/** Seconds; ccb's own share of a request should stay far below a millisecond. */
const overheadBucketsInSeconds = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];

/**
 * The series a finished request, a rate limit, a refused key and an attempt's start and end update on the hot path
 * (plain `Series` cells, published at scrape time), and the timing histograms.
 */
export function registerRequestMetrics(registry: Registry, prefix: string) {
  const requests = new Series(['provider', 'model', 'status', 'outcome']);
  const attempts = new Series(['provider', 'result']);
  const failovers = new Series(['provider', 'reason']);
  const sessionRepairs = new Series(['provider', 'change']);
  const tokens = new Series(['provider', 'model', 'kind']);
  const bytesReceived = new Series(['provider']);
  const bytesSent = new Series(['provider']);
  const inFlight = new Series(['provider']);
  const cost = new Series(['provider', 'model']);
  const rateLimits = new Series(['provider', 'class']);
  registerSeriesCounter(
    registry,
    `${prefix}rate_limits_total`,
    'Cool-downs after 429/529 answers, by class (rate_limit, request_scoped, spend_limit, unified_window, overloaded…).',
    rateLimits,
  );
  registerSeriesCounter(registry, `${prefix}requests_total`, 'Finished client requests.', requests);
  const authRejections = new Series(['scope']);
  // Both series exist from the start at 0, so a rate() over them works before the first refusal.
  const authRejectionCells = { client: authRejections.at('client'), admin: authRejections.at('admin') };
  registerSeriesCounter(
    registry,
    `${prefix}auth_rejected_total`,
    'Requests refused for a wrong or missing key, by scope: client (auth.api_keys) or admin (auth.admin_key).',
    authRejections,
  );
  registerSeriesCounter(
    registry,
    `${prefix}cost_usd_total`,
    'What requests cost at the configured prices, in USD.',
    cost,
  );
  registerSeriesCounter(registry, `${prefix}attempts_total`, 'Upstream attempts by result.', attempts);
  registerSeriesCounter(
    registry,
    `${prefix}failovers_total`,
    'Failed attempts after which ccb moved on to the next provider, by failure kind.',
    failovers,
  );
  registerSeriesCounter(
    registry,
    `${prefix}session_repairs_total`,
    'Attempts whose body ccb repaired because the session moved to another thinking-signature domain, by change: thinking_removed, redacted_thinking_removed, messages_removed, tool_ids_rewritten, thinking_disabled.',
    sessionRepairs,
  );
  registerSeriesCounter(registry, `${prefix}tokens_total`, 'Tokens the upstreams reported, by kind.', tokens);
  registerSeriesCounter(
    registry,
    `${prefix}received_bytes_total`,
    'Request body bytes received from clients.',
    bytesReceived,
  );
  registerSeriesCounter(registry, `${prefix}sent_bytes_total`, 'Response bytes sent to clients.', bytesSent);
  new Gauge({
    name: `${prefix}in_flight_attempts`,
    help: 'Upstream attempts currently in progress.',
    labelNames: ['provider'],
    registers: [registry],
    collect() {
      this.reset();
      for (const cell of inFlight.cells) this.set(cell.labels, cell.value);
    },
  });
  const duration = new HistogramSeries(registry, {
    name: `${prefix}request_duration_seconds`,
    help: 'Time from a request’s arrival to its last byte, in seconds.',
    buckets: durationBucketsInSeconds,
  });
  const firstByte = new HistogramSeries(registry, {
    name: `${prefix}time_to_first_byte_seconds`,
    help: 'Time from a request’s arrival to the first response byte sent to the client, in seconds.',
    buckets: firstByteBucketsInSeconds,
  });
  const overhead = new HistogramSeries(registry, {
    name: `${prefix}overhead_seconds`,
    help: 'Time a request spent in ccb itself, excluding waiting for upstreams, in seconds.',
    buckets: overheadBucketsInSeconds,
  });
  const overheadCell = overhead.cell({});
  // Both timing histograms share their labels: one lookup finds the cells of both.
  const timings = new Series(['provider', 'stream'], (labels) => ({
    labels,
    duration: duration.cell(labels),
    firstByte: firstByte.cell(labels),
  }));
  return {
    requests,
    attempts,
    failovers,
    sessionRepairs,
    tokens,
    bytesReceived,
    bytesSent,
    inFlight,
    cost,
    rateLimits,
    authRejectionCells,
    duration,
    firstByte,
    overhead,
    overheadCell,
    timings,
  };
}

/** Adds a count from a record, ignoring values a counter must not take (negative, NaN, infinite). */
export function addCount(cell: { value: number }, count: number): void {
  if (count > 0 && Number.isFinite(count)) cell.value += count;
}

/** One repaired attempt, counted once under each kind of change its body had. */
export function countSessionRepair(
  series: Series,
  provider: string,
  repair: NonNullable<RequestRecord['attempts'][number]['sessionRepair']>,
): void {
  if (repair.thinkingRemoved > 0) series.at(provider, 'thinking_removed').value += 1;
  if (repair.redactedThinkingRemoved > 0) series.at(provider, 'redacted_thinking_removed').value += 1;
  if (repair.messagesRemoved > 0) series.at(provider, 'messages_removed').value += 1;
  if (repair.toolIdsRewritten > 0) series.at(provider, 'tool_ids_rewritten').value += 1;
  if (repair.thinkingDisabled) series.at(provider, 'thinking_disabled').value += 1;
}
