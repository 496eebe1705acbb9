const errorBrand = Symbol.for('ccb.error');

/** Stable codes of the errors `@ccb/ledger` throws or reports; callers branch on these, never on messages. */
export type LedgerErrorCode =
  /** Options of `createLedger`, `createPricing` or `createBudgets` are invalid (the message names the field). */
  | 'CCB_LEDGER_INVALID_OPTIONS'
  /** A price table or a provider price override is invalid (the message gives the path, e.g. `table[3].price.input`). */
  | 'CCB_LEDGER_INVALID_PRICES'
  /** No SQLite library could be loaded (libsql has no binary here, and Node.js is older than 22.13). */
  | 'CCB_LEDGER_DRIVER_UNAVAILABLE'
  /**
   * The SQLite file could not be opened or prepared (missing directory, permissions, corrupt or newer schema), or
   * the Postgres schema could not be created (no connection, no privilege, a newer schema).
   */
  | 'CCB_LEDGER_OPEN_FAILED'
  /** A batch could not be written; reported through `onError`, the rows are kept for the next flush. */
  | 'CCB_LEDGER_WRITE_FAILED'
  /** Rows were dropped: writes kept failing until the queue held `maxPendingRows` (reported once per outage). */
  | 'CCB_LEDGER_ROWS_DROPPED'
  /**
   * The SQLite ledger's WAL checkpoint worker failed or died; SQLite checkpoints inside the ledger's commits again
   * (short stalls, a bounded WAL). Reported through `onError`.
   */
  | 'CCB_LEDGER_CHECKPOINT_FAILED'
  /** A report query failed in SQLite or Postgres. */
  | 'CCB_LEDGER_QUERY_FAILED'
  /** The ledger was used after `close()`. */
  | 'CCB_LEDGER_CLOSED';

/** Options of a {@link LedgerError}. */
export interface LedgerErrorOptions {
  readonly cause?: unknown;
}

/**
 * The one error class of `@ccb/ledger`. The `Symbol.for('ccb.error')` brand lets {@link LedgerError.is} recognise
 * errors thrown by another installed copy of this package, where `instanceof` would fail.
 */
export class LedgerError extends Error {
  readonly code: LedgerErrorCode;
  readonly [errorBrand] = true;

  constructor(code: LedgerErrorCode, message: string, options: LedgerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LedgerError';
    this.code = code;
  }

  /**
   * True for a `LedgerError`, also one from another copy of this package; with `code`, only for that code.
   * Errors of other `@ccb/*` packages share the brand but not the `CCB_LEDGER_` code prefix.
   */
  static is(value: unknown, code?: LedgerErrorCode): value is LedgerError {
    if (typeof value !== 'object' || value === null || !(errorBrand in value) || !('code' in value)) {
      return false;
    }
    const valueCode = value.code;
    return (
      typeof valueCode === 'string' &&
      (code === undefined ? valueCode.startsWith('CCB_LEDGER_') : valueCode === code)
    );
  }
}

/** The message of a thrown value, for wrapping it in a {@link LedgerError} message. */
export function causeMessage(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
