import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { capabilitiesOfKind } from '@ccb/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messageBody, post, type StartedProxy, startProxy, target } from './harness.js';

describe("a third party's error answers", () => {
  let mock: MockUpstream;
  let proxy: StartedProxy;

  beforeEach(async () => {
    mock = await createMockUpstream({ name: 'glm', apiKey: 'key-glm', thirdParty: true });
    const glm = {
      ...target('glm', mock.url),
      capabilities: capabilitiesOfKind('anthropic-compatible', 'glm'),
    };
    proxy = await startProxy([glm]);
  });
  afterEach(async () => {
    await proxy.close();
    await mock.close();
  });

  it('reach the client in Anthropic’s shape, with the upstream’s status and message', async () => {
    const response = await post(proxy.url, '/v1/messages/count_tokens', messageBody());
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(response.text)).toEqual({
      type: 'error',
      error: { type: 'not_found_error', message: 'Not Found' },
    });
  });

  it('are normalised when every provider failed too', async () => {
    mock.inject({
      kind: 'status',
      status: 429,
      headers: { 'content-type': 'application/json' },
      body: '{"error":{"code":"1302","message":"High concurrency usage of this API"}}',
    });
    const response = await post(proxy.url, '/v1/messages', messageBody());
    expect(response.status).toBe(429);
    expect(JSON.parse(response.text)).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'High concurrency usage of this API' },
    });
  });

  it('never leak a configured secret, even one that straddles where a long message is cut', async () => {
    const secret = 'sk-glm-0123456789abcdef0123456789abcdef';
    const glm = {
      ...target('glm', mock.url),
      capabilities: capabilitiesOfKind('anthropic-compatible', 'glm'),
    };
    const guarded = await startProxy([glm], { redactValues: [secret] });
    try {
      // The message is cut at 500 characters: the key starts at 480, so a cut before scrubbing keeps 20 of its.
      const message = `${'x'.repeat(480)}${secret} was refused`;
      for (const status of [400, 429]) {
        mock.inject({
          kind: 'status',
          status,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ error: { code: '1', message } }),
        });
        const response = await post(guarded.url, '/v1/messages', messageBody());
        expect(response.status).toBe(status);
        expect(JSON.parse(response.text).error.message).toMatch(/^x{480}/);
        expect(response.text).not.toContain(secret.slice(0, 12));
      }
    } finally {
      await guarded.close();
    }
  });

  it('pass through untouched when already in Anthropic’s shape', async () => {
    mock.inject({ kind: 'status', status: 400, message: 'messages: Field required' });
    const response = await post(proxy.url, '/v1/messages', messageBody());
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text).error).toEqual({
      type: 'invalid_request_error',
      message: 'messages: Field required',
    });
  });
});
