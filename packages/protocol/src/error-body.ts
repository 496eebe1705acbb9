/** Anthropic's error types (https://docs.claude.com/en/api/errors) plus `request_too_large`, which the API also sends. */
export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error'
  | 'timeout_error'
  | 'billing_error';

/** What an upstream error body says, as far as it could be read. */
export interface ErrorBody {
  /** `error.type`, e.g. `rate_limit_error`. */
  readonly type?: string | undefined;
  readonly message?: string | undefined;
  /** `error.details.error_code`, e.g. `enforced_spend_limit_reached`. */
  readonly code?: string | undefined;
}

const errorTypeByStatus: ReadonlyMap<number, AnthropicErrorType> = new Map([
  [400, 'invalid_request_error'],
  [401, 'authentication_error'],
  [402, 'billing_error'],
  [403, 'permission_error'],
  [404, 'not_found_error'],
  [413, 'request_too_large'],
  [429, 'rate_limit_error'],
  [500, 'api_error'],
  [504, 'timeout_error'],
  [529, 'overloaded_error'],
]);

/**
 * Whether a parsed body is in Anthropic's error shape, `{"type":"error","error":{"type":…,"message":…}}`, as SDKs and
 * Claude Code read it: what an upstream answered in that shape is relayed as it is.
 */
export function isAnthropicErrorBody(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { type, error } = value as { type?: unknown; error?: unknown };
  return (
    type === 'error' &&
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { type?: unknown }).type === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

/** The `error.type` the API sends with `status` (https://docs.claude.com/en/api/errors): other 5xx are `api_error`, other 4xx `invalid_request_error`. */
export function errorTypeForStatus(status: number): AnthropicErrorType {
  return errorTypeByStatus.get(status) ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

/** The JSON text of an Anthropic error: `{"type":"error","error":{"type":…,"message":…},"request_id":…}`. */
export function anthropicErrorBody(type: string, message: string, requestId?: string): string {
  const body: Record<string, unknown> = { type: 'error', error: { type, message } };
  if (requestId !== undefined) body.request_id = requestId;
  return JSON.stringify(body);
}

/** Error bodies larger than this are not parsed: real ones are a few hundred bytes. */
export const maxReadableErrorBytes = 64 * 1024;
const nothing: ErrorBody = Object.freeze({});

/**
 * The `error.type`, `error.message` and `error.details.error_code` of an Anthropic-shaped error body (decoded, not
 * compressed), tolerant of anything else: HTML from a gateway, `{"error":"text"}` from a compatible provider, or
 * nothing at all give what could be read, never an exception.
 */
export function readErrorBody(body: Buffer): ErrorBody {
  if (body.length === 0 || body.length > maxReadableErrorBytes) return nothing;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return nothing;
  }
  if (typeof parsed !== 'object' || parsed === null) return nothing;
  const error = (parsed as { error?: unknown }).error;
  if (typeof error === 'string') return { message: error };
  if (typeof error !== 'object' || error === null) return nothing;
  const { type, message, details } = error as { type?: unknown; message?: unknown; details?: unknown };
  const code = (details as { error_code?: unknown } | null | undefined)?.error_code;
  return {
    type: typeof type === 'string' ? type : undefined,
    message: typeof message === 'string' ? message : undefined,
    code: typeof code === 'string' ? code : undefined,
  };
}
