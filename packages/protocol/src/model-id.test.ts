import { describe, expect, it } from 'vitest';
import { isPlainClaudeModelId, parseModelId } from './model-id.js';

describe('parseModelId', () => {
  it.each([
    ['claude-sonnet-4-6', 'claude-sonnet-4-6'],
    ['claude-sonnet-4-6-20260101', 'claude-sonnet-4-6'],
    ['claude-sonnet-4-5@20250929', 'claude-sonnet-4-5'],
    ['anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5'],
    ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5'],
    ['global.anthropic.claude-opus-4-6-v1', 'claude-opus-4-6'],
    ['claude-3-7-sonnet-20250219', 'claude-sonnet-3-7'],
    ['claude-3-7-sonnet-latest', 'claude-sonnet-3-7'],
    ['claude-3-5-haiku-latest', 'claude-haiku-3-5'],
    ['claude-3-5-haiku-20241022', 'claude-haiku-3-5'],
    ['claude-3-haiku-20240307', 'claude-haiku-3'],
    ['anthropic.claude-3-haiku-20240307-v1:0', 'claude-haiku-3'],
    ['claude-opus-4-1', 'claude-opus-4-1'],
    ['claude-opus-4-1-20250805', 'claude-opus-4-1'],
    ['claude-opus-4-20250514', 'claude-opus-4'],
    ['claude-opus-4-0', 'claude-opus-4'],
    ['claude-sonnet-4@20250514', 'claude-sonnet-4'],
    ['claude-opus-5-5', 'claude-opus-5-5'],
    ['claude-opus-5', 'claude-opus-5'],
    ['claude-haiku-5-5-20261001', 'claude-haiku-5-5'],
    ['claude-fable-5-1', 'claude-fable-5-1'],
    ['claude-mythos-5', 'claude-mythos-5'],
    ['anthropic/claude-sonnet-4.5', 'claude-sonnet-4-5'],
    ['anthropic/claude-3.7-sonnet', 'claude-sonnet-3-7'],
    ['Claude-Sonnet-4-6', 'claude-sonnet-4-6'],
    ['claude-sonnet-4-6[1m]', 'claude-sonnet-4-6'],
  ])('reads %s as %s', (model, canonical) => {
    expect(parseModelId(model)?.canonical).toBe(canonical);
  });

  it.each([
    'deepseek-v4-pro',
    'glm-4.6',
    'claude-2.1',
    'claude-instant-1.2',
    'sonnet-4-6',
    'myclaude-sonnet-4-6',
    'claude-sonnet-4-5x',
    'claude-sonnet-4-5-1',
    'claude-sonnet',
    '',
  ])('finds no versioned Claude model in %j', (model) => {
    expect(parseModelId(model)?.canonical).toBeUndefined();
  });

  it.each([
    'claude-haiku-4-5-20251001',
    'claude-haiku-5-5',
    'claude-3-5-haiku-20241022',
    'claude-3-haiku-20240307',
    'us.anthropic.claude-3-5-haiku-20241022-v1:0',
    'anthropic/claude-haiku-4.5',
    'claude-haiku-4-5@20251001',
    'claude-haiku-latest',
    'CLAUDE-HAIKU-4-5',
  ])('reads the haiku family in %s', (model) => {
    expect(parseModelId(model)?.family).toBe('haiku');
  });

  it.each(['claude-sonnet-4-5', 'haiku', 'claude-haikus-1', 'not-claude-haiku-1', 'myclaude-haiku-4'])(
    'does not read the haiku family in %s',
    (model) => {
      expect(parseModelId(model)?.family).not.toBe('haiku');
    },
  );

  it('gives the version as numbers, and no canonical name without one', () => {
    expect(parseModelId('claude-3-7-sonnet-latest')).toEqual({
      family: 'sonnet',
      major: 3,
      minor: 7,
      canonical: 'claude-sonnet-3-7',
    });
    expect(parseModelId('claude-opus-latest')).toEqual({
      family: 'opus',
      major: undefined,
      minor: undefined,
      canonical: undefined,
    });
  });
});

describe('isPlainClaudeModelId', () => {
  it.each([
    'claude-sonnet-4-6',
    'claude-opus-5-5',
    'claude-haiku-4-5-20251001',
    'claude-fable-5-2',
    'claude-mythos-5-2',
    'claude-opus-5',
    'claude-3-5-sonnet-20241022',
    'claude-3-haiku-20240307',
    'claude-3-opus',
  ])('accepts %s', (model) => {
    expect(isPlainClaudeModelId(model)).toBe(true);
  });

  it.each([
    'gpt-4o',
    'deepseek-v4-pro',
    'claude-sonnet',
    'claude-poet-5',
    'claude-opus-5-5; drop table',
    'Claude-Opus-5',
    'anthropic.claude-opus-5',
    `claude-opus-5-${'1'.repeat(60)}`,
    'claude-opus-5-5\n',
  ])('rejects %j', (model) => {
    expect(isPlainClaudeModelId(model)).toBe(false);
  });
});
