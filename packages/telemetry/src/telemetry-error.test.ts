import { describe, expect, it } from 'vitest';
import { TelemetryError } from './telemetry-error.js';

describe('TelemetryError', () => {
  it('carries a stable code and its cause', () => {
    const cause = new Error('disk full');
    const error = new TelemetryError('CCB_TELEMETRY_FLUSH_FAILED', 'could not flush the log', { cause });
    expect(error.code).toBe('CCB_TELEMETRY_FLUSH_FAILED');
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('TelemetryError');
    expect(error).toBeInstanceOf(Error);
  });

  it('recognises an error branded by another copy of the package', () => {
    const foreign = Object.assign(new Error('x'), {
      [Symbol.for('ccb.error')]: true,
      code: 'CCB_TELEMETRY_INVALID_OPTIONS',
    });
    expect(TelemetryError.is(foreign)).toBe(true);
  });

  it('rejects other ccb errors and plain values', () => {
    const routerError = Object.assign(new Error('x'), {
      [Symbol.for('ccb.error')]: true,
      code: 'CCB_ROUTER_INVALID_TARGET',
    });
    expect(TelemetryError.is(routerError)).toBe(false);
    expect(TelemetryError.is({ code: 'CCB_TELEMETRY_INVALID_OPTIONS' })).toBe(false);
    expect(TelemetryError.is(null)).toBe(false);
  });
});
