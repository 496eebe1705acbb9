import { type AnthropicErrorType, anthropicErrorBody } from '@ccb/protocol';
import type { ClientResponse } from './client-response.js';

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
  response: Omit<ClientResponse, 'on'>,
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
