import { describe, expect, it } from 'vitest';
import { createModelMapper } from './create-model-mapper.js';
import { ProviderError } from './provider-error.js';

describe('createModelMapper', () => {
  it('maps nothing without a model map', () => {
    expect(createModelMapper(undefined, 'p')('claude-opus-5-5')).toBeUndefined();
    expect(createModelMapper({}, 'p')('claude-opus-5-5')).toBeUndefined();
  });

  it('maps exact names and leaves unknown names alone', () => {
    const mapModel = createModelMapper({ 'claude-opus-5-5': 'deepseek-v4-pro' }, 'p');
    expect(mapModel('claude-opus-5-5')).toBe('deepseek-v4-pro');
    expect(mapModel('claude-opus-5-5-20261001')).toBeUndefined();
    expect(mapModel('CLAUDE-OPUS-5-5')).toBeUndefined();
  });

  it('tries exact keys before globs even when a glob comes first in the map', () => {
    const mapModel = createModelMapper({ 'claude-*': 'flash', 'claude-opus-5-5': 'pro' }, 'p');
    expect(mapModel('claude-opus-5-5')).toBe('pro');
    expect(mapModel('claude-sonnet-5-5')).toBe('flash');
  });

  it('uses the first matching glob in map order', () => {
    const mapModel = createModelMapper({ 'claude-opus*': 'pro', 'claude-*': 'flash', '*': 'fallback' }, 'p');
    expect(mapModel('claude-opus-5-5')).toBe('pro');
    expect(mapModel('claude-opus')).toBe('pro');
    expect(mapModel('claude-haiku-5-5')).toBe('flash');
    expect(mapModel('gpt-9')).toBe('fallback');
  });

  it.each([
    ['claude-haiku-*', 'claude-haiku-5-5', true],
    ['claude-haiku-*', 'claude-haiku-', true],
    ['claude-haiku-*', 'claude-haiku', false],
    ['claude-haiku-*', 'xclaude-haiku-5', false],
    ['*-5-5', 'claude-opus-5-5', true],
    ['*-5-5', 'claude-opus-5-6', false],
    ['claude-*-5-*', 'claude-sonnet-5-5', true],
    ['claude-*-5-*', 'claude-sonnet-4-5', false],
    ['claude-*opus*-5', 'claude-x-opus-y-5', true],
    ['claude-*opus*-5', 'claude-opus-5', true],
    ['a*ab', 'ab', false],
    ['ab*ba', 'aba', false],
    ['a*b*b*c', 'abbc', true],
    ['a*b*b*c', 'abc', false],
    ['a**c', 'ac', true],
    ['*', '', true],
    ['claude-opus-5-?', 'claude-opus-5-5', true],
    ['claude-opus-5-?', 'claude-opus-5-55', false],
    ['claude-(opus)+', 'claude-(opus)+', true],
    ['claude-(opus)+', 'claude-opusopus', false],
  ])('glob %s matches %s: %s', (pattern, model, matches) => {
    const mapModel = createModelMapper({ [pattern]: 'mapped' }, 'p');
    expect(mapModel(model)).toBe(matches ? 'mapped' : undefined);
  });

  it('treats regular-expression characters in globs literally', () => {
    const mapModel = createModelMapper({ 'claude.opus+(1)*': 'mapped' }, 'p');
    expect(mapModel('claude.opus+(1)-x')).toBe('mapped');
    expect(mapModel('claudeXopus(1)-x')).toBeUndefined();
  });

  it('returns undefined when a mapping gives the same name, so the body is not rewritten', () => {
    const mapModel = createModelMapper({ 'glm-5': 'glm-5', 'glm-*': 'glm-5' }, 'p');
    expect(mapModel('glm-5')).toBeUndefined();
    expect(mapModel('glm-4')).toBe('glm-5');
  });

  it('rejects empty keys and empty or non-string targets, naming the key', () => {
    const maps: Record<string, string>[] = [
      { '': 'x' },
      { 'claude-*': '' },
      { 'claude-*': 42 as unknown as string },
    ];
    const problems = maps.map((map) => {
      try {
        createModelMapper(map, 'p');
      } catch (error) {
        return ProviderError.is(error, 'CCB_PROVIDER_INVALID') ? error.message : 'wrong error';
      }
      return 'no error';
    });
    expect(problems[0]).toContain('modelMap has an empty model name');
    expect(problems[1]).toContain('modelMap["claude-*"] must be a non-empty model name');
    expect(problems[2]).toContain('modelMap["claude-*"] must be a non-empty model name');
  });
});
