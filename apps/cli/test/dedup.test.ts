import Anthropic from '@anthropic-ai/sdk';
import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatedUpstream, type GatedUpstream } from './gated-upstream.js';
import { type RunningCcb, startCcb, tempDir } from './run-cli.js';

const keyA = 'ccb-client-a-0123456789abcdef';
const keyB = 'ccb-client-b-0123456789abcdef';
const ask = {
  model: 'claude-sonnet-4-6',
  max_tokens: 64,
  messages: [{ role: 'user' as const, content: 'hi' }],
};

/** `ccb_dedup_requests_total{kind="joined"}` as /metrics says it now. */
async function joinedCount(url: string): Promise<number> {
  const text = await request(`${url}/metrics`).then((response) => response.body.text());
  return Number(/ccb_dedup_requests_total\{kind="joined"\} (\d+)/.exec(text)?.[1] ?? Number.NaN);
}

/** Sends one request; resolves once its answer's head arrived, with a way to read the rest as bytes. */
async function open(url: string, key: string, path: string, body: unknown) {
  const answer = await request(`${url}${path}`, {
    method: 'POST',
    headers: { 'x-api-key': key, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(body),
  });
  return {
    status: answer.statusCode,
    dedup: answer.headers['x-ccb-dedup'],
    requestId: answer.headers['x-request-id'],
    bytes: async () => Buffer.from(await answer.body.arrayBuffer()),
  };
}

/** Sends one request and reads its whole answer. */
async function raw(url: string, key: string, path: string, body: unknown) {
  const answer = await open(url, key, path, body);
  return { ...answer, bytes: await answer.bytes() };
}

describe('deduplication, end to end', () => {
  let mock: MockUpstream;
  let gated: GatedUpstream;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let ccb: RunningCcb;

  beforeAll(async () => {
    mock = await createMockUpstream({ name: 'mock', apiKey: 'key-mock-0123456789' });
    gated = await createGatedUpstream('gated', 'key-gated-0123456789');
    dir = await tempDir();
    const file = await dir.write(
      'ccb.yaml',
      [
        `auth: { api_keys: [${keyA}, ${keyB}] }`,
        'dedup: { messages: in_flight }',
        'routing:',
        '  rules:',
        '    - { name: counting, match: { model: claude-haiku-* }, providers: [mock] }',
        'providers:',
        `  - { name: gated, base_url: "${gated.url}", api_key: key-gated-0123456789, models: [claude-sonnet-*] }`,
        `  - { name: mock, base_url: "${mock.url}", api_key: key-mock-0123456789, models: [claude-haiku-*] }`,
        '',
      ].join('\n'),
    );
    ccb = await startCcb(['serve', '--config', file, '--port', '0']);
  });
  afterAll(async () => {
    await ccb?.stop();
    await mock?.close();
    await gated?.close();
    await dir?.dispose();
  });

  it('answers 20 identical count_tokens calls with one upstream call, and reuses the answer after', async () => {
    const count = { model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'count me' }] };
    const before = mock.requestCount;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => raw(ccb.url, keyA, '/v1/messages/count_tokens', count)),
    );
    expect(mock.requestCount - before).toBe(1);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.bytes.equals(answers[0]?.bytes as Buffer)).toBe(true);
    }
    expect(answers.filter((answer) => answer.dedup === undefined)).toHaveLength(1);
    const later = await raw(ccb.url, keyA, '/v1/messages/count_tokens', count);
    expect(later.dedup).toBe('cached');
    expect(mock.requestCount - before).toBe(1);
    // Another client key never gets this one's answer.
    const other = await raw(ccb.url, keyB, '/v1/messages/count_tokens', count);
    expect(other.dedup).toBeUndefined();
    expect(mock.requestCount - before).toBe(2);
    const client = new Anthropic({ baseURL: ccb.url, apiKey: keyA, maxRetries: 0 });
    expect((await client.messages.countTokens(count as never)).input_tokens).toBeGreaterThan(0);
  });

  it('streams one upstream call to 20 identical requests byte for byte, and counts them', async () => {
    const before = gated.requests;
    const joinedBefore = await joinedCount(ccb.url);
    const streaming = { ...ask, stream: true };
    // Every head arrives while the upstream holds the stream: all 20 are attached to a call before it can end.
    const heads = await Promise.all(
      Array.from({ length: 20 }, () => open(ccb.url, keyA, '/v1/messages', streaming)),
    );
    // A different key never joins: it has a call of its own.
    const foreign = open(ccb.url, keyB, '/v1/messages', streaming);
    await gated.heldAtLeast(2);
    gated.release();
    const answers = await Promise.all(heads.map(async (head) => ({ ...head, bytes: await head.bytes() })));
    expect(gated.requests - before).toBe(2);
    const leader = answers.find((answer) => answer.dedup === undefined);
    expect(leader).toBeDefined();
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.bytes.toString()).toBe(leader?.bytes.toString());
    }
    expect(answers.filter((answer) => answer.dedup === 'joined')).toHaveLength(19);
    expect(new Set(answers.map((answer) => answer.requestId)).size).toBe(20);
    const foreignAnswer = await foreign;
    expect(foreignAnswer.dedup).toBeUndefined();
    await foreignAnswer.bytes();

    // Every request is recorded, joiners included, once its line is out: then the counters hold them all.
    const lines = await Promise.all(answers.map((answer) => ccb.requestLine(String(answer.requestId))));
    expect(lines.filter((line) => line.dedup === 'joined')).toHaveLength(19);
    for (const line of lines.filter((entry) => entry.dedup === 'joined')) {
      expect(line.cost_usd ?? 0).toBe(0);
      expect(line.attempts).toEqual([]);
    }
    const joinedAfter = await joinedCount(ccb.url);
    expect(joinedAfter - joinedBefore).toBe(19);
  });
});
