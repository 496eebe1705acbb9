import Anthropic from '@anthropic-ai/sdk';
import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { askAsNewSession, serveProviders } from './run-cli.js';

const serve = serveProviders;

const ask = {
  model: 'claude-sonnet-4-6',
  max_tokens: 64,
  messages: [{ role: 'user' as const, content: 'hi' }],
};

describe('ccb serve, end to end with the official SDK', () => {
  let alpha: MockUpstream;
  let beta: MockUpstream;
  let balancer: Awaited<ReturnType<typeof serve>>;
  let client: Anthropic;

  beforeAll(async () => {
    alpha = await createMockUpstream({ name: 'alpha', apiKey: 'key-alpha' });
    beta = await createMockUpstream({ name: 'beta', apiKey: 'key-beta' });
    balancer = await serve(
      [
        { name: 'alpha', url: alpha.url, key: 'key-alpha' },
        { name: 'beta', url: beta.url, key: 'key-beta' },
      ],
      'auth: { api_keys: [ccb-client-key] }\nrouting: { strategy: round-robin }',
    );
    client = new Anthropic({ baseURL: balancer.ccb.url, apiKey: 'ccb-client-key', maxRetries: 0 });
  });
  afterAll(async () => {
    await balancer.dispose();
    await alpha.close();
    await beta.close();
  });
  afterEach(() => {
    alpha.reset();
    beta.reset();
  });

  it('answers a message exactly as the upstream does directly', async () => {
    const direct = new Anthropic({ baseURL: alpha.url, apiKey: 'key-alpha', maxRetries: 0 });
    const expected = await direct.messages.create(ask);
    const viaCcb = await client.messages.create(ask);
    const servedBy = viaCcb.content[0]?.type === 'text' ? viaCcb.content[0].text : '';
    const twin = servedBy.includes('alpha')
      ? expected
      : await new Anthropic({ baseURL: beta.url, apiKey: 'key-beta', maxRetries: 0 }).messages.create(ask);
    expect({ ...viaCcb, id: '' }).toEqual({ ...twin, id: '' });
  });

  it('streams events in order and the SDK assembles the same final message and usage', async () => {
    const stream = client.messages.stream(ask);
    const types: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    const final = await stream.finalMessage();
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    expect(types).toContain('content_block_delta');
    expect(final.content[0]).toMatchObject({ type: 'text' });
    expect(final.usage.output_tokens).toBeGreaterThan(0);
    expect(final.usage.input_tokens).toBeGreaterThan(0);
  });

  it('round-trips a tool call', async () => {
    const tools = [
      {
        name: 'get_weather',
        description: 'Weather for a city',
        input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } },
      },
    ];
    const first = await client.messages.create({
      ...ask,
      tools,
      messages: [{ role: 'user', content: 'use tool please' }],
    });
    expect(first.stop_reason).toBe('tool_use');
    const call = first.content.find((block) => block.type === 'tool_use');
    expect(call).toBeDefined();
    const second = await client.messages.create({
      ...ask,
      tools,
      messages: [
        { role: 'user', content: 'use tool please' },
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: call?.type === 'tool_use' ? call.id : '', content: 'sunny' },
          ],
        },
      ],
    });
    expect(second.stop_reason).toBe('end_turn');
  });

  it('counts tokens and lists models', async () => {
    const count = await client.messages.countTokens({ model: ask.model, messages: ask.messages });
    expect(count.input_tokens).toBeGreaterThan(0);
    const models = await client.models.list();
    expect(models.data.length).toBeGreaterThan(0);
  });

  it('substitutes keys both ways: upstreams see their own key, the client only its ccb key', async () => {
    await client.messages.create(askAsNewSession(ask));
    await client.messages.create(askAsNewSession(ask));
    expect(alpha.requests[0]?.headers['x-api-key']).toBe('key-alpha');
    expect(beta.requests[0]?.headers['x-api-key']).toBe('key-beta');
    for (const request of [...alpha.requests, ...beta.requests]) {
      expect(JSON.stringify(request.headers)).not.toContain('ccb-client-key');
    }
  });

  it('refuses a client without a ccb key', async () => {
    const stranger = new Anthropic({ baseURL: balancer.ccb.url, apiKey: 'not-a-ccb-key', maxRetries: 0 });
    await expect(stranger.messages.create(ask)).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    expect(alpha.requests.length + beta.requests.length).toBe(0);
  });

  it('alternates providers with round-robin', async () => {
    const served: string[] = [];
    for (let index = 0; index < 20; index++) {
      const response = await client.messages.create(askAsNewSession(ask)).withResponse();
      served.push(response.response.headers.get('x-ccb-provider') ?? '');
    }
    expect(served.filter((name) => name === 'alpha')).toHaveLength(10);
    expect(served.filter((name) => name === 'beta')).toHaveLength(10);
    for (let index = 1; index < served.length; index++) expect(served[index]).not.toBe(served[index - 1]);
  });

  it('fails over invisibly from an overloaded provider and logs the attempt', async () => {
    alpha.inject({ kind: 'status', status: 529, errorType: 'overloaded_error' });
    const logged: Record<string, unknown>[] = [];
    // Round-robin sends one of two requests to alpha first, whatever the rotation stands at.
    for (let index = 0; index < 2; index++) {
      const { data: message, response } = await client.messages.create(askAsNewSession(ask)).withResponse();
      expect(message.type).toBe('message');
      logged.push(await balancer.ccb.requestLine(response.headers.get('x-request-id') ?? ''));
    }
    const failedOver = logged.filter((line) => line.outcome === 'failed_over');
    expect(failedOver).toHaveLength(1);
    expect(failedOver[0]?.attempts).toMatchObject([
      { provider: 'alpha', result: 'failure', status: 529 },
      { provider: 'beta', result: 'success', status: 200 },
    ]);
    expect(JSON.stringify(balancer.ccb.lines)).not.toContain('key-alpha');
    expect(JSON.stringify(balancer.ccb.lines)).not.toContain('ccb-client-key');
  });

  it('ends a stream cut mid-way with an error the SDK raises, not a truncated success', async () => {
    alpha.inject({ kind: 'drop-after', events: 4 });
    beta.inject({ kind: 'drop-after', events: 4 });
    const stream = client.messages.stream(ask);
    await expect(stream.finalMessage()).rejects.toThrow();
  });

  it('answers HEAD / and /healthz without a client key, and refuses other methods and unknown paths in Anthropic shape', async () => {
    const head = await request(`${balancer.ccb.url}/`, { method: 'HEAD' });
    expect(head.statusCode).toBe(200);
    await head.body.dump();
    const health = await request(`${balancer.ccb.url}/healthz`);
    const body = (await health.body.json()) as { status: string; version: string; uptime_s: number };
    expect(body).toMatchObject({ status: 'ok' });
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(typeof body.uptime_s).toBe('number');
    const wrongMethod = await request(`${balancer.ccb.url}/healthz`, { method: 'DELETE' });
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.headers.allow).toBe('GET, HEAD');
    expect(await wrongMethod.body.json()).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error' },
    });
    const missing = await request(`${balancer.ccb.url}/nope`);
    expect(missing.statusCode).toBe(404);
    expect(await missing.body.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    expect(alpha.requests).toHaveLength(0);
    expect(beta.requests).toHaveLength(0);
  });
});

