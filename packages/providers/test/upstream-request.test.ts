import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseSpan, replaceSpan, scanTopLevel, TopLevelKeys } from '@ccb/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProvider, type HeaderPair, type Provider } from '../src/index.js';

const modelKey = new TopLevelKeys(['model']);

interface ReceivedRequest {
  readonly url: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

let server: Server;
let upstreamOrigin: string;
const received: ReceivedRequest[] = [];

beforeAll(async () => {
  server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      received.push({ url: incoming.url, headers: incoming.headers, body: Buffer.concat(chunks).toString() });
      outgoing.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  upstreamOrigin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.close();
  await once(server, 'close');
});

/** Sends a client request the way the proxy does: base path + client path, provider headers, mapped model. */
async function forward(provider: Provider, clientPath: string, clientBody: Buffer): Promise<ReceivedRequest> {
  const span = scanTopLevel(clientBody, modelKey)?.get('model');
  const model = parseSpan(clientBody, span);
  const upstreamModel = typeof model === 'string' ? provider.mapModel(model) : undefined;
  const body =
    upstreamModel === undefined || span === undefined
      ? clientBody
      : replaceSpan(clientBody, span, upstreamModel);
  const credentialHeaders = await provider.credentialHeaders();
  const headers: HeaderPair[] = [
    ['content-type', 'application/json'],
    ['anthropic-version', '2023-06-01'],
    ['content-length', String(body.length)],
    ...provider.extraHeaders,
    ...credentialHeaders,
  ];
  const outgoing = request(`${provider.origin}${provider.basePath}${clientPath}`, {
    method: 'POST',
    headers: Object.fromEntries(headers),
  });
  outgoing.end(body);
  const [response] = await once(outgoing, 'response');
  response.resume();
  await once(response, 'end');
  const last = received.at(-1);
  if (last === undefined) throw new Error('the upstream saw no request');
  return last;
}

describe('a provider against a real upstream', () => {
  it('delivers base path, query, extra headers, the api key and the mapped model', async () => {
    const provider = createProvider({
      name: 'deepseek-like',
      baseUrl: `${upstreamOrigin}/anthropic/`,
      apiKey: 'upstream-key',
      headers: { 'X-Team': 'infra' },
      modelMap: { 'claude-opus-*': 'deepseek-v4-pro' },
    });
    const clientBody = Buffer.from(
      '{"model":"claude-opus-5-5","metadata":{"user_id":"{\\"session_id\\":\\"s\\"}"},"messages":[{"role":"user","content":"hi ✓"}]}',
    );

    const seen = await forward(provider, '/v1/messages?beta=true', clientBody);

    expect(seen.url).toBe('/anthropic/v1/messages?beta=true');
    expect(seen.headers['x-api-key']).toBe('upstream-key');
    expect(seen.headers['x-team']).toBe('infra');
    expect(seen.headers.authorization).toBeUndefined();
    expect(JSON.parse(seen.body)).toEqual({ ...JSON.parse(clientBody.toString()), model: 'deepseek-v4-pro' });
  });

  it('delivers a bearer token fetched from an async credential source', async () => {
    const provider = createProvider({
      name: 'oauth-like',
      baseUrl: upstreamOrigin,
      authType: 'bearer',
      credentials: { headers: async () => [['authorization', 'Bearer fetched-token']] },
    });

    const seen = await forward(provider, '/v1/messages/count_tokens?beta=true', Buffer.from('{"model":"m"}'));

    expect(seen.url).toBe('/v1/messages/count_tokens?beta=true');
    expect(seen.headers.authorization).toBe('Bearer fetched-token');
    expect(seen.body).toBe('{"model":"m"}');
  });
});
