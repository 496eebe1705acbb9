import { describe, expect, it } from 'vitest';
import { readRequestBodyInfo } from './request-body-info.js';
import { isNoOpContextManagement, readRequestNeeds } from './request-needs.js';

function needsOf(body: unknown, beta?: string, inputTokens = 10) {
  const buffer = Buffer.from(JSON.stringify(body));
  const info = readRequestBodyInfo(buffer);
  if (info === undefined) throw new Error('not a body');
  return readRequestNeeds(buffer, info, beta, inputTokens);
}

describe('isNoOpContextManagement', () => {
  it('is true for Claude Code’s keep-all clear_thinking edit only', () => {
    expect(isNoOpContextManagement({ edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] })).toBe(true);
    expect(
      isNoOpContextManagement({ edits: [{ type: 'clear_thinking_20251015', keep: { type: 'all' } }] }),
    ).toBe(true);
    expect(
      isNoOpContextManagement({
        edits: [{ type: 'clear_thinking_20251015', keep: { type: 'thinking_turns', value: 1 } }],
      }),
    ).toBe(false);
    expect(isNoOpContextManagement({ edits: [{ type: 'clear_tool_uses_20250919' }] })).toBe(false);
    expect(isNoOpContextManagement('all')).toBe(false);
  });
});

describe('readRequestNeeds', () => {
  it('finds server tools by their type, with whitespace around the colon', () => {
    const buffer = Buffer.from(
      '{"model":"m","tools":[{"name":"x"},{"type" : "code_execution_20250825","name":"c"}]}',
    );
    const info = readRequestBodyInfo(buffer);
    expect(info && readRequestNeeds(buffer, info, undefined, 10).needs).toEqual({
      serverTools: ['code_execution'],
    });
  });

  it('ignores a server tool type that is not a tool’s type', () => {
    expect(needsOf({ tools: [{ name: 'web_search_20250305', input_schema: {} }] }).needs).toBeUndefined();
  });

  it('searches the tools array only, not the conversation after it (regression: 400 µs per 200 KB body)', () => {
    const input = { type: 'web_search_20250305' };
    const body = {
      tools: [{ name: 'Read', input_schema: {} }],
      messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'Read', input }] }],
    };
    expect(needsOf(body).needs).toBeUndefined();
  });

  it('finds a name made of several words before the date, once however often declared', () => {
    const tools = [
      { type: 'tool_search_tool_regex_20251119', name: 'a' },
      { type: 'tool_search_tool_regex_20251119', name: 'b' },
      { name: 'Tool_2024', input_schema: {} },
    ];
    expect(needsOf({ tools }).needs).toEqual({ serverTools: ['tool_search_tool_regex'] });
  });

  it('gives the span of a no-op context_management without a dependence', () => {
    const reading = needsOf({
      context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
    });
    expect(reading.needs).toBeUndefined();
    expect(reading.noOpContextManagement).toBeDefined();
  });

  it('needs the 1M window only beyond 200K estimated tokens with the beta', () => {
    expect(needsOf({}, 'context-1m-2025-08-07', 200_000).needs).toBeUndefined();
    expect(needsOf({}, 'x, context-1m-2025-08-07', 200_001).needs).toEqual({ context1m: true });
    expect(needsOf({}, undefined, 900_000).needs).toBeUndefined();
  });
});
