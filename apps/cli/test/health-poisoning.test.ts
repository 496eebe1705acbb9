import Anthropic from '@anthropic-ai/sdk';
import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReadinessBody } from '../src/format-status-table.js';
import { askAsNewSession, serveProviders } from './run-cli.js';

const ask = {
  model: 'claude-sonnet-4-6',
  max_tokens: 16,
  messages: [{ role: 'user' as const, content: 'hi' }],
};
type Provider = ReadinessBody['providers'][number];

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function mock(name: string): Promise<MockUpstream> {
  const created = await createMockUpstream({ name, apiKey: `key-${name}-0123456789` });
  cleanups.push(() => created.close());
  return created;
}

async function serve(...names: string[]) {
  const upstreams = await Promise.all(names.map(mock));
  const served = await serveProviders(
    upstreams.map((upstream, index) => ({
      name: names[index] as string,
      url: upstream.url,
      key: `key-${names[index]}-0123456789`,
    })),
    // Paths beyond the Anthropic API an operator lets clients use (the Admin API wants an admin key: 401/403).
    'server: { extra_api_routes: ["GET /v1/whatever", "GET /v1/organizations/*"] }',
  );
  cleanups.push(() => served.dispose());
  return { ccb: served.ccb, upstreams };
}

async function readiness(url: string): Promise<{ status: number; providers: readonly Provider[] }> {
  const response = await request(`${url}/readyz`);
  const body = (await response.body.json()) as ReadinessBody;
  return { status: response.statusCode, providers: body.providers };
}

/** Polls /readyz (ccb runs in another process) until `predicate` holds; bounded in time. */
async function waitForReadiness(
  url: string,
  predicate: (readiness: { status: number; providers: readonly Provider[] }) => boolean,
): Promise<{ status: number; providers: readonly Provider[] }> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const current = await readiness(url);
    if (predicate(current)) return current;
    if (Date.now() > deadline) throw new Error(`/readyz never got there: ${JSON.stringify(current)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('health a client cannot poison', () => {
  it('benches no provider and keeps /readyz at 200 when a path the client chose answers 401 or 403', async () => {
    const { ccb, upstreams } = await serve('one', 'two');
    for (const [status, path] of [
      [401, '/v1/whatever'],
      [403, '/v1/models'],
      [401, '/v1/organizations/api_keys'],
    ] as const) {
      for (const upstream of upstreams) upstream.inject({ kind: 'status', status });
      // Both providers are tried and both refuse: the client gets the last answer, and every outcome was
      // reported before it was written.
      const refused = await request(`${ccb.url}${path}`);
      expect(refused.statusCode).toBe(status);
      await refused.body.dump();
      const { status: readyStatus, providers } = await readiness(ccb.url);
      expect(readyStatus).toBe(200);
      for (const provider of providers) {
        expect(provider).toMatchObject({
          usable: true,
          state: 'closed',
          consecutive_failures: 0,
          last_error: null,
        });
      }
    }
    expect(upstreams.map((upstream) => upstream.requests.length)).toEqual([3, 3]);
    const client = new Anthropic({ baseURL: ccb.url, apiKey: 'x', maxRetries: 0 });
    await expect(client.messages.create(askAsNewSession(ask))).resolves.toMatchObject({ type: 'message' });
    expect(ccb.lines.some((line) => /credentials rejected/.test(String(line.msg)))).toBe(false);
  });

  it('benches a provider on a 401 on the Messages API, and a later success clears it at once', async () => {
    const { ccb, upstreams } = await serve('only');
    const [only] = upstreams as [MockUpstream];
    const client = new Anthropic({ baseURL: ccb.url, apiKey: 'x', maxRetries: 0 });
    only.inject({ kind: 'status', status: 401 });
    await expect(client.messages.create(askAsNewSession(ask))).rejects.toBeInstanceOf(
      Anthropic.AuthenticationError,
    );
    const benched = await waitForReadiness(ccb.url, (current) => current.status === 503);
    expect(benched.providers[0]).toMatchObject({
      state: 'open',
      reason: 'auth',
      usable: false,
      serving: false,
    });

    // The only provider is still offered as the last resort; its success proves the credentials good.
    const served = await client.messages.create(askAsNewSession(ask)).withResponse();
    expect(served.response.headers.get('x-ccb-provider')).toBe('only');
    const cleared = await waitForReadiness(ccb.url, (current) => current.status === 200);
    expect(cleared.providers[0]).toMatchObject({
      state: 'closed',
      reason: null,
      usable: true,
      serving: true,
    });
    expect(cleared.providers[0]?.last_success_at).toEqual(expect.any(String));
    expect(ccb.lines.some((line) => /circuit open → closed \(success\)/.test(String(line.msg)))).toBe(true);
  });
});
