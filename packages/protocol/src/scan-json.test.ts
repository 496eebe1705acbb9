import { describe, expect, it, vi } from 'vitest';
import { endOfContainerSimd, isInScanArea, readInScanArea } from './_container-end.js';
import {
  elementSpans,
  firstElement,
  isTrue,
  maxNestingDepth,
  parseSpan,
  type Span,
  scanTopLevel,
  TopLevelKeys,
} from './scan-json.js';

const claudeCodeLike = JSON.stringify({
  model: 'claude-sonnet-4-6',
  max_tokens: 32000,
  stream: true,
  thinking: { type: 'adaptive' },
  metadata: { user_id: JSON.stringify({ device_id: 'd', account_uuid: '', session_id: 's-1' }) },
  system: [{ type: 'text', text: 'You are "Claude" \\ {not json} [', cache_control: { type: 'ephemeral' } }],
  tools: [{ name: 'Bash', input_schema: { type: 'object', properties: { command: { type: 'string' } } } }],
  messages: [
    {
      role: 'user',
      content: [{ type: 'text', text: 'a "quoted" \\"escaped\\" string with } and ] inside' }],
    },
    {
      role: 'assistant',
      content: [{ type: 'tool_use', id: 't', name: 'Bash', input: { command: 'ls -la' } }],
    },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'x'.repeat(10_000) }] },
  ],
  temperature: 0.5,
  stop_sequences: null,
});

const anyKeys = new TopLevelKeys(['model', 'messages']);

// The SIMD walk's calls are counted (each still runs the real walk).
vi.mock('./_container-end.js', { spy: true });

/**
 * The spans `scanTopLevel` finds for `names` in `body`, scanned where it is and in the scan area (where each
 * top-level value goes to the SIMD walk at once): both must agree, `undefined` for a refused body.
 */
function scannedBothWays(body: Buffer, names: readonly string[]): (Span | undefined)[] | undefined {
  const keys = new TopLevelKeys(names);
  const spansOf = (bytes: Buffer) => {
    const fields = scanTopLevel(bytes, keys);
    return fields === undefined ? undefined : names.map((name) => fields.get(name));
  };
  const inPlace = spansOf(body);
  const inArea = readInScanArea([body], body.length, (area) => {
    expect(isInScanArea(area)).toBe(true);
    return spansOf(area);
  });
  expect(isInScanArea(body)).toBe(false);
  expect(inArea?.result, body.length > 200 ? `${body.length} bytes` : body.toString()).toEqual(inPlace);
  return inPlace;
}

