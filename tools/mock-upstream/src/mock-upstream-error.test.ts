import { describe, expect, it } from 'vitest';
import { MockUpstreamError } from './mock-upstream-error.js';

describe('MockUpstreamError', () => {
  it('carries its code and cause', () => {
    const cause = new Error('root');
    const error = new MockUpstreamError('CCB_MOCK_UPSTREAM_CLOSED', 'closed', { cause });
    expect(error).toMatchObject({ code: 'CCB_MOCK_UPSTREAM_CLOSED', cause, name: 'MockUpstreamError' });
  });

  it('recognises a branded error from another copy of the package, and nothing else', () => {
    const foreign = Object.assign(new Error('x'), {
      code: 'CCB_MOCK_UPSTREAM_CLOSED',
      [Symbol.for('ccb.error')]: true,
    });
    expect(MockUpstreamError.is(foreign)).toBe(true);
    expect(MockUpstreamError.is(Object.assign(new Error('x'), { code: 'CCB_MOCK_UPSTREAM_CLOSED' }))).toBe(
      false,
    );
    expect(MockUpstreamError.is({ code: 'CCB_ROUTER_X', [Symbol.for('ccb.error')]: true })).toBe(false);
    expect(MockUpstreamError.is(undefined)).toBe(false);
  });
});
