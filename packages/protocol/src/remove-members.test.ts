import { describe, expect, it } from 'vitest';
import { removeMembers } from './remove-members.js';
import { scanTopLevel, TopLevelKeys } from './scan-json.js';

const keys = new TopLevelKeys(['model', 'stream']);

function without(text: string, prefix?: string): string {
  const body = Buffer.from(text);
  const spans = scanTopLevel(body, keys);
  if (spans === undefined) throw new Error('not scanned');
  const found = [spans.get('model'), spans.get('stream')].filter((span) => span !== undefined);
  return removeMembers(body, found, prefix).toString();
}

describe('removeMembers', () => {
  it('removes members anywhere, keeping every other byte', () => {
    expect(without('{"model":"m","max_tokens":5,"stream":true,"messages":[ {"a" :1} ]}')).toBe(
      '{"max_tokens":5,"messages":[ {"a" :1} ]}',
    );
    // The whitespace before the joining comma goes with it: what is left reads as if the member was never sent.
    expect(without('{ "max_tokens" : 5 ,\n  "model" : "m" }')).toBe('{ "max_tokens" : 5 }');
    expect(without('{"a":1 , "model":"m" , "b":2}')).toBe('{"a":1 , "b":2}');
    expect(without('{"stream":false}')).toBe('{}');
  });

  it('handles escaped keys and keys with escaped quotes before them', () => {
    expect(without('{"a\\"b":"x\\\\","mod\\u0065l":"m","z":1}')).toBe('{"a\\"b":"x\\\\","z":1}');
  });

  it('inserts a prefix as the first members', () => {
    expect(without('{"model":"m","max_tokens":5}', '"v":"1"')).toBe('{"v":"1","max_tokens":5}');
    expect(without('{"model":"m"}', '"v":"1"')).toBe('{"v":"1"}');
  });

  it('leaves the body as it is when there is nothing to remove', () => {
    expect(without('{"max_tokens":5}')).toBe('{"max_tokens":5}');
  });
});
