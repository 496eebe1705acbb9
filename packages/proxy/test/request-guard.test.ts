import Anthropic from '@anthropic-ai/sdk';
import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { Client, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { messageBody, type StartedProxy, startProxy, startRawUpstream, target } from './harness.js';

/** What the upstream received, every request target as sent: nothing the guard refuses may appear here. */
const received: string[] = [];
let upstream: Awaited<ReturnType<typeof startRawUpstream>>;
let proxy: StartedProxy;
let client: Client;
/** The requests the proxy handed to `otherRequests` (the CLI's routes in ccb). */
const others: string[] = [];
const appOrigin = 'https://app.example.com';

/** Sends one request as written, path and headers untouched (no URL normalisation on the client side). */
async function send(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; json: unknown }> {
  const response = await client.request({
    method,
    path,
    headers: { 'anthropic-version': '2023-06-01', ...headers },
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.body.text();
  return {
    status: response.statusCode,
    headers: response.headers,
    json: text === '' ? undefined : JSON.parse(text),
  };
}

const json = { 'content-type': 'application/json' };

beforeAll(async () => {
  upstream = await startRawUpstream((incoming, outgoing) => {
    received.push(`${incoming.method} ${incoming.url}`);
    incoming.resume();
    incoming.on('end', () => {
      outgoing.writeHead(200, {
        'content-type': 'application/json',
        'access-control-allow-origin': '*',
        vary: 'accept-encoding',
        'set-cookie': ['a=1', 'b=2'],
      });
      outgoing.end(
        '{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-6","content":[],"stop_reason":"end_turn","usage":{"input_tokens":3,"output_tokens":1}}',
      );
    });
  });
  proxy = await startProxy([target('up', upstream.url)], {
    corsOrigins: [appOrigin],
    extraApiRoutes: ['GET /v1/organizations/*'],
    otherRequests: (incoming, outgoing) => {
      others.push(`${incoming.method} ${incoming.url}`);
      incoming.resume();
      outgoing.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    },
  });
  client = new Client(proxy.url);
});
afterAll(async () => {
  await client.close();
  await proxy.close();
  await upstream.close();
});
afterEach(() => {
  received.length = 0;
  others.length = 0;
  proxy.records.length = 0;
});

describe('a web page cannot use a local ccb', () => {
  it('refuses a text/plain POST to the Messages API (a form or no-cors fetch) with 415, before any upstream', async () => {
    for (const path of ['/v1/messages', '/v1/messages/count_tokens', '/v1/messages/batches']) {
      const plain = await send('POST', path, { 'content-type': 'text/plain' }, messageBody());
      expect(plain.status, path).toBe(415);
      expect(plain.json).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    }
    const none = await send('POST', '/v1/messages', {}, messageBody());
    expect(none.status).toBe(415);
    const form = await send(
      'POST',
      '/v1/messages',
      { 'content-type': 'application/x-www-form-urlencoded' },
      'a=1',
    );
    expect(form.status).toBe(415);
    expect(received).toEqual([]);
    expect(proxy.records).toEqual([]);
  });

  it('accepts JSON with parameters and in any case', async () => {
    for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON']) {
      expect((await send('POST', '/v1/messages', { 'content-type': type }, messageBody())).status, type).toBe(
        200,
      );
    }
    expect(received).toHaveLength(3);
  });

  it('refuses a Host that does not name ccb (DNS rebinding) with 421, for the API and the other routes', async () => {
    for (const path of ['/v1/messages', '/v1/models', '/metrics', '/admin/usage', '/readyz', '/']) {
      const method = path === '/v1/messages' ? 'POST' : 'GET';
      const rebound = await send(
        method,
        path,
        { ...json, host: 'evil.example:8000' },
        method === 'POST' ? messageBody() : undefined,
      );
      expect(rebound.status, path).toBe(421);
      expect(rebound.json).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
      expect(String((rebound.json as { error: { message: string } }).error.message)).toContain(
        'server.allowed_hosts',
      );
    }
    expect(received).toEqual([]);
    expect(others).toEqual([]);
  });

  it('serves Host values that name ccb: 127.0.0.1, localhost and [::1], with the port or without', async () => {
    const port = new URL(proxy.url).port;
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      'localhost',
      `[::1]:${port}`,
      `LOCALHOST:${port}`,
    ]) {
      expect((await send('POST', '/v1/messages', { ...json, host }, messageBody())).status, host).toBe(200);
      expect((await send('GET', '/readyz', { host })).status, host).toBe(200);
    }
    expect(received).toHaveLength(5);
  });

  it('refuses a request from a web page of another origin with 403, preflight included', async () => {
    const cross = await send(
      'POST',
      '/v1/messages',
      { ...json, origin: 'https://evil.example' },
      messageBody(),
    );
    expect(cross.status).toBe(403);
    expect(cross.json).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
    expect(cross.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await send('OPTIONS', '/v1/messages', {
      origin: 'https://evil.example',
      'access-control-request-method': 'POST',
    });
    expect(preflight.status).toBe(403);
    expect((await send('GET', '/metrics', { origin: 'null' })).status).toBe(403);
    expect((await send('GET', '/admin/usage', { origin: 'http://localhost:3000' })).status).toBe(403);
    expect(received).toEqual([]);
    expect(others).toEqual([]);
  });

  it('refuses a cross-site browser request that carries no Origin (an image or a link of another site)', async () => {
    const image = await send('GET', '/v1/models', {
      'sec-fetch-site': 'cross-site',
      'sec-fetch-mode': 'no-cors',
    });
    expect(image.status).toBe(403);
    expect((await send('GET', '/admin/usage', { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    // Typed in the address bar, or from ccb's own pages: served.
    expect((await send('GET', '/admin/usage', { 'sec-fetch-site': 'none' })).status).toBe(200);
    expect((await send('GET', '/v1/models', { 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect(received).toEqual(['GET /v1/models']);
  });

  it('answers an allowed origin with CORS headers, ccb its only source', async () => {
    const allowed = await send(
      'POST',
      '/v1/messages?beta=true',
      { ...json, origin: appOrigin },
      messageBody(),
    );
    expect(allowed.status).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe(appOrigin);
    expect(allowed.headers.vary).toBe('accept-encoding, origin');
    expect(String(allowed.headers['access-control-expose-headers'])).toMatch(
      /request-id.*x-request-id.*x-ccb-provider.*retry-after.*anthropic-ratelimit-requests-remaining/,
    );
    // Repeated upstream fields survive the added headers.
    expect(allowed.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    // An error ccb writes itself carries them too, so the page can read why.
    const refused = await send(
      'POST',
      '/v1/messages',
      { origin: appOrigin, 'content-type': 'text/plain' },
      'x',
    );
    expect(refused.status).toBe(415);
    expect(refused.headers['access-control-allow-origin']).toBe(appOrigin);
    expect(refused.headers.vary).toBe('origin');
    expect((await send('GET', '/readyz', { origin: appOrigin })).headers['access-control-allow-origin']).toBe(
      appOrigin,
    );
    expect(received).toEqual(['POST /v1/messages?beta=true']);
  });

  it('answers the preflight of an allowed origin itself, never forwarding OPTIONS', async () => {
    const preflight = await send('OPTIONS', '/v1/messages?beta=true', {
      origin: appOrigin,
      'access-control-request-method': 'POST',
      'access-control-request-headers':
        'content-type,x-api-key,anthropic-version,anthropic-dangerous-direct-browser-access',
      'access-control-request-private-network': 'true',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers).toMatchObject({
      'access-control-allow-origin': appOrigin,
      'access-control-allow-methods': 'POST, GET, DELETE',
      'access-control-allow-headers':
        'content-type,x-api-key,anthropic-version,anthropic-dangerous-direct-browser-access',
      'access-control-allow-private-network': 'true',
      'access-control-max-age': '7200',
    });
    expect(String(preflight.headers.vary)).toContain('origin');
    const plain = await send('OPTIONS', '/v1/messages');
    expect(plain.status).toBe(405);
    expect(plain.headers.allow).toBe('POST');
    expect(received).toEqual([]);
    expect(others).toEqual([]);
  });

  it('keeps the official SDK working', async () => {
    const sdk = new Anthropic({ baseURL: proxy.url, apiKey: 'client-key', maxRetries: 0 });
    const message = await sdk.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(message.id).toBe('msg_1');
    expect(received).toEqual(['POST /v1/messages']);
  });

  it('keeps a plain curl-like request working with the default Host', async () => {
    const response = await request(`${proxy.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k' },
      body: messageBody(),
    });
    expect(response.statusCode).toBe(200);
    await response.body.text();
  });
});

describe('only the Anthropic API surface goes upstream', () => {
  it('refuses every odd spelling of a path with 400, before any upstream', async () => {
    for (const path of [
      '/v1/../..',
      '/v1/../../admin',
      '/v1/%2e%2e/%2e%2e',
      '/v1/%2E%2e/x',
      '/v1//messages',
      '//v1/messages',
      '/v1/messages/',
      '/v1/messages%00',
      '/v1/./messages',
      '/v1/%2e/messages',
      '/v1/messages%2f..%2f..',
      '/v1/a%5c..',
      '/v1/a\\..',
      '/v1/%252e%252e/x',
      '/v1/%C0%AE%C0%AE/x',
      '/v1/%',
      '/v1/../healthz',
    ]) {
      const response = await send('POST', path, json, messageBody());
      expect(response.status, path).toBe(400);
      expect(response.json, path).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    }
    expect(received).toEqual([]);
    expect(others).toEqual([]);
  });

  it('handles /v1/%6dessages as the Messages API: JSON check, routing facts, record, normal path upstream', async () => {
    const plain = await send('POST', '/v1/%6dessages', { 'content-type': 'text/plain' }, messageBody());
    expect(plain.status).toBe(415);
    const ended = proxy.nextRecord();
    const response = await send('POST', '/v1/%6Dessages?beta=true&x=/../%2e', json, messageBody());
    expect(response.status).toBe(200);
    const record = await ended;
    expect(record).toMatchObject({
      path: '/v1/messages?beta=true&x=/../%2e',
      model: 'claude-sonnet-4-6',
      provider: 'up',
    });
    expect(record.usage).toMatchObject({ inputTokens: 3, outputTokens: 1 });
    expect(received).toEqual(['POST /v1/messages?beta=true&x=/../%2e']);
  });

  it('answers 405 with allow to a method the API does not use on a known path', async () => {
    for (const method of ['TRACE', 'DELETE', 'PUT', 'PROPFIND', 'GET', 'PATCH', 'HEAD']) {
      const response = await send(method, '/v1/messages', json);
      expect(response.status, method).toBe(405);
      expect(response.headers.allow).toBe('POST');
    }
    expect((await send('POST', '/v1/models', json, '{}')).headers.allow).toBe('GET');
    expect((await send('PUT', '/v1/files/file_1', json, '{}')).headers.allow).toBe('GET, DELETE');
    expect(received).toEqual([]);
  });

  it('answers 404 to any other /v1/ path, and forwards the ones server.extra_api_routes allows', async () => {
    const unknown = await send('GET', '/v1/complete');
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    expect((await send('GET', '/v1/organizations')).status).toBe(404);
    expect((await send('GET', '/v1/organizations/me')).status).toBe(200);
    expect((await send('POST', '/v1/organizations/me', json, '{}')).status).toBe(405);
    expect((await send('GET', '/v1/models/claude-sonnet-4-6')).status).toBe(200);
    expect((await send('DELETE', '/v1/messages/batches/msgbatch_1')).status).toBe(200);
    expect(received).toEqual([
      'GET /v1/organizations/me',
      'GET /v1/models/claude-sonnet-4-6',
      'DELETE /v1/messages/batches/msgbatch_1',
    ]);
  });

  it('hands the other routes their normal path too', async () => {
    expect((await send('GET', '/%72eadyz?x=1')).status).toBe(200);
    expect(others).toEqual(['GET /readyz?x=1']);
  });
});

describe('the guard with the mock upstream', () => {
  let mock: MockUpstream;
  let mocked: StartedProxy;
  beforeAll(async () => {
    mock = await createMockUpstream({ name: 'm1', apiKey: 'key-m1' });
    mocked = await startProxy([target('m1', mock.url)]);
  });
  afterAll(async () => {
    await mocked.close();
    await mock.close();
  });

  it('streams through the SDK with Host 127.0.0.1 and localhost', async () => {
    const port = new URL(mocked.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      const sdk = new Anthropic({
        baseURL: mocked.url,
        apiKey: 'k',
        maxRetries: 0,
        defaultHeaders: { host },
      });
      const final = await sdk.messages
        .stream({ model: 'claude-sonnet-4-6', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] })
        .finalMessage();
      expect(final.usage.output_tokens, host).toBeGreaterThan(0);
    }
    expect(mock.requests.map((item) => item.headers.host)).toEqual([
      new URL(mock.url).host,
      new URL(mock.url).host,
    ]);
  });
});
