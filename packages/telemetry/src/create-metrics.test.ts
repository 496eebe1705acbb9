import type { RequestRecord } from '@ccb/protocol';
import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parseExposition, type Sample, samplesNamed, sampleValue } from '../test/_prometheus-text.js';
import { attemptRecord, requestRecord } from '../test/_records.js';
import { createMetrics } from './create-metrics.js';
import { TelemetryError } from './telemetry-error.js';

/** A scripted mix: first-try successes, failovers (connect, status, stream), a 502, a client 400, a model-less GET. */
const scriptedRecords: readonly RequestRecord[] = [
  requestRecord({
    usage: { inputTokens: 10, outputTokens: 20, cacheCreationInputTokens: 5, cacheReadInputTokens: 100 },
    bytesIn: 100,
    bytesOut: 200,
    durationInMs: 150,
    timeToFirstByteInMs: 40,
    overheadInMs: 0.2,
  }),
  requestRecord({
    stream: false,
    usage: { inputTokens: 1, outputTokens: 2, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
    bytesIn: 50,
    bytesOut: 60,
    durationInMs: 1200,
    timeToFirstByteInMs: 1100,
    overheadInMs: 0.05,
  }),
  requestRecord({
    model: 'claude-opus-5-5',
    provider: 'beta',
    outcome: 'failed_over',
    attempts: [
      attemptRecord({
        result: 'failure',
        failure: 'connect',
        status: undefined,
        reason: 'connect ECONNREFUSED',
      }),
      attemptRecord({ provider: 'gamma', result: 'failure', failure: 'status', status: 529 }),
      attemptRecord({ provider: 'beta' }),
    ],
    usage: { inputTokens: 100, outputTokens: 50, cacheCreationInputTokens: 0, cacheReadInputTokens: 10 },
    bytesIn: 1000,
    bytesOut: 500,
    durationInMs: 2000,
    timeToFirstByteInMs: 900,
    overheadInMs: undefined,
  }),
  requestRecord({
    model: 'gpt-4o',
    stream: false,
    status: 502,
    provider: undefined,
    outcome: 'error',
    attempts: [
      attemptRecord({ result: 'failure', failure: 'timeout', status: undefined }),
      attemptRecord({ provider: 'beta', result: 'failure', failure: 'reset', status: undefined }),
    ],
    usage: undefined,
    bytesIn: 10,
    bytesOut: 150,
    durationInMs: 30_000,
    timeToFirstByteInMs: 30_000,
    overheadInMs: 0.3,
  }),
  requestRecord({
    model: 'claude-haiku-5-5',
    stream: false,
    status: 400,
    outcome: 'error',
    attempts: [attemptRecord({ result: 'client_error', status: 400 })],
    usage: undefined,
    bytesIn: 20,
    bytesOut: 90,
    durationInMs: 80,
    timeToFirstByteInMs: 79,
    overheadInMs: 0.4,
  }),
  requestRecord({
    method: 'GET',
    path: '/v1/models',
    model: undefined,
    stream: false,
    usage: undefined,
    bytesIn: 0,
    bytesOut: 300,
    durationInMs: 20,
    timeToFirstByteInMs: 19,
    overheadInMs: 0.09,
  }),
  requestRecord({
    outcome: 'failed_over',
    attempts: [
      attemptRecord({ provider: 'beta', result: 'failure', failure: 'stream', status: 200 }),
      attemptRecord(),
    ],
    usage: { inputTokens: 5, outputTokens: 5, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
    bytesIn: 10,
    bytesOut: 10,
    durationInMs: 500,
    timeToFirstByteInMs: 200,
    overheadInMs: 0.2,
  }),
];

async function scrape(metrics: ReturnType<typeof createMetrics>): Promise<Sample[]> {
  return parseExposition(await metrics.render());
}

describe('createMetrics', () => {
  it('counts a scripted mix of requests exactly', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false });
    for (const record of scriptedRecords) metrics.observe(record);
    const samples = await scrape(metrics);

    const requests = (provider: string, model: string, status: string, outcome: string) =>
      sampleValue(samples, 'ccb_requests_total', { provider, model, status, outcome });
    expect(samplesNamed(samples, 'ccb_requests_total')).toHaveLength(6);
    expect(requests('alpha', 'claude-sonnet-4-6', '200', 'ok')).toBe(2);
    expect(requests('alpha', 'claude-sonnet-4-6', '200', 'failed_over')).toBe(1);
    expect(requests('beta', 'claude-opus-5-5', '200', 'failed_over')).toBe(1);
    expect(requests('none', 'other', '502', 'error')).toBe(1);
    expect(requests('alpha', 'claude-haiku-5-5', '400', 'error')).toBe(1);
    expect(requests('alpha', 'none', '200', 'ok')).toBe(1);

    const attempts = (provider: string, result: string) =>
      sampleValue(samples, 'ccb_attempts_total', { provider, result });
    expect(samplesNamed(samples, 'ccb_attempts_total')).toHaveLength(6);
    expect(attempts('alpha', 'success')).toBe(4);
    expect(attempts('alpha', 'failure')).toBe(2);
    expect(attempts('alpha', 'client_error')).toBe(1);
    expect(attempts('beta', 'success')).toBe(1);
    expect(attempts('beta', 'failure')).toBe(2);
    expect(attempts('gamma', 'failure')).toBe(1);

    // The last failed attempt of the 502 (beta, reset) was not followed by another: no failover.
    expect(samplesNamed(samples, 'ccb_failovers_total')).toHaveLength(4);
    expect(sampleValue(samples, 'ccb_failovers_total', { provider: 'alpha', reason: 'connect' })).toBe(1);
    expect(sampleValue(samples, 'ccb_failovers_total', { provider: 'alpha', reason: 'timeout' })).toBe(1);
    expect(sampleValue(samples, 'ccb_failovers_total', { provider: 'gamma', reason: 'status' })).toBe(1);
    expect(sampleValue(samples, 'ccb_failovers_total', { provider: 'beta', reason: 'stream' })).toBe(1);

    const tokens = (provider: string, model: string, kind: string) =>
      sampleValue(samples, 'ccb_tokens_total', { provider, model, kind });
    expect(samplesNamed(samples, 'ccb_tokens_total')).toHaveLength(8);
    expect(tokens('alpha', 'claude-sonnet-4-6', 'input')).toBe(16);
    expect(tokens('alpha', 'claude-sonnet-4-6', 'output')).toBe(27);
    expect(tokens('alpha', 'claude-sonnet-4-6', 'cache_creation')).toBe(5);
    expect(tokens('alpha', 'claude-sonnet-4-6', 'cache_read')).toBe(100);
    expect(tokens('beta', 'claude-opus-5-5', 'input')).toBe(100);
    expect(tokens('beta', 'claude-opus-5-5', 'output')).toBe(50);
    expect(tokens('beta', 'claude-opus-5-5', 'cache_creation')).toBe(0);
    expect(tokens('beta', 'claude-opus-5-5', 'cache_read')).toBe(10);

    expect(sampleValue(samples, 'ccb_received_bytes_total', { provider: 'alpha' })).toBe(180);
    expect(sampleValue(samples, 'ccb_received_bytes_total', { provider: 'beta' })).toBe(1000);
    expect(sampleValue(samples, 'ccb_received_bytes_total', { provider: 'none' })).toBe(10);
    expect(sampleValue(samples, 'ccb_sent_bytes_total', { provider: 'alpha' })).toBe(660);
    expect(sampleValue(samples, 'ccb_sent_bytes_total', { provider: 'beta' })).toBe(500);
    expect(sampleValue(samples, 'ccb_sent_bytes_total', { provider: 'none' })).toBe(150);
  });

  it('records durations, time to first byte and overhead in seconds', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false });
    for (const record of scriptedRecords) metrics.observe(record);
    const samples = await scrape(metrics);

    const duration = (suffix: string, labels: Record<string, string>) =>
      sampleValue(samples, `ccb_request_duration_seconds_${suffix}`, labels);
    const alphaStream = { provider: 'alpha', stream: 'true' };
    const alphaPlain = { provider: 'alpha', stream: 'false' };
    expect(duration('count', alphaStream)).toBe(2);
    expect(duration('sum', alphaStream)).toBeCloseTo(0.65, 9);
    expect(duration('bucket', { ...alphaStream, le: '0.1' })).toBe(0);
    expect(duration('bucket', { ...alphaStream, le: '0.25' })).toBe(1);
    expect(duration('bucket', { ...alphaStream, le: '0.5' })).toBe(2);
    expect(duration('count', alphaPlain)).toBe(3);
    expect(duration('sum', alphaPlain)).toBeCloseTo(1.3, 9);
    expect(duration('bucket', { ...alphaPlain, le: '0.05' })).toBe(1);
    expect(duration('bucket', { ...alphaPlain, le: '0.1' })).toBe(2);
    expect(duration('bucket', { ...alphaPlain, le: '1' })).toBe(2);
    expect(duration('bucket', { ...alphaPlain, le: '2.5' })).toBe(3);
    expect(duration('count', { provider: 'beta', stream: 'true' })).toBe(1);
    expect(duration('bucket', { provider: 'none', stream: 'false', le: '20' })).toBe(0);
    expect(duration('bucket', { provider: 'none', stream: 'false', le: '30' })).toBe(1);

    expect(sampleValue(samples, 'ccb_time_to_first_byte_seconds_count', alphaStream)).toBe(2);
    expect(sampleValue(samples, 'ccb_time_to_first_byte_seconds_sum', alphaStream)).toBeCloseTo(0.24, 9);
    expect(sampleValue(samples, 'ccb_time_to_first_byte_seconds_sum', alphaPlain)).toBeCloseTo(1.198, 9);

    // Six records carry overheadInMs; the failover record without it is skipped.
    expect(sampleValue(samples, 'ccb_overhead_seconds_count')).toBe(6);
    expect(sampleValue(samples, 'ccb_overhead_seconds_sum')).toBeCloseTo(0.00124, 12);
    expect(sampleValue(samples, 'ccb_overhead_seconds_bucket', { le: '0.0001' })).toBe(2);
    expect(sampleValue(samples, 'ccb_overhead_seconds_bucket', { le: '0.00025' })).toBe(4);
    expect(sampleValue(samples, 'ccb_overhead_seconds_bucket', { le: '0.0005' })).toBe(6);
    expect(sampleValue(samples, 'ccb_overhead_seconds_bucket', { le: '+Inf' })).toBe(6);
  });

  it('keeps counting across scrapes without double counting', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false });
    metrics.observe(requestRecord());
    await metrics.render();
    metrics.observe(requestRecord());
    const samples = await scrape(metrics);
    expect(
      sampleValue(samples, 'ccb_requests_total', {
        provider: 'alpha',
        model: 'claude-sonnet-4-6',
        status: '200',
        outcome: 'ok',
      }),
    ).toBe(2);
    expect(
      sampleValue(samples, 'ccb_tokens_total', {
        provider: 'alpha',
        model: 'claude-sonnet-4-6',
        kind: 'input',
      }),
    ).toBe(50);
  });

  it('tracks in-flight attempts per provider and never goes below zero', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false });
    metrics.attemptStarted('alpha');
    metrics.attemptStarted('alpha');
    metrics.attemptStarted('beta');
    metrics.attemptEnded('alpha');
    metrics.attemptEnded('gamma');
    const samples = await scrape(metrics);
    expect(sampleValue(samples, 'ccb_in_flight_attempts', { provider: 'alpha' })).toBe(1);
    expect(sampleValue(samples, 'ccb_in_flight_attempts', { provider: 'beta' })).toBe(1);
    expect(sampleValue(samples, 'ccb_in_flight_attempts', { provider: 'gamma' })).toBe(0);
  });

  it('labels unknown models other and keeps configured ones', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false, knownModels: ['deepseek-v4-pro'] });
    for (let index = 0; index < 50; index += 1)
      metrics.observe(requestRecord({ model: `free text ${index}` }));
    metrics.observe(requestRecord({ model: 'deepseek-v4-pro' }));
    const models = new Set(
      samplesNamed(await scrape(metrics), 'ccb_requests_total').map((s) => s.labels.model),
    );
    expect(models).toEqual(new Set(['other', 'deepseek-v4-pro']));
  });

  it('caps the number of Claude-family model labels', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false, maxFamilyModels: 3 });
    for (let index = 0; index < 10; index += 1)
      metrics.observe(requestRecord({ model: `claude-opus-${index}` }));
    const models = samplesNamed(await scrape(metrics), 'ccb_requests_total').map((s) => s.labels.model);
    expect(models.sort()).toEqual(['claude-opus-0', 'claude-opus-1', 'claude-opus-2', 'other']);
  });

  it('skips values a metric cannot take instead of throwing on the hot path', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false });
    expect(() =>
      metrics.observe(
        requestRecord({
          durationInMs: Number.NaN,
          timeToFirstByteInMs: -1,
          overheadInMs: Number.POSITIVE_INFINITY,
          bytesIn: Number.NaN,
          usage: { inputTokens: -5, outputTokens: 3, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
        }),
      ),
    ).not.toThrow();
    const samples = await scrape(metrics);
    // The series exists from the request on, with nothing counted.
    expect(
      sampleValue(samples, 'ccb_request_duration_seconds_count', { provider: 'alpha', stream: 'true' }),
    ).toBe(0);
    expect(sampleValue(samples, 'ccb_overhead_seconds_count')).toBe(0);
    expect(sampleValue(samples, 'ccb_received_bytes_total', { provider: 'alpha' })).toBe(0);
    expect(
      sampleValue(samples, 'ccb_tokens_total', {
        provider: 'alpha',
        model: 'claude-sonnet-4-6',
        kind: 'input',
      }),
    ).toBe(0);
    expect(
      sampleValue(samples, 'ccb_tokens_total', {
        provider: 'alpha',
        model: 'claude-sonnet-4-6',
        kind: 'output',
      }),
    ).toBe(3);
  });

  it('uses a registry of its own, leaving the global one and other instances alone', async () => {
    const first = createMetrics({ collectDefaultMetrics: false });
    const second = createMetrics({ collectDefaultMetrics: false });
    first.observe(requestRecord());
    expect(samplesNamed(await scrape(second), 'ccb_requests_total')).toHaveLength(0);
    expect(first.registry).not.toBe(globalRegistry);
    expect(globalRegistry.getSingleMetric('ccb_requests_total')).toBeUndefined();
  });

  it('applies the prefix to its metric names', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false, prefix: 'balancer_' });
    metrics.observe(requestRecord());
    const names = new Set((await scrape(metrics)).map((sample) => sample.name));
    expect(names.has('balancer_requests_total')).toBe(true);
    expect([...names].some((name) => name.startsWith('ccb_'))).toBe(false);
  });

  it('rejects a prefix that is not a Prometheus name', () => {
    const attempt = () => createMetrics({ collectDefaultMetrics: false, prefix: 'ccb-' });
    expect(attempt).toThrow(TelemetryError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'CCB_TELEMETRY_INVALID_OPTIONS' }));
  });

  it('registers process metrics by default and not when asked not to', async () => {
    const withDefaults = (await createMetrics().render()).split('\n');
    expect(withDefaults.some((line) => line.startsWith('nodejs_eventloop_lag_seconds '))).toBe(true);
    expect(withDefaults.some((line) => line.startsWith('process_resident_memory_bytes '))).toBe(true);
    const without = await createMetrics({ collectDefaultMetrics: false }).render();
    expect(without).not.toContain('nodejs_eventloop_lag_seconds');
  });

  it('serves the Prometheus text content type', () => {
    expect(createMetrics({ collectDefaultMetrics: false }).contentType).toMatch(
      /^text\/plain; version=0\.0\.4/,
    );
  });
});

