import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalTextBlockJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts object keys at every depth and drops whitespace', () => {
    const sent = JSON.parse('{ "b": 1, "a": { "z": [ {"y": true, "x": null} ], "c": "s" } }');
    expect(canonicalJson(sent)).toBe('{"a":{"c":"s","z":[{"x":null,"y":true}]},"b":1}');
  });

  it('gives the same text for the same content sent in another key order', () => {
    const first = { type: 'text', text: 'hi', citations: [{ a: 1, b: 2 }] };
    const second = { citations: [{ b: 2, a: 1 }], text: 'hi', type: 'text' };
    expect(canonicalJson(first)).toBe(canonicalJson(second));
  });

  it('omits the named key at the top level only', () => {
    const block = {
      type: 'text',
      text: 'x',
      cache_control: { type: 'ephemeral' },
      meta: { cache_control: 1 },
    };
    expect(canonicalJson(block, 'cache_control')).toBe(
      '{"meta":{"cache_control":1},"text":"x","type":"text"}',
    );
  });

  it('serialises arrays, strings and numbers as JSON does', () => {
    expect(canonicalJson(['a"b', 1.5, false])).toBe('["a\\"b",1.5,false]');
    expect(canonicalJson('plain')).toBe('"plain"');
  });

  it('renders a plain string exactly like the equivalent text block', () => {
    expect(canonicalTextBlockJson('say "hi"')).toBe(canonicalJson({ type: 'text', text: 'say "hi"' }));
  });
});
