import { anthropicToolIdPattern } from '@ccb/protocol';
import { describe, expect, it } from 'vitest';
import { type RepairRules, repairSessionBody, rewriteToolId } from './repair-session-body.js';

const pattern = new RegExp(anthropicToolIdPattern);
/** Signatures starting with `A-` are the target's own; any other is foreign or unknown. */
const rules: RepairRules = {
  domain: 'anthropic',
  signedHere: (signature) => signature.startsWith('A-'),
  toolIdPattern: pattern,
};

const user = (text: string) => ({ role: 'user', content: [{ type: 'text', text }] });
const thinking = (signature: string) => ({ type: 'thinking', thinking: 'hmm', signature });
const toolUse = (id: string) => ({ type: 'tool_use', id, name: 'Bash', input: { command: 'ls' } });
const toolResult = (id: string) => ({
  role: 'user',
  content: [{ type: 'tool_result', tool_use_id: id, content: 'ok' }],
});

function bodyOf(request: object, space?: number): Buffer {
  return Buffer.from(JSON.stringify(request, null, space));
}

function repairedJson(request: object): Record<string, unknown> | undefined {
  const repaired = repairSessionBody(bodyOf(request), rules);
  return repaired === undefined ? undefined : JSON.parse(repaired.body.toString('utf8'));
}

