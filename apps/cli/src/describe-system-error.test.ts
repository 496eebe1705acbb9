import { describe, expect, it } from 'vitest';
import { describeSystemError, isSystemError, systemErrorFix } from './describe-system-error.js';

function systemError(fields: Record<string, unknown>, message = 'system error'): Error {
  return Object.assign(new Error(message), fields);
}

describe('describeSystemError', () => {
  it('says which operation failed on which path, what it means and what to do', () => {
    const error = systemError({ code: 'ENOENT', syscall: 'open', path: '/srv/ccb/ccb.yaml' });
    expect(isSystemError(error)).toBe(true);
    expect(describeSystemError(error as never)).toBe(
      'cannot open /srv/ccb/ccb.yaml: no such file or folder (ENOENT); check the path; a folder on it may be missing',
    );
  });

  it('gives a refused listen a fix about the port, not about file permissions', () => {
    const error = systemError({ code: 'EACCES', syscall: 'listen', address: '0.0.0.0', port: 80 });
    expect(describeSystemError(error as never)).toBe(
      'cannot listen on 0.0.0.0:80: permission denied (EACCES); ports below 1024 need privileges; choose another port with --port or server.port (1024 or above)',
    );
    expect(systemErrorFix(systemError({ code: 'EADDRINUSE', syscall: 'listen' }))).toContain('--port');
  });

  it("falls back to Node's wording for an errno it does not know", () => {
    const error = systemError(
      { code: 'EXDEV', syscall: 'rename', path: '/a' },
      "EXDEV: cross-device link not permitted, rename '/a' -> '/b'",
    );
    expect(describeSystemError(error as never)).toBe(
      'cannot rename /a: cross-device link not permitted (EXDEV)',
    );
  });

  it('does not take an error without a syscall for a system error', () => {
    expect(isSystemError(systemError({ code: 'ERR_INVALID_ARG_TYPE' }))).toBe(false);
    expect(systemErrorFix(new Error('plain'))).toBeUndefined();
  });
});
