import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { jsonOf, messagesBody, parseSse, postJson, readBody, startMock } from './helpers.js';

function withoutIds(text: string): string {
  return text.replace(/msg_\w+/g, 'msg_ID');
}

describe('lean mode', () => {
  it('sends the same bytes as the full mode, ids aside, streamed and not', async () => {
    const lean = await startMock({ name: 'same', lean: true, streamEvents: 5 });
    const full = await startMock({ name: 'same', streamEvents: 5 });
    for (const body of [
      messagesBody(),
      messagesBody({ stream: true }),
      messagesBody({ model: 'claude-opus-5-5', stream: true }),
    ]) {
      const leanText = await (await postJson(`${lean.url}/v1/messages`, body)).text();
      const fullText = await (await postJson(`${full.url}/v1/messages`, body)).text();
      expect(withoutIds(leanText)).toBe(withoutIds(fullText));
    }
  });

  it('is parsed by the SDK, echoing the model and counting input tokens from the body size', async () => {
    const mock = await startMock({ lean: true, name: 'bench' });
    const client = new Anthropic({ baseURL: mock.url, apiKey: 'sk-test', maxRetries: 0 });
    const params = {
      model: 'claude-haiku-5-5',
      max_tokens: 10,
      messages: [{ role: 'user' as const, content: 'hi' }],
    };
    const message = await client.messages.create(params);
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from bench!' }]);
    expect(message.model).toBe('claude-haiku-5-5');
    const streamed = await client.messages.stream(params).finalMessage();
    expect(streamed.content).toEqual(message.content);
    expect(streamed.usage.input_tokens).toBeGreaterThan(message.usage.input_tokens);
    expect(streamed.usage.output_tokens).toBe(3);
  });

  it('records nothing but still counts requests for waitForRequests', async () => {
    const mock = await startMock({ lean: true });
    await postJson(`${mock.url}/v1/messages`, messagesBody());
    await postJson(`${mock.url}/v1/messages/count_tokens`, messagesBody());
    await mock.waitForRequests(2);
    expect(mock.requests).toHaveLength(0);
    expect(mock.requestCount).toBe(2);
  });

  it('still applies stream faults and the event interval', async () => {
    const mock = await startMock({ lean: true, streamIntervalInMs: 1 });
    mock.inject({ kind: 'drop-after', events: 2 });
    const { text, error } = await readBody(
      await postJson(`${mock.url}/v1/messages`, messagesBody({ stream: true })),
    );
    expect(error).toBeDefined();
    expect(parseSse(text).map((event) => event.event)).toEqual(['message_start', 'content_block_start']);
    const complete = await readBody(
      await postJson(`${mock.url}/v1/messages`, messagesBody({ stream: true })),
    );
    expect(parseSse(complete.text).at(-1)?.event).toBe('message_stop');
  });

  it('falls back to full validation when the body has no readable model', async () => {
    const mock = await startMock({ lean: true });
    const body = messagesBody();
    delete body.model;
    const response = await postJson(`${mock.url}/v1/messages`, body);
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).error.message).toBe('model: Field required');
  });
});