describe('scanTopLevel', () => {
  it('finds every top-level value exactly where JSON.parse sees it', () => {
    const body = Buffer.from(claudeCodeLike);
    const parsed = JSON.parse(claudeCodeLike) as Record<string, unknown>;
    const fields = scanTopLevel(body, new TopLevelKeys([...Object.keys(parsed), 'absent']));
    for (const key of Object.keys(parsed))
      expect(parseSpan(body, fields?.get(key)), key).toEqual(parsed[key]);
    expect(fields?.get('absent')).toBeUndefined();
    expect(isTrue(body, fields?.get('stream'))).toBe(true);
    expect(parseSpan(body, firstElement(body, fields?.get('messages') as [number, number]))).toEqual(
      (parsed.messages as unknown[])[0],
    );
  });

  it('copes with whitespace, unicode and escapes', () => {
    const text = ' {\n "mödel" : "\\u00e9\\"" ,\t"n":-1.5e3 , "e": [ ] ,"o":{}}\n';
    const body = Buffer.from(text);
    const fields = scanTopLevel(body, new TopLevelKeys(['mödel', 'n', 'e', 'o']));
    expect(parseSpan(body, fields?.get('n'))).toBe(-1500);
    expect(parseSpan(body, fields?.get('e'))).toEqual([]);
    expect(parseSpan(body, fields?.get('o'))).toEqual({});
    expect(parseSpan(body, fields?.get('mödel'))).toBe('é"');
  });

  it('finds strings of every length, with escapes on either side of the short-string limit', () => {
    for (let length = 0; length < 120; length++) {
      for (const tail of ['', '\\', '"', 'é']) {
        const value = 'x'.repeat(length) + tail;
        const key = 'k'.repeat(length + 1);
        const body = Buffer.from(JSON.stringify({ [key]: value, after: [value, { k: value }], last: true }));
        const fields = scanTopLevel(body, new TopLevelKeys([key, 'after', 'last']));
        expect(parseSpan(body, fields?.get(key)), `length ${length}`).toBe(value);
        expect(parseSpan(body, fields?.get('after'))).toEqual([value, { k: value }]);
        expect(isTrue(body, fields?.get('last'))).toBe(true);
      }
    }
  });

  it('finds the keys after a conversation of several hundred kilobytes full of escapes, as JSON.parse does', () => {
    // Large values go through the SIMD walk, window after window; the keys after them must land exactly.
    const source = Array.from(
      { length: 4_000 },
      (_, line) => `\tconst v${line} = load("a\\\\b", { x: [${line}] });`,
    ).join('\n');
    const messages = Array.from({ length: 12 }, (_, turn) => ({
      role: turn % 2 === 0 ? 'user' : 'assistant',
      content: [{ type: 'tool_result', tool_use_id: `t${turn}`, content: source }],
    }));
    const parsed = { model: 'm', messages, metadata: { user_id: '{"session_id":"s"}' }, stream: true };
    const body = Buffer.from(JSON.stringify(parsed));
    expect(body.length).toBeGreaterThan(300_000);
    const fields = scanTopLevel(body, new TopLevelKeys(['model', 'messages', 'metadata', 'stream']));
    scannedBothWays(body, ['model', 'messages', 'metadata', 'stream']);
    expect(parseSpan(body, fields?.get('metadata'))).toEqual(parsed.metadata);
    expect(isTrue(body, fields?.get('stream'))).toBe(true);
    expect(fields?.get('messages')).toEqual([body.indexOf('[{"role"'), body.indexOf(',"metadata"')]);
    const repeated = Buffer.from(`${body.toString().slice(0, -1)},"model":"other"}`);
    expect(scanTopLevel(repeated, new TopLevelKeys(['model']))).toBeUndefined();
    expect(scannedBothWays(repeated, ['model'])).toBeUndefined();
  });

  it('refuses a body that repeats a wanted key, and ignores repeats of other keys', () => {
    const keys = new TopLevelKeys(['model']);
    expect(scanTopLevel(Buffer.from('{"model":"a","x":1,"model":"b"}'), keys)).toBeUndefined();
    const body = Buffer.from('{"x":1,"model":"a","x":2}');
    expect(parseSpan(body, scanTopLevel(body, keys)?.get('model'))).toBe('a');
  });

  it('decodes escaped keys as JSON.parse does, and refuses a key repeated in another spelling', () => {
    const keys = new TopLevelKeys(['model', 'stream']);
    const escaped = Buffer.from('{"mod\\u0065l":"a","str\\u0065am":true}');
    const fields = scanTopLevel(escaped, keys);
    expect(parseSpan(escaped, fields?.get('model'))).toBe(JSON.parse(escaped.toString()).model);
    expect(isTrue(escaped, fields?.get('stream'))).toBe(true);
    for (const body of [
      '{"model":"a","mod\\u0065l":"b"}',
      '{"m\\u006fdel":"b","model":"a"}',
      '{"\\u006d\\u006f\\u0064\\u0065\\u006c":"b","model":"a"}',
    ]) {
      expect(Object.keys(JSON.parse(body))).toEqual(['model']);
      expect(scanTopLevel(Buffer.from(body), keys), body).toBeUndefined();
    }
  });

  it('ignores a key whose escapes are not valid JSON, as it is no key ccb reads', () => {
    const body = Buffer.from('{"mod\\q":"x","model":"a"}');
    expect(parseSpan(body, scanTopLevel(body, new TopLevelKeys(['model']))?.get('model'))).toBe('a');
  });

  it('refuses every truncation of a valid body', () => {
    const valid = JSON.stringify({ ...JSON.parse(claudeCodeLike), messages: [] });
    expect(scanTopLevel(Buffer.from(valid), anyKeys)).toBeDefined();
    for (let end = 0; end < valid.length; end++) {
      expect(
        scanTopLevel(Buffer.from(valid.slice(0, end)), anyKeys),
        `prefix of ${end} bytes`,
      ).toBeUndefined();
    }
  });

  it('finds the same values, and refuses the same bodies, in the scan area as anywhere else', () => {
    const names = ['model', 'messages', 'stream', 'metadata', 'absent'];
    const valid = JSON.stringify({
      ...JSON.parse(claudeCodeLike),
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(scannedBothWays(Buffer.from(claudeCodeLike), names)?.[1]).toBeDefined();
    for (let end = 0; end <= valid.length; end++) scannedBothWays(Buffer.from(valid.slice(0, end)), names);
    for (const text of [
      '{"model":"a","x":[1,{"y":"]"}],"model":"b"}',
      '{"model":"m","messages":[{"a":[1}],"stream":true}',
      '{"model":"m","messages":[1],}',
      `{"model":"m","messages":${'['.repeat(maxNestingDepth)}${']'.repeat(maxNestingDepth)}}`,
      `{"model":"m","messages":${'['.repeat(maxNestingDepth - 1)}${']'.repeat(maxNestingDepth - 1)}}`,
      '{"messages":{},"model":[],"stream":{"a":"\\"}}',
      // A backslash outside any string: no JSON, but both walks must still agree on it (a quote after an odd run
      // is escaped for both), or ccb's own scans of one body would disagree.
      `{"a":[\\"],"model":"m","b":"]","messages":[{"role":"user","content":"${'x'.repeat(300)}"}]}`,
      `{"a":[\\\\"],"model":"m","b":"]","messages":[]}`,
      '{"a":{\\}},"model":"m"}',
      JSON.stringify(JSON.parse(claudeCodeLike), null, 2),
      ` \n\t${JSON.stringify(JSON.parse(claudeCodeLike), null, '\t')}\r\n `,
    ]) {
      scannedBothWays(Buffer.from(text), names);
    }
  });

  it('hands the top-level values of a whole body in the scan area to the SIMD walk at once, and no other', () => {
    const body = Buffer.from(
      JSON.stringify({
        model: 'm',
        thinking: { type: 'enabled' },
        metadata: { user_id: 'u' },
        messages: [{ a: { x: 1 }, b: [2], c: 'x'.repeat(300) }],
      }),
    );
    const simdCalls = () => vi.mocked(endOfContainerSimd).mock.calls.length;
    const before = simdCalls();
    expect(scanTopLevel(body, anyKeys)).toBeDefined();
    // In place, only the conversation is longer than the JavaScript walk's first bytes.
    expect(simdCalls() - before).toBe(1);
    const inArea = readInScanArea([body], body.length, (area) => {
      const start = simdCalls();
      expect(scanTopLevel(area, anyKeys)?.get('messages')).toBeDefined();
      const topLevel = simdCalls() - start;
      // A span's values (here an element's two short ones) keep the JavaScript walk first.
      const span = [area.indexOf('{"a"'), area.length - 2] as const;
      const inSpanStart = simdCalls();
      expect(scanTopLevel(area, new TopLevelKeys(['a', 'b']), span)?.get('b')).toBeDefined();
      return { topLevel, inSpan: simdCalls() - inSpanStart };
    })?.result;
    expect(inArea).toEqual({ topLevel: 3, inSpan: 0 });
  });

  it('refuses what is not an object', () => {
    for (const text of ['', '[]', '"x"', 'null', '{"a" 1}', '{"a":1,}', '{"a":1} x', '{"a":[1}', '{a:1}']) {
      expect(scanTopLevel(Buffer.from(text), anyKeys), text).toBeUndefined();
    }
  });
});

it('accepts a body nested maxNestingDepth deep and refuses one level more, in any value and any bracket', () => {
  // The top-level object is level 1, so a value may open maxNestingDepth - 1 more.
  const nested = (levels: number, open: string, close: string) =>
    `{"model":"m","messages":[{"content":${open.repeat(levels - 3)}1${close.repeat(levels - 3)}}],"z":0}`;
  for (const [open, close] of [
    ['[', ']'],
    ['{"a":', '}'],
  ] as const) {
    const atLimit = Buffer.from(nested(maxNestingDepth, open, close));
    expect(JSON.parse(atLimit.toString())).toBeDefined();
    expect(scanTopLevel(atLimit, anyKeys)?.get('model')).toBeDefined();
    expect(scanTopLevel(Buffer.from(nested(maxNestingDepth + 1, open, close)), anyKeys)).toBeUndefined();
  }
  // An unwanted key's value is walked, and bounded, all the same.
  const deepUnwanted = `{"model":"m","tools":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
  expect(scanTopLevel(Buffer.from(deepUnwanted), anyKeys)).toBeUndefined();
});

it('refuses a body nested 100 000 deep without recursing, however it ends', () => {
  for (const body of [
    `{"messages":[${'['.repeat(100_000)}]}`,
    `{"messages":${'[{"a":'.repeat(50_000)}1${'}]'.repeat(50_000)}}`,
  ]) {
    expect(scanTopLevel(Buffer.from(body), anyKeys)).toBeUndefined();
    expect(firstElement(Buffer.from(body), [12, body.length - 1])).toBeUndefined();
  }
});

describe('parseSpan', () => {
  it('decodes strings with and without escapes the same way JSON.parse does', () => {
    for (const value of [
      'claude-sonnet-4-6',
      'héllo wörld',
      'with "quotes" and \\ backslash',
      '\u2028 line sep',
      '',
    ]) {
      const body = Buffer.from(JSON.stringify({ value, tail: 'x\\y' }));
      expect(parseSpan(body, scanTopLevel(body, new TopLevelKeys(['value']))?.get('value'))).toBe(value);
    }
  });
});

describe('elementSpans', () => {
  it('gives the span of every element of an array, whitespace and nesting included', () => {
    const body = Buffer.from('{"a": [ 1 , {"b":[2,"]"]}, "x" ] }');
    const top = scanTopLevel(body, new TopLevelKeys(['a']));
    const spans = elementSpans(body, top?.get('a') as Span) ?? [];
    expect(spans.map(([start, end]) => body.toString('utf8', start, end))).toEqual([
      '1',
      '{"b":[2,"]"]}',
      '"x"',
    ]);
    expect(elementSpans(Buffer.from('[]'), [0, 2])).toEqual([]);
    expect(elementSpans(Buffer.from('[ ]'), [0, 3])).toEqual([]);
  });

  it('refuses what is not a well-formed array', () => {
    expect(elementSpans(Buffer.from('{"a":1}'), [0, 7])).toBeUndefined();
    expect(elementSpans(Buffer.from('[1,]'), [0, 4])).toBeUndefined();
    expect(elementSpans(Buffer.from('[1 2]'), [0, 5])).toBeUndefined();
  });
});
