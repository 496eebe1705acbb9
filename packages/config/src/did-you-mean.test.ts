import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from './did-you-mean.js';

describe('editDistance', () => {
  it('counts an adjacent transposition as one edit', () => {
    expect(editDistance('stratgey', 'strategy')).toBe(1);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('didYouMean', () => {
  const keys = ['strategy', 'max_attempts', 'first_content_timeout'];

  it('suggests the closest known key for a typo', () => {
    expect(didYouMean('stratgy', keys)).toBe('strategy');
    expect(didYouMean('max_attemps', keys)).toBe('max_attempts');
  });

  it('ignores case and dash-versus-underscore differences', () => {
    expect(didYouMean('Max-Attempts', keys)).toBe('max_attempts');
  });

  it('suggests nothing when no key is close', () => {
    expect(didYouMean('colour', keys)).toBeUndefined();
    expect(didYouMean('x', keys)).toBeUndefined();
  });
});
