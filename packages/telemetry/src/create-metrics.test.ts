import type { RequestRecord } from '@ccb/protocol';
import { describe, expect, it } from 'vitest';
import { samplesNamed, sampleValue } from '../test/_prometheus-text.js';
import { attemptRecord, requestRecord } from '../test/_records.js';
import { scrape } from '../test/_scrape.js';
import { createMetrics } from './create-metrics.js';

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
});
