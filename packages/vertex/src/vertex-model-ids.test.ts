import { describe, expect, it } from 'vitest';
import { vertexModelId } from './vertex-model-ids.js';

describe('vertexModelId', () => {
  it('maps aliases and dated Anthropic ids to Vertex snapshots', () => {
    expect(vertexModelId('claude-sonnet-4-5')).toBe('claude-sonnet-4-5@20250929');
    expect(vertexModelId('claude-sonnet-4-5-20250929')).toBe('claude-sonnet-4-5@20250929');
    expect(vertexModelId('claude-opus-4-0')).toBe('claude-opus-4@20250514');
    expect(vertexModelId('claude-opus-4-20250514')).toBe('claude-opus-4@20250514');
    expect(vertexModelId('claude-3-7-sonnet-latest')).toBe('claude-3-7-sonnet@20250219');
    expect(vertexModelId('claude-haiku-4-5')).toBe('claude-haiku-4-5@20251001');
  });

  it('sends undated ids, Vertex ids and other names as they are', () => {
    expect(vertexModelId('claude-opus-4-6')).toBe('claude-opus-4-6');
    expect(vertexModelId('claude-sonnet-4-5@20250929')).toBe('claude-sonnet-4-5@20250929');
    expect(vertexModelId('gemini-2.5-pro')).toBe('gemini-2.5-pro');
  });
});
