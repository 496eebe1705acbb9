import { gzipSync } from 'node:zlib';
import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  fixedPlanner,
  messageBody,
  post,
  postInPieces,
  type StartedProxy,
  startProxy,
  startRawUpstream,
  target,
} from './harness.js';

describe('forwarding', () => {
  let mock: MockUpstream;
  let proxy: StartedProxy;

  beforeEach(async () => {
    mock = await createMockUpstream({ name: 'm1', apiKey: 'key-m1' });
    proxy = await startProxy([target('m1', mock.url)]);
  });
  afterEach(async () => {
    await proxy.close();
    await mock.close();
  });

  it('swaps the client credential for the provider key and never returns the key', async () => {
    const response = await post(proxy.url, '/v1/messages?beta=true', messageBody(), {
      'x-api-key': 'client-secret',
      authorization: 'Bearer client-token',
    });
    expect(response.status).toBe(200);
    const received = mock.requests[0];
    expect(received?.headers['x-api-key']).toBe('key-m1');
    expect(received?.headers.authorization).toBeUndefined();
    expect(received?.path).toBe('/v1/messages?beta=true');
    expect(JSON.stringify(response.headers)).not.toContain('key-m1');
    expect(response.text).not.toContain('key-m1');
    expect(response.headers['x-ccb-provider']).toBe('m1');
  });

  it('forwards the body byte for byte and end-to-end headers, dropping hop-by-hop ones', async () => {
    const body =
      '{ "model" : "claude-sonnet-4-6",\n "max_tokens": 64, "messages": [{"role":"user","content":"héllo"}] }';
    await post(proxy.url, '/v1/messages', body, {
      'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14',
      'x-stainless-retry-count': '0',
      'x-app': 'cli',
      'user-agent': 'claude-cli/2.1.112 (external, sdk-cli)',
      'proxy-authorization': 'Basic secret',
      te: 'trailers',
    });
    const received = mock.requests[0];
    expect(received?.body.toString()).toBe(body);
    expect(received?.headers['anthropic-beta']).toBe('claude-code-20250219,interleaved-thinking-2025-05-14');
    expect(received?.headers['anthropic-version']).toBe('2023-06-01');
    expect(received?.headers['x-stainless-retry-count']).toBe('0');
    expect(received?.headers['x-app']).toBe('cli');
    expect(received?.headers['user-agent']).toBe('claude-cli/2.1.112 (external, sdk-cli)');
    expect(received?.headers['x-provider-extra']).toBe('m1');
    expect(received?.headers['proxy-authorization']).toBeUndefined();
    expect(received?.headers.te).toBeUndefined();
    expect(received?.headers['content-length']).toBe(String(Buffer.byteLength(body)));
  });

  it('reassembles a body sent in pieces, declared or chunked, byte for byte', async () => {
    const text = `{"model":"claude-sonnet-4-6","max_tokens":64,"messages":[{"role":"user","content":"${'é'.repeat(40_000)}"}]}`;
    const body = Buffer.from(text);
    const pieces = [body.subarray(0, 7), body.subarray(7, 50_001), body.subarray(50_001)];
    for (const declared of [true, false]) {
      mock.reset();
      const url = new URL('/v1/messages', proxy.url);
      const status = await postInPieces(url, pieces, declared);
      expect(status).toBe(200);
      expect(mock.requests[0]?.body.equals(body)).toBe(true);
    }
  });

  it('propagates the client request id upstream and back, or generates one', async () => {
    const given = await post(proxy.url, '/v1/messages', messageBody(), { 'x-request-id': 'trace-42' });
    expect(given.headers['x-request-id']).toBe('trace-42');
    expect(mock.requests[0]?.headers['x-request-id']).toBe('trace-42');
    const generated = await post(proxy.url, '/v1/messages', messageBody());
    const id = generated.headers['x-request-id'];
    expect(typeof id).toBe('string');
    expect(mock.requests[1]?.headers['x-request-id']).toBe(id);
    expect(generated.headers['request-id']).toMatch(/^req_/);
  });

  it('answers a fault in a hook with a 500 in the API error shape that still carries the request id', async () => {
    const faulty = await startProxy([target('m1', mock.url)], {
      planner: {
        route: () => {
          throw new Error('planner broke');
        },
        report: () => {},
      },
    });
    try {
      const answer = await post(faulty.url, '/v1/messages', messageBody(), { 'x-request-id': 'trace-500' });
      expect(answer.status).toBe(500);
      expect(answer.headers['x-request-id']).toBe('trace-500');
      expect(JSON.parse(answer.text)).toMatchObject({
        type: 'error',
        error: { type: 'api_error', message: 'ccb internal error: planner broke' },
        request_id: 'trace-500',
      });
      expect(mock.requests).toHaveLength(0);
    } finally {
      await faulty.close();
    }
  });

  it('answers a fault in a hook after a failed attempt with a 500, and stays up', async () => {
    // The planner's report and the attempt hook run when an attempt ends, in the exchange's continuation: a fault
    // there must reach the client as ccb's 500 and never escape as an unhandled rejection.
    let failReport = true;
    let failHook = false;
    const faulty = await startProxy([target('m1', mock.url)], {
      planner: {
        route: () => ({ providers: ['m1'] }),
        report: () => {
          if (failReport) throw new Error('report broke');
        },
      },
      onAttemptEnd: () => {
        if (failHook) throw new Error('attempt hook broke');
      },
    });
    try {
      mock.inject({ kind: 'status', status: 529, errorType: 'overloaded_error' });
      const reported = await post(faulty.url, '/v1/messages', messageBody(), {
        'x-request-id': 'trace-report',
      });
      expect(reported.status).toBe(500);
      expect(JSON.parse(reported.text)).toMatchObject({
        error: { type: 'api_error', message: 'ccb internal error: report broke' },
        request_id: 'trace-report',
      });
      failReport = false;
      failHook = true;
      mock.inject({ kind: 'status', status: 529, errorType: 'overloaded_error' });
      const hooked = await post(faulty.url, '/v1/messages', messageBody());
      expect(hooked.status).toBe(500);
      expect(JSON.parse(hooked.text).error.message).toBe('ccb internal error: attempt hook broke');
      failHook = false;
      const healthy = await post(faulty.url, '/v1/messages', messageBody());
      expect(healthy.status).toBe(200);
    } finally {
      await faulty.close();
    }
  });

  it('answers a fault in the attempt hook before dispatch with a 500', async () => {
    const faulty = await startProxy([target('m1', mock.url)], {
      onAttemptStart: () => {
        throw new Error('start hook broke');
      },
    });
    try {
      const answer = await post(faulty.url, '/v1/messages', messageBody());
      expect(answer.status).toBe(500);
      expect(JSON.parse(answer.text).error.message).toBe('ccb internal error: start hook broke');
      expect(mock.requests).toHaveLength(0);
    } finally {
      await faulty.close();
    }
  });

  it('relays the answer, not an informational head sent before it (103 Early Hints)', async () => {
    const raw = await startRawUpstream((request, response) => {
      request.resume();
      request.on('end', () =>
        response.writeEarlyHints({ link: '</hints.css>; rel=preload' }, () => {
          response.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_after_hints' });
          response.end('{"id":"msg_1","type":"message","usage":{"input_tokens":3,"output_tokens":4}}');
        }),
      );
    });
    const hinted = await startProxy([target('h', raw.url)]);
    try {
      const recorded = hinted.nextRecord();
      const answer = await post(hinted.url, '/v1/messages', messageBody());
      expect(answer.status).toBe(200);
      expect(answer.headers['request-id']).toBe('req_after_hints');
      expect(JSON.parse(answer.text).id).toBe('msg_1');
      expect((await recorded).usage).toMatchObject({ inputTokens: 3, outputTokens: 4 });
    } finally {
      await hinted.close();
      await raw.close();
    }
  });

  it('adds its via token upstream and refuses a request that already carries it', async () => {
    await post(proxy.url, '/v1/messages', messageBody(), { via: '1.1 corp-proxy' });
    const via = mock.requests[0]?.headers.via;
    expect(via).toBe(`1.1 corp-proxy, 1.1 ${proxy.server.handler.viaToken}`);
    const looped = await post(proxy.url, '/v1/messages', messageBody(), { via: String(via) });
    expect(looped.status).toBe(508);
    expect(JSON.parse(looped.text)).toMatchObject({ type: 'error', error: { type: 'api_error' } });
    expect(mock.requests).toHaveLength(1);
  });

  it('forwards count_tokens and models', async () => {
    const count = await post(proxy.url, '/v1/messages/count_tokens?beta=true', messageBody());
    expect(count.status).toBe(200);
    expect(JSON.parse(count.text).input_tokens).toBeGreaterThan(0);
    const models = await request(`${proxy.url}/v1/models`);
    expect(models.statusCode).toBe(200);
    expect((await models.body.json()) as object).toHaveProperty('data');
  });

  it('leaves every path outside /v1/ to otherRequests, and 404s it in Anthropic shape without one', async () => {
    const missing = await request(`${proxy.url}/healthz`);
    expect(missing.statusCode).toBe(404);
    expect(await missing.body.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    const seen: string[] = [];
    const withRoutes = await startProxy([target('m1', mock.url)], {
      otherRequests: (incoming, outgoing) => {
        seen.push(`${incoming.method} ${incoming.url}`);
        outgoing.writeHead(204).end();
      },
    });
    try {
      expect((await request(`${withRoutes.url}/readyz?x=1`)).statusCode).toBe(204);
      expect((await request(`${withRoutes.url}/`, { method: 'HEAD' })).statusCode).toBe(204);
      expect((await request(`${withRoutes.url}/v1/models`)).statusCode).toBe(200);
      expect(seen).toEqual(['GET /readyz?x=1', 'HEAD /']);
      expect(mock.requests.map((received) => received.path)).toEqual(['/v1/models']);
    } finally {
      await withRoutes.close();
    }
  });

  it('answers a route outside /v1/ that throws or rejects with a 500, and stays up', async () => {
    const failLater = async () => {
      throw new Error('route failed later');
    };
    const withRoutes = await startProxy([target('m1', mock.url)], {
      otherRequests: (incoming) => {
        if (incoming.url === '/throws') throw new RangeError('Invalid time value');
        return failLater();
      },
    });
    try {
      const thrown = await request(`${withRoutes.url}/throws`);
      expect(thrown.statusCode).toBe(500);
      expect(await thrown.body.json()).toEqual({
        type: 'error',
        error: { type: 'api_error', message: 'ccb internal error: Invalid time value' },
      });
      const rejected = await request(`${withRoutes.url}/rejects`);
      expect(rejected.statusCode).toBe(500);
      expect(await rejected.body.text()).toContain('route failed later');
      expect((await request(`${withRoutes.url}/v1/models`)).statusCode).toBe(200);
    } finally {
      await withRoutes.close();
    }
  });

  it('answers invalid JSON with 400 itself, without calling the upstream', async () => {
    const response = await post(proxy.url, '/v1/messages', '{"model": ', { 'x-request-id': 'trace-400' });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text)).toEqual({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message:
          'request body is not a valid JSON object, nests deeper than 256 levels, or repeats a top-level key (model, stream, …)',
      },
      request_id: 'trace-400',
    });
    expect(response.headers['x-request-id']).toBe('trace-400');
    // Which of two models counts is up to each parser: ccb refuses rather than route one and send the other.
    const repeated = await post(
      proxy.url,
      '/v1/messages',
      messageBody().replace('{', '{"model":"claude-opus-4-1",'),
    );
    expect(repeated.status).toBe(400);
    // The same key spelled with escapes is the same key to every JSON parser, and to ccb.
    const escaped = await post(
      proxy.url,
      '/v1/messages',
      messageBody().replace('{', '{"mod\\u0065l":"claude-opus-4-1",'),
    );
    expect(escaped.status).toBe(400);
    expect(mock.requests).toHaveLength(0);
  });

  it('routes and records a model whose key is spelled with escapes as JSON.parse reads it', async () => {
    const recorded = proxy.nextRecord();
    const body = messageBody().replace('"model"', '"mod\\u0065l"');
    expect(JSON.parse(body).model).toBe('claude-sonnet-4-6');
    const response = await post(proxy.url, '/v1/messages', body);
    expect(response.status).toBe(200);
    expect((await recorded).model).toBe('claude-sonnet-4-6');
    expect(mock.requests[0]?.body.toString()).toBe(body);
  });

  it('records usage of a non-streaming response', async () => {
    const recorded = proxy.nextRecord();
    const response = await post(proxy.url, '/v1/messages', messageBody());
    const usage = JSON.parse(response.text).usage;
    const record = await recorded;
    expect(record.usage?.inputTokens).toBe(usage.input_tokens);
    expect(record.usage?.outputTokens).toBe(usage.output_tokens);
    expect(record.provider).toBe('m1');
    expect(record.outcome).toBe('ok');
    expect(record.model).toBe('claude-sonnet-4-6');
  });
});

