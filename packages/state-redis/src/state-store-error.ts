const errorBrand = Symbol.for('ccb.error');

/** Stable codes of the errors `@ccb/state-redis` throws or reports; callers branch on these, never on messages. */
export type StateStoreErrorCode =
  /** Options of `createRedisConnection` or a store are invalid (the message names the field). */
  | 'CCB_STATE_INVALID_OPTIONS'
  /** A batch of writes to Redis failed; reported through `onError` and counted, the local replica keeps serving. */
  | 'CCB_STATE_WRITE_FAILED'
  /** Loading the shared state after a (re)connect failed; retried on the next reconnect. */
  | 'CCB_STATE_LOAD_FAILED'
  /**
   * Redis could not be reached for a subscription account's tokens: the account keeps serving on its token file
   * (and that file's lock) until Redis is back. Reported once per outage; never a reason to mark the account dead.
   */
  | 'CCB_STATE_TOKEN_STORE_FALLBACK'
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
    super(message, options.cause === undefined ? undefined : { cause: withoutCommand(options.cause) });
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

/**
 * ioredis puts a failed command's arguments on its error (`command: { name, args }`): for a token write those are the
 * account's tokens, which a debug print of the error (`inspect` with depth) would show. Only the name and message of
 * such an error go on as a cause.
 */
function withoutCommand(cause: unknown): unknown {
  if (!(cause instanceof Error) || !('command' in cause)) return cause;
  const safe = new Error(cause.message);
  safe.name = cause.name;
  return safe;
}
