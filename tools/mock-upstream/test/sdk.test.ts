import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { recordedBodyLength, startMock } from './helpers.js';

const apiKey = 'sk-ant-test-key';

function clientFor(
  url: string,
  options: Partial<ConstructorParameters<typeof Anthropic>[0]> = {},
): Anthropic {
  return new Anthropic({ baseURL: url, apiKey, maxRetries: 0, ...options });
}

const weatherTool = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: {
    type: 'object' as const,
    properties: { city: { type: 'string' }, days: { type: 'integer' } },
    required: ['city', 'days'],
  },
};

describe('the official SDK against the mock', () => {
  it('creates a non-streaming message echoing the model, with deterministic text and usage', async () => {
    const mock = await startMock({ name: 'alpha', apiKey });
    const message = await clientFor(mock.url).messages.create({
      model: 'claude-opus-5-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'say hi' }],
    });
    expect(message.model).toBe('claude-opus-5-5');
    expect(message.role).toBe('assistant');
    expect(message.id).toMatch(/^msg_/);
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from alpha!' }]);
    expect(message.stop_reason).toBe('end_turn');
    const body = mock.requests[0]?.body as Buffer;
    expect(message.usage.input_tokens).toBe(Math.ceil(body.length / 4));
    expect(message.usage.cache_read_input_tokens).toBe(0);
    expect(message.usage.cache_creation_input_tokens).toBe(0);
    expect(message.usage.output_tokens).toBe(3);
  });

  it('streams a message whose final text and usage match the non-streaming reply', async () => {
    const mock = await startMock({ name: 'beta', apiKey, streamEvents: 4, replyText: 'one two three four' });
    const stream = clientFor(mock.url).messages.stream({
      model: 'claude-haiku-5-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'say hi' }],
    });
    const eventTypes: string[] = [];
    const deltas: string[] = [];
    stream.on('streamEvent', (event) => {
      eventTypes.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta')
        deltas.push(event.delta.text);
    });
    const message = await stream.finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'one two three four' }]);
    expect(message.model).toBe('claude-haiku-5-5');
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.output_tokens).toBe(4);
    expect(message.usage.input_tokens).toBe(Math.ceil(recordedBodyLength(mock) / 4));
    expect(deltas.join('')).toBe('one two three four');
    // The SDK drops `ping` events before user code sees them; the raw bytes test checks the ping.
    expect(eventTypes).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  it('round-trips a tool call: tool_use first, then text acknowledging the tool_result', async () => {
    const mock = await startMock({ name: 'tools', apiKey });
    const client = clientFor(mock.url);
    const firstTurn = { role: 'user' as const, content: 'please use tool get_weather' };
    const toolTurn = await client.messages
      .stream({
        model: 'claude-sonnet-4-6',
        max_tokens: 100,
        tools: [weatherTool],
        messages: [firstTurn],
      })
      .finalMessage();
    expect(toolTurn.stop_reason).toBe('tool_use');
    const toolUse = toolTurn.content[0];
    expect(toolUse?.type).toBe('tool_use');
    if (toolUse?.type !== 'tool_use') throw new Error('expected a tool_use block');
    expect(toolUse.name).toBe('get_weather');
    expect(toolUse.id).toMatch(/^toolu_/);
    expect(toolUse.input).toEqual({ city: 'mock city', days: 1 });

    const answer = await client.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 100,
      tools: [weatherTool],
      messages: [
        firstTurn,
        { role: 'assistant', content: toolTurn.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: 'sunny' }] },
      ],
    });
    expect(answer.stop_reason).toBe('end_turn');
    expect(answer.content).toEqual([
      { type: 'text', text: `tools received the result of tool call ${toolUse.id}.` },
    ]);
  });

  it('forces a tool call when tool_choice names a tool, even without "use tool" in the text', async () => {
    const mock = await startMock();
    const message = await clientFor(mock.url).messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 100,
      tools: [{ name: 'first', input_schema: { type: 'object' } }, weatherTool],
      tool_choice: { type: 'tool', name: 'get_weather' },
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content[0]).toMatchObject({ type: 'tool_use', name: 'get_weather' });
  });

  it('counts tokens from the request size', async () => {
    const mock = await startMock({ apiKey });
    const result = await clientFor(mock.url).messages.countTokens({
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: 'count me' }],
    });
    expect(result.input_tokens).toBe(Math.ceil(recordedBodyLength(mock) / 4));
    expect(mock.requests[0]?.path).toBe('/v1/messages/count_tokens');
  });

  it('lists the current models in the Anthropic list shape', async () => {
    const mock = await startMock({ apiKey });
    const ids: string[] = [];
    for await (const model of clientFor(mock.url).models.list()) ids.push(model.id);
    expect(ids).toEqual(['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5', 'claude-sonnet-4-6']);
  });

  it('rejects a wrong API key with an AuthenticationError', async () => {
    const mock = await startMock({ apiKey });
    const request = clientFor(mock.url, { apiKey: 'sk-wrong' }).messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
    });
    await expect(request).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    await expect(request).rejects.toMatchObject({
      status: 401,
      error: { error: { type: 'authentication_error' } },
    });
  });

  it('accepts the key as a Bearer token (what SDK 1.14.0 sends) and as x-api-key', async () => {
    const mock = await startMock({ apiKey });
    const params = {
      model: 'claude-sonnet-4-6',
      max_tokens: 10,
      messages: [{ role: 'user' as const, content: 'hi' }],
    };
    await clientFor(mock.url).messages.create(params);
    await clientFor(mock.url, {
      apiKey: null,
      defaultHeaders: { 'x-api-key': apiKey, authorization: null },
    }).messages.create(params);
    expect(mock.requests[0]?.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(mock.requests[0]?.headers['x-api-key']).toBeUndefined();
    expect(mock.requests[1]?.headers['x-api-key']).toBe(apiKey);
    expect(mock.requests[1]?.headers.authorization).toBeUndefined();
  });
});
