import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messageBody, post, type StartedProxy, startProxy, target } from './harness.js';

describe("a provider's required anthropic-beta values", () => {
  let mock: MockUpstream;
  let proxy: StartedProxy;

  beforeEach(async () => {
    mock = await createMockUpstream({ name: 'm1', apiKey: 'key-m1' });
    proxy = await startProxy([{ ...target('m1', mock.url), requiredBetas: ['oauth-2025-04-20'] }]);
  });
  afterEach(async () => {
    await proxy.close();
    await mock.close();
  });

  it("are appended to the client's list, which keeps its values and order, and the body is untouched", async () => {
    const body = messageBody();
    const response = await post(proxy.url, '/v1/messages', body, {
      'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14',
    });
    expect(response.status).toBe(200);
    const received = mock.requests[0];
    expect(received?.headers['anthropic-beta']).toBe(
      'claude-code-20250219,interleaved-thinking-2025-05-14,oauth-2025-04-20',
    );
    expect(received?.body.toString()).toBe(body);
  });

  it('are sent alone when the client sent no anthropic-beta', async () => {
    await post(proxy.url, '/v1/messages', messageBody());
    expect(mock.requests[0]?.headers['anthropic-beta']).toBe('oauth-2025-04-20');
  });

  it('are not repeated when the client already asked for them', async () => {
    await post(proxy.url, '/v1/messages', messageBody(), { 'anthropic-beta': 'oauth-2025-04-20' });
    expect(mock.requests[0]?.headers['anthropic-beta']).toBe('oauth-2025-04-20');
  });

  it('leave the header alone for a provider without any', async () => {
    const plain = await startProxy([target('m1', mock.url)]);
    try {
      await post(plain.url, '/v1/messages', messageBody());
      expect(mock.requests[0]?.headers['anthropic-beta']).toBeUndefined();
    } finally {
      await plain.close();
    }
  });
});
