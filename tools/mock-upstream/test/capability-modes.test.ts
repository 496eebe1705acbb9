import { createBedrockAdapter } from '@ccb/bedrock';
import { afterEach, describe, expect, it } from 'vitest';
import { createMockUpstream, type MockUpstream } from '../src/index.js';

const keys = { accessKeyId: 'AKIDMOCK', secretAccessKey: 'secret' };
const messages = '{"model":"claude-haiku-4-5","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}';

describe('capability modes of the mock', () => {
  let mock: MockUpstream | undefined;
  afterEach(async () => {
    await mock?.close();
    mock = undefined;
  });

  async function invokeWithBetas(target: MockUpstream, anthropicBeta: string) {
    const adapter = createBedrockAdapter({ region: 'us-west-2', baseUrl: target.url, credentials: keys });
    const attempt = await adapter.prepare({
      method: 'POST',
      path: '/v1/messages',
      body: Buffer.from(messages),
      model: 'claude-haiku-4-5',
      stream: false,
      anthropicBeta,
    });
    const response = await fetch(`${target.url}${attempt.path}`, {
      method: 'POST',
      headers: Object.fromEntries(attempt.headers),
      body: attempt.body,
    });
    return {
      status: response.status,
      errorType: response.headers.get('x-amzn-errortype'),
      text: await response.text(),
    };
  }

  it('answers a Bedrock beta outside its allow-list as Bedrock does', async () => {
    mock = await createMockUpstream({
      name: 'br',
      bedrock: { region: 'us-west-2', ...keys, acceptedBetas: ['interleaved-thinking-2025-05-14'] },
    });
    const refused = await invokeWithBetas(mock, 'interleaved-thinking-2025-05-14,claude-code-20250219');
    expect(refused.status).toBe(400);
    expect(String(refused.errorType)).toMatch(/^ValidationException:/);
    expect(JSON.parse(refused.text)).toEqual({ message: 'invalid beta flag' });
    const accepted = await invokeWithBetas(mock, 'interleaved-thinking-2025-05-14');
    expect(accepted.status).toBe(200);
  });

  it('answers count_tokens with a 404 not in Anthropic’s shape in third-party mode', async () => {
    mock = await createMockUpstream({ name: 'glm', apiKey: 'k', thirdParty: true });
    const response = await fetch(`${mock.url}/v1/messages/count_tokens`, {
      method: 'POST',
      headers: { 'x-api-key': 'k', 'content-type': 'application/json' },
      body: messages,
    });
    expect(response.status).toBe(404);
    expect(JSON.parse(await response.text())).not.toHaveProperty('type', 'error');
    const reply = await fetch(`${mock.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'k', 'content-type': 'application/json' },
      body: messages,
    });
    expect(reply.status).toBe(200);
    await reply.text();
  });
});
