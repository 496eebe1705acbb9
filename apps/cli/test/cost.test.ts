import Anthropic from '@anthropic-ai/sdk';
import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { askAsNewSession, runCli, startCcb, tempDir } from './run-cli.js';

const ask = {
  model: 'claude-sonnet-4-6',
  max_tokens: 16,
  messages: [{ role: 'user' as const, content: 'hi' }],
};
const admin = 'admin-key-for-tests';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function mock(name: string): Promise<MockUpstream> {
  const created = await createMockUpstream({ name, apiKey: `key-${name}` });
  cleanups.push(() => created.close());
  return created;
}

/** Serves `yaml` from a temp folder (the ledger lands beside it). */
async function serveYaml(yaml: string) {
  const dir = await tempDir();
  const file = await dir.write('ccb.yaml', yaml);
  const ccb = await startCcb(['serve', '--config', file, '--port', '0']);
  cleanups.push(async () => {
    await ccb.stop();
    await dir.dispose();
  });
  return { ccb, file, dir };
}

function provider(name: string, url: string, extra = ''): string {
  return `  - name: ${name}\n    base_url: ${url}\n    api_key: key-${name}\n${extra}`;
}

async function adminUsage(url: string, query: string): Promise<Record<string, unknown>> {
  const response = await request(`${url}/admin/usage?${query}`, { headers: { 'x-api-key': admin } });
  expect(response.statusCode).toBe(200);
  return (await response.body.json()) as Record<string, unknown>;
}