describe('createMetrics provider health', () => {
  it('reads the health snapshot once per scrape and reports state, cool-down and budgets', async () => {
    let calls = 0;
    const nowInMs = 1_000_000;
    const metrics = createMetrics({
      collectDefaultMetrics: false,
      now: () => nowInMs,
      healthSnapshot: () => {
        calls += 1;
        return [
          {
            name: 'alpha',
            state: 'closed',
            coolingDownUntil: null,
            remaining: { requests: 40, tokens: 90_000 },
          },
          {
            name: 'beta',
            state: 'half-open',
            coolingDownUntil: nowInMs + 5000,
            budget: { requests: { remaining: 3 }, tokens: null },
          },
          { name: 'gamma', state: 'open', coolingDownUntil: nowInMs - 1 },
        ];
      },
    });
    const samples = await scrape(metrics);
    expect(calls).toBe(1);

    const state = (provider: string, value: string) =>
      sampleValue(samples, 'ccb_provider_circuit_state', { provider, state: value });
    expect([state('alpha', 'closed'), state('alpha', 'open'), state('alpha', 'half_open')]).toEqual([
      1, 0, 0,
    ]);
    expect([state('beta', 'closed'), state('beta', 'open'), state('beta', 'half_open')]).toEqual([0, 0, 1]);
    expect([state('gamma', 'closed'), state('gamma', 'open'), state('gamma', 'half_open')]).toEqual([
      0, 1, 0,
    ]);
    expect(sampleValue(samples, 'ccb_provider_cooling_down', { provider: 'alpha' })).toBe(0);
    expect(sampleValue(samples, 'ccb_provider_cooling_down', { provider: 'beta' })).toBe(1);
    expect(sampleValue(samples, 'ccb_provider_cooling_down', { provider: 'gamma' })).toBe(0);
    expect(sampleValue(samples, 'ccb_provider_remaining_requests', { provider: 'alpha' })).toBe(40);
    expect(sampleValue(samples, 'ccb_provider_remaining_tokens', { provider: 'alpha' })).toBe(90_000);
    expect(sampleValue(samples, 'ccb_provider_remaining_requests', { provider: 'beta' })).toBe(3);
    expect(sampleValue(samples, 'ccb_provider_remaining_tokens', { provider: 'beta' })).toBeUndefined();
    expect(sampleValue(samples, 'ccb_provider_remaining_requests', { provider: 'gamma' })).toBeUndefined();
  });

  it('reflects the snapshot of each scrape, dropping providers that left it', async () => {
    let snapshot = [
      { name: 'alpha', state: 'open' },
      { name: 'beta', state: 'closed' },
    ];
    const metrics = createMetrics({ collectDefaultMetrics: false, healthSnapshot: () => snapshot });
    await metrics.render();
    snapshot = [{ name: 'alpha', state: 'closed' }];
    const samples = await scrape(metrics);
    expect(sampleValue(samples, 'ccb_provider_circuit_state', { provider: 'alpha', state: 'closed' })).toBe(
      1,
    );
    expect(sampleValue(samples, 'ccb_provider_circuit_state', { provider: 'alpha', state: 'open' })).toBe(0);
    expect(samplesNamed(samples, 'ccb_provider_cooling_down').map((s) => s.labels.provider)).toEqual([
      'alpha',
    ]);
  });

  it('leaves the health gauges out without a snapshot source', async () => {
    const text = await createMetrics({ collectDefaultMetrics: false }).render();
    expect(text).not.toContain('provider_circuit_state');
  });
});

