import { budgetsReportSchema } from '@ccb/admin-api';
import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askAsNewSession, type RunningCcb, startCcb, tempDir } from './run-cli.js';

const adminKey = 'ccb-admin-key-budgets-0123456789ab';
const clientKey = 'team-key-budgets-0123456789abcdef';
const providerKey = 'sk-provider-budgets-0123456789';

/** A Claude Code-like request: a cached system prompt, so the second of a session reads the cache. */
const ask = askAsNewSession({
  model: 'claude-sonnet-4-6',
  max_tokens: 16,
  system: [{ type: 'text', text: 'You are terse. '.repeat(400), cache_control: { type: 'ephemeral' } }],
  messages: [{ role: 'user', content: 'hi' }],
});

async function send(url: string): Promise<void> {
  const response = await request(`${url}/v1/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': clientKey,
      'anthropic-version': '2023-06-01',
    },
    body: JSON.stringify(ask),
  });
  expect(response.statusCode).toBe(200);
  await response.body.dump();
}

describe('GET /admin/budgets', () => {
  let upstream: MockUpstream;
  let ccb: RunningCcb;
  let dir: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    upstream = await createMockUpstream({ name: 'alpha', apiKey: providerKey, promptCache: true });
    dir = await tempDir();
    const file = await dir.write(
      'ccb.yaml',
      `auth:
  admin_key: ${adminKey}
  api_keys: [${clientKey}]
ledger: { batch_interval: 50ms }
budgets:
  - { provider: alpha, daily_usd: 50 }
  - { key: ${clientKey}, monthly_tokens: 10000000 }
providers:
  - name: alpha
    base_url: ${upstream.url}
    api_key: ${providerKey}
`,
    );
    ccb = await startCcb(['serve', '--config', file, '--port', '0']);
  });

  afterAll(async () => {
    await ccb?.stop();
    await upstream?.close();
    await dir?.dispose();
  });

  it('refuses a request without the admin key', async () => {
    const response = await request(`${ccb.url}/admin/budgets`);
    expect(response.statusCode).toBe(401);
    await response.body.dump();
  });

  it('shows each budget with what is left, cache savings and affinity, naming keys by fingerprint only', async () => {
    await send(ccb.url);
    await send(ccb.url);
    expect(upstream.cacheStats().readTokens).toBeGreaterThan(0);
    const response = await request(`${ccb.url}/admin/budgets`, { headers: { 'x-api-key': adminKey } });
    expect(response.statusCode).toBe(200);
    const text = await response.body.text();
    expect(text).not.toContain(clientKey);
    expect(text).not.toContain(providerKey);
    expect(text).not.toContain(adminKey);
    const report = budgetsReportSchema.parse(JSON.parse(text));
    const provider = report.budgets.find((budget) => budget.scope === 'provider');
    expect(provider).toMatchObject({
      name: 'alpha',
      window: 'day',
      metric: 'usd',
      limit: 50,
      exceeded: false,
    });
    expect(provider?.used).toBeGreaterThan(0);
    expect(provider?.remaining).toBeCloseTo(50 - (provider?.used ?? 0), 10);
    const key = report.budgets.find((budget) => budget.scope === 'key');
    expect(key).toMatchObject({ window: 'month', metric: 'tokens', limit: 10_000_000 });
    expect(key?.name).toMatch(/^[0-9a-f]{12}$/);
    expect(key?.used).toBeGreaterThan(0);
    expect(Date.parse(key?.resets_at ?? '')).toBeGreaterThan(Date.now());
    expect(report.cache.cache_read_input_tokens).toBe(upstream.cacheStats().readTokens);
    expect(report.cache.hit_rate).toBeGreaterThan(0);
    expect(report.cache.saved_usd).toBeGreaterThan(0);
    expect(report.affinity.hits).toBeGreaterThanOrEqual(1);
    expect(report.affinity.sessions).toBeGreaterThanOrEqual(1);
  });
});

describe('GET /admin/budgets without budgets', () => {
  it('answers an empty list', async () => {
    const dir = await tempDir();
    const upstream = await createMockUpstream({ name: 'alpha', apiKey: providerKey });
    const file = await dir.write(
      'ccb.yaml',
      `auth:\n  admin_key: ${adminKey}\nproviders:\n  - name: alpha\n    base_url: ${upstream.url}\n    api_key: ${providerKey}\n`,
    );
    const ccb = await startCcb(['serve', '--config', file, '--port', '0']);
    try {
      const response = await request(`${ccb.url}/admin/budgets`, {
        headers: { authorization: `Bearer ${adminKey}` },
      });
      expect(response.statusCode).toBe(200);
      const report = budgetsReportSchema.parse(await response.body.json());
      expect(report.budgets).toEqual([]);
      expect(report.cache).toMatchObject({ cache_read_input_tokens: 0, saved_usd: 0, hit_rate: 0 });
    } finally {
      await ccb.stop();
      await upstream.close();
      await dir.dispose();
    }
  });
});
