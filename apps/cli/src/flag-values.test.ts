import { describe, expect, it } from 'vitest';
import { checkFlagValue, parsePortFlag, parseRateFlag } from './flag-values.js';

function usageMessage(check: () => unknown): string {
  try {
    check();
  } catch (error) {
    expect((error as { code?: string }).code).toBe('CCB_CLI_USAGE');
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
}

describe('parsePortFlag', () => {
  it('takes whole numbers from 0 to 65535', () => {
    expect(parsePortFlag('0')).toBe(0);
    expect(parsePortFlag('8000')).toBe(8000);
    expect(parsePortFlag('65535')).toBe(65_535);
  });

  it('refuses what Number would quietly accept or misread', () => {
    for (const value of ['99999', '65536', '-1', '80.5', '0x1f', '1e3', ' 80', 'abc']) {
      expect(usageMessage(() => parsePortFlag(value))).toBe(
        `--port must be a whole number from 0 to 65535 (0 picks a free port); got "${value}"`,
      );
    }
  });
});

describe('parseRateFlag', () => {
  it('takes a share from 0 to 1', () => {
    expect(parseRateFlag('0')).toBe(0);
    expect(parseRateFlag('.5')).toBe(0.5);
    expect(parseRateFlag('1')).toBe(1);
  });

  it('refuses words, negative numbers and shares above 1', () => {
    for (const value of ['abc', '-0.1', '1.5', 'NaN', '50%']) {
      expect(usageMessage(() => parseRateFlag(value))).toContain('--flaky-rate must be a number from 0 to 1');
    }
  });
});

describe('checkFlagValue', () => {
  it('refuses an empty value for any flag', () => {
    expect(usageMessage(() => checkFlagValue('config', ''))).toBe(
      '--config needs a value; got an empty string',
    );
  });

  it('suggests the closest choice for a misspelt one', () => {
    expect(usageMessage(() => checkFlagValue('by', 'modle'))).toBe(
      '--by must be one of provider, model, day, key, session; got "modle", did you mean model?',
    );
    expect(usageMessage(() => checkFlagValue('log-format', 'jsn'))).toContain('did you mean json?');
  });

  it('takes log levels in any case, as the config does', () => {
    expect(() => checkFlagValue('log-level', 'DEBUG')).not.toThrow();
  });

  it('checks durations and URLs', () => {
    expect(() => checkFlagValue('since', '36h')).not.toThrow();
    expect(usageMessage(() => checkFlagValue('since', 'nonsense'))).toContain('--since must be a duration');
    expect(() => checkFlagValue('url', 'https://ccb.internal:8443')).not.toThrow();
    expect(usageMessage(() => checkFlagValue('url', '127.0.0.1:8000'))).toContain(
      '--url must be an http:// or https:// URL',
    );
  });

  it('leaves flags without a rule alone', () => {
    expect(() => checkFlagValue('host', '0.0.0.0')).not.toThrow();
  });
});
