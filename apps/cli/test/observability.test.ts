import Anthropic from '@anthropic-ai/sdk';
import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCcb, serveProviders, startCcb, tempDir } from './run-cli.js';

/** Sums the samples of `name` whose labels include every pair of `labels`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null || match[1] !== name) continue;
    const pairs = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((pair) => [pair[1], pair[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => pairs[key] === value)) total += Number(match[3]);
  }
  return total;
}

const secrets = [
  'client-secret-1234567',
  'admin-secret-7654321',
  'sk-ant-provider-a-secret',
  'sk-ant-provider-b-secret',
];

describe('observability through ccb serve', () => {
  let a: MockUpstream;
  let b: MockUpstream;
  let served: Awaited<ReturnType<typeof serveProviders>>;
  let ccb: RunningCcb;
  let client: Anthropic;

  beforeAll(async () => {
    a = await createMockUpstream({ name: 'a', apiKey: secrets[2] });
    b = await createMockUpstream({ name: 'b', apiKey: secrets[3] });
    served = await serveProviders(
      [
        { name: 'a', url: a.url, key: secrets[2] as string, priority: 1 },
        { name: 'b', url: b.url, key: secrets[3] as string, priority: 2 },
      ],
      `auth: { api_keys: [${secrets[0]}], admin_key: ${secrets[1]} }\nrouting: { strategy: priority }\nhealth: { enabled: false }`,
    );
    ccb = served.ccb;
    client = new Anthropic({ baseURL: ccb.url, apiKey: secrets[0], maxRetries: 0 });
  });
  afterAll(async () => {
    await served.dispose();
    await a.close();
    await b.close();
  });

  it('counts exactly the scripted mix in /metrics, logs the same story, and leaks no secret', async () => {
    const ask = {
      model: 'claude-sonnet-4-6',
      max_tokens: 16,
      messages: [{ role: 'user' as const, content: 'hi' }],
    };
    const ids: string[] = [];
    const send = async (stream = false) => {
      const { response } = await (stream
        ? client.messages.create({ ...ask, stream: true })
        : client.messages.create(ask)
      )
        .withResponse()
        .catch((error: { headers?: Headers }) => ({ response: { headers: error.headers as Headers } }));
      ids.push(response.headers.get('x-request-id') ?? '');
    };
    for (let index = 0; index < 3; index++) await send(); // ok via a
    for (let index = 0; index < 2; index++) {
      const stream = await client.messages.create({ ...ask, stream: true }).withResponse();
      for await (const _event of stream.data) {
        // drain
      }
      ids.push(stream.response.headers.get('x-request-id') ?? '');
    }
    a.inject({ kind: 'status', status: 503 }, 2);
    await send(); // failed over to b
    await send(); // failed over to b
    a.inject({ kind: 'status', status: 400, errorType: 'invalid_request_error', message: 'bad request' });
    await send(); // the client's own error, passed through
    a.inject({ kind: 'status', status: 503 });
    b.inject({ kind: 'status', status: 503 });
    await send(); // every provider failed

    const refused = await request(`${ccb.url}/metrics`);
    expect(refused.statusCode).toBe(401);
    await refused.body.dump();
    const scrape = await request(`${ccb.url}/metrics`, {
      headers: { authorization: `Bearer ${secrets[1]}` },
    });
    expect(scrape.statusCode).toBe(200);
    const text = await scrape.body.text();

    expect(sample(text, 'ccb_requests_total')).toBe(9);
    expect(sample(text, 'ccb_requests_total', { provider: 'a', status: '200', outcome: 'ok' })).toBe(5);
    expect(sample(text, 'ccb_requests_total', { provider: 'b', status: '200', outcome: 'failed_over' })).toBe(
      2,
    );
    expect(sample(text, 'ccb_requests_total', { status: '400', outcome: 'error' })).toBe(1);
    expect(sample(text, 'ccb_requests_total', { status: '503', outcome: 'error' })).toBe(1);
    expect(sample(text, 'ccb_attempts_total', { provider: 'a', result: 'success' })).toBe(5);
    expect(sample(text, 'ccb_attempts_total', { provider: 'a', result: 'failure' })).toBe(3);
    expect(sample(text, 'ccb_attempts_total', { provider: 'a', result: 'client_error' })).toBe(1);
    expect(sample(text, 'ccb_attempts_total', { provider: 'b', result: 'success' })).toBe(2);
    expect(sample(text, 'ccb_attempts_total', { provider: 'b', result: 'failure' })).toBe(1);
    expect(sample(text, 'ccb_failovers_total', { provider: 'a', reason: 'status' })).toBe(3);
    expect(sample(text, 'ccb_request_duration_seconds_count')).toBe(9);
    expect(sample(text, 'ccb_overhead_seconds_count')).toBe(9);
    expect(sample(text, 'ccb_in_flight_attempts')).toBe(0);
    // Output tokens: every successful reply of the mock carries streamEvents (3) output tokens.
    expect(sample(text, 'ccb_tokens_total', { kind: 'output' })).toBe(7 * 3);
    expect(sample(text, 'ccb_tokens_total', { provider: 'a', kind: 'input' })).toBeGreaterThan(0);
    expect(text).toContain('process_resident_memory_bytes');

    // The logs tell the same story, request by request.
    const lines = await Promise.all(ids.map((id) => ccb.requestLine(id)));
    expect(lines.map((line) => [line.provider ?? null, line.status, line.outcome])).toEqual([
      ['a', 200, 'ok'],
      ['a', 200, 'ok'],
      ['a', 200, 'ok'],
      ['a', 200, 'ok'],
      ['a', 200, 'ok'],
      ['b', 200, 'failed_over'],
      ['b', 200, 'failed_over'],
      ['a', 400, 'error'],
      [null, 503, 'error'],
    ]);
    for (const line of lines) expect(String(line.request_id)).toMatch(/^ccb_/);

    const everything = JSON.stringify(ccb.lines) + text;
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
});

describe('configured secrets too short to redact', () => {
  let upstream: MockUpstream;
  let served: Awaited<ReturnType<typeof serveProviders>>;

  beforeAll(async () => {
    upstream = await createMockUpstream({ name: 'a', apiKey: secrets[2] });
    // "ing" would have turned every "listening" into "listen[redacted]".
    served = await serveProviders(
      [{ name: 'a', url: upstream.url, key: secrets[2] as string }],
      'auth: { api_keys: [ing] }',
    );
  });
  afterAll(async () => {
    await served.dispose();
    await upstream.close();
  });

  it('warns once at startup, naming the field and never the value, and leaves ordinary words intact', () => {
    const messages = served.ccb.lines.map((line) => ({ level: line.level, msg: String(line.msg) }));
    expect(messages.filter((line) => line.msg.includes('too short'))).toEqual([
      { level: 'warn', msg: 'auth.api_keys[0] is 3 characters: too short to be redacted from logs' },
    ]);
    expect(messages.some((line) => line.msg.startsWith('ccb listening on http://'))).toBe(true);
  });
});

describe("V8's heap growth in ccb serve", () => {
  /** The debug lines a serving ccb logs about heap growth before it listens, started with `nodeArgs`. */
  async function heapGrowthLines(nodeArgs: readonly string[]): Promise<unknown[]> {
    const dir = await tempDir();
    try {
      const config = await dir.write(
        'ccb.yaml',
        'providers:\n  - name: a\n    base_url: http://127.0.0.1:9\n    api_key: sk-test-heap-growth-0123\n',
      );
      const ccb = await startCcb(['serve', '--config', config, '--port', '0', '--log-level', 'debug'], {
        nodeArgs,
      });
      await ccb.stop();
      return ccb.lines
        .filter((line) => 'heap_growing_percent' in line)
        .map((line) => line.heap_growing_percent);
    } finally {
      await dir.dispose();
    }
  }

  it("is ccb's 200 % by default and node's own when node is started with the flag", async () => {
    expect(await heapGrowthLines([])).toEqual([200]);
    expect(await heapGrowthLines(['--heap-growing-percent=50'])).toEqual(['node']);
  });
});