describe('client auth', () => {
  it('accepts a configured key in either header and refuses others with 401', async () => {
    const mock = await createMockUpstream({ apiKey: 'key-m1' });
    const proxy = await startProxy([target('m1', mock.url)], { clientApiKeys: ['ccb-team-key'] });
    try {
      expect(
        (await post(proxy.url, '/v1/messages', messageBody(), { 'x-api-key': 'ccb-team-key' })).status,
      ).toBe(200);
      expect(
        (await post(proxy.url, '/v1/messages', messageBody(), { authorization: 'Bearer ccb-team-key' }))
          .status,
      ).toBe(200);
      const refused = await post(proxy.url, '/v1/messages', messageBody(), { 'x-api-key': 'wrong' });
      expect(refused.status).toBe(401);
      expect(JSON.parse(refused.text)).toMatchObject({
        type: 'error',
        error: { type: 'authentication_error' },
      });
      expect((await post(proxy.url, '/v1/messages', messageBody())).status).toBe(401);
      expect(mock.requests).toHaveLength(2);
      expect(mock.requests.every((item) => item.headers['x-api-key'] === 'key-m1')).toBe(true);
    } finally {
      await proxy.close();
      await mock.close();
    }
  });

  it('forwards the client credential untouched to a passthrough provider', async () => {
    const mock = await createMockUpstream({ apiKey: 'users-own-key' });
    const proxy = await startProxy([target('pass', mock.url, { passthrough: true })]);
    try {
      const response = await post(proxy.url, '/v1/messages', messageBody(), { 'x-api-key': 'users-own-key' });
      expect(response.status).toBe(200);
      expect(mock.requests[0]?.headers['x-api-key']).toBe('users-own-key');
    } finally {
      await proxy.close();
      await mock.close();
    }
  });
});