describe('cost, affinity and budget metrics', () => {
  it('sums request cost by provider and model, and reads affinity and budgets at scrape time', async () => {
    let hits = 3;
    const metrics = createMetrics({
      collectDefaultMetrics: false,
      affinityStats: () => ({ sessions: 2, hits, moves: 1, misses: 4 }),
      budgetSnapshot: () => [
        { scope: 'provider', name: 'a', window: 'day', metric: 'usd', limit: 10, used: 2.5 },
        { scope: 'key', name: 'k1', window: 'month', metric: 'tokens', limit: 100, used: 150 },
      ],
    });
    metrics.observe(requestRecord({ provider: 'a', model: 'claude-sonnet-4-6' }), 0.25);
    metrics.observe(requestRecord({ provider: 'a', model: 'claude-sonnet-4-6' }), 0.5);
    metrics.observe(requestRecord({ provider: 'a', model: 'claude-sonnet-4-6' }));
    hits = 5;
    const samples = parseExposition(await metrics.render());
    expect(sampleValue(samples, 'ccb_cost_usd_total', { provider: 'a', model: 'claude-sonnet-4-6' })).toBe(
      0.75,
    );
    expect(sampleValue(samples, 'ccb_affinity_sessions', {})).toBe(2);
    expect(sampleValue(samples, 'ccb_affinity_decisions_total', { decision: 'hit' })).toBe(5);
    expect(sampleValue(samples, 'ccb_affinity_decisions_total', { decision: 'miss' })).toBe(4);
    expect(
      sampleValue(samples, 'ccb_budget_remaining', {
        scope: 'provider',
        name: 'a',
        window: 'day',
        metric: 'usd',
      }),
    ).toBe(7.5);
    expect(
      sampleValue(samples, 'ccb_budget_remaining', {
        scope: 'key',
        name: 'k1',
        window: 'month',
        metric: 'tokens',
      }),
    ).toBe(0);
  });
});

