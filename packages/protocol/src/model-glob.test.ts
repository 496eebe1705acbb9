import { describe, expect, it } from 'vitest';
import { compileModelGlob, compileModelGlobs, type ModelMatcher } from './model-glob.js';

function matcher(globs: readonly string[]): ModelMatcher {
  const compiled = compileModelGlobs(globs);
  if (compiled === undefined) throw new Error('expected a matcher');
  return compiled;
}

describe('compileModelGlobs', () => {
  it('returns no matcher for an absent or empty list, meaning every model', () => {
    expect(compileModelGlobs(undefined)).toBeUndefined();
    expect(compileModelGlobs([])).toBeUndefined();
  });

  it('matches * against any run of characters, including none', () => {
    const matches = matcher(['claude-*']);
    expect(matches('claude-opus-5-5')).toBe(true);
    expect(matches('claude-')).toBe(true);
    expect(matches('my-claude-opus')).toBe(false);
  });

  it('matches ? against exactly one character', () => {
    const matches = matcher(['glm-?']);
    expect(matches('glm-5')).toBe(true);
    expect(matches('glm-')).toBe(false);
    expect(matches('glm-45')).toBe(false);
    expect(matches('glm-é')).toBe(true);
  });

  it('matches the whole name, case-sensitively', () => {
    const matches = matcher(['claude-sonnet-5']);
    expect(matches('claude-sonnet-5')).toBe(true);
    expect(matches('Claude-Sonnet-5')).toBe(false);
    expect(matches('claude-sonnet-5-5')).toBe(false);
  });

  it('treats regular-expression characters literally', () => {
    const matches = matcher(['claude-sonnet-4-5@2025.09(x)+[a]|b']);
    expect(matches('claude-sonnet-4-5@2025.09(x)+[a]|b')).toBe(true);
    expect(matches('claude-sonnet-4-5@2025x09(x)+[a]|b')).toBe(false);
    expect(matches('b')).toBe(false);
  });

  it('matches when any of several globs matches', () => {
    const matches = matcher(['claude-opus-*', 'deepseek-*']);
    expect(matches('deepseek-v4-pro')).toBe(true);
    expect(matches('claude-opus-5')).toBe(true);
    expect(matches('claude-haiku-5-5')).toBe(false);
  });
});

describe('compileModelGlob', () => {
  it('matches one glob with the same rules as a list of one', () => {
    const matches = compileModelGlob('claude-sonnet-4-?*');
    expect(matches('claude-sonnet-4-5-20250929')).toBe(true);
    expect(matches('claude-sonnet-4-')).toBe(false);
    expect(matches('anthropic.claude-sonnet-4-5')).toBe(false);
  });
});
