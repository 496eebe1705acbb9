import Anthropic from '@anthropic-ai/sdk';
import { bedrockErrorFault, createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCcb, startCcb, tempDir } from './run-cli.js';

const aws = { region: 'us-east-1', accessKeyId: 'AKIDMOCKEXAMPLE', secretAccessKey: 'mock/secret+key' };
const ask = {
  model: 'claude-sonnet-4-5',
  max_tokens: 64,
  messages: [{ role: 'user' as const, content: 'hi' }],
};
/** The mocks' message ids carry their port: the only bytes in which two mocks' identical replies differ. */
const sameIds = (text: string) => text.replace(/msg_01mock\d+x[0-9a-z]+/g, 'msg_X');

/** Posts a Messages request to ccb and reads the whole answer as bytes. */
async function post(
  url: string,
  body: object,
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  const response = await request(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': 'client' },
    body: JSON.stringify(body),
  });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

describe('a kind: bedrock provider, end to end with the official SDK', () => {
  let bedrock: MockUpstream;
  let anthropic: MockUpstream;
  let reference: MockUpstream;
  let ccb: RunningCcb;
  let onlyBedrock: RunningCcb;
  let directory: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    // Same name, so the same reply text: the Bedrock mock and the Anthropic reference answer alike.
    bedrock = await createMockUpstream({ name: 'claude', bedrock: aws });
    reference = await createMockUpstream({ name: 'claude', apiKey: 'key-reference' });
    anthropic = await createMockUpstream({ name: 'anthropic', apiKey: 'key-anthropic' });
    directory = await tempDir();
    const bedrockProvider = [
      '  - name: bedrock-east',
      '    kind: bedrock',
      `    region: ${aws.region}`,
      `    base_url: ${bedrock.url}`,
      `    aws: { access_key_id: ${aws.accessKeyId}, secret_access_key: "${aws.secretAccessKey}" }`,
      '    priority: 1',
    ];
    const withFallback = await directory.write(
      'ccb.yaml',
      [
        'health: { failure_threshold: 1, cooldown: 1m }',
        'providers:',
        ...bedrockProvider,
        '  - name: anthropic',
        `    base_url: ${anthropic.url}`,
        '    api_key: key-anthropic',
        '    priority: 2',
      ].join('\n'),
    );
    const alone = await directory.write(
      'alone.yaml',
      [
        'providers:',
        ...bedrockProvider,
        '  - name: reference',
        `    base_url: ${reference.url}`,
        '    api_key: key-reference',
        '    enabled: false',
      ].join('\n'),
    );
    ccb = await startCcb(['serve', '--config', withFallback, '--port', '0']);
    onlyBedrock = await startCcb(['serve', '--config', alone, '--port', '0']);
  });
  afterAll(async () => {
    await ccb?.stop();
    await onlyBedrock?.stop();
    await directory?.dispose();
    await Promise.all([bedrock?.close(), anthropic?.close(), reference?.close()]);
  });
  afterEach(() => {
    bedrock.reset();
    anthropic.reset();
    reference.reset();
  });

  it('answers a message as the Anthropic API would, through InvokeModel with a SigV4-signed, Bedrock-shaped body', async () => {
    const client = new Anthropic({ baseURL: onlyBedrock.url, apiKey: 'client', maxRetries: 0 });
    const viaBedrock = await client.messages.create(ask, {
      headers: { 'anthropic-beta': 'context-1m-2025-08-07' },
    });
    const direct = new Anthropic({ baseURL: reference.url, apiKey: 'key-reference', maxRetries: 0 });
    const expected = await direct.messages.create(ask);
    expect({ ...viaBedrock, id: '', _request_id: '' }).toEqual({ ...expected, id: '', _request_id: '' });
    // Bedrock's x-amzn-requestid is the answer's request-id, as the SDK reads it.
    expect(viaBedrock._request_id).toMatch(/^req_01mock/);
    expect(viaBedrock._request_id).not.toBe(expected._request_id);
    const sent = bedrock.requests[0];
    expect(sent?.path).toBe('/model/anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke');
    expect(sent?.json).toEqual({
      anthropic_version: 'bedrock-2023-05-31',
      anthropic_beta: ['context-1m-2025-08-07'],
      max_tokens: 64,
      messages: ask.messages,
    });
    expect(sent?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDMOCKEXAMPLE\/\d{8}\/us-east-1\/bedrock\//,
    );
  });

  it('streams the event-stream answer as SSE byte-identical to what the Anthropic API sends', async () => {
    const streamed = { ...ask, stream: true };
    const viaBedrock = await post(onlyBedrock.url, streamed);
    expect(viaBedrock.status).toBe(200);
    expect(viaBedrock.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(bedrock.requests[0]?.path).toBe(
      '/model/anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke-with-response-stream',
    );
    const direct = await request(`${reference.url}/v1/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'anthropic-version': '2023-06-01',
        'x-api-key': 'key-reference',
      },
      body: JSON.stringify(streamed),
    });
    const expected = await direct.body.text();
    expect(expected).toContain('event: message_stop');
    expect(sameIds(viaBedrock.text)).toBe(sameIds(expected));

    const client = new Anthropic({ baseURL: onlyBedrock.url, apiKey: 'client', maxRetries: 0 });
    const final = await client.messages.stream(ask).finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: 'Hello from claude!' }]);
  });

  it('sends a Bedrock API key as Bearer instead of signing', async () => {
    const keyed = await createMockUpstream({ name: 'keyed', bedrock: { ...aws, apiKey: 'br-api-key' } });
    try {
      const config = await directory.write(
        'keyed.yaml',
        `providers:\n  - name: b\n    kind: bedrock\n    region: us-east-1\n    base_url: ${keyed.url}\n    api_key: br-api-key\n`,
      );
      const viaKey = await startCcb(['serve', '--config', config, '--port', '0']);
      try {
        const client = new Anthropic({ baseURL: viaKey.url, apiKey: 'client', maxRetries: 0 });
        const answer = await client.messages.create(ask);
        expect(answer.content).toEqual([{ type: 'text', text: 'Hello from keyed!' }]);
        expect(keyed.requests[0]?.headers.authorization).toBe('Bearer br-api-key');
      } finally {
        await viaKey.stop();
      }
    } finally {
      await keyed.close();
    }
  });

  it('passes a ValidationException to the client as its own 400', async () => {
    bedrock.inject(bedrockErrorFault('ValidationException', 'messages: roles must alternate'));
    const answer = await post(onlyBedrock.url, ask);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'messages: roles must alternate' },
    });
  });

  it('refuses a request signed with other keys as Bedrock does', async () => {
    const wrong = await createMockUpstream({
      name: 'wrong',
      bedrock: { ...aws, secretAccessKey: 'another' },
    });
    try {
      const config = await directory.write(
        'wrong.yaml',
        `providers:\n  - name: b\n    kind: bedrock\n    region: us-east-1\n    base_url: ${wrong.url}\n    aws: { access_key_id: ${aws.accessKeyId}, secret_access_key: "${aws.secretAccessKey}" }\n`,
      );
      const signedWrong = await startCcb(['serve', '--config', config, '--port', '0']);
      try {
        const answer = await post(signedWrong.url, ask);
        expect(JSON.parse(answer.text).error.type).toBe('authentication_error');
      } finally {
        await signedWrong.stop();
      }
    } finally {
      await wrong.close();
    }
  });

  it('fails over from a throttled Bedrock provider to Anthropic and cools Bedrock down', async () => {
    bedrock.inject(
      bedrockErrorFault('ThrottlingException', 'Too many requests, please wait before trying again.'),
    );
    const client = new Anthropic({ baseURL: ccb.url, apiKey: 'client', maxRetries: 0 });
    const answer = await client.messages.create(ask);
    expect(answer.content).toEqual([{ type: 'text', text: 'Hello from anthropic!' }]);
    expect(bedrock.requestCount).toBe(1);
    const readiness = await request(`${ccb.url}/readyz`);
    const body = (await readiness.body.json()) as {
      providers: { name: string; state: string; usable: boolean }[];
    };
    expect(body.providers.find((provider) => provider.name === 'bedrock-east')).toMatchObject({
      usable: false,
    });
    // Cooling down, Bedrock is skipped: the next request goes straight to Anthropic.
    await client.messages.create(ask);
    expect(bedrock.requestCount).toBe(1);
    expect(anthropic.requestCount).toBe(2);
  });

  it('fails over from a Bedrock stream that throws an exception before any content, as from an SSE error', async () => {
    // A ccb of its own: the shared one's Bedrock provider may be cooling down after the throttling test.
    const config = await directory.write(
      'stream-failover.yaml',
      [
        'providers:',
        '  - name: bedrock-east',
        '    kind: bedrock',
        `    region: ${aws.region}`,
        `    base_url: ${bedrock.url}`,
        `    aws: { access_key_id: ${aws.accessKeyId}, secret_access_key: "${aws.secretAccessKey}" }`,
        '    priority: 1',
        '  - name: anthropic',
        `    base_url: ${anthropic.url}`,
        '    api_key: key-anthropic',
        '    priority: 2',
      ].join('\n'),
    );
    const both = await startCcb(['serve', '--config', config, '--port', '0']);
    try {
      bedrock.inject({
        kind: 'sse-error',
        afterEvents: 1,
        errorType: 'rate_limit_error',
        message: 'throttled',
      });
      const client = new Anthropic({ baseURL: both.url, apiKey: 'client', maxRetries: 0 });
      const final = await client.messages.stream(ask).finalMessage();
      expect(final.content).toEqual([{ type: 'text', text: 'Hello from anthropic!' }]);
      expect(bedrock.requestCount).toBe(1);
    } finally {
      await both.stop();
    }
  });
});