describe('request limits and rewriting', () => {
  it('refuses a body over the limit with 413 request_too_large', async () => {
    const mock = await createMockUpstream();
    const proxy = await startProxy([target('m1', mock.url)], { bodyLimitInBytes: 1024 });
    try {
      const response = await post(proxy.url, '/v1/messages', messageBody({ pad: 'x'.repeat(2048) }));
      expect(response.status).toBe(413);
      expect(JSON.parse(response.text)).toMatchObject({
        type: 'error',
        error: { type: 'request_too_large' },
      });
      expect(mock.requests).toHaveLength(0);
    } finally {
      await proxy.close();
      await mock.close();
    }
  });

  it('rewrites the model for a provider with a model map', async () => {
    const mock = await createMockUpstream();
    const proxy = await startProxy([
      target('m1', mock.url, { modelMap: { 'claude-sonnet-4-6': 'vendor-sonnet' } }),
    ]);
    try {
      await post(proxy.url, '/v1/messages', messageBody());
      expect((mock.requests[0]?.json as { model?: string } | undefined)?.model).toBe('vendor-sonnet');
    } finally {
      await proxy.close();
      await mock.close();
    }
  });

  it('sends requests under the provider path prefix', async () => {
    const mock = await createMockUpstream();
    const proxy = await startProxy([target('m1', mock.url, { basePath: '/api/anthropic' })]);
    try {
      expect((await post(proxy.url, '/v1/messages?beta=true', messageBody())).status).toBe(200);
      expect(mock.requests[0]?.path).toBe('/api/anthropic/v1/messages?beta=true');
    } finally {
      await proxy.close();
      await mock.close();
    }
  });
});

