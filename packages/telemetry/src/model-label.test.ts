import { describe, expect, it } from 'vitest';
import { createModelLabeler } from './model-label.js';
import { TelemetryError } from './telemetry-error.js';

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
