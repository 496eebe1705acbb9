import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry, supersedes } from './_shared-entry.js';

describe('supersedes', () => {
  it('takes a newer value and keeps an older or equal one', () => {
    const current = { stamp: 100, until: null, payload: 'a' };
    expect(supersedes(current, { stamp: 101, until: null, payload: 'b' })).toBe(true);
    expect(supersedes(current, { stamp: 100, until: null, payload: 'b' })).toBe(false);
    expect(supersedes(current, { stamp: 99, until: null, payload: 'b' })).toBe(false);
    expect(supersedes(undefined, { stamp: 1, until: null, payload: 'b' })).toBe(true);
  });

  it('does not let a newer, shorter period cut a longer one still running', () => {
    const running = { stamp: 100, until: 10_000, payload: 'long' };
    expect(supersedes(running, { stamp: 200, until: 5_000, payload: 'short' })).toBe(false);
    expect(supersedes(running, { stamp: 200, until: 20_000, payload: 'longer' })).toBe(true);
    // A close or reset has no period: newer wins.
    expect(supersedes(running, { stamp: 200, until: null, payload: 'closed' })).toBe(true);
    // Once the running one ended, any newer period wins.
    expect(supersedes(running, { stamp: 10_001, until: 10_500, payload: 'later' })).toBe(true);
  });
});

describe('encodeEntry and decodeEntry', () => {
  it('round-trip, payloads with separators included', () => {
    const entry = { stamp: 1_765_000_000_000, until: null, payload: '{"a":"x|y"}' };
    expect(decodeEntry(encodeEntry(entry))).toEqual(entry);
    expect(decodeEntry(encodeEntry({ ...entry, until: 5 }))).toEqual({ ...entry, until: 5 });
  });

  it('refuses text that is not an entry', () => {
    expect(decodeEntry('hello')).toBeUndefined();
    expect(decodeEntry('x|y|z')).toBeUndefined();
  });
});