describe('passthrough credentials', () => {
  it("passes a 401 for the client's own credential through instead of failing over", async () => {
    const pass = await createMockUpstream({ name: 'pass', apiKey: 'right-key' });
    const other = await createMockUpstream({ name: 'other' });
    const proxy = await startProxy([
      target('pass', pass.url, { passthrough: true }),
      target('other', other.url),
    ]);
    try {
      const recorded = proxy.nextRecord();
      const response = await post(proxy.url, '/v1/messages', messageBody(), { 'x-api-key': 'wrong-key' });
      expect(response.status).toBe(401);
      expect(other.requests).toHaveLength(0);
      expect((await recorded).attempts[0]?.result).toBe('client_error');
    } finally {
      await proxy.close();
      await pass.close();
      await other.close();
    }
  });
});

describe('body capture for debug logs', () => {
  it('keeps bodies on the record only when capture is on, truncated to the limit', async () => {
    const mock = await createMockUpstream({ name: 'm1' });
    const capturing = await startProxy([target('m1', mock.url)], { captureBodiesInBytes: 40 });
    const plain = await startProxy([target('m1', mock.url)]);
    try {
      const recorded = capturing.nextRecord();
      const body = messageBody({ stream: true });
      await post(capturing.url, '/v1/messages', body);
      const record = await recorded;
      expect(record.bodies?.request).toBe(body.slice(0, 40));
      expect(record.bodies?.response.startsWith('event: message_start')).toBe(true);
      expect(record.bodies?.response.length).toBe(40);

      const plainRecorded = plain.nextRecord();
      await post(plain.url, '/v1/messages', messageBody());
      expect((await plainRecorded).bodies).toBeUndefined();
    } finally {
      await capturing.close();
      await plain.close();
      await mock.close();
    }
  });
});

