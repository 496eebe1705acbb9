import { describe, expect, it } from 'vitest';
import type { Span } from './scan-json.js';
import { withoutMembersNamed } from './without-members-named.js';

const key = 'cache_control';
const marker = { type: 'ephemeral' };

/** The text `withoutMembersNamed` leaves of all of `text`. */
function without(text: string, span?: Span): string {
  const body = Buffer.from(text);
  return Buffer.concat(withoutMembersNamed(body, span ?? [0, body.length], key)).toString();
}

/** `value` with every member named `key` deleted, at any depth. */
function stripped(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripped);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([name]) => name !== key)
      .map(([name, member]) => [name, stripped(member)]),
  );
}

/** A small seeded generator, so a failure names the case that found it. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function randomValue(next: () => number, depth: number): unknown {
  const pick = next();
  if (depth > 3 || pick < 0.3) {
    const leaves = [1, 'text', 'cache_control', 'say "cache_control": no', null, true, 'a\\b'];
    return leaves[Math.floor(next() * leaves.length)];
  }
  if (pick < 0.55) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
  const object: Record<string, unknown> = {};
  const names = ['type', 'text', key, 'content', 'x'];
  for (let count = Math.floor(next() * 5); count > 0; count--) {
    const name = names[Math.floor(next() * names.length)] as string;
    object[name] = name === key ? marker : randomValue(next, depth + 1);
  }
  return object;
}

describe('withoutMembersNamed', () => {
  it('removes the member at any depth with the comma before it, or after it when it comes first', () => {
    expect(without('{"a":1,"cache_control":{"type":"ephemeral"}}')).toBe('{"a":1}');
    expect(without('{"cache_control":{"type":"ephemeral"},"a":1}')).toBe('{"a":1}');
    expect(without('{"cache_control":{"type":"ephemeral"}}')).toBe('{}');
    expect(without('[{"t":"x","cache_control":{}},{"cache_control":{},"t":"y"}]')).toBe(
      '[{"t":"x"},{"t":"y"}]',
    );
    expect(without('{\n  "a": 1,\n  "cache_control": { "type": "ephemeral" }\n}')).toBe('{\n  "a": 1\n}');
    expect(without('{\n  "cache_control": { "type": "ephemeral" },\n  "a": 1\n}')).toBe('{\n  "a": 1\n}');
  });

  it('keeps the name where it is a string value, text inside a string or the end of another key', () => {
    for (const text of [
      '{"text":"cache_control"}',
      '["cache_control", 1]',
      '{"text":"a \\"cache_control\\": b"}',
      '{"a\\"cache_control":1,"b":2}',
      '{"x_cache_control":1}',
    ]) {
      expect(without(text)).toBe(text);
    }
  });

  it('removes repeated members, and reads any JSON whitespace around the colon and between members', () => {
    expect(without('{"cache_control":1,"cache_control":2,"a":1}')).toBe('{"a":1}');
    expect(without('{"a":1,"cache_control":1,"cache_control":2}')).toBe('{"a":1}');
    expect(without('{"a":1 , "cache_control" : 1 , "b":2}')).toBe('{"a":1 , "b":2}');
    expect(without('{\r\n\t"a": 1,\r\n\t"cache_control": {}\r\n}')).toBe('{\r\n\t"a": 1\r\n}');
  });

  it('walks a long value with the SIMD walk, at any offset in the body', () => {
    const long = { type: 'ephemeral', note: 'x'.repeat(400), nested: [{ a: '}]"' }] };
    const inner = JSON.stringify({ text: 't', cache_control: long, after: 1 });
    const text = `{"pad":"${'p'.repeat(1000)}","value":${inner}}`;
    const start = text.indexOf('{"text"');
    expect(without(text, [start, start + inner.length])).toBe('{"text":"t","after":1}');
    // The same value cut short by its span is kept whole.
    expect(without(text, [start, start + inner.length - 20])).toBe(inner.slice(0, -20));
  });

  it('stays inside the span', () => {
    const text = '{"a":{"cache_control":1,"b":2},"cache_control":3}';
    const start = text.indexOf('{', 1);
    const end = text.indexOf('}') + 1;
    expect(without(text, [start, end])).toBe('{"b":2}');
  });

  it('keeps a member whose value does not end, and whatever follows it', () => {
    expect(without('{"a":1,"cache_control":{"type":"ephemeral"')).toBe(
      '{"a":1,"cache_control":{"type":"ephemeral"',
    );
  });

  it('spells what JSON.stringify gives for the value without those members, over random values', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const value = randomValue(random(seed), 0);
      const text = JSON.stringify(value);
      const kept = without(text);
      expect(kept, `seed ${seed}: ${text}`).toBe(JSON.stringify(stripped(value)));
      // Indented bodies keep their own formatting, and parse to the same value.
      expect(JSON.parse(without(JSON.stringify(value, null, 2))), `seed ${seed}`).toEqual(stripped(value));
    }
  });
});
