import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { formatConfigIssue } from './format-config-issue.js';

describe('formatConfigIssue', () => {
  const issue = { path: 'routing.strategy', message: 'bad', line: 3, column: 5 };

  it('leads with file, line and column when the file is known', () => {
    expect(formatConfigIssue(issue, 'ccb.yaml')).toBe('ccb.yaml:3:5 routing.strategy: bad');
    expect(formatConfigIssue({ path: '', message: 'bad', line: 1, column: 2 }, 'ccb.yaml')).toBe(
      'ccb.yaml:1:2: bad',
    );
    expect(formatConfigIssue({ path: 'a', message: 'bad' }, 'ccb.yaml')).toBe('ccb.yaml a: bad');
  });

  it('follows the path with the position when there is no file', () => {
    expect(formatConfigIssue(issue)).toBe('routing.strategy (line 3, col 5): bad');
    expect(formatConfigIssue({ path: 'a', message: 'bad' })).toBe('a: bad');
    expect(formatConfigIssue({ path: '', message: 'bad' })).toBe('bad');
  });
});

describe('ConfigError', () => {
  it('puts one formatted issue per line in its message', () => {
    const error = new ConfigError({
      code: 'CCB_CONFIG_INVALID',
      source: 'ccb.yaml',
      issues: [
        { path: 'a', message: 'one', line: 1, column: 1 },
        { path: 'b', message: 'two', line: 2, column: 3 },
      ],
    });
    expect(error.message).toBe('ccb.yaml:1:1 a: one\nccb.yaml:2:3 b: two');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ConfigError');
    expect(error.source).toBe('ccb.yaml');
  });

  it('is recognised by its brand, even from another copy of the package', () => {
    const foreign = Object.assign(new Error('x'), {
      [Symbol.for('ccb.config.error')]: true,
      code: 'CCB_CONFIG_READ',
    });
    expect(ConfigError.is(foreign)).toBe(true);
    expect(ConfigError.is(new Error('x'))).toBe(false);
    expect(ConfigError.is(Object.assign(new Error('x'), { [Symbol.for('ccb.error')]: true }))).toBe(false);
    expect(ConfigError.is(null)).toBe(false);
    const own = new ConfigError({ code: 'CCB_CONFIG_READ', issues: [{ path: '', message: 'x' }] });
    expect(ConfigError.is(own)).toBe(true);
    expect((own as unknown as Record<symbol, unknown>)[Symbol.for('ccb.error')]).toBe(true);
  });
});