describe('routing inputs and rules', () => {
  it('routes on the model, session and traits, and reports outcomes with the same request', async () => {
    const mock = await createMockUpstream({ name: 'm1' });
    const planner = fixedPlanner(['m1']);
    const proxy = await startProxy([target('m1', mock.url)], { planner });
    try {
      const userId = JSON.stringify({ device_id: 'd', account_uuid: '', session_id: 'session-7' });
      const body = messageBody({ metadata: { user_id: userId }, thinking: { type: 'adaptive' } });
      await post(proxy.url, '/v1/messages', body);
      expect(planner.routed[0]).toEqual({
        api: 'messages',
        model: 'claude-sonnet-4-6',
        sessionKey: 'session-7',
        thinking: true,
        inputTokens: Math.ceil(Buffer.byteLength(body) / 4),
      });
      expect(planner.reports[0]?.[2]).toBe(planner.routed[0]);
      await post(proxy.url, '/v1/messages', messageBody(), { 'x-claude-code-session-id': 'from-header' });
      expect(planner.routed[1]?.sessionKey).toBe('from-header');
    } finally {
      await proxy.close();
      await mock.close();
    }
  });

  it('sends the model a routing rule chose, and records it', async () => {
    const mock = await createMockUpstream({ name: 'm1' });
    const proxy = await startProxy([target('m1', mock.url)], {
      planner: fixedPlanner(['m1'], { model: 'claude-haiku-4-5', rule: 'background' }),
    });
    try {
      const recorded = proxy.nextRecord();
      await post(proxy.url, '/v1/messages', messageBody());
      expect((mock.requests[0]?.json as { model?: string } | undefined)?.model).toBe('claude-haiku-4-5');
      const record = await recorded;
      expect(record).toMatchObject({
        model: 'claude-sonnet-4-6',
        modelSent: 'claude-haiku-4-5',
        rule: 'background',
      });
    } finally {
      await proxy.close();
      await mock.close();
    }
  });
});

