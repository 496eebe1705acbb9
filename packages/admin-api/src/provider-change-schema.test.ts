import { describe, expect, it } from 'vitest';
import { persistQuerySchema, providerPatchSchema } from './provider-change-schema.js';

describe('providerPatchSchema', () => {
  it('takes any non-empty set of weight, priority and enabled', () => {
    expect(providerPatchSchema.parse({ weight: 3 })).toEqual({ weight: 3 });
    expect(providerPatchSchema.parse({ priority: 0, enabled: false })).toEqual({
      priority: 0,
      enabled: false,
    });
    expect(providerPatchSchema.parse({ weight: 1, priority: 2, enabled: true })).toEqual({
      weight: 1,
      priority: 2,
      enabled: true,
    });
  });

  it('refuses an empty body, naming the fields it takes', () => {
    const result = providerPatchSchema.safeParse({});
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('name at least one of weight, priority, enabled');
  });

  it('refuses an unknown field instead of ignoring it', () => {
    const result = providerPatchSchema.safeParse({ wieght: 3 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['wieght'] });
  });

  it('holds the configuration file’s bounds, so a persisted change is a valid file', () => {
    for (const body of [
      { weight: 0 },
      { weight: 1.5 },
      { weight: -1 },
      { priority: -1 },
      { priority: 0.5 },
      { enabled: 'false' },
      { weight: '2' },
    ]) {
      expect(providerPatchSchema.safeParse(body).success, JSON.stringify(body)).toBe(false);
    }
  });

  it('refuses what is not an object', () => {
    for (const body of [null, [], 'weight=3', 3]) {
      expect(providerPatchSchema.safeParse(body).success).toBe(false);
    }
  });
});

describe('persistQuerySchema', () => {
  it('reads true and false, and defaults to false', () => {
    expect(persistQuerySchema.parse('true')).toBe(true);
    expect(persistQuerySchema.parse('false')).toBe(false);
    expect(persistQuerySchema.parse(undefined)).toBe(false);
  });

  it('refuses any other spelling', () => {
    for (const value of ['1', 'yes', 'TRUE', ''])
      expect(persistQuerySchema.safeParse(value).success).toBe(false);
  });
});
