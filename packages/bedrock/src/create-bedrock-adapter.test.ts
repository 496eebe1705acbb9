import { describe, expect, it } from 'vitest';
import { bedrockModelId } from './bedrock-model-ids.js';
import { bedrockRequestBody } from './bedrock-request-body.js';
import { BedrockStreamTranslator, bedrockErrorAnswer } from './bedrock-response.js';
import { createBedrockAdapter } from './create-bedrock-adapter.js';
import { encodeBedrockChunk } from './encode-event-stream.js';
import { verifyBedrockSignature } from './verify-bedrock-signature.js';

const keys = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const body =
  '{"model":"claude-sonnet-4-5","max_tokens":64, "stream":true,"messages":[{"role":"user","content":"héllo"}]}';

describe('bedrockRequestBody', () => {
  it('drops model and stream, puts the version and the client’s betas first, and keeps every other byte', () => {
    const out = bedrockRequestBody(
      Buffer.from(body),
      'context-1m-2025-08-07, interleaved-thinking-2025-05-14',
    );
    expect(out.toString()).toBe(
      '{"anthropic_version":"bedrock-2023-05-31","anthropic_beta":["context-1m-2025-08-07","interleaved-thinking-2025-05-14"],"max_tokens":64,"messages":[{"role":"user","content":"héllo"}]}',
    );
  });

  it('keeps a body’s own anthropic_version and anthropic_beta', () => {
    const own = '{"anthropic_version":"x","anthropic_beta":["a"],"model":"m","max_tokens":1}';
    expect(bedrockRequestBody(Buffer.from(own), 'b').toString()).toBe(
      '{"anthropic_version":"x","anthropic_beta":["a"],"max_tokens":1}',
    );
  });

  it('refuses a body that is not a JSON object', () => {
    expect(() => bedrockRequestBody(Buffer.from('[1]'), undefined)).toThrow(/not a JSON object/);
  });
});

describe('bedrockModelId', () => {
  it('maps Anthropic ids to Bedrock ids and passes others through', () => {
    expect(bedrockModelId('claude-sonnet-4-5')).toBe('anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(bedrockModelId('claude-haiku-4-5-20251001')).toBe('anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(bedrockModelId('us.anthropic.claude-opus-4-1-20250805-v1:0')).toBe(
      'us.anthropic.claude-opus-4-1-20250805-v1:0',
    );
  });
});

describe('createBedrockAdapter', () => {
  const request = {
    method: 'POST',
    path: '/v1/messages?beta=true',
    body: Buffer.from(body),
    model: 'claude-sonnet-4-5',
    stream: true,
    anthropicBeta: undefined,
  };

  it('sends a stream to invoke-with-response-stream, signed so that the same keys verify it', async () => {
    const adapter = createBedrockAdapter({
      region: 'us-east-1',
      baseUrl: 'http://127.0.0.1:8080/prefix',
      credentials: { ...keys, sessionToken: 'SESSION' },
      now: () => Date.parse('2026-12-06T08:00:00Z'),
    });
    const attempt = await adapter.prepare(request);
    expect(attempt.path).toBe(
      '/prefix/model/anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke-with-response-stream',
    );
    const headers = Object.fromEntries(attempt.headers);
    expect(headers['x-amz-date']).toBe('20261206T080000Z');
    expect(headers['x-amz-security-token']).toBe('SESSION');
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261206\/us-east-1\/bedrock\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
    const check = {
      region: 'us-east-1',
      ...keys,
      method: 'POST',
      path: attempt.path,
      headers: { ...headers, host: '127.0.0.1:8080' },
      body: attempt.body,
    };
    expect(await verifyBedrockSignature(check)).toBe(true);
    expect(await verifyBedrockSignature({ ...check, body: Buffer.from(`${attempt.body} `) })).toBe(false);
    expect(await verifyBedrockSignature({ ...check, secretAccessKey: 'other' })).toBe(false);
    expect(await verifyBedrockSignature({ ...check, path: attempt.path.replace('sonnet', 'opus') })).toBe(
      false,
    );
  });

  it('sends a Bedrock API key as Bearer, and a non-streaming request to invoke with the model_map’s id', async () => {
    const adapter = createBedrockAdapter({
      region: 'eu-west-1',
      credentials: { apiKey: 'br-key' },
      modelMap: { 'claude-sonnet-4-5': 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0' },
    });
    const attempt = await adapter.prepare({ ...request, stream: false });
    expect(attempt.path).toBe('/model/eu.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke');
    expect(attempt.headers).toEqual([['authorization', 'Bearer br-key']]);
    expect(attempt.response.contentType).toBe('application/json');
  });

  it('refuses an endpoint Bedrock does not have', () => {
    const adapter = createBedrockAdapter({ region: 'us-east-1', credentials: { apiKey: 'k' } });
    expect(() => adapter.prepare({ ...request, method: 'GET', path: '/v1/models', body: null })).toThrow(
      /POST \/v1\/messages and \/v1\/messages\/count_tokens only, not GET \/v1\/models/,
    );
  });
});

describe('Bedrock answers', () => {
  it('translates event-stream frames split anywhere into Anthropic SSE', () => {
    const frames = Buffer.concat([
      encodeBedrockChunk('{"type":"message_start","message":{"id":"m"}}'),
      encodeBedrockChunk('{"type":"ping"}'),
    ]);
    const translator = new BedrockStreamTranslator();
    const out = [translator.transform(frames.subarray(0, 7)), translator.transform(frames.subarray(7))];
    expect(Buffer.concat(out.filter((part) => part !== undefined)).toString()).toBe(
      'event: message_start\ndata: {"type":"message_start","message":{"id":"m"}}\n\nevent: ping\ndata: {"type":"ping"}\n\n',
    );
    expect(translator.flush()).toBeUndefined();
  });

  it('fails a stream cut in the middle of a frame', () => {
    const translator = new BedrockStreamTranslator();
    translator.transform(encodeBedrockChunk('{"type":"ping"}').subarray(0, 20));
    expect(() => translator.flush()).toThrow();
  });

  it('maps Bedrock errors to Anthropic’s status and shape', () => {
    const throttled = bedrockErrorAnswer(
      429,
      { 'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/' },
      Buffer.from('{"message":"Too many requests, please wait before trying again."}'),
    );
    expect(throttled.status).toBe(429);
    expect(JSON.parse(throttled.body.toString())).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'Too many requests, please wait before trying again.' },
    });
    const unavailable = bedrockErrorAnswer(
      503,
      { 'x-amzn-errortype': 'ServiceUnavailableException' },
      Buffer.alloc(0),
    );
    expect(unavailable.status).toBe(529);
    expect(JSON.parse(unavailable.body.toString()).error).toEqual({
      type: 'overloaded_error',
      message: 'ServiceUnavailableException',
    });
    expect(bedrockErrorAnswer(502, {}, Buffer.from('<html>')).status).toBe(502);
  });
});