describe('admission', () => {
  it('answers a rejected request itself, with a retry-after, and never calls an upstream', async () => {
    const mock = await createMockUpstream({ name: 'm1' });
    const proxy = await startProxy([target('m1', mock.url)], {
      clientApiKeys: ['team-key'],
      admitRequest: ({ clientKeyId }) =>
        clientKeyId !== ''
          ? {
              status: 429,
              type: 'rate_limit_error',
              message: 'daily budget of this key is spent',
              retryAt: Date.now() + 3_600_000,
            }
          : undefined,
    });
    try {
      const recorded = proxy.nextRecord();
      const response = await post(proxy.url, '/v1/messages', messageBody(), { 'x-api-key': 'team-key' });
      expect(response.status).toBe(429);
      expect(response.headers['retry-after']).toBe('5');
      expect(JSON.parse(response.text)).toMatchObject({
        type: 'error',
        error: { type: 'rate_limit_error', message: 'daily budget of this key is spent' },
      });
      expect(mock.requests).toHaveLength(0);
      expect((await recorded).status).toBe(429);
    } finally {
      await proxy.close();
      await mock.close();
    }
  });

  it('waits for an admission decided asynchronously, with the request id its record carries', async () => {
    const mock = await createMockUpstream({ name: 'm1' });
    const admitted: string[] = [];
    const proxy = await startProxy([target('m1', mock.url)], {
      clientApiKeys: ['team-key', 'spent-key'],
      admitRequest: async ({ requestId }) => {
        await new Promise((resolve) => setImmediate(resolve));
        admitted.push(requestId);
        return admitted.length > 1
          ? { status: 429, type: 'rate_limit_error', message: 'spent elsewhere' }
          : undefined;
      },
    });
    try {
      const first = proxy.nextRecord();
      expect((await post(proxy.url, '/v1/messages', messageBody(), { 'x-api-key': 'team-key' })).status).toBe(
        200,
      );
      expect((await first).requestId).toBe(admitted[0]);
      const second = proxy.nextRecord();
      expect((await post(proxy.url, '/v1/messages', messageBody(), { 'x-api-key': 'team-key' })).status).toBe(
        429,
      );
      expect((await second).requestId).toBe(admitted[1]);
      expect(mock.requests).toHaveLength(1);
    } finally {
      await proxy.close();
      await mock.close();
    }
  });
});

describe('compression', () => {
  it('passes a compressed response through untouched and still reads its usage', async () => {
    const json = JSON.stringify({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: 'compressed hello' }],
      usage: {
        input_tokens: 12,
        output_tokens: 3,
        cache_read_input_tokens: 5,
        cache_creation_input_tokens: 0,
      },
    });
    const compressed = gzipSync(json);
    const upstream = await startRawUpstream((request, response) => {
      request.resume();
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': compressed.length,
      });
      response.end(compressed);
    });
    const proxy = await startProxy([target('gz', upstream.url)]);
    try {
      const recorded = proxy.nextRecord();
      const response = await request(`${proxy.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' },
        body: messageBody(),
      });
      expect(response.headers['content-encoding']).toBe('gzip');
      const received = Buffer.from(await response.body.arrayBuffer());
      expect(received.equals(compressed)).toBe(true);
      expect((await recorded).usage).toMatchObject({
        inputTokens: 12,
        outputTokens: 3,
        cacheReadInputTokens: 5,
      });
    } finally {
      await proxy.close();
      await upstream.close();
    }
  });
});