describe('repairSessionBody', () => {
  it('changes nothing when every thinking block is the target’s and every tool id fits', () => {
    const request = {
      model: 'claude-sonnet-4-5',
      thinking: { type: 'adaptive' },
      messages: [
        user('hi'),
        { role: 'assistant', content: [thinking('A-1'), toolUse('toolu_01')] },
        toolResult('toolu_01'),
      ],
    };
    expect(repairSessionBody(bodyOf(request), rules)).toBeUndefined();
  });

  it('removes foreign thinking blocks and leaves every other byte as the client sent it', () => {
    const request = {
      model: 'claude-sonnet-4-5',
      messages: [
        user('hi'),
        { role: 'assistant', content: [thinking('G-1'), { type: 'text', text: 'hello' }] },
        user('again'),
        { role: 'assistant', content: [thinking('A-2'), { type: 'text', text: 'kept' }] },
        user('more'),
      ],
    };
    // Pretty-printed, so that a re-serialisation would show.
    const body = bodyOf(request, 2);
    const repaired = repairSessionBody(body, rules);
    const expected = {
      ...request,
      messages: [
        user('hi'),
        { role: 'assistant', content: [{ type: 'text', text: 'hello' }] },
        ...request.messages.slice(2),
      ],
    };
    expect(JSON.parse(repaired?.body.toString('utf8') ?? '')).toEqual(expected);
    // Exactly the block and the comma-and-whitespace after it are gone.
    const text = body.toString('utf8');
    const blockStart = text.indexOf('{\n          "type": "thinking"');
    const nextStart = text.indexOf('{\n          "type": "text"', blockStart);
    expect(repaired?.body.toString('utf8')).toBe(text.slice(0, blockStart) + text.slice(nextStart));
    expect(repaired?.report).toEqual({
      domain: 'anthropic',
      thinkingRemoved: 1,
      redactedThinkingRemoved: 0,
      messagesRemoved: 0,
      toolIdsRewritten: 0,
      thinkingDisabled: false,
    });
  });

  it('removes every thinking block of a turn when one of them is unknown, redacted ones included', () => {
    const request = {
      messages: [
        user('hi'),
        {
          role: 'assistant',
          content: [
            thinking('A-1'),
            { type: 'redacted_thinking', data: 'G-data' },
            { type: 'text', text: 'x' },
            thinking('A-3'),
          ],
        },
        user('next'),
      ],
    };
    const repaired = repairSessionBody(bodyOf(request), rules);
    expect(JSON.parse(repaired?.body.toString('utf8') ?? '').messages[1].content).toEqual([
      { type: 'text', text: 'x' },
    ]);
    expect(repaired?.report).toMatchObject({ thinkingRemoved: 2, redactedThinkingRemoved: 1 });
  });

  it('removes an assistant turn left empty, and keeps the array well-formed wherever the removed element sits', () => {
    const request = {
      messages: [
        user('a'),
        { role: 'assistant', content: [thinking('G-1')] },
        user('b'),
        { role: 'assistant', content: [thinking('G-2'), thinking('G-3')] },
      ],
    };
    const repaired = repairSessionBody(bodyOf(request, 1), rules);
    expect(JSON.parse(repaired?.body.toString('utf8') ?? '').messages).toEqual([user('a'), user('b')]);
    expect(repaired?.report.messagesRemoved).toBe(2);
  });

  it('does not touch thinking blocks in user turns or string contents', () => {
    const request = {
      messages: [
        { role: 'user', content: 'plain' },
        { role: 'assistant', content: 'text' },
      ],
    };
    expect(repairSessionBody(bodyOf(request), rules)).toBeUndefined();
  });

  it('rewrites tool ids that break the pattern, the same way in tool_use and tool_result, in every turn', () => {
    const request = {
      messages: [
        user('go'),
        { role: 'assistant', content: [toolUse('functions.Bash:0'), toolUse('functions_Bash_0')] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'functions.Bash:0', content: 'ok' },
            { type: 'tool_result', tool_use_id: 'functions_Bash_0', content: 'ok' },
          ],
        },
        {
          role: 'assistant',
          content: [{ type: 'server_tool_use', id: 'srv|1', name: 'web_search', input: {} }],
        },
        { role: 'user', content: [{ type: 'text', text: 'functions.Bash:0 stays in text' }] },
      ],
    };
    const first = repairedJson(request) as { messages: { content: Record<string, unknown>[] }[] };
    const again = repairedJson(request);
    expect(again).toEqual(first);
    const rewritten = rewriteToolId('functions.Bash:0', pattern);
    expect(rewritten).toMatch(/^functions_Bash_0_[A-Za-z0-9_-]{8}$/);
    expect(first.messages[1]?.content[0]?.id).toBe(rewritten);
    expect(first.messages[2]?.content[0]?.tool_use_id).toBe(rewritten);
    // A valid id that looks like the rewrite's stem is left alone, and does not collide with it.
    expect(first.messages[1]?.content[1]?.id).toBe('functions_Bash_0');
    expect(first.messages[3]?.content[0]?.id).toBe(rewriteToolId('srv|1', pattern));
    expect(first.messages[4]?.content[0]?.text).toBe('functions.Bash:0 stays in text');
    expect(repairSessionBody(bodyOf(request), rules)?.report.toolIdsRewritten).toBe(2);
  });

  it('keeps ids apart that differ only in characters the pattern refuses', () => {
    expect(rewriteToolId('a.b', pattern)).not.toBe(rewriteToolId('a:b', pattern));
    expect(rewriteToolId('toolu_ok', pattern)).toBeUndefined();
    // A stricter custom rule still gets a valid id.
    expect(rewriteToolId('call.1', /^toolu_[a-f0-9]+$/)).toMatch(/^toolu_[a-f0-9]{24}$/);
  });

  it('turns thinking off when the last assistant turn calls a tool and lost its thinking, with the edits that need it', () => {
    const request = {
      model: 'claude-sonnet-4-5',
      thinking: { type: 'adaptive' },
      context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
      messages: [
        user('go'),
        { role: 'assistant', content: [thinking('G-1'), toolUse('toolu_1')] },
        toolResult('toolu_1'),
      ],
    };
    const repaired = repairSessionBody(bodyOf(request), rules);
    const json = JSON.parse(repaired?.body.toString('utf8') ?? '');
    expect(json).toEqual({
      model: 'claude-sonnet-4-5',
      messages: [user('go'), { role: 'assistant', content: [toolUse('toolu_1')] }, toolResult('toolu_1')],
    });
    expect(repaired?.report.thinkingDisabled).toBe(true);
  });

  it('turns thinking off when the last assistant turn called a tool without ever thinking (a third party’s turn)', () => {
    const request = {
      thinking: { type: 'adaptive' },
      messages: [user('go'), { role: 'assistant', content: [toolUse('toolu_1')] }, toolResult('toolu_1')],
    };
    const repaired = repairSessionBody(bodyOf(request), rules);
    expect(repaired?.report).toMatchObject({ thinkingDisabled: true, thinkingRemoved: 0 });
    expect(JSON.parse(repaired?.body.toString('utf8') ?? '')).toEqual({ messages: request.messages });
  });

  it('keeps the other context_management edits when thinking goes off', () => {
    const request = {
      thinking: { type: 'enabled', budget_tokens: 1024 },
      context_management: {
        edits: [{ type: 'clear_tool_uses_20250919' }, { type: 'clear_thinking_20251015', keep: 'all' }],
      },
      messages: [
        user('go'),
        { role: 'assistant', content: [thinking('G-1'), toolUse('toolu_1')] },
        toolResult('toolu_1'),
      ],
    };
    const json = repairedJson(request) as Record<string, unknown>;
    expect(json.thinking).toBeUndefined();
    expect(json.context_management).toEqual({ edits: [{ type: 'clear_tool_uses_20250919' }] });
  });

  it('leaves thinking on when the last assistant turn keeps its thinking or calls no tool', () => {
    const keeps = {
      thinking: { type: 'adaptive' },
      messages: [
        user('a'),
        { role: 'assistant', content: [thinking('G-1'), { type: 'text', text: 'x' }] },
        user('b'),
        { role: 'assistant', content: [thinking('A-2'), toolUse('toolu_2')] },
        toolResult('toolu_2'),
      ],
    };
    expect(repairSessionBody(bodyOf(keeps), rules)?.report.thinkingDisabled).toBe(false);
    const noTool = {
      thinking: { type: 'adaptive' },
      messages: [
        user('a'),
        { role: 'assistant', content: [thinking('G-1'), { type: 'text', text: 'x' }] },
        user('b'),
      ],
    };
    const repaired = repairSessionBody(bodyOf(noTool), rules);
    expect(repaired?.report.thinkingDisabled).toBe(false);
    expect(JSON.parse(repaired?.body.toString('utf8') ?? '').thinking).toEqual({ type: 'adaptive' });
  });

  it('leaves a body it cannot read to the upstream', () => {
    expect(repairSessionBody(Buffer.from('{"messages": [1, '), rules)).toBeUndefined();
    expect(repairSessionBody(Buffer.from('{"model":"x"}'), rules)).toBeUndefined();
  });
});
