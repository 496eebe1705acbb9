import { request } from 'node:http';
import { createBedrockAdapter, EventStreamDecoder } from '@ccb/bedrock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bedrockErrorFault, createMockUpstream, type MockUpstream } from '../src/index.js';

const keys = { accessKeyId: 'AKIDMOCK', secretAccessKey: 'secret' };
const messages = '{"model":"claude-haiku-4-5","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}';

/** Sends a Messages body to the mock as ccb's Bedrock adapter would, signed with `secretAccessKey`. */
async function invoke(
  mock: MockUpstream,
  options: { stream?: boolean; secretAccessKey?: string; body?: string } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  const adapter = createBedrockAdapter({
    region: 'us-west-2',
    baseUrl: mock.url,
    credentials: { ...keys, secretAccessKey: options.secretAccessKey ?? keys.secretAccessKey },
  });
  const attempt = await adapter.prepare({
    method: 'POST',
    path: '/v1/messages',
    body: Buffer.from(options.body ?? messages),
    model: 'claude-haiku-4-5',
    stream: options.stream ?? false,
    anthropicBeta: undefined,
  });
  return new Promise((resolve, reject) => {
    const sent = request(`${mock.url}${attempt.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...Object.fromEntries(attempt.headers) },
    });
    sent.on('error', reject);
    sent.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
    });
    sent.end(attempt.body);
  });
}

describe('the Bedrock mode', () => {
  let mock: MockUpstream;
  beforeEach(async () => {
    mock = await createMockUpstream({ name: 'br', bedrock: { region: 'us-west-2', ...keys } });
  });
  afterEach(async () => {
    await mock.close();
  });

  it('answers InvokeModel with the Anthropic reply, named by the model the id stands for', async () => {
    const answer = await invoke(mock);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body.toString())).toMatchObject({
      type: 'message',
      model: 'claude-haiku-4-5',
      content: [{ type: 'text', text: 'Hello from br!' }],
      usage: { input_tokens: Math.ceil(messages.length / 4) },
    });
  });

  it('streams each event as a chunk message, message_stop with Bedrock’s metrics', async () => {
    const answer = await invoke(mock, { stream: true });
    expect(answer.headers['content-type']).toBe('application/vnd.amazon.eventstream');
    const events = new EventStreamDecoder()
      .push(answer.body)
      .map((message) =>
        JSON.parse(Buffer.from(JSON.parse(message.payload.toString()).bytes, 'base64').toString()),
      );
    expect(events[0].type).toBe('message_start');
    expect(events.at(-1)).toMatchObject({ type: 'message_stop', 'amazon-bedrock-invocationMetrics': {} });
  });

  it('refuses a request signed with other keys as Bedrock does', async () => {
    const unsigned = await invoke(mock, { secretAccessKey: 'wrong' });
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers['x-amzn-errortype']).toMatch(/^InvalidSignatureException:/);
    expect(JSON.parse(unsigned.body.toString()).message).toContain('signature');
  });

  it('answers an injected Bedrock error', async () => {
    mock.inject(bedrockErrorFault('ThrottlingException', 'slow down'));
    const throttled = await invoke(mock);
    expect(throttled.status).toBe(429);
    expect(throttled.headers['x-amzn-errortype']).toMatch(/^ThrottlingException:/);
    expect(JSON.parse(throttled.body.toString())).toEqual({ message: 'slow down' });
    expect((await invoke(mock)).status).toBe(200);
  });
});

describe('the Bedrock mode with paced streams', () => {
  it('spaces its frames streamIntervalInMs apart, as the Anthropic mode spaces its events', async () => {
    const intervalInMs = 15;
    const mock = await createMockUpstream({
      name: 'br',
      streamEvents: 3,
      streamIntervalInMs: intervalInMs,
      bedrock: { region: 'us-west-2', ...keys },
    });
    try {
      const startedAt = performance.now();
      const answer = await invoke(mock, { stream: true });
      const elapsedInMs = performance.now() - startedAt;
      const frames = new EventStreamDecoder().push(answer.body);
      // At least message_start, content_block_start, 3 deltas, content_block_stop, message_delta, message_stop.
      expect(frames.length).toBeGreaterThanOrEqual(8);
      expect(elapsedInMs).toBeGreaterThanOrEqual((frames.length - 1) * intervalInMs - 5);
    } finally {
      await mock.close();
    }
  });
});
