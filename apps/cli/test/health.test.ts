import { once } from 'node:events';
import { createServer } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReadinessBody } from '../src/format-status-table.js';
import { askAsNewSession, runCli, serveProviders } from './run-cli.js';

const ask = {
  model: 'claude-sonnet-4-6',
  max_tokens: 16,
  messages: [{ role: 'user' as const, content: 'hi' }],
};
type Provider = ReadinessBody['providers'][number];

async function readiness(url: string): Promise<{ status: number; body: ReadinessBody }> {
  const response = await request(`${url}/readyz`);
  return { status: response.statusCode, body: (await response.body.json()) as ReadinessBody };
}

/** Polls /readyz (ccb runs in another process) until `predicate` holds; bounded by `timeoutInMs`. */
async function waitForProvider(
  url: string,
  name: string,
  predicate: (provider: Provider) => boolean,
  timeoutInMs = 5_000,
) {
  const deadline = Date.now() + timeoutInMs;
  for (;;) {
    const provider = (await readiness(url)).body.providers.find((item) => item.name === name) as Provider;
    if (predicate(provider)) return provider;
    if (Date.now() > deadline)
      throw new Error(`provider ${name} never reached the expected state: ${JSON.stringify(provider)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
async function mock(
  name: string,
  options: Parameters<typeof createMockUpstream>[0] = {},
): Promise<MockUpstream> {
  const created = await createMockUpstream({ name, apiKey: `key-${name}`, ...options });
  cleanups.push(() => created.close());
  return created;
}
async function serve(...args: Parameters<typeof serveProviders>) {
  const served = await serveProviders(...args);
  cleanups.push(() => served.dispose());
  return served.ccb;
}

describe('health', () => {
  it('skips a provider that fails every request after the threshold: clients see no error and one attempt each', async () => {
    const alive = await mock('alive');
    const ccb = await serve(
      [
        { name: 'dead', url: `http://127.0.0.1:${await freePort()}`, key: 'k' },
        { name: 'alive', url: alive.url, key: 'key-alive' },
      ],
      'routing: { strategy: round-robin }',
    );
    const client = new Anthropic({ baseURL: ccb.url, apiKey: 'x', maxRetries: 0 });
    const ids: string[] = [];
    for (let index = 0; index < 30; index++) {
      const { data: message, response } = await client.messages.create(askAsNewSession(ask)).withResponse();
      expect(message.type).toBe('message');
      ids.push(response.headers.get('x-request-id') ?? '');
    }
    // Log lines go out in batches: collect them once all requests are done.
    const lines = await Promise.all(ids.map((id) => ccb.requestLine(id)));
    const attempts = lines.map((line) => (line.attempts as unknown[]).length);
    // Only the failures that open the circuit cost an extra attempt; after that, as if `dead` were not configured.
    expect(attempts.filter((count) => count > 1).length).toBeLessThanOrEqual(3);
    expect(attempts.slice(10)).toEqual(Array(20).fill(1));
    const { status, body } = await readiness(ccb.url);
    expect(status).toBe(200);
    expect(body.providers.find((provider) => provider.name === 'dead')).toMatchObject({
      state: 'open',
      usable: false,
    });
  });

  it('takes a recovered provider back through half-open and gives it its share again', async () => {
    const flaky = await mock('flaky');
    const steady = await mock('steady');
    const ccb = await serve(
      [
        { name: 'flaky', url: flaky.url, key: 'key-flaky' },
        { name: 'steady', url: steady.url, key: 'key-steady' },
      ],
      'routing: { strategy: round-robin }\nhealth: { cooldown: 300ms, failure_threshold: 2 }',
    );
    const client = new Anthropic({ baseURL: ccb.url, apiKey: 'x', maxRetries: 0 });
    flaky.inject({ kind: 'status', status: 500 }, 2);
    for (let index = 0; index < 4; index++) await client.messages.create(askAsNewSession(ask));
    expect(
      (await readiness(ccb.url)).body.providers.find((provider) => provider.name === 'flaky')?.state,
    ).toBe('open');
    await waitForProvider(ccb.url, 'flaky', (provider) => provider.state === 'half-open');
    flaky.reset();
    steady.reset();
    for (let index = 0; index < 10; index++) await client.messages.create(askAsNewSession(ask));
    expect(
      (await readiness(ccb.url)).body.providers.find((provider) => provider.name === 'flaky')?.state,
    ).toBe('closed');
    expect(flaky.requests.length).toBeGreaterThanOrEqual(4);
    expect(steady.requests.length).toBeGreaterThanOrEqual(4);
  });

  it('cools a provider down for the retry-after of its 429, then takes it back', async () => {
    const limited = await mock('limited');
    const other = await mock('other');
    const ccb = await serve(
      [
        { name: 'limited', url: limited.url, key: 'key-limited' },
        { name: 'other', url: other.url, key: 'key-other' },
      ],
      'routing: { strategy: priority }',
    );
    const client = new Anthropic({ baseURL: ccb.url, apiKey: 'x', maxRetries: 0 });
    limited.inject({
      kind: 'status',
      status: 429,
      errorType: 'rate_limit_error',
      headers: { 'retry-after': '2' },
    });
    const sentAt = Date.now();
    const rescued = await client.messages.create(askAsNewSession(ask)).withResponse();
    expect(rescued.response.headers.get('x-ccb-provider')).toBe('other');
    const cooling = await waitForProvider(
      ccb.url,
      'limited',
      (provider) => provider.cooling_down_until !== null,
    );
    const coolingForInMs = Date.parse(cooling.cooling_down_until as string) - sentAt;
    expect(coolingForInMs).toBeGreaterThan(1_500);
    expect(coolingForInMs).toBeLessThan(2_500);
    limited.reset();
    for (let index = 0; index < 3; index++) await client.messages.create(askAsNewSession(ask));
    expect(limited.requests).toHaveLength(0);
    await waitForProvider(ccb.url, 'limited', (provider) => provider.usable, 4_000);
    expect(Date.now() - sentAt).toBeGreaterThan(1_500);
    await client.messages.create(askAsNewSession(ask));
    expect(limited.requests).toHaveLength(1);
  });

  it('moves traffic away from a provider whose rate-limit budget runs low, before any 429', async () => {
    const reset = new Date(Date.now() + 60_000).toISOString();
    const low = await mock('low', {
      rateLimitHeaders: {
        'anthropic-ratelimit-requests-limit': '1000',
        'anthropic-ratelimit-requests-remaining': '10',
        'anthropic-ratelimit-requests-reset': reset,
      },
    });
    const plenty = await mock('plenty');
    const ccb = await serve(
      [
        { name: 'low', url: low.url, key: 'key-low' },
        { name: 'plenty', url: plenty.url, key: 'key-plenty' },
      ],
      'routing: { strategy: round-robin }',
    );
    const client = new Anthropic({ baseURL: ccb.url, apiKey: 'x', maxRetries: 0 });
    for (let index = 0; index < 12; index++) await client.messages.create(askAsNewSession(ask));
    expect(low.requests.length).toBeLessThanOrEqual(1);
    expect(plenty.requests.length).toBeGreaterThanOrEqual(11);
    expect(
      (await readiness(ccb.url)).body.providers.find((provider) => provider.name === 'low'),
    ).toMatchObject({
      usable: true,
      deprioritized: true,
    });
  });

  it('probes mark a provider down before users hit it, and bring it back with no user request', async () => {
    const port = await freePort();
    const steady = await mock('steady');
    const ccb = await serve(
      [
        { name: 'late', url: `http://127.0.0.1:${port}`, key: 'key-late' },
        { name: 'steady', url: steady.url, key: 'key-steady' },
      ],
      'health: { cooldown: 1m, probe: { enabled: true, interval: 100ms, timeout: 1s } }',
    );
    await waitForProvider(ccb.url, 'late', (provider) => provider.state === 'open');
    const late = await mock('late', { port });
    await waitForProvider(ccb.url, 'late', (provider) => provider.state === 'closed' && provider.usable);
    expect(late.requests.length).toBeGreaterThan(0);
    for (const probe of late.requests) {
      expect(probe.method).toBe('GET');
      expect(probe.path).toBe('/v1/models');
      expect(probe.headers['x-api-key']).toBe('key-late');
    }
  });

  it('benches a provider at its spend limit until an operator resets it, and counts the class', async () => {
    const spent = await mock('spent');
    const other = await mock('other');
    const ccb = await serve(
      [
        { name: 'spent', url: spent.url, key: 'key-spent' },
        { name: 'other', url: other.url, key: 'key-other' },
      ],
      'routing: { strategy: priority }\nauth: { admin_key: admin-secret }',
    );
    const client = new Anthropic({ baseURL: ccb.url, apiKey: 'x', maxRetries: 0 });
    spent.inject({
      kind: 'status',
      status: 429,
      body: JSON.stringify({
        type: 'error',
        error: {
          type: 'rate_limit_error',
          message: 'You have reached your specified API usage limits.',
          details: { error_code: 'enforced_spend_limit_reached' },
        },
      }),
    });
    const rescued = await client.messages.create(askAsNewSession(ask)).withResponse();
    expect(rescued.response.headers.get('x-ccb-provider')).toBe('other');
    const benched = await waitForProvider(ccb.url, 'spent', (provider) => !provider.usable);
    expect(benched.reason).toBe('spend_limit');
    expect(Date.parse(benched.cooling_down_until as string) - Date.now()).toBeGreaterThan(3_600_000);
    const metrics = await (
      await request(`${ccb.url}/metrics`, { headers: { 'x-api-key': 'admin-secret' } })
    ).body.text();
    expect(metrics).toMatch(/ccb_rate_limits_total\{provider="spent",class="spend_limit"\} 1/);

    const refused = await request(`${ccb.url}/admin/reset?provider=spent`, { method: 'POST' });
    expect(refused.statusCode).toBe(401);
    await refused.body.dump();
    const reset = await request(`${ccb.url}/admin/reset?provider=spent`, {
      method: 'POST',
      headers: { authorization: 'Bearer admin-secret' },
    });
    expect(reset.statusCode).toBe(200);
    await reset.body.dump();
    expect((await readiness(ccb.url)).body.providers.find((item) => item.name === 'spent')?.usable).toBe(
      true,
    );
    const back = await client.messages.create(askAsNewSession(ask)).withResponse();
    expect(back.response.headers.get('x-ccb-provider')).toBe('spent');
  });

  it('skips a provider whose credentials are rejected and says so once in the log', async () => {
    const wrong = await mock('wrong');
    const right = await mock('right');
    const ccb = await serve(
      [
        { name: 'wrong', url: wrong.url, key: 'not-the-key-of-wrong' },
        { name: 'right', url: right.url, key: 'key-right' },
      ],
      'routing: { strategy: round-robin }',
    );
    const client = new Anthropic({ baseURL: ccb.url, apiKey: 'x', maxRetries: 0 });
    for (let index = 0; index < 8; index++) {
      const served = await client.messages.create(askAsNewSession(ask)).withResponse();
      expect(served.response.headers.get('x-ccb-provider')).toBe('right');
    }
    expect(wrong.requests).toHaveLength(1);
    const provider = await waitForProvider(ccb.url, 'wrong', (item) => item.state === 'open');
    expect(provider.reason).toBe('auth');
    const warnings = () => ccb.lines.filter((line) => /credentials rejected/.test(String(line.msg)));
    const deadline = Date.now() + 2_000;
    while (warnings().length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 25));
    expect(warnings()).toHaveLength(1);
    expect(String(warnings()[0]?.msg)).toContain('provider wrong');
    expect(JSON.stringify(ccb.lines)).not.toContain('not-the-key-of-wrong');
  });

  it('reports 503 on /readyz and in ccb status when no provider is usable', async () => {
    const ccb = await serve(
      [{ name: 'only', url: `http://127.0.0.1:${await freePort()}`, key: 'k' }],
      'health: { failure_threshold: 1, cooldown: 1m }',
    );
    expect((await readiness(ccb.url)).status).toBe(200);
    const client = new Anthropic({ baseURL: ccb.url, apiKey: 'x', maxRetries: 0 });
    await expect(client.messages.create(askAsNewSession(ask))).rejects.toThrow();
    const { status, body } = await readiness(ccb.url);
    expect(status).toBe(503);
    expect(body.providers[0]).toMatchObject({ name: 'only', state: 'open', usable: false });
    expect(JSON.stringify(body)).not.toContain('"k"');
    const printed = await runCli(['status', '--url', ccb.url]);
    expect(printed.code).toBe(1);
    expect(printed.stdout).toMatch(/only\s+open\s+no/);
    expect(printed.stdout).toContain('unavailable');
  });
});
