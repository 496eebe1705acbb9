import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { redactedThinkingTrigger } from '../src/thinking-reply.js';
import { startMock } from './helpers.js';

const bash = {
  name: 'Bash',
  input_schema: {
    type: 'object' as const,
    properties: { command: { type: 'string' } },
    required: ['command'],
  },
};
const thinkingOn = { type: 'enabled' as const, budget_tokens: 1024 };
const clientFor = (url: string) => new Anthropic({ baseURL: url, apiKey: 'k', maxRetries: 0 });

/** One tool turn with thinking from `url`, and the request that sends its result back. */
async function toolTurn(url: string) {
  const first = { role: 'user' as const, content: 'please use tool Bash' };
  const reply = await clientFor(url)
    .messages.stream({
      model: 'claude-sonnet-4-6',
      max_tokens: 2048,
      thinking: thinkingOn,
      tools: [bash],
      messages: [first],
    })
    .finalMessage();
  const call = reply.content.find((block) => block.type === 'tool_use');
  if (call?.type !== 'tool_use') throw new Error('expected a tool call');
  return {
    reply,
    call,
    next: {
      model: 'claude-sonnet-4-6',
      max_tokens: 2048,
      thinking: thinkingOn,
      tools: [bash],
      messages: [
        first,
        { role: 'assistant' as const, content: reply.content },
        {
          role: 'user' as const,
          content: [{ type: 'tool_result' as const, tool_use_id: call.id, content: 'ok' }],
        },
      ],
    },
  };
}

async function status(promise: Promise<unknown>): Promise<{ status: number; message: string } | 'ok'> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (!(error instanceof Anthropic.APIError)) throw error;
    return {
      status: error.status ?? 0,
      message: (error.error as { error: { message: string } }).error.message,
    };
  }
}

describe('thinking signatures and tool ids, checked as the real API checks them', () => {
  it('signs its thinking blocks, streamed and not, and takes them back', async () => {
    const mock = await startMock({ name: 'claude' });
    const { reply, next } = await toolTurn(mock.url);
    expect(reply.content[0]).toMatchObject({
      type: 'thinking',
      thinking: expect.stringContaining('claude thinks'),
    });
    expect((reply.content[0] as { signature: string }).signature).not.toBe('');
    expect(await status(clientFor(mock.url).messages.create(next))).toBe('ok');
    const plain = await clientFor(mock.url).messages.create({ ...next, stream: false });
    expect(plain.content.map((block) => block.type)).toEqual(['thinking', 'text']);
  });

  it('refuses a thinking block signed in another domain, or altered, with the API’s 400', async () => {
    const anthropic = await startMock({ name: 'claude' });
    const glm = await startMock({ name: 'glm', signatureDomain: 'glm' });
    const { next } = await toolTurn(glm.url);
    expect(await status(clientFor(anthropic.url).messages.create(next))).toEqual({
      status: 400,
      message: 'messages.1.content.0: Invalid `signature` in `thinking` block',
    });
    const own = await toolTurn(anthropic.url);
    const altered = structuredClone(own.next);
    const blocks = altered.messages[1]?.content as { thinking?: string }[];
    blocks[0] = { ...blocks[0], thinking: 'something else' };
    expect(await status(clientFor(anthropic.url).messages.create(altered))).toMatchObject({ status: 400 });
    // Another mock of the same domain (Bedrock, Vertex) accepts it: one key per domain.
    const twin = await startMock({ name: 'twin' });
    expect(await status(clientFor(twin.url).messages.create(own.next))).toBe('ok');
  });

  it('refuses a tool turn without its leading thinking block while thinking is on', async () => {
    const mock = await startMock();
    const { next } = await toolTurn(mock.url);
    const stripped = structuredClone(next);
    const toolCall = stripped.messages[1] as { content: { type: string }[] };
    toolCall.content = toolCall.content.filter((block) => block.type !== 'thinking');
    const refused = await status(clientFor(mock.url).messages.create(stripped));
    expect(refused).toMatchObject({ status: 400 });
    expect((refused as { message: string }).message).toMatch(
      /^messages\.1\.content\.0\.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`\. When `thinking` is enabled/,
    );
    const { thinking: _off, ...withoutThinking } = stripped;
    expect(await status(clientFor(mock.url).messages.create(withoutThinking))).toBe('ok');
  });

  it('mints Kimi-style tool ids in the functions style, which Anthropic’s rule refuses', async () => {
    const kimi = await startMock({ name: 'kimi', signatureDomain: 'kimi', toolIdStyle: 'functions' });
    const anthropic = await startMock();
    const { call, next } = await toolTurn(kimi.url);
    expect(call.id).toBe('functions.Bash:0');
    expect(await status(clientFor(kimi.url).messages.create(next))).toBe('ok');
    const { thinking: _off, ...noThinking } = next;
    const history = noThinking.messages.map((message) =>
      Array.isArray(message.content)
        ? {
            ...message,
            content: (message.content as { type: string }[]).filter((block) => block.type !== 'thinking'),
          }
        : message,
    );
    expect(
      await status(
        clientFor(anthropic.url).messages.create({
          ...noThinking,
          messages: history as Anthropic.MessageParam[],
        }),
      ),
    ).toEqual({
      status: 400,
      message: "messages.1.content.0.tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'",
    });
  });

  it('answers Anthropic’s test string with a redacted_thinking block it verifies', async () => {
    const mock = await startMock();
    const other = await startMock({ signatureDomain: 'elsewhere' });
    const turn = { role: 'user' as const, content: redactedThinkingTrigger };
    const reply = await clientFor(mock.url)
      .messages.stream({
        model: 'claude-sonnet-4-6',
        max_tokens: 2048,
        thinking: thinkingOn,
        messages: [turn],
      })
      .finalMessage();
    expect(reply.content[0]?.type).toBe('redacted_thinking');
    const next = {
      model: 'claude-sonnet-4-6',
      max_tokens: 2048,
      messages: [
        turn,
        { role: 'assistant' as const, content: reply.content },
        { role: 'user' as const, content: 'go on' },
      ],
    };
    expect(await status(clientFor(mock.url).messages.create(next))).toBe('ok');
    expect(await status(clientFor(other.url).messages.create(next))).toEqual({
      status: 400,
      message: 'messages.1.content.0: Invalid `data` in `redacted_thinking` block',
    });
  });
});
