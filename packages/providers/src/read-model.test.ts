import { describe, expect, it } from 'vitest';
import { readModel } from './read-model.js';

describe('readModel', () => {
  it('reads the top-level model and ignores nested ones', () => {
    expect(readModel(Buffer.from('{"metadata":{"model":"n"},"model":"claude-opus-5-5"}'))).toBe(
      'claude-opus-5-5',
    );
  });

  it('decodes escapes and non-ASCII characters in the value', () => {
    expect(readModel(Buffer.from('{"model":"claude-\\u0073onnet \\"q\\" \\\\ ä😀"}'))).toBe(
      'claude-sonnet "q" \\ ä😀',
    );
  });

  it('returns undefined for a value with an invalid escape', () => {
    expect(readModel(Buffer.from('{"model":"bad \\x escape"}'))).toBeUndefined();
  });

  it('reads the first of duplicate top-level model keys', () => {
    expect(readModel(Buffer.from('{"model":"a","model":"b"}'))).toBe('a');
  });
});
