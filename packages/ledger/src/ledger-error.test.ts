import { describe, expect, it } from 'vitest';
import { LedgerError } from './ledger-error.js';

describe('LedgerError', () => {
  it('carries a stable code, a cause and its name', () => {
    const cause = new Error('SQLITE_CANTOPEN');
    const error = new LedgerError('CCB_LEDGER_OPEN_FAILED', 'Cannot open', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'LedgerError', code: 'CCB_LEDGER_OPEN_FAILED', cause });
  });

  it('recognises a ledger error from another copy of the package by its brand', () => {
    const foreign = Object.assign(new Error('x'), {
      code: 'CCB_LEDGER_CLOSED',
      [Symbol.for('ccb.error')]: true,
    });
    expect(LedgerError.is(foreign)).toBe(true);
    expect(LedgerError.is(foreign, 'CCB_LEDGER_CLOSED')).toBe(true);
    expect(LedgerError.is(foreign, 'CCB_LEDGER_OPEN_FAILED')).toBe(false);
  });

  it('rejects unbranded errors and errors of other ccb packages', () => {
    expect(LedgerError.is(Object.assign(new Error('x'), { code: 'CCB_LEDGER_CLOSED' }))).toBe(false);
    const other = Object.assign(new Error('x'), {
      code: 'CCB_PROXY_UPSTREAM_TIMEOUT',
      [Symbol.for('ccb.error')]: true,
    });
    expect(LedgerError.is(other)).toBe(false);
    expect(LedgerError.is(null)).toBe(false);
  });
});
