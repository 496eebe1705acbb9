import { describe, expect, it } from 'vitest';
import { modelFamily } from './model-family.js';

describe('modelFamily', () => {
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
  ])('reads %s as family %s', (model, family) => {
    expect(modelFamily(model)).toBe(family);
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
  ])('finds no family in %j', (model) => {
    expect(modelFamily(model)).toBeUndefined();
  });
});