describe('ccb serve distribution and tiers', () => {
  const mocks: MockUpstream[] = [];
  afterAll(async () => {
    await Promise.all(mocks.map((mock) => mock.close()));
  });

  it('splits traffic 3:1 with weights 3 and 1', async () => {
    const heavy = await createMockUpstream({ name: 'heavy', apiKey: 'k1' });
    const light = await createMockUpstream({ name: 'light', apiKey: 'k2' });
    mocks.push(heavy, light);
    const balancer = await serve(
      [
        { name: 'heavy', url: heavy.url, key: 'k1', weight: 3 },
        { name: 'light', url: light.url, key: 'k2', weight: 1 },
      ],
      'routing: { strategy: weighted }',
    );
    try {
      const client = new Anthropic({ baseURL: balancer.ccb.url, apiKey: 'x', maxRetries: 0 });
      for (let index = 0; index < 40; index++) await client.messages.create(askAsNewSession(ask));
      expect(heavy.requests).toHaveLength(30);
      expect(light.requests).toHaveLength(10);
    } finally {
      await balancer.dispose();
    }
  });

  it('keeps a lower priority tier as a fallback only', async () => {
    const main = await createMockUpstream({ name: 'main', apiKey: 'k1' });
    const backup = await createMockUpstream({ name: 'backup', apiKey: 'k2' });
    mocks.push(main, backup);
    const balancer = await serve(
      [
        { name: 'main', url: main.url, key: 'k1', priority: 1 },
        { name: 'backup', url: backup.url, key: 'k2', priority: 2 },
      ],
      'routing: { strategy: round-robin }',
    );
    try {
      const client = new Anthropic({ baseURL: balancer.ccb.url, apiKey: 'x', maxRetries: 0 });
      for (let index = 0; index < 6; index++) await client.messages.create(askAsNewSession(ask));
      expect(backup.requests).toHaveLength(0);
      main.inject({ kind: 'reset' });
      const rescued = await client.messages.create(askAsNewSession(ask)).withResponse();
      expect(rescued.response.headers.get('x-ccb-provider')).toBe('backup');
    } finally {
      await balancer.dispose();
    }
  });

  it('answers 502 naming the providers when every provider is down', async () => {
    const balancer = await serve([
      { name: 'gone-a', url: 'http://127.0.0.1:1', key: 'k' },
      { name: 'gone-b', url: 'http://127.0.0.1:2', key: 'k' },
    ]);
    try {
      const client = new Anthropic({ baseURL: balancer.ccb.url, apiKey: 'x', maxRetries: 0 });
      const error = await client.messages.create(ask).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Anthropic.APIError);
      expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(502);
      expect(String((error as Error).message)).toContain('gone-a');
      expect(String((error as Error).message)).toContain('gone-b');
    } finally {
      await balancer.dispose();
    }
  });

  it('finishes an in-flight stream on SIGTERM, then exits 0', async () => {
    const slow = await createMockUpstream({
      name: 'slow',
      apiKey: 'k',
      streamEvents: 10,
      streamIntervalInMs: 30,
    });
    mocks.push(slow);
    const balancer = await serve([{ name: 'slow', url: slow.url, key: 'k' }]);
    const client = new Anthropic({ baseURL: balancer.ccb.url, apiKey: 'x', maxRetries: 0 });
    const stream = client.messages.stream(ask);
    await new Promise<void>((resolve) => stream.once('streamEvent', () => resolve()));
    const exited = balancer.ccb.stop();
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe('end_turn');
    expect(await exited).toBe(0);
    await balancer.dispose();
  });
});
