import { createMockUpstream, type Fault, type MockUpstream } from '@ccb/mock-upstream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  eventNames,
  messageBody,
  post,
  refusedUrl,
  type StartedProxy,
  startProxy,
  target,
} from './harness.js';

describe('failover', () => {
  let first: MockUpstream;
  let second: MockUpstream;
  let proxy: StartedProxy;

  beforeEach(async () => {
    first = await createMockUpstream({ name: 'first', apiKey: 'key-first' });
    second = await createMockUpstream({ name: 'second', apiKey: 'key-second' });
    proxy = await startProxy([target('first', first.url), target('second', second.url)]);
  });
  afterEach(async () => {
    await proxy.close();
    await first.close();
    await second.close();
  });

  const statuses: [number, string][] = [
    [429, 'rate_limit_error'],
    [500, 'api_error'],
    [502, 'api_error'],
    [503, 'api_error'],
    [504, 'timeout_error'],
    [529, 'overloaded_error'],
    [401, 'authentication_error'],
    [403, 'permission_error'],
  ];
  for (const [status, errorType] of statuses) {
    it(`fails over invisibly when the first provider answers ${status}`, async () => {
      first.inject({ kind: 'status', status, errorType });
      const recorded = proxy.nextRecord();
      const response = await post(proxy.url, '/v1/messages', messageBody());
      expect(response.status).toBe(200);
      expect(response.headers['x-ccb-provider']).toBe('second');
      expect(JSON.parse(response.text).content[0].text).toContain('second');
      const record = await recorded;
      expect(record.outcome).toBe('failed_over');
      expect(record.attempts.map((attempt) => [attempt.provider, attempt.result, attempt.status])).toEqual([
        ['first', 'failure', status],
        ['second', 'success', 200],
      ]);
    });
  }

  it('fails over on a 400 about the provider account (credit balance)', async () => {
    first.inject({
      kind: 'status',
      status: 400,
      errorType: 'invalid_request_error',
      message: 'Your credit balance is too low to access the Anthropic API.',
    });
    const response = await post(proxy.url, '/v1/messages', messageBody());
    expect(response.status).toBe(200);
    expect(response.headers['x-ccb-provider']).toBe('second');
  });

  it('passes an ordinary 400 through unchanged and does not retry it', async () => {
    const body =
      '{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: field required"},"request_id":"req_x"}';
    first.inject({ kind: 'status', status: 400, body });
    const recorded = proxy.nextRecord();
    const response = await post(proxy.url, '/v1/messages', messageBody());
    expect(response.status).toBe(400);
    expect(response.text).toBe(body);
    expect(second.requests).toHaveLength(0);
    expect((await recorded).attempts.map((attempt) => attempt.result)).toEqual(['client_error']);
  });

  it('fails over on a connection reset before headers', async () => {
    first.inject({ kind: 'reset' });
    const response = await post(proxy.url, '/v1/messages', messageBody());
    expect(response.status).toBe(200);
    expect(response.headers['x-ccb-provider']).toBe('second');
  });

  it('fails over on an in-band error before any content, invisibly', async () => {
    first.inject({ kind: 'sse-error', afterEvents: 1, errorType: 'overloaded_error' });
    const response = await post(proxy.url, '/v1/messages', messageBody({ stream: true }));
    expect(response.status).toBe(200);
    expect(response.headers['x-ccb-provider']).toBe('second');
    expect(eventNames(response.text)).not.toContain('error');
    expect(eventNames(response.text).at(-1)).toBe('message_stop');
  });

  it('fails over when a stream is cut right after message_start', async () => {
    first.inject({ kind: 'drop-after', events: 1 });
    const response = await post(proxy.url, '/v1/messages', messageBody({ stream: true }));
    expect(response.headers['x-ccb-provider']).toBe('second');
    expect(eventNames(response.text)).toEqual(expect.arrayContaining(['message_start', 'message_stop']));
    expect(eventNames(response.text)).not.toContain('error');
    expect(response.text.match(/event: message_start/g)).toHaveLength(1);
  });

  it('relays the last upstream error with a capped retry-after when every provider fails', async () => {
    const fault: Fault = {
      kind: 'status',
      status: 429,
      errorType: 'rate_limit_error',
      message: 'Number of request tokens has exceeded your per-minute rate limit',
      headers: { 'retry-after': '3600', 'anthropic-ratelimit-requests-remaining': '0' },
    };
    first.inject(fault);
    second.inject(fault);
    const recorded = proxy.nextRecord();
    const response = await post(proxy.url, '/v1/messages', messageBody());
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.headers['anthropic-ratelimit-requests-remaining']).toBe('0');
    expect(JSON.parse(response.text)).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect((await recorded).outcome).toBe('error');
  });

  it('stops after max_attempts distinct providers', async () => {
    const third = await createMockUpstream({ name: 'third' });
    const limited = await startProxy(
      [target('first', first.url), target('second', second.url), target('third', third.url)],
      { maxAttempts: 2 },
    );
    try {
      first.inject({ kind: 'status', status: 503 });
      second.inject({ kind: 'status', status: 503 });
      const response = await post(limited.url, '/v1/messages', messageBody());
      expect(response.status).toBe(503);
      expect(third.requests).toHaveLength(0);
    } finally {
      await limited.close();
      await third.close();
    }
  });
});

describe('failover on transport failures', () => {
  it('fails over when the connection is refused, and names every provider when all are down', async () => {
    const mock = await createMockUpstream({ name: 'alive' });
    const down = await refusedUrl();
    const proxy = await startProxy([target('down', down), target('alive', mock.url)]);
    const allDown = await startProxy([target('down-a', down), target('down-b', await refusedUrl())]);
    try {
      const response = await post(proxy.url, '/v1/messages', messageBody());
      expect(response.status).toBe(200);
      expect(response.headers['x-ccb-provider']).toBe('alive');

      const failed = await post(allDown.url, '/v1/messages', messageBody());
      expect(failed.status).toBe(502);
      const body = JSON.parse(failed.text);
      expect(body).toMatchObject({ type: 'error', error: { type: 'api_error' } });
      expect(body.error.message).toContain('down-a (connection refused)');
      expect(body.error.message).toContain('down-b (connection refused)');
    } finally {
      await proxy.close();
      await allDown.close();
      await mock.close();
    }
  });

  it('fails over when the first byte does not come in time', async () => {
    const slow = await createMockUpstream({ name: 'slow' });
    const fast = await createMockUpstream({ name: 'fast' });
    const proxy = await startProxy([target('slow', slow.url), target('fast', fast.url)], {
      timeouts: { firstByteInMs: 200 },
    });
    try {
      slow.inject({ kind: 'hang' });
      const recorded = proxy.nextRecord();
      const response = await post(proxy.url, '/v1/messages', messageBody());
      expect(response.status).toBe(200);
      expect(response.headers['x-ccb-provider']).toBe('fast');
      expect((await recorded).attempts[0]).toMatchObject({ provider: 'slow', failure: 'timeout' });
    } finally {
      await proxy.close();
      await slow.close();
      await fast.close();
    }
  });

  it('answers 504 when every provider timed out', async () => {
    const slow = await createMockUpstream({ name: 'slow' });
    const proxy = await startProxy([target('slow', slow.url)], { timeouts: { firstByteInMs: 100 } });
    try {
      slow.inject({ kind: 'hang' });
      const response = await post(proxy.url, '/v1/messages', messageBody());
      expect(response.status).toBe(504);
      expect(JSON.parse(response.text)).toMatchObject({ error: { type: 'timeout_error' } });
    } finally {
      await proxy.close();
      await slow.close();
    }
  });
});
