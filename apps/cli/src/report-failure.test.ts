import { ConfigError } from '@ccb/config';
import { ProxyError } from '@ccb/proxy';
import { describe, expect, it } from 'vitest';
import { CliError, usageError } from './cli-error.js';
import { describeFailure, isDebugEnabled } from './report-failure.js';

describe('describeFailure', () => {
  it('prints a CliError as it is, exit 1 for a failure and 2 for a usage error', () => {
    expect(describeFailure(new CliError('refusing to listen'))).toEqual({
      lines: ['refusing to listen'],
      exitCode: 1,
      bug: false,
    });
    expect(describeFailure(usageError('ccb has no flag --prot; did you mean --port?'))).toEqual({
      lines: ['ccb has no flag --prot; did you mean --port?'],
      exitCode: 2,
      bug: false,
    });
  });

  it('gives each problem of a config its own line', () => {
    const error = new ConfigError({
      code: 'CCB_CONFIG_INVALID',
      source: 'ccb.yaml',
      issues: [
        { path: 'routing.stratgy', message: 'unknown key, did you mean strategy?', line: 4, column: 3 },
        { path: 'server.port', message: 'must be at most 65535', line: 1, column: 9 },
      ],
    });
    expect(describeFailure(error)).toEqual({
      lines: [
        'ccb.yaml:4:3 routing.stratgy: unknown key, did you mean strategy?',
        'ccb.yaml:1:9 server.port: must be at most 65535',
      ],
      exitCode: 1,
      bug: false,
    });
  });

  it('adds how to fix a system cause to a library error (a port in use)', () => {
    const cause = Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:8000'), {
      code: 'EADDRINUSE',
      syscall: 'listen',
    });
    const error = new ProxyError(
      'CCB_PROXY_LISTEN_FAILED',
      `cannot listen on 127.0.0.1:8000: ${cause.message}`,
      {
        cause,
      },
    );
    const [line] = describeFailure(error).lines;
    expect(line).toMatch(/^cannot listen on 127\.0\.0\.1:8000: .*EADDRINUSE.*; another process/);
    expect(line).toContain('choose another port with --port or server.port');
  });

  it('describes a bare system error in one line', () => {
    const error = Object.assign(new Error('EISDIR: illegal operation on a directory, read'), {
      code: 'EISDIR',
      syscall: 'read',
    });
    expect(describeFailure(error)).toEqual({
      lines: ['cannot read: it is a folder, not a file (EISDIR); name a file'],
      exitCode: 1,
      bug: false,
    });
  });

  it('calls anything else a bug, in one line that says how to see the stack', () => {
    const failure = describeFailure(new TypeError("Cannot read properties of undefined (reading 'x')\nmore"));
    expect(failure.bug).toBe(true);
    expect(failure.exitCode).toBe(1);
    expect(failure.lines).toEqual([
      "internal error: Cannot read properties of undefined (reading 'x') (this is a bug in ccb: run again with CCB_DEBUG=1 to see the stack trace, and please report it)",
    ]);
    expect(describeFailure('thrown string', { debug: true }).lines[0]).toContain('the stack trace follows');
  });
});

describe('isDebugEnabled', () => {
  it('is on for CCB_DEBUG=1 and off when unset, empty, 0 or false', () => {
    expect(isDebugEnabled({ CCB_DEBUG: '1' })).toBe(true);
    expect(isDebugEnabled({})).toBe(false);
    expect(isDebugEnabled({ CCB_DEBUG: '' })).toBe(false);
    expect(isDebugEnabled({ CCB_DEBUG: '0' })).toBe(false);
    expect(isDebugEnabled({ CCB_DEBUG: 'false' })).toBe(false);
  });
});
