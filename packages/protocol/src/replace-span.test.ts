import { describe, expect, it } from 'vitest';
import { readModel, rewriteModel } from '../test/model-rewrite.js';

function rewrite(json: string, model: string): string | undefined {
  return rewriteModel(Buffer.from(json), model)?.toString();
}

describe('replaceSpan, as the model rewrite uses it', () => {
  it('replaces the top-level model and keeps every other byte', () => {
    const body = '{"model":"claude-opus-5-5","max_tokens":32000,"stream":true}';
    expect(rewrite(body, 'deepseek-v4-pro')).toBe(
      '{"model":"deepseek-v4-pro","max_tokens":32000,"stream":true}',
    );
  });

  it('ignores a nested model key that appears before the top-level one', () => {
    const body =
      '{"metadata":{"model":"nested-1"},"messages":[{"role":"user","model":"nested-2","content":[{"model":"x"}]}],' +
      '"tools":[{"input_schema":{"properties":{"model":{"type":"string"}}}}],"model":"claude-sonnet-5-5"}';
    const rewritten = rewrite(body, 'glm-5');
    expect(rewritten).toBe(body.replace('"model":"claude-sonnet-5-5"', '"model":"glm-5"'));
    expect(JSON.parse(rewritten ?? '').metadata.model).toBe('nested-1');
  });

  it('ignores "model" text inside string values, including escaped JSON', () => {
    const body =
      '{"system":"say \\"model\\": \\"evil\\" { [","messages":[{"content":"{\\"model\\":\\"x\\"}"}],"model":"m"}';
    expect(rewrite(body, 'n')).toBe(body.replace('"model":"m"', '"model":"n"'));
  });

  it('handles whitespace and line breaks around keys, colons and commas', () => {
    const body = '\r\n { \n\t"stream" : true ,\n  "model"\t:\n  "claude-haiku-5-5" \n}\n';
    expect(rewrite(body, 'kimi-k3')).toBe(body.replace('"claude-haiku-5-5"', '"kimi-k3"'));
  });

  it('replaces values with escaped quotes, backslashes and unicode escapes as a whole', () => {
    expect(rewrite('{"model":"a\\"b","x":1}', 'c')).toBe('{"model":"c","x":1}');
    expect(rewrite('{"model":"ends-with-backslash\\\\","x":1}', 'c')).toBe('{"model":"c","x":1}');
    expect(rewrite('{"model":"claude-\\u0073onnet","x":1}', 'c')).toBe('{"model":"c","x":1}');
  });

  it('finds a top-level key spelled with unicode escapes', () => {
    expect(rewrite('{"a":1,"mod\\u0065l":"old"}', 'new')).toBe('{"a":1,"mod\\u0065l":"new"}');
    expect(rewrite('{"\\u006d\\u006f\\u0064\\u0065\\u006c":"old"}', 'new')).toBe(
      '{"\\u006d\\u006f\\u0064\\u0065\\u006c":"new"}',
    );
  });

  it('skips keys that only resemble model', () => {
    const body = '{"models":"a","Model":"b","model ":"c","mode\\"l":"d","m\\u006fdel_id":"e","model":"f"}';
    expect(rewrite(body, 'g')).toBe(body.replace('"model":"f"', '"model":"g"'));
  });

  it('JSON-encodes the new model, including quotes, control and non-ASCII characters', () => {
    const rewritten = rewriteModel(Buffer.from('{"model":"ä-old","x":"ü"}'), 'new "😀"\n');
    expect(rewritten?.toString()).toBe('{"model":"new \\"😀\\"\\n","x":"ü"}');
    expect(JSON.parse(rewritten?.toString() ?? '').model).toBe('new "😀"\n');
  });

  it('replaces an empty model string', () => {
    expect(rewrite('{"model":""}', 'm')).toBe('{"model":"m"}');
  });

  it('rewrites nothing in a body with two top-level model keys, however spelled', () => {
    expect(rewrite('{"model":"a","model":"b"}', 'c')).toBeUndefined();
    expect(rewrite('{"model":"a","mod\\u0065l":"b"}', 'c')).toBeUndefined();
  });

  it('returns a new buffer and leaves the input untouched', () => {
    const body = Buffer.from('{"model":"claude-opus-5-5"}');
    const copy = Buffer.from(body);
    const rewritten = rewriteModel(body, 'x');
    expect(rewritten).not.toBe(body);
    expect(body.equals(copy)).toBe(true);
  });

  it('works on a buffer that is a view into a larger allocation', () => {
    const backing = Buffer.from('XXXX{"model":"a","n":1}YYYY');
    const body = backing.subarray(4, backing.length - 4);
    expect(rewriteModel(body, 'bb')?.toString()).toBe('{"model":"bb","n":1}');
    expect(readModel(body)).toBe('a');
  });

  it.each([
    ['an empty body', ''],
    ['whitespace', '   '],
    ['an empty object', '{}'],
    ['a top-level array', '[{"model":"a"}]'],
    ['a top-level string', '"model"'],
    ['no model key', '{"max_tokens":1,"messages":[]}'],
    ['only nested model keys', '{"metadata":{"model":"a"},"messages":[{"model":"b"}]}'],
    ['a numeric model', '{"model":5}'],
    ['a null model', '{"model":null}'],
    ['an object model', '{"model":{"id":"a"}}'],
    ['an array model', '{"model":["a"]}'],
    ['a truncated model string', '{"model":"claude'],
    ['an unterminated nested string', '{"messages":[{"content":"abc}],"model":"a"}'],
    ['an unterminated nested object', '{"messages":[{"content":"abc"}'],
    ['a missing colon', '{"stream" true,"model":"a"}'],
    ['a missing comma', '{"stream":true "model":"a"}'],
    ['a byte order mark', '\ufeff{"model":"a"}'],
    ['not JSON at all', 'model=claude'],
  ])('returns undefined for %s', (_label, body) => {
    expect(rewrite(body, 'x')).toBeUndefined();
    expect(readModel(Buffer.from(body))).toBeUndefined();
  });

  it('rewrites the model of a 1 MB body whose model key comes last', () => {
    const filler = 'x'.repeat(1000);
    const messages = Array.from({ length: 1000 }, (_unused, index) => ({
      role: index % 2 === 0 ? 'user' : 'assistant',
      model: 'nested',
      content: [{ type: 'text', text: `${filler} "model": {[ \\ ${index}` }],
    }));
    const json = `{"messages":${JSON.stringify(messages)},"metadata":{"model":"m"},"model":"claude-opus-5-5"}`;
    const body = Buffer.from(json);
    expect(body.length).toBeGreaterThan(1_000_000);

    const rewritten = rewriteModel(body, 'deepseek-v4-pro');

    const tail = '"model":"claude-opus-5-5"}';
    expect(rewritten?.length).toBe(body.length - '"claude-opus-5-5"'.length + '"deepseek-v4-pro"'.length);
    expect(
      rewritten?.subarray(0, body.length - tail.length).equals(body.subarray(0, body.length - tail.length)),
    ).toBe(true);
    expect(rewritten?.toString().endsWith('"model":"deepseek-v4-pro"}')).toBe(true);
    expect(readModel(body)).toBe('claude-opus-5-5');
  });
});
