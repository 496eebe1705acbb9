import Anthropic, { type APIError } from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { MockUpstreamError } from '../src/mock-upstream-error.js';
import { jsonOf, messagesBody, parseSse, postJson, readBody, readEvents, startMock } from './helpers.js';

const params = {
  model: 'claude-sonnet-4-6',
  max_tokens: 10,
  messages: [{ role: 'user' as const, content: 'hi' }],
};

function clientFor(url: string): Anthropic {
  return new Anthropic({ baseURL: url, apiKey: 'sk-test', maxRetries: 0 });
}

describe('status faults', () => {
  it('answers with the status, its Anthropic error body and the extra headers, seen by the SDK as the right class', async () => {
    const mock = await startMock();
    mock.inject({ kind: 'status', status: 429, headers: { 'retry-after': '7', 'x-should-retry': 'false' } });
    const error = await clientFor(mock.url)
      .messages.create(params)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    const apiError = error as InstanceType<typeof Anthropic.RateLimitError>;
    expect(apiError.status).toBe(429);
    expect(apiError.headers.get('retry-after')).toBe('7');
    expect(apiError.headers.get('x-should-retry')).toBe('false');
    const requestId = apiError.headers.get('request-id');
    expect(requestId).toMatch(/^req_/);
    expect(apiError.error).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: expect.any(String) },
      request_id: requestId,
    });
  });

  it('maps 529 to overloaded_error and the SDK OverloadedError, with a custom message', async () => {
    const mock = await startMock();
    mock.inject({ kind: 'status', status: 529, message: 'Busy right now' });
    const error = await clientFor(mock.url)
      .messages.create(params)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.OverloadedError);
    expect((error as APIError).error).toMatchObject({
      error: { type: 'overloaded_error', message: 'Busy right now' },
    });
  });

  it('sends a raw body override verbatim', async () => {
    const mock = await startMock();
    mock.inject({
      kind: 'status',
      status: 502,
      body: '<html>bad gateway</html>',
      headers: { 'content-type': 'text/html' },
    });
    const response = await postJson(`${mock.url}/v1/messages`, messagesBody());
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(await response.text()).toBe('<html>bad gateway</html>');
  });

  it('honours count, then answers normally', async () => {
    const mock = await startMock();
    mock.inject({ kind: 'status', status: 500 }, 2);
    const client = clientFor(mock.url);
    await expect(client.messages.create(params)).rejects.toBeInstanceOf(Anthropic.InternalServerError);
    await expect(client.messages.create(params)).rejects.toBeInstanceOf(Anthropic.InternalServerError);
    await expect(client.messages.create(params)).resolves.toMatchObject({ type: 'message' });
  });

  it('applies queued faults first in, first out, and clearFaults drops them', async () => {
    const mock = await startMock();
    mock.inject({ kind: 'status', status: 503 });
    mock.inject({ kind: 'status', status: 504 });
    mock.inject({ kind: 'status', status: 529 });
    expect((await postJson(`${mock.url}/v1/messages`, messagesBody())).status).toBe(503);
    expect((await postJson(`${mock.url}/v1/messages`, messagesBody())).status).toBe(504);
    mock.clearFaults();
    expect((await postJson(`${mock.url}/v1/messages`, messagesBody())).status).toBe(200);
  });

  it('leaves GET / and HEAD / alone, so a preconnect does not use up a fault', async () => {
    const mock = await startMock();
    mock.inject({ kind: 'status', status: 529 });
    expect((await fetch(`${mock.url}/`, { method: 'HEAD' })).status).toBe(200);
    expect((await postJson(`${mock.url}/v1/messages`, messagesBody())).status).toBe(529);
  });

  it('rejects a malformed fault or count with CCB_MOCK_UPSTREAM_INVALID_FAULT', async () => {
    const mock = await startMock();
    expect(() => mock.inject({ kind: 'status', status: 99 })).toThrow(
      expect.objectContaining({ code: 'CCB_MOCK_UPSTREAM_INVALID_FAULT' }),
    );
    const thrown = (() => {
      try {
        mock.inject({ kind: 'reset' }, 0);
      } catch (error) {
        return error;
      }
    })();
    expect(MockUpstreamError.is(thrown)).toBe(true);
  });
});

