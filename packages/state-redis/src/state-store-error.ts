const errorBrand = Symbol.for('ccb.error');

/** Stable codes of the errors `@ccb/state-redis` throws or reports; callers branch on these, never on messages. */
export type StateStoreErrorCode =
  /** Options of `createRedisConnection` or a store are invalid (the message names the field). */
  | 'CCB_STATE_INVALID_OPTIONS'
  /** A batch of writes to Redis failed; reported through `onError` and counted, the local replica keeps serving. */
  | 'CCB_STATE_WRITE_FAILED'
  /** Loading the shared state after a (re)connect failed; retried on the next reconnect. */
  | 'CCB_STATE_LOAD_FAILED'
  /** The connection was used after `close()`. */
  | 'CCB_STATE_CLOSED';

/** Options of a {@link StateStoreError}. */
export interface StateStoreErrorOptions {
  readonly cause?: unknown;
}

/**
 * The one error class of `@ccb/state-redis`. The `Symbol.for('ccb.error')` brand lets {@link StateStoreError.is}
 * recognise errors thrown by another installed copy of this package, where `instanceof` would fail.
 */
export class StateStoreError extends Error {
  readonly code: StateStoreErrorCode;
  readonly [errorBrand] = true;

  constructor(code: StateStoreErrorCode, message: string, options: StateStoreErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StateStoreError';
    this.code = code;
  }

  /** True for a `StateStoreError`, also one from another copy of this package; with `code`, only for that code. */
  static is(value: unknown, code?: StateStoreErrorCode): value is StateStoreError {
    if (typeof value !== 'object' || value === null || !(errorBrand in value) || !('code' in value)) {
      return false;
    }
    const valueCode = value.code;
    return (
      typeof valueCode === 'string' &&
      (code === undefined ? valueCode.startsWith('CCB_STATE_') : valueCode === code)
    );
  }
}
