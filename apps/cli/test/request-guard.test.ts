import Anthropic from '@anthropic-ai/sdk';
import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { Client } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCcb, startCcb, tempDir } from './run-cli.js';

const ask = {
  model: 'claude-sonnet-4-6',
  max_tokens: 16,
  messages: [{ role: 'user' as const, content: 'hi' }],
};
const body = JSON.stringify(ask);
const json = { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' };
const appOrigin = 'https://app.example.com';

let mock: MockUpstream;
let ccb: RunningCcb;
let disposeDir: () => Promise<void>;
let client: Client;
let port: string;

/** One request as written: path and headers untouched, as curl sends them. */
async function send(method: string, path: string, headers: Record<string, string> = {}, payload?: string) {
  const response = await client.request({
    method,
    path,
    headers,
    ...(payload === undefined ? {} : { body: payload }),
  });
  const text = await response.body.text();
  return {
    status: response.statusCode,
    headers: response.headers,
    json: (text === '' ? undefined : JSON.parse(text)) as
      | { error?: { type: string; message: string } }
      | undefined,
  };
}

beforeAll(async () => {
  mock = await createMockUpstream({ name: 'alpha', apiKey: 'key-alpha' });
  const dir = await tempDir();
  disposeDir = dir.dispose;
  const config = await dir.write(
    'ccb.yaml',
    [
      'server:',
      `  cors_origins: ["${appOrigin}"]`,
      '  allowed_hosts: [ccb.internal]',
      '  extra_api_routes: ["GET /v1/organizations/*"]',
      'providers:',
      '  - name: alpha',
      `    base_url: ${mock.url}`,
      '    api_key: key-alpha',
    ].join('\n'),
  );
  ccb = await startCcb(['serve', '--config', config, '--port', '0']);
  client = new Client(ccb.url);
  port = new URL(ccb.url).port;
});
afterAll(async () => {
  await client.close();
  await ccb.stop();
  await disposeDir();
  await mock.close();
});
afterEach(() => {
  mock.reset();
});

describe('ccb serve refuses what a web page or an odd path could do with its keys', () => {
  it('refuses a text/plain POST to the Messages API, which never reaches the upstream', async () => {
    const plain = await send('POST', '/v1/messages', { 'content-type': 'text/plain' }, body);
    expect(plain.status).toBe(415);
    expect(plain.json?.error?.type).toBe('invalid_request_error');
    expect(mock.requests).toEqual([]);
  });

  it('refuses a Host that does not name it (DNS rebinding), on the API and on its own routes', async () => {
    for (const [method, path] of [
      ['POST', '/v1/messages'],
      ['GET', '/metrics'],
      ['GET', '/admin/usage'],
      ['GET', '/readyz'],
    ] as const) {
      const rebound = await send(
        method,
        path,
        { ...json, host: `evil.example:${port}` },
        method === 'POST' ? body : undefined,
      );
      expect(rebound.status, path).toBe(421);
      expect(rebound.json?.error?.message, path).toContain('server.allowed_hosts');
    }
    expect((await send('GET', '/readyz', { host: `ccb.internal:${port}` })).status).toBe(200);
    expect(mock.requests).toEqual([]);
  });

  it('refuses a web page of another origin, and serves an allowed one with CORS, its preflight answered locally', async () => {
    const evil = await send('POST', '/v1/messages', { ...json, origin: 'https://evil.example' }, body);
    expect(evil.status).toBe(403);
    expect(evil.json?.error?.type).toBe('permission_error');
    const preflight = await send('OPTIONS', '/v1/messages', {
      origin: appOrigin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type,x-api-key,anthropic-version',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(appOrigin);
    expect(preflight.headers['access-control-allow-headers']).toBe(
      'content-type,x-api-key,anthropic-version',
    );
    expect(mock.requests).toEqual([]);
    const allowed = await send('POST', '/v1/messages', { ...json, origin: appOrigin }, body);
    expect(allowed.status).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe(appOrigin);
    expect(allowed.headers.vary).toContain('origin');
    expect(String(allowed.headers['access-control-expose-headers'])).toContain('x-ccb-provider');
    expect(mock.requests.map((item) => item.method)).toEqual(['POST']);
  });

  it('refuses every odd spelling of a path, which never reaches the upstream', async () => {
    for (const path of [
      '/v1/../..',
      '/v1/%2e%2e/%2e%2e',
      '/v1//messages',
      '/v1/messages%00',
      '/v1/./messages',
    ]) {
      const odd = await send('POST', path, json, body);
      expect(odd.status, path).toBe(400);
      expect(odd.json?.error?.type, path).toBe('invalid_request_error');
    }
    expect(mock.requests).toEqual([]);
  });

  it('handles /v1/%6dessages as the Messages API: log line, ledger row, normal path upstream', async () => {
    const response = await send(
      'POST',
      '/v1/%6dessages?beta=true',
      { ...json, 'x-request-id': 'spelt-oddly' },
      body,
    );
    expect(response.status).toBe(200);
    const line = await ccb.requestLine('spelt-oddly');
    expect(line).toMatchObject({
      path: '/v1/messages?beta=true',
      model: 'claude-sonnet-4-6',
      provider: 'alpha',
    });
    expect(line.cost_usd).toBeGreaterThan(0);
    expect(mock.requests.map((item) => item.path)).toEqual(['/v1/messages?beta=true']);
    const usage = await send('GET', '/admin/usage?since=1h&by=model');
    const rows = (usage.json as unknown as { rows: { key: string; requests: number }[] }).rows;
    expect(rows.find((row) => row.key === 'claude-sonnet-4-6')?.requests).toBeGreaterThanOrEqual(1);
  });

  it('answers 405 to TRACE, DELETE, PUT and PROPFIND on /v1/messages, and 404 to paths outside the API', async () => {
    for (const method of ['TRACE', 'DELETE', 'PUT', 'PROPFIND']) {
      const refused = await send(method, '/v1/messages', json);
      expect(refused.status, method).toBe(405);
      expect(refused.headers.allow).toBe('POST');
    }
    expect((await send('GET', '/v1/complete')).status).toBe(404);
    // server.extra_api_routes lets it through: the mock's own answer comes back.
    expect((await send('GET', '/v1/organizations/me')).headers['x-ccb-provider']).toBe('alpha');
    expect(mock.requests.map((item) => `${item.method} ${item.path}`)).toEqual(['GET /v1/organizations/me']);
  });

  it('keeps the official SDK and curl-like requests with Host 127.0.0.1 or localhost working', async () => {
    const sdk = new Anthropic({ baseURL: ccb.url, apiKey: 'x', maxRetries: 0 });
    expect((await sdk.messages.create(ask)).type).toBe('message');
    const streamed = await sdk.messages.stream(ask).finalMessage();
    expect(streamed.usage.output_tokens).toBeGreaterThan(0);
    expect((await sdk.messages.countTokens(ask)).input_tokens).toBeGreaterThan(0);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      const curl = await send('POST', '/v1/messages', { ...json, host, 'x-api-key': 'x' }, body);
      expect(curl.status, host).toBe(200);
    }
    expect(mock.requests).toHaveLength(5);
  });
});