describe('connection faults', () => {
  it('resets the connection before headers: the SDK sees a connection error and no abort is counted', async () => {
    const mock = await startMock();
    mock.inject({ kind: 'reset' });
    await expect(clientFor(mock.url).messages.create(params)).rejects.toBeInstanceOf(
      Anthropic.APIConnectionError,
    );
    expect(mock.abortCount).toBe(0);
    await expect(clientFor(mock.url).messages.create(params)).resolves.toMatchObject({ type: 'message' });
  });

  it('hangs without answering until close() ends the connection', async () => {
    const mock = await startMock();
    mock.inject({ kind: 'hang' });
    const pending = postJson(`${mock.url}/v1/messages`, messagesBody());
    const settled = pending.then(
      () => 'answered',
      () => 'failed',
    );
    await mock.waitForRequests(1);
    expect(mock.activeRequests).toBe(1);
    await mock.close();
    expect(await settled).toBe('failed');
    expect(mock.abortCount).toBe(0);
  });

  it('delays the headers by headersInMs', async () => {
    const mock = await startMock();
    mock.inject({ kind: 'delay', headersInMs: 40 });
    let answered = false;
    const startedAt = performance.now();
    const pending = postJson(`${mock.url}/v1/messages`, messagesBody()).then((response) => {
      answered = true;
      return response;
    });
    await mock.waitForRequests(1);
    expect(answered).toBe(false);
    const response = await pending;
    expect(response.status).toBe(200);
    // A lower bound only: timers never fire early by more than a millisecond.
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(38);
  });

  it('spaces stream events by betweenEventsInMs', async () => {
    const mock = await startMock({ streamEvents: 2 });
    mock.inject({ kind: 'delay', betweenEventsInMs: 10 });
    const startedAt = performance.now();
    const response = await postJson(`${mock.url}/v1/messages`, messagesBody({ stream: true }));
    const { text, error } = await readBody(response);
    expect(error).toBeUndefined();
    const events = parseSse(text);
    expect(events).toHaveLength(8);
    // Seven gaps between eight events; the response ends right after the last one.
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(7 * 10 - 2);
  });
});

describe('stream faults', () => {
  it('drops the connection after exactly K events', async () => {
    const mock = await startMock();
    mock.inject({ kind: 'drop-after', events: 3 });
    const response = await postJson(`${mock.url}/v1/messages`, messagesBody({ stream: true }));
    expect(response.status).toBe(200);
    const { text, error } = await readBody(response);
    expect(error).toBeDefined();
    expect(parseSse(text).map((event) => event.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
    ]);
    expect(text.endsWith('\n\n')).toBe(true);
    expect(mock.abortCount).toBe(0);
  });

  it('drops right after the headers when K is 0, and the SDK reports a connection failure', async () => {
    const mock = await startMock();
    mock.inject({ kind: 'drop-after', events: 0 });
    const stream = clientFor(mock.url).messages.stream(params);
    await expect(stream.finalMessage()).rejects.toBeInstanceOf(Anthropic.AnthropicError);
  });

  it('ends a 200 stream with an Anthropic error event after K events', async () => {
    const mock = await startMock();
    mock.inject({ kind: 'sse-error', afterEvents: 4 });
    const response = await postJson(`${mock.url}/v1/messages`, messagesBody({ stream: true }));
    const { text, error } = await readBody(response);
    expect(error).toBeUndefined();
    const events = parseSse(text);
    expect(events.map((event) => event.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'error',
    ]);
    expect(JSON.parse(events[4]?.data as string)).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
    });
  });

  it('surfaces an sse-error to the SDK as an APIError with the given type', async () => {
    const mock = await startMock();
    mock.inject({
      kind: 'sse-error',
      afterEvents: 2,
      errorType: 'api_error',
      message: 'Internal server error',
    });
    const error = await clientFor(mock.url)
      .messages.stream(params)
      .finalMessage()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as APIError).error).toMatchObject({ error: { type: 'api_error' } });
  });

  it('stalls after K events with the connection open, until the client gives up', async () => {
    const mock = await startMock();
    mock.inject({ kind: 'stall-after', events: 2 });
    const response = await postJson(`${mock.url}/v1/messages`, messagesBody({ stream: true }));
    const { events, reader } = await readEvents(response, 2);
    expect(events.map((event) => event.event)).toEqual(['message_start', 'content_block_start']);
    expect(mock.activeRequests).toBe(1);
    await reader.cancel();
    await mock.waitForAbort();
    expect(mock.activeRequests).toBe(0);
  });

  it('passes non-streaming requests by without using up a stream fault', async () => {
    const mock = await startMock();
    mock.inject({ kind: 'drop-after', events: 1 });
    const plain = await postJson(`${mock.url}/v1/messages`, messagesBody());
    expect(plain.status).toBe(200);
    expect((await jsonOf(plain)).type).toBe('message');
    const { text, error } = await readBody(
      await postJson(`${mock.url}/v1/messages`, messagesBody({ stream: true })),
    );
    expect(error).toBeDefined();
    expect(parseSse(text)).toHaveLength(1);
  });
});
