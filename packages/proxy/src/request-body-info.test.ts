import { describe, expect, it } from 'vitest';
import { readRequestBodyInfo } from './request-body-info.js';

const body = (fields: Record<string, unknown>) => Buffer.from(JSON.stringify(fields));

describe('readRequestBodyInfo', () => {
  it('reads model, stream and thinking', () => {
    const info = readRequestBodyInfo(
      body({ model: 'm', stream: true, thinking: { type: 'adaptive' }, messages: [] }),
    );
    expect(info).toMatchObject({ model: 'm', stream: true, thinking: true });
    expect(readRequestBodyInfo(body({ model: 'm', thinking: { type: 'disabled' } }))?.thinking).toBe(false);
  });

  it('takes the session from the JSON inside metadata.user_id, or the session header first', () => {
    const userId = JSON.stringify({ device_id: 'd', account_uuid: '', session_id: 'sess-1' });
    expect(readRequestBodyInfo(body({ metadata: { user_id: userId } }))?.sessionKey).toBe('sess-1');
    expect(readRequestBodyInfo(body({ metadata: { user_id: userId } }), 'sess-header')?.sessionKey).toBe(
      'sess-header',
    );
    expect(readRequestBodyInfo(body({ metadata: { user_id: 'user_abc_session_x' } }))?.sessionKey).toBe(
      'user_abc_session_x',
    );
  });

  it('falls back to a hash that survives new turns and moving cache_control markers', () => {
    const system = [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }];
    const first = {
      role: 'user',
      content: [{ type: 'text', text: 'fix the bug', cache_control: { type: 'ephemeral' } }],
    };
    const turn1 = readRequestBodyInfo(body({ system, messages: [first] }))?.sessionKey;
    const turn2 = readRequestBodyInfo(
      body({
        system,
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'fix the bug' }] },
          { role: 'assistant', content: 'done' },
          { role: 'user', content: [{ type: 'text', text: 'thanks', cache_control: { type: 'ephemeral' } }] },
        ],
      }),
    )?.sessionKey;
    expect(turn1).toMatch(/^h:/);
    expect(turn2).toBe(turn1);
    const other = readRequestBodyInfo(
      body({ system, messages: [{ role: 'user', content: 'another task' }] }),
    )?.sessionKey;
    expect(other).not.toBe(turn1);
  });

  it('keys a conversation by its bytes less cache_control, wherever the marker sits and however it is indented', () => {
    const key = (text: string) => readRequestBodyInfo(Buffer.from(text))?.sessionKey;
    const plain = key('{"system":[{"type":"text","text":"S"}],"messages":[{"role":"user","content":"hi"}]}');
    expect(plain).toMatch(/^h:/);
    // The marker first in the system block, or last in the first message's block: the same conversation.
    expect(
      key(
        '{"system":[{"cache_control":{"type":"ephemeral"},"type":"text","text":"S"}],"messages":[{"role":"user","content":"hi"}]}',
      ),
    ).toBe(plain);
    const indented = (marked: boolean) =>
      key(
        JSON.stringify(
          {
            system: 'S',
            messages: [
              {
                role: 'user',
                content: [
                  { type: 'text', text: 'hi', ...(marked ? { cache_control: { type: 'ephemeral' } } : {}) },
                ],
              },
              { role: 'assistant', content: 'ok' },
            ],
          },
          null,
          2,
        ),
      );
    expect(indented(true)).toBe(indented(false));
    // What the conversation says still tells conversations apart, the words "cache_control" included.
    expect(key('{"system":"S","messages":[{"role":"user","content":"cache_control"}]}')).not.toBe(
      key('{"system":"S","messages":[{"role":"user","content":"other"}]}'),
    );
    // A system prompt alone and a first message alone with the same text are different conversations.
    expect(key('{"system":"hi","messages":[]}')).not.toBe(key('{"messages":["hi"]}'));
  });

  it('refuses what is not a JSON object', () => {
    expect(readRequestBodyInfo(Buffer.from('[1]'))).toBeUndefined();
    expect(readRequestBodyInfo(Buffer.from('{'))).toBeUndefined();
  });

  it('refuses a body nested too deep before anything walks it', () => {
    const deep = `{"system":"s","messages":[${'{"a":['.repeat(50_000)}${']}'.repeat(50_000)}]}`;
    expect(() => readRequestBodyInfo(Buffer.from(deep))).not.toThrow();
    expect(readRequestBodyInfo(Buffer.from(deep))).toBeUndefined();
  });

  it('reads a metadata.user_id holding deeply nested JSON as an opaque session id, never walking it', () => {
    // The scanner bounds the body's nesting, not what a string inside it spells: JSON.parse is iterative, and
    // nothing may walk its result recursively.
    const userId = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    expect(readRequestBodyInfo(body({ metadata: { user_id: userId } }))?.sessionKey).toBe(userId);
  });
});
