import { describe, expect, it } from 'vitest';
import { lastMemberSpan } from './_last-member-span.js';
import { parseSpan, scanTopLevel, TopLevelKeys } from './scan-json.js';

const usageKey = Buffer.from('usage');
const usage = {
  input_tokens: 32,
  cache_creation_input_tokens: 7,
  cache_read_input_tokens: 0,
  cache_creation: { ephemeral_5m_input_tokens: 7, ephemeral_1h_input_tokens: 0 },
  output_tokens: 20,
  service_tier: 'standard \\"}{',
};

/** What the forward scan finds for `usage`: the reference the backward walk must agree with. */
function forward(body: Buffer) {
  return scanTopLevel(body, new TopLevelKeys(['usage']))?.get('usage');
}

describe('lastMemberSpan', () => {
  it('finds a last `usage` where the forward scan does, past content full of quotes, escapes and brackets', () => {
    const text = 'a "quoted" \\"escaped\\" string with } and ] inside, ending in a backslash \\';
    const response = {
      id: 'msg_1',
      type: 'message',
      content: [
        { type: 'text', text },
        { type: 'tool_use', id: 't', name: 'Bash', input: { usage: { fake: true }, command: 'echo "}"' } },
      ],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage,
    };
    for (const json of [
      JSON.stringify(response),
      JSON.stringify(response, null, 2),
      `\n ${JSON.stringify(response)} \r\n`,
    ]) {
      const body = Buffer.from(json);
      const span = lastMemberSpan(body, usageKey);
      expect(span).toEqual(forward(body));
      expect(parseSpan(body, span)).toEqual(usage);
    }
  });

  it('finds a value of any kind when the key matches', () => {
    for (const value of ['null', '12', '-1.5e3', 'true', '"x\\\\"', '[1,[2],{"a":"]"}]', '{}']) {
      const body = Buffer.from(`{"a":1,"usage" :\t${value}\n}`);
      const span = lastMemberSpan(body, usageKey);
      expect(span).toEqual(forward(body));
      expect(body.toString('utf8', ...(span as [number, number]))).toBe(value);
    }
    expect(
      parseSpan(Buffer.from('{"usage":{"n":1}}'), lastMemberSpan(Buffer.from('{"usage":{"n":1}}'), usageKey)),
    ).toEqual({ n: 1 });
  });

  it("gives up (for the forward scan to decide) when `usage` is not the root object's last member", () => {
    const notLast = [
      '{"usage":{"input_tokens":1},"container":null}',
      '{"content":{"usage":{"input_tokens":1}}}',
      '{"content":[{"usage":{"input_tokens":1}}]}',
      '{"text":"\\"usage\\":{}"}',
      '{"xusage":{}}',
      '{"usag":{}}',
      '{}',
      '[{"usage":{}}]',
      '{"usage":{}',
      '"usage":{}}',
      '{"usage":}',
      '',
      '   ',
    ];
    for (const json of notLast) expect(lastMemberSpan(Buffer.from(json), usageKey), json).toBeUndefined();
  });

  it('takes the last copy of a repeated key, as JSON.parse does', () => {
    const json = '{"usage":{"output_tokens":1},"usage":{"output_tokens":2}}';
    const body = Buffer.from(json);
    expect(parseSpan(body, lastMemberSpan(body, usageKey))).toEqual(JSON.parse(json).usage);
  });
});
