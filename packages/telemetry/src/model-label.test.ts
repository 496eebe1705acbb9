import { describe, expect, it } from 'vitest';
import { createModelLabeler, isClaudeFamilyModel } from './model-label.js';
import { TelemetryError } from './telemetry-error.js';

describe('isClaudeFamilyModel', () => {
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
    expect(isClaudeFamilyModel(model)).toBe(true);
  });

  it.each([
    'gpt-4o',
    'deepseek-v4-pro',
    'claude-sonnet',
    'claude-poet-5',
    'claude-opus-5-5; drop table',
    'Claude-Opus-5',
    `claude-opus-${'1-'.repeat(40)}1`,
    'claude-opus-5-5\n',
  ])('rejects %j', (model) => {
    expect(isClaudeFamilyModel(model)).toBe(false);
  });
});

describe('createModelLabeler', () => {
  it('keeps known and Claude-family models and maps the rest to other', () => {
    const label = createModelLabeler({ knownModels: ['glm-5'] });
    expect(label('glm-5')).toBe('glm-5');
    expect(label('claude-sonnet-4-6')).toBe('claude-sonnet-4-6');
    expect(label('kimi-k3')).toBe('other');
    expect(label(undefined)).toBe('none');
  });

  it('stops admitting new family models past the cap but keeps those already admitted', () => {
    const label = createModelLabeler({ maxFamilyModels: 1 });
    expect(label('claude-opus-5-5')).toBe('claude-opus-5-5');
    expect(label('claude-sonnet-5-5')).toBe('other');
    expect(label('claude-opus-5-5')).toBe('claude-opus-5-5');
  });

  it('rejects invalid options with a stable code', () => {
    expect(() => createModelLabeler({ knownModels: [''] })).toThrow(
      expect.objectContaining({ code: 'CCB_TELEMETRY_INVALID_OPTIONS' }),
    );
    expect(() => createModelLabeler({ maxFamilyModels: -1 })).toThrow(TelemetryError);
  });
});
