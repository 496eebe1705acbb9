import type { ServerResponse } from 'node:http';

/** Anthropic's error types (https://docs.claude.com/en/api/errors) plus `request_too_large`. */
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

/** The JSON body of an Anthropic error. */
export function anthropicErrorBody(type: string, message: string, requestId?: string): string {
  const body: Record<string, unknown> = { type: 'error', error: { type, message } };
  if (requestId !== undefined) body.request_id = requestId;
  return JSON.stringify(body);
}

/** The bytes of an SSE `error` event, to end a stream that already started. */
export function sseErrorEvent(type: string, message: string): Buffer {
  return Buffer.from(
    `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type, message } })}\n\n`,
  );
}

/** What else an error answer carries. */
export interface ErrorOptions {
  /** The request's id: sent as `x-request-id` and as `request_id` in the body. */
  readonly requestId?: string | undefined;
  /** More headers, as a flat `[name, value, …]` list. */
  readonly headers?: readonly string[];
}

/**
 * Answers with an error synthesised by ccb, in Anthropic's shape, unless the response already started. Headers go
 * to `writeHead` as one flat list, never through `setHeader`: once a header is set that way, Node validates and
 * re-adds every header of every later `writeHead` one by one.
 */
export function sendError(
  response: ServerResponse,
  status: number,
  type: AnthropicErrorType,
  message: string,
  options: ErrorOptions = {},
): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const { requestId, headers = [] } = options;
  const body = anthropicErrorBody(type, message, requestId);
  response.writeHead(status, [
    ...headers,
    ...(requestId === undefined ? [] : ['x-request-id', requestId]),
    'content-type',
    'application/json',
    'content-length',
    String(Buffer.byteLength(body)),
  ]);
  response.end(body);
}