describe('rate-limit classes', () => {
  it('counts cool-downs by provider and class', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false });
    metrics.rateLimited('a', 'rate_limit');
    metrics.rateLimited('a', 'rate_limit');
    metrics.rateLimited('b', 'spend_limit');
    const samples = parseExposition(await metrics.render());
    expect(sampleValue(samples, 'ccb_rate_limits_total', { provider: 'a', class: 'rate_limit' })).toBe(2);
    expect(sampleValue(samples, 'ccb_rate_limits_total', { provider: 'b', class: 'spend_limit' })).toBe(1);
  });
});

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

describe('lost log lines', () => {
  it('publishes the lines and bytes stdout never got, by reason, as read at each scrape', async () => {
    let full = { lines: 0, bytes: 0 };
    const metrics = createMetrics({
      collectDefaultMetrics: false,
      logLoss: () => [
        { reason: 'full', ...full },
        { reason: 'error', lines: 2, bytes: 300 },
      ],
    });
    let samples = parseExposition(await metrics.render());
    expect(sampleValue(samples, 'ccb_log_lines_dropped_total', { reason: 'full' })).toBe(0);
    full = { lines: 40, bytes: 16_000 };
    samples = parseExposition(await metrics.render());
    expect(sampleValue(samples, 'ccb_log_lines_dropped_total', { reason: 'full' })).toBe(40);
    expect(sampleValue(samples, 'ccb_log_lines_dropped_total', { reason: 'error' })).toBe(2);
    expect(sampleValue(samples, 'ccb_log_bytes_dropped_total', { reason: 'full' })).toBe(16_000);
    expect(sampleValue(samples, 'ccb_log_bytes_dropped_total', { reason: 'error' })).toBe(300);
  });

  it('leaves the lost-line counters out without a source', async () => {
    const text = await createMetrics({ collectDefaultMetrics: false }).render();
    expect(text).not.toContain('log_lines_dropped');
  });
});
