import { describe, expect, it } from 'vitest';
import { estimateInputTokens, planReply, sampleToolInput, splitIntoChunks } from './reply-plan.js';

const settings = { name: 'unit', replyText: undefined, streamEvents: 3 };
const tool = { name: 'lookup', input_schema: { type: 'object', properties: { q: { type: 'string' } } } };

function plan(body: Record<string, unknown>) {
  return planReply({ model: 'm', max_tokens: 1, ...body }, 400, settings);
}

describe('planReply', () => {
  it('answers the default text with usage from the body size and the delta count', () => {
    const reply = plan({ messages: [{ role: 'user', content: 'hi' }] });
    expect(reply.block).toMatchObject({ type: 'text', text: 'Hello from unit!' });
    expect(reply).toMatchObject({ model: 'm', stopReason: 'end_turn', inputTokens: 100, outputTokens: 3 });
  });

  it('calls the first tool when the last user text says "use tool"', () => {
    const reply = plan({
      tools: [tool],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Please USE TOOL now' }] }],
    });
    expect(reply.block).toMatchObject({ type: 'tool_use', name: 'lookup', input: { q: 'mock q' } });
    expect(reply.block.chunks.join('')).toBe('{"q":"mock q"}');
    expect(reply.stopReason).toBe('tool_use');
  });

  it('does not call a tool without tools, or when tool_choice is none', () => {
    const messages = [{ role: 'user', content: 'use tool' }];
    expect(plan({ messages }).block.type).toBe('text');
    expect(plan({ messages, tools: [tool], tool_choice: { type: 'none' } }).block.type).toBe('text');
  });

  it('acknowledges a tool_result instead of calling the tool again', () => {
    const reply = plan({
      tools: [tool],
      messages: [
        { role: 'user', content: 'use tool' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'lookup', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok' }] },
      ],
    });
    expect(reply.block).toMatchObject({
      type: 'text',
      text: 'unit received the result of tool call toolu_1.',
    });
  });

  it('calls a tool whenever tool_choice is any', () => {
    const reply = plan({
      tools: [tool],
      tool_choice: { type: 'any' },
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(reply.block.type).toBe('tool_use');
  });
});

describe('helpers', () => {
  it('splits text into exactly n pieces that join back, without cutting surrogate pairs', () => {
    expect(splitIntoChunks('Hello from mock!', 3)).toEqual(['Hello', ' from', ' mock!']);
    expect(splitIntoChunks('ab', 4).join('')).toBe('ab');
    expect(splitIntoChunks('ab', 4)).toHaveLength(4);
    expect(splitIntoChunks('😀😀', 2)).toEqual(['😀', '😀']);
  });

  it('fills required properties by type, or else the first property', () => {
    expect(
      sampleToolInput({
        properties: { a: { type: 'integer' }, b: { type: 'boolean' }, c: { type: 'array' } },
        required: ['b', 'c'],
      }),
    ).toEqual({ b: true, c: [] });
    expect(sampleToolInput(undefined)).toEqual({});
  });

  it('estimates one token per 4 bytes, at least 1', () => {
    expect(estimateInputTokens(0)).toBe(1);
    expect(estimateInputTokens(9)).toBe(3);
  });
});
