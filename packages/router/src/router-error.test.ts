import { describe, expect, it } from 'vitest';
import { RouterError } from './router-error.js';

describe('RouterError', () => {
  it('carries a stable code and its cause', () => {
    const cause = new Error('root');
    const error = new RouterError('CCB_ROUTER_INVALID_TARGET', 'bad target', { cause });
    expect(error.code).toBe('CCB_ROUTER_INVALID_TARGET');
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('RouterError');
    expect(error).toBeInstanceOf(Error);
  });

  it('recognises errors from another copy of the package by their brand', () => {
    const foreign = Object.assign(new Error('x'), {
      code: 'CCB_ROUTER_UNKNOWN_TARGET',
      [Symbol.for('ccb.error')]: true,
    });
    expect(RouterError.is(foreign)).toBe(true);
  });

  it('rejects other ccb errors and look-alikes without the brand', () => {
    expect(RouterError.is(Object.assign(new Error('x'), { code: 'CCB_ROUTER_UNKNOWN_TARGET' }))).toBe(false);
    expect(
      RouterError.is(
        Object.assign(new Error('x'), { code: 'CCB_CONFIG_INVALID', [Symbol.for('ccb.error')]: true }),
      ),
    ).toBe(false);
    expect(RouterError.is(null)).toBe(false);
    expect(RouterError.is('CCB_ROUTER_UNKNOWN_TARGET')).toBe(false);
  });
});
