// Anthropic error shapes and the status ↔ type table (https://docs.claude.com/en/api/errors).

const errorTypeByStatus: ReadonlyMap<number, string> = new Map([
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

const defaultMessageByErrorType: ReadonlyMap<string, string> = new Map([
  ['invalid_request_error', 'Invalid request.'],
  ['authentication_error', 'invalid x-api-key'],
  ['billing_error', 'Your credit balance is too low to access the Anthropic API.'],
  ['permission_error', 'Your API key does not have permission to use the specified resource.'],
  ['not_found_error', 'Not Found'],
  ['request_too_large', 'Request exceeds the maximum allowed number of bytes.'],
  ['rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit.'],
  ['api_error', 'Internal server error'],
  ['timeout_error', 'Request timeout'],
  ['overloaded_error', 'Overloaded'],
]);

/** The Anthropic `error.type` the real API uses for `status`: other 5xx are `api_error`, other 4xx `invalid_request_error`. */
export function errorTypeForStatus(status: number): string {
  return errorTypeByStatus.get(status) ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

/** A plausible default `error.message` for an Anthropic error type. */
export function defaultErrorMessage(errorType: string): string {
  return defaultMessageByErrorType.get(errorType) ?? 'Error';
}

/** The JSON body of an HTTP error: `{"type":"error","error":{"type","message"},"request_id"}`. */
export function renderErrorBody(errorType: string, message: string, requestId: string): string {
  return JSON.stringify({ type: 'error', error: { type: errorType, message }, request_id: requestId });
}

/** The `data:` JSON of an `event: error` inside a 200 stream (no `request_id`, as the API sends it). */
export function renderErrorEventData(errorType: string, message: string): string {
  return JSON.stringify({ type: 'error', error: { type: errorType, message } });
}