describe('cost accounting', () => {
  it('records streaming, non-streaming and failed-over requests with their cost, in the ledger and the logs', async () => {
    const a = await mock('a');
    const b = await mock('b');
    const { ccb, file } = await serveYaml(
      [
        `auth: { admin_key: ${admin} }`,
        'routing: { strategy: priority }',
        'health: { enabled: false }',
        'providers:',
        provider('a', a.url),
        provider('b', b.url),
      ].join('\n'),
    );
    const client = new Anthropic({ baseURL: ccb.url, apiKey: 'x', maxRetries: 0 });
    const plain = await client.messages.create(ask).withResponse();
    const streamed = await client.messages.create({ ...ask, stream: true }).withResponse();
    for await (const _event of streamed.data) {
      // drain
    }
    a.inject({ kind: 'status', status: 529 });
    const rescued = await client.messages.create(ask).withResponse();

    const line = await ccb.requestLine(plain.response.headers.get('x-request-id') ?? '');
    const tokens = line.tokens as { input: number; output: number };
    // claude-sonnet-4-6 lists at $3 per million input tokens and $15 per million output tokens.
    expect(line.cost_usd).toBeCloseTo((tokens.input * 3 + tokens.output * 15) / 1e6, 9);
    const streamLine = await ccb.requestLine(streamed.response.headers.get('x-request-id') ?? '');
    expect(streamLine.cost_usd).toBeGreaterThan(0);
    await ccb.requestLine(rescued.response.headers.get('x-request-id') ?? '');

    const byProvider = await adminUsage(ccb.url, 'since=1h&by=provider');
    const rows = byProvider.rows as { key: string; requests: number; costUsd: number }[];
    expect(rows.find((row) => row.key === 'a')?.requests).toBe(2);
    expect(rows.find((row) => row.key === 'b')?.requests).toBe(1);
    expect((byProvider.total as { costUsd: number }).costUsd).toBeGreaterThan(0);

    // The ledger is on disk: `ccb usage` in another process reads the same numbers.
    const printed = await runCli(['usage', '--config', file, '--by', 'model', '--since', '1d']);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain('claude-sonnet-4-6');
    expect(printed.stdout).toMatch(/claude-sonnet-4-6\s+3\s/);
    const json = JSON.parse((await runCli(['usage', '--config', file, '--json'])).stdout);
    expect(json.total.requests).toBe(3);
  });

  it('counts a stream the client cancels in the ledger and the budgets, so cancelling dodges neither', async () => {
    const slow = await createMockUpstream({
      name: 'slow',
      apiKey: 'key-slow',
      streamEvents: 40,
      streamIntervalInMs: 50,
    });
    cleanups.push(() => slow.close());
    const { ccb } = await serveYaml(
      [
        `auth: { api_keys: [team-key-3], admin_key: ${admin} }`,
        'ledger: { batch_interval: 50ms }',
        'budgets:',
        '  - { key: team-key-3, daily_tokens: 10 }',
        'providers:',
        provider('slow', slow.url),
      ].join('\n'),
    );
    const client = new Anthropic({ baseURL: ccb.url, apiKey: 'team-key-3', maxRetries: 0 });
    const cancel = new AbortController();
    const started = await client.messages
      .create(askAsNewSession({ ...ask, max_tokens: 512, stream: true }), { signal: cancel.signal })
      .withResponse();
    let deltas = 0;
    for await (const event of started.data) {
      if (event.type !== 'content_block_delta') continue;
      deltas += 1;
      cancel.abort(); // Esc in Claude Code: the first words arrived, the rest is not wanted.
      break;
    }
    expect(deltas).toBe(1);
    const line = await ccb.requestLine(started.response.headers.get('x-request-id') ?? '');
    expect(line).toMatchObject({ status: 499, outcome: 'cancelled', provider: 'slow' });
    expect((line.tokens as { input: number }).input).toBeGreaterThan(10);
    expect(line.cost_usd).toBeGreaterThan(0);
    // The cancelled stream used up the key's daily tokens: its next request is refused.
    await expect(client.messages.create(askAsNewSession(ask))).rejects.toBeInstanceOf(
      Anthropic.RateLimitError,
    );
    const byKey = await adminUsage(ccb.url, 'since=1h&by=key');
    const rows = byKey.rows as { requests: number; inputTokens: number }[];
    expect(rows[0]?.inputTokens).toBeGreaterThan(10);
  });

  it('benches a provider over its budget and refuses a key over its budget until the window resets', async () => {
    const a = await mock('a');
    const b = await mock('b');
    const yaml = [
      `auth: { api_keys: [team-key-1, team-key-2], admin_key: ${admin} }`,
      'routing: { strategy: priority }',
      'ledger: { batch_interval: 50ms }',
      'budgets:',
      '  - { provider: a, daily_usd: 0.0000001 }',
      '  - { key: team-key-2, daily_tokens: 10 }',
      'providers:',
      provider('a', a.url),
      provider('b', b.url),
    ].join('\n');
    const { ccb, file } = await serveYaml(yaml);
    const first = new Anthropic({ baseURL: ccb.url, apiKey: 'team-key-1', maxRetries: 0 });
    await first.messages.create(askAsNewSession(ask));
    expect(a.requests).toHaveLength(1);
    for (let index = 0; index < 3; index++) await first.messages.create(askAsNewSession(ask));
    expect(a.requests).toHaveLength(1);
    expect(b.requests).toHaveLength(3);
    const ready = (await (await request(`${ccb.url}/readyz`)).body.json()) as {
      providers: { name: string; reason: string | null; usable: boolean }[];
    };
    expect(ready.providers.find((item) => item.name === 'a')).toMatchObject({
      usable: false,
      reason: 'budget',
    });

    const second = new Anthropic({ baseURL: ccb.url, apiKey: 'team-key-2', maxRetries: 0 });
    await second.messages.create(askAsNewSession(ask));
    const refused = await second.messages.create(askAsNewSession(ask)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Anthropic.RateLimitError);
    expect(String((refused as Error).message)).toMatch(/daily tokens? .*resets at/i);
    expect(String((refused as Error).message)).not.toContain('team-key-2');

    // Budget state survives a restart: it is read back from the ledger.
    await ccb.stop();
    const again = await startCcb(['serve', '--config', file, '--port', '0']);
    cleanups.push(() => again.stop());
    const secondAgain = new Anthropic({ baseURL: again.url, apiKey: 'team-key-2', maxRetries: 0 });
    await expect(secondAgain.messages.create(askAsNewSession(ask))).rejects.toBeInstanceOf(
      Anthropic.RateLimitError,
    );
    const firstAgain = new Anthropic({ baseURL: again.url, apiKey: 'team-key-1', maxRetries: 0 });
    const served = await firstAgain.messages.create(askAsNewSession(ask)).withResponse();
    expect(served.response.headers.get('x-ccb-provider')).toBe('b');
  });

  it('sends each request to the cheapest provider with the cost strategy, and fails over to the dearer one', async () => {
    const dear = await mock('dear');
    const cheap = await mock('cheap');
    const { ccb } = await serveYaml(
      [
        'routing: { strategy: cost }',
        'health: { enabled: false }',
        'providers:',
        provider('dear', dear.url),
        provider('cheap', cheap.url, '    pricing: { multiplier: 0.5 }\n'),
      ].join('\n'),
    );
    const client = new Anthropic({ baseURL: ccb.url, apiKey: 'x', maxRetries: 0 });
    for (let index = 0; index < 5; index++) await client.messages.create(askAsNewSession(ask));
    expect(cheap.requests).toHaveLength(5);
    expect(dear.requests).toHaveLength(0);
    cheap.inject({ kind: 'status', status: 503 });
    const rescued = await client.messages.create(askAsNewSession(ask)).withResponse();
    expect(rescued.response.headers.get('x-ccb-provider')).toBe('dear');
  });

  it('routes background, thinking and long-context requests by the configured model rules', async () => {
    const main = await mock('main');
    const cheap = await mock('cheap');
    const deep = await mock('deep');
    const { ccb } = await serveYaml(
      [
        'routing:',
        '  strategy: round-robin',
        '  rules:',
        '    - { name: background, match: { family: haiku }, providers: [cheap] }',
        '    - { name: thinking, match: { thinking: true }, providers: [deep] }',
        '    - { name: long, match: { min_input_tokens: 20000 }, providers: [deep], model: claude-sonnet-4-5 }',
        '    - { name: default, match: { model: "claude-*" }, providers: [main] }',
        'providers:',
        provider('main', main.url),
        provider('cheap', cheap.url),
        provider('deep', deep.url),
      ].join('\n'),
    );
    const client = new Anthropic({ baseURL: ccb.url, apiKey: 'x', maxRetries: 0 });
    const background = await client.messages
      .create(askAsNewSession({ ...ask, model: 'claude-haiku-4-5-20251001' }))
      .withResponse();
    expect(background.response.headers.get('x-ccb-provider')).toBe('cheap');
    const thinking = await client.messages
      .create(
        askAsNewSession({ ...ask, max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 1024 } }),
      )
      .withResponse();
    expect(thinking.response.headers.get('x-ccb-provider')).toBe('deep');
    const long = await client.messages
      .create(askAsNewSession({ ...ask, messages: [{ role: 'user', content: 'x'.repeat(100_000) }] }))
      .withResponse();
    expect(long.response.headers.get('x-ccb-provider')).toBe('deep');
    expect((deep.requests.at(-1)?.json as { model?: string } | undefined)?.model).toBe('claude-sonnet-4-5');
    const line = await ccb.requestLine(long.response.headers.get('x-request-id') ?? '');
    expect(line).toMatchObject({ rule: 'long', model: 'claude-sonnet-4-6', model_sent: 'claude-sonnet-4-5' });
    for (let index = 0; index < 3; index++) {
      const plain = await client.messages.create(askAsNewSession(ask)).withResponse();
      expect(plain.response.headers.get('x-ccb-provider')).toBe('main');
    }
  });

  it('keeps a session on one provider across 50 turns while other sessions spread, and moves it once on failure', async () => {
    const a = await mock('a');
    const b = await mock('b');
    const { ccb } = await serveYaml(
      [
        'routing: { strategy: round-robin }',
        'health: { cooldown: 1m }',
        'providers:',
        provider('a', a.url),
        provider('b', b.url),
      ].join('\n'),
    );
    const client = new Anthropic({ baseURL: ccb.url, apiKey: 'x', maxRetries: 0 });
    const sticky = askAsNewSession(ask);
    const servedBy = new Set<string>();
    const others: string[] = [];
    for (let turn = 0; turn < 50; turn++) {
      const response = await client.messages.create(sticky).withResponse();
      servedBy.add(response.response.headers.get('x-ccb-provider') ?? '');
      const other = await client.messages.create(askAsNewSession(ask)).withResponse();
      others.push(other.response.headers.get('x-ccb-provider') ?? '');
    }
    expect(servedBy.size).toBe(1);
    expect(others.filter((name) => name === 'a').length).toBeGreaterThan(15);
    expect(others.filter((name) => name === 'b').length).toBeGreaterThan(15);

    // Its provider fails: the session moves once and sticks to the new one, even after the old one recovers.
    const [home] = [...servedBy] as [string];
    const away = home === 'a' ? 'b' : 'a';
    (home === 'a' ? a : b).inject({ kind: 'status', status: 500 }, 3);
    const moved: string[] = [];
    for (let turn = 0; turn < 6; turn++) {
      moved.push(
        (await client.messages.create(sticky).withResponse()).response.headers.get('x-ccb-provider') ?? '',
      );
    }
    expect(moved).toEqual(Array(6).fill(away));
  });
});
