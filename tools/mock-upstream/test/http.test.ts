import { describe, expect, it } from 'vitest';
import { MockUpstreamError } from '../src/mock-upstream-error.js';
import { jsonOf, messagesBody, parseSse, postJson, startMock } from './helpers.js';

describe('wire format', () => {
  it('streams SSE frames byte-exactly in the API order, with the stream headers', async () => {
    const mock = await startMock({ name: 'wire', streamEvents: 2, replyText: 'Hi there' });
    const response = await postJson(`${mock.url}/v1/messages`, messagesBody({ stream: true }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('request-id')).toMatch(/^req_\w+$/);
    expect(response.headers.get('x-mock-upstream')).toBe('wire');
    const text = await response.text();
    expect(text).toMatch(/^event: message_start\ndata: \{.*\}\n\n/);
    expect(text).toContain('event: ping\ndata: {"type": "ping"}\n\n');
    expect(text.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')).toBe(true);
    const events = parseSse(text);
    expect(events.map((event) => event.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    for (const event of events) {
      expect(event.data).not.toContain('\n');
      expect(JSON.parse(event.data).type).toBe(event.event);
    }
    const start = JSON.parse(events[0]?.data as string);
    expect(start.message).toMatchObject({
      model: 'claude-sonnet-4-6',
      content: [],
      stop_reason: null,
      usage: { cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 },
    });
    const texts = events.slice(3, 5).map((event) => JSON.parse(event.data).delta.text);
    expect(texts.join('')).toBe('Hi there');
    const delta = JSON.parse(events[6]?.data as string);
    expect(delta).toMatchObject({
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 2 },
    });
    expect(delta.usage.input_tokens).toBe(start.message.usage.input_tokens);
  });

  it('answers JSON with content-length, request-id and the rate-limit headers on every response', async () => {
    const rateLimitHeaders = {
      'anthropic-ratelimit-requests-remaining': '99',
      'anthropic-ratelimit-tokens-limit': '1000',
    };
    const mock = await startMock({ rateLimitHeaders });
    const ok = await postJson(`${mock.url}/v1/messages`, messagesBody());
    const notFound = await fetch(`${mock.url}/v1/nothing`);
    for (const response of [ok, notFound]) {
      expect(response.headers.get('anthropic-ratelimit-requests-remaining')).toBe('99');
      expect(response.headers.get('anthropic-ratelimit-tokens-limit')).toBe('1000');
      expect(response.headers.get('request-id')).toMatch(/^req_/);
    }
    const text = await ok.text();
    expect(ok.headers.get('content-type')).toBe('application/json');
    expect(Number(ok.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(JSON.parse(text)).toMatchObject({
      type: 'message',
      stop_sequence: null,
      usage: {
        cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
        service_tier: 'standard',
      },
    });
  });

  it('gives every response its own request id, echoed in error bodies', async () => {
    const mock = await startMock();
    const first = await fetch(`${mock.url}/v1/unknown`);
    const second = await fetch(`${mock.url}/v1/unknown`);
    expect(first.headers.get('request-id')).not.toBe(second.headers.get('request-id'));
    expect(first.status).toBe(404);
    expect(await jsonOf(first)).toEqual({
      type: 'error',
      error: { type: 'not_found_error', message: 'Not Found: GET /v1/unknown' },
      request_id: first.headers.get('request-id'),
    });
  });

  it('answers GET / and HEAD / with 200 and no auth', async () => {
    const mock = await startMock({ apiKey: 'secret' });
    expect((await fetch(`${mock.url}/`)).status).toBe(200);
    const head = await fetch(`${mock.url}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});

describe('routing and validation', () => {
  it('serves a prefixed path as /v1/... and records the full path with its query', async () => {
    const mock = await startMock();
    const response = await postJson(`${mock.url}/api/anthropic/v1/messages?beta=true`, messagesBody());
    expect(response.status).toBe(200);
    expect((await jsonOf(response)).type).toBe('message');
    expect(mock.requests[0]?.path).toBe('/api/anthropic/v1/messages?beta=true');
    const models = await fetch(`${mock.url}/proxy/v1/models`);
    expect((await jsonOf(models)).data[0].type).toBe('model');
  });

  it('rejects invalid JSON with 400 invalid_request_error', async () => {
    const mock = await startMock();
    const response = await postJson(`${mock.url}/v1/messages`, '{"model": ');
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).error.type).toBe('invalid_request_error');
    expect(mock.requests[0]?.json).toBeUndefined();
  });

  it.each([
    ['model', 'model: Field required'],
    ['messages', 'messages: Field required'],
    ['max_tokens', 'max_tokens: Field required'],
  ])('rejects a request without %s with a message naming it', async (field, message) => {
    const mock = await startMock();
    const body = messagesBody();
    delete body[field];
    const response = await postJson(`${mock.url}/v1/messages`, body);
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).error).toEqual({ type: 'invalid_request_error', message });
  });

  it('does not require max_tokens for count_tokens', async () => {
    const mock = await startMock();
    const body = messagesBody();
    delete body.max_tokens;
    const response = await postJson(`${mock.url}/v1/messages/count_tokens`, body);
    expect(response.status).toBe(200);
    expect(await jsonOf(response)).toEqual({ input_tokens: Math.ceil(JSON.stringify(body).length / 4) });
  });

  it('answers an oversized body with 413 request_too_large', async () => {
    const mock = await startMock({ maxRequestBodyInBytes: 100 });
    const response = await postJson(`${mock.url}/v1/messages`, messagesBody({ padding: 'x'.repeat(200) }));
    expect(response.status).toBe(413);
    expect((await jsonOf(response)).error.type).toBe('request_too_large');
  });

  it('prefers x-api-key over Bearer, as the real API does', async () => {
    const mock = await startMock({ apiKey: 'right' });
    const wrongKeyRightBearer = await postJson(`${mock.url}/v1/messages`, messagesBody(), {
      'x-api-key': 'leaked-client-key',
      authorization: 'Bearer right',
    });
    expect(wrongKeyRightBearer.status).toBe(401);
    expect((await jsonOf(wrongKeyRightBearer)).error).toEqual({
      type: 'authentication_error',
      message: 'invalid x-api-key',
    });
    const none = await postJson(`${mock.url}/v1/messages`, messagesBody());
    expect((await jsonOf(none)).error.message).toBe('x-api-key header is required');
  });
});

describe('recording and waiting', () => {
  it('records method, path, lower-case headers, body, parsed JSON and receive time', async () => {
    let clock = 1_000;
    const mock = await startMock({ now: () => clock++ });
    await postJson(`${mock.url}/v1/messages`, messagesBody(), { 'X-Custom': 'Value' });
    await fetch(`${mock.url}/v1/models`);
    await mock.waitForRequests(2);
    const [first, second] = mock.requests;
    expect(first?.method).toBe('POST');
    expect(first?.headers['x-custom']).toBe('Value');
    expect(first?.json).toEqual(messagesBody());
    expect(first?.body.toString()).toBe(JSON.stringify(messagesBody()));
    expect(first?.receivedAt).toBe(1_000);
    expect(second).toMatchObject({ method: 'GET', path: '/v1/models', json: undefined, receivedAt: 1_001 });
    expect(mock.requestCount).toBe(2);
  });

  it('resolves waitForRequests when the n-th request arrives, and reset() starts over', async () => {
    const mock = await startMock();
    const waiting = mock.waitForRequests(2);
    await postJson(`${mock.url}/v1/messages`, messagesBody());
    await postJson(`${mock.url}/v1/messages`, messagesBody());
    await waiting;
    const before = mock.requests;
    mock.reset();
    expect(mock.requests).toHaveLength(0);
    expect(before).toHaveLength(2);
    expect(mock.requestCount).toBe(0);
  });

  it('rejects waitForRequests with CCB_MOCK_UPSTREAM_WAIT_TIMEOUT when too few requests come', async () => {
    const mock = await startMock();
    const error = await mock.waitForRequests(1, 5).catch((caught: unknown) => caught);
    expect(MockUpstreamError.is(error)).toBe(true);
    expect((error as MockUpstreamError).code).toBe('CCB_MOCK_UPSTREAM_WAIT_TIMEOUT');
  });
});

describe('HTTP control API', () => {
  it('injects faults with a count, lists requests, and clears faults and requests', async () => {
    const mock = await startMock();
    const injected = await postJson(`${mock.url}/_mock/faults`, {
      fault: { kind: 'status', status: 529 },
      count: 2,
    });
    expect(await jsonOf(injected)).toEqual({ pending: 2 });
    expect((await postJson(`${mock.url}/v1/messages`, messagesBody())).status).toBe(529);
    expect((await postJson(`${mock.url}/v1/messages`, messagesBody({ stream: true }))).status).toBe(529);
    expect((await postJson(`${mock.url}/v1/messages`, messagesBody())).status).toBe(200);

    await postJson(`${mock.url}/_mock/faults`, { fault: { kind: 'reset' } });
    expect(await jsonOf(await fetch(`${mock.url}/_mock/faults`, { method: 'DELETE' }))).toEqual({
      pending: 0,
    });
    expect((await postJson(`${mock.url}/v1/messages`, messagesBody())).status).toBe(200);

    const summary = await jsonOf(await fetch(`${mock.url}/_mock/requests`));
    expect(summary.count).toBe(4);
    expect(summary.requests[1]).toMatchObject({
      method: 'POST',
      path: '/v1/messages',
      model: 'claude-sonnet-4-6',
      stream: true,
    });
    expect(mock.requests.every((request) => !request.path.startsWith('/_mock/'))).toBe(true);

    await fetch(`${mock.url}/_mock/requests`, { method: 'DELETE' });
    expect(mock.requestCount).toBe(0);
  });

  it('answers a malformed fault with 400 naming the problem', async () => {
    const mock = await startMock();
    const response = await postJson(`${mock.url}/_mock/faults`, { fault: { kind: 'explode' } });
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).error.message).toContain('unknown `kind` "explode"');
    const badJson = await postJson(`${mock.url}/_mock/faults`, 'nope');
    expect(badJson.status).toBe(400);
  });
});
