import Anthropic from '@anthropic-ai/sdk';
import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { afterEach, describe, expect, it } from 'vitest';
import { askAsNewSession, serveProviders } from './run-cli.js';

const providerKey = 'provider-key-echoed-back-0123456789';
const ask = {
  model: 'claude-sonnet-4-6',
  max_tokens: 16,
  messages: [{ role: 'user' as const, content: 'hi' }],
};

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A provider answering the next request with an error that echoes the key it was sent, in its body and a header. */
function echoKey(upstream: MockUpstream, status: number, type: string): void {
  upstream.inject({
    kind: 'status',
    status,
    headers: { 'x-seen-credential': `x-api-key: ${providerKey}` },
    body: JSON.stringify({ type: 'error', error: { type, message: `rejected x-api-key ${providerKey}` } }),
  });
}

describe('upstream errors relayed by ccb serve', () => {
  it("never show the provider's configured key to the client, in a 401 or a 400", async () => {
    const echo = await createMockUpstream({ name: 'echo', apiKey: providerKey });
    cleanups.push(() => echo.close());
    const served = await serveProviders([{ name: 'echo', url: echo.url, key: providerKey }]);
    cleanups.push(() => served.dispose());
    const client = new Anthropic({ baseURL: served.ccb.url, apiKey: 'x', maxRetries: 0 });

    for (const [status, type] of [
      [401, 'authentication_error'],
      [400, 'invalid_request_error'],
    ] as const) {
      echoKey(echo, status, type);
      const error = (await client.messages.create(askAsNewSession(ask)).catch((caught: unknown) => caught)) as
        | InstanceType<typeof Anthropic.APIError>
        | undefined;
      expect(error).toBeInstanceOf(Anthropic.APIError);
      expect(error?.status).toBe(status);
      expect(error?.error).toMatchObject({ error: { type, message: 'rejected x-api-key [redacted]' } });
      expect(error?.headers?.get('x-seen-credential')).toBe('x-api-key: [redacted]');
      expect(JSON.stringify(error?.error)).not.toContain(providerKey);
    }
  });
});
