import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UpstreamTarget } from '../src/index.js';
import {
  eventNames,
  fixedPlanner,
  messageBody,
  post,
  type StartedProxy,
  startProxy,
  startRawUpstream,
  target,
} from './harness.js';

describe('error paths', () => {
  let healthy: MockUpstream;
  let proxy: StartedProxy | undefined;
  const upstreams: { close(): Promise<void> }[] = [];

  beforeEach(async () => {
    healthy = await createMockUpstream({ name: 'healthy', apiKey: 'key-healthy' });
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    await healthy.close();
    await Promise.all(upstreams.splice(0).map((upstream) => upstream.close()));
  });

  it('counts a credential source that throws as a failed attempt and fails over, with in-flight back to 0', async () => {
    const broken: UpstreamTarget = {
      ...target('broken', healthy.url),
      credentialHeaders: () => Promise.reject(new Error('token refresh failed: invalid_grant')),
    };
    const inFlight = new Map<string, number>();
    const planner = fixedPlanner(['broken', 'healthy']);
    proxy = await startProxy([broken, target('healthy', healthy.url)], {
      planner,
      onAttemptStart: (name) => inFlight.set(name, (inFlight.get(name) ?? 0) + 1),
      onAttemptEnd: (name) => inFlight.set(name, (inFlight.get(name) ?? 0) - 1),
    });
    const recorded = proxy.nextRecord();
    const response = await post(proxy.url, '/v1/messages', messageBody());
    expect(response.status).toBe(200);
    expect(response.headers['x-ccb-provider']).toBe('healthy');
    const record = await recorded;
    expect(record.attempts.map((attempt) => [attempt.provider, attempt.result, attempt.failure])).toEqual([
      ['broken', 'failure', 'credentials'],
      ['healthy', 'success', undefined],
    ]);
    expect(record.attempts[0]?.reason).toBe('credentials unavailable');
    expect(record.attempts[0]?.detail).toContain('invalid_grant');
    expect(planner.reports.map(([name, outcome]) => [name, outcome.result])).toEqual([
      ['broken', 'failure'],
      ['healthy', 'success'],
    ]);
    expect(Object.fromEntries(inFlight)).toEqual({ broken: 0, healthy: 0 });
  });

  it('answers 502 naming the provider when the only credential source throws, never a 500', async () => {
    const broken: UpstreamTarget = {
      ...target('broken', healthy.url),
      credentialHeaders: () => {
        throw new Error('no token');
      },
    };
    proxy = await startProxy([broken]);
    const response = await post(proxy.url, '/v1/messages', messageBody());
    expect(response.status).toBe(502);
    expect(JSON.parse(response.text).error.message).toContain('broken (credentials unavailable)');
    // What the source said may carry a token endpoint's answer: it stays out of the client's answer.
    expect(response.text).not.toContain('no token');
    expect(healthy.requests).toHaveLength(0);
  });

  it("fails over on a 5xx whose error body is over 1 MiB: the provider's failure whatever its size", async () => {
    const huge = await startRawUpstream((incoming, outgoing) => {
      incoming.resume();
      outgoing.writeHead(503, { 'content-type': 'text/html' });
      outgoing.end(`<html>${'x'.repeat(2 * 1024 * 1024)}</html>`);
    });
    upstreams.push(huge);
    proxy = await startProxy([target('huge', huge.url), target('healthy', healthy.url)]);
    const recorded = proxy.nextRecord();
    const response = await post(proxy.url, '/v1/messages', messageBody());
    expect(response.status).toBe(200);
    expect(response.headers['x-ccb-provider']).toBe('healthy');
    const record = await recorded;
    expect(record.attempts.map((attempt) => [attempt.provider, attempt.result, attempt.status])).toEqual([
      ['huge', 'failure', 503],
      ['healthy', 'success', 200],
    ]);
  });

  it('answers 502 when the last provider sends a 5xx too large to hold, rather than a cut body', async () => {
    const huge = await startRawUpstream((incoming, outgoing) => {
      incoming.resume();
      outgoing.writeHead(500, { 'content-type': 'text/plain' });
      outgoing.end('y'.repeat(3 * 1024 * 1024));
    });
    upstreams.push(huge);
    proxy = await startProxy([target('huge', huge.url)]);
    const response = await post(proxy.url, '/v1/messages', messageBody());
    expect(response.status).toBe(502);
    expect(JSON.parse(response.text).error.message).toContain('huge (status 500 (error body over 1 MiB))');
  });

  it("passes the client's own 4xx through whole and byte for byte, however large", async () => {
    const body = `{"type":"error","error":{"type":"invalid_request_error","message":"${'z'.repeat(3 * 1024 * 1024)}"}}`;
    const large = await startRawUpstream((incoming, outgoing) => {
      incoming.resume();
      outgoing.writeHead(400, { 'content-type': 'application/json' });
      outgoing.end(body);
    });
    upstreams.push(large);
    proxy = await startProxy([target('large', large.url), target('healthy', healthy.url)]);
    const recorded = proxy.nextRecord();
    const response = await post(proxy.url, '/v1/messages', messageBody());
    expect(response.status).toBe(400);
    expect(response.text === body).toBe(true);
    expect(healthy.requests).toHaveLength(0);
    expect((await recorded).attempts.map((attempt) => attempt.result)).toEqual(['client_error']);
  });

  it('relays a stream with comments, id, retry and unknown fields untouched, and appends no error to it', async () => {
    const stream = [
      ': keep-alive comment\n\n',
      'retry: 3000\n',
      'event: message_start\nid: 1\ndata: {"type":"message_start","message":{"usage":{"input_tokens":5}}}\n\n',
      'x-vendor-trace: abc\nevent: content_block_start\ndata: {"type":"content_block_start","index":0}\n\n',
      'event: content_block_delta\nid: 2\ndata: {"type":"content_block_delta","delta":{"text":"hi"}}\n\n',
      'event: message_delta\ndata: {"type":"message_delta","usage":{"output_tokens":3}}\nnonsense-without-colon\n\n',
      'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    ].join('');
    const upstream = await startRawUpstream((incoming, outgoing) => {
      incoming.resume();
      outgoing.writeHead(200, { 'content-type': 'text/event-stream' });
      outgoing.end(stream);
    });
    upstreams.push(upstream);
    proxy = await startProxy([target('vendor', upstream.url)]);
    const recorded = proxy.nextRecord();
    const response = await request(`${proxy.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: messageBody({ stream: true }),
    });
    const text = await response.body.text();
    expect(text).toBe(stream);
    expect(eventNames(text)).not.toContain('error');
    const record = await recorded;
    expect(record.attempts.map((attempt) => [attempt.result, attempt.failure])).toEqual([
      ['success', undefined],
    ]);
    expect(record.usage).toMatchObject({ inputTokens: 5, outputTokens: 3 });
  });
});
